"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const config_1 = require("../../../libs/config/src");
const common_1 = require("../../../libs/common/src");
const create_worker_app_1 = require("./create-worker-app");
async function main() {
    const config = (0, config_1.loadConfig)('worker');
    const logger = (0, common_1.createLogger)(config, 'worker');
    const app = await (0, create_worker_app_1.createWorkerApp)(config, logger);
    for (const signal of ['SIGTERM', 'SIGINT']) {
        process.once(signal, () => {
            logger.info({ signal }, 'worker shutting down');
            app
                .close()
                .then(() => process.exit(0))
                .catch((error) => {
                logger.error({ err: error }, 'worker shutdown failed');
                process.exit(1);
            });
        });
    }
}
main().catch((error) => {
    process.stderr.write(`worker failed to start: ${error.message}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map