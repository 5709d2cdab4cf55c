"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createWorkerApp = createWorkerApp;
const core_1 = require("@nestjs/core");
const common_1 = require("../../../libs/common/src");
const worker_module_1 = require("./worker.module");
async function createWorkerApp(config, logger) {
    const app = await core_1.NestFactory.createApplicationContext(worker_module_1.WorkerModule.forRoot(config, logger, new common_1.ServiceMetrics('worker')), {
        logger: new common_1.PinoNestLogger(logger.child({ component: 'nest' })),
    });
    await app.init();
    return app;
}
//# sourceMappingURL=create-worker-app.js.map