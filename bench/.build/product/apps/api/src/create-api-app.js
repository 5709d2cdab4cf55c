"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createApiApp = createApiApp;
const core_1 = require("@nestjs/core");
const platform_fastify_1 = require("@nestjs/platform-fastify");
const common_1 = require("../../../libs/common/src");
const api_module_1 = require("./api.module");
async function createApiApp(config, logger) {
    const adapter = new platform_fastify_1.FastifyAdapter({
        bodyLimit: config.http.bodyLimitBytes,
        trustProxy: config.http.trustProxy,
        genReqId: (request) => (0, common_1.requestIdFrom)(request),
        logger: false,
        return503OnClosing: true,
    });
    const metrics = new common_1.ServiceMetrics('api');
    const app = await core_1.NestFactory.create(api_module_1.ApiModule.forRoot(config, logger, metrics), adapter, {
        logger: new common_1.PinoNestLogger(logger.child({ component: 'nest' })),
        bufferLogs: false,
    });
    const fastify = app.getHttpAdapter().getInstance();
    (0, common_1.registerRequestLogging)(fastify, logger, metrics);
    (0, common_1.registerSecurityHeaders)(fastify);
    app.useGlobalFilters(new common_1.HttpExceptionFilter(logger));
    app.enableShutdownHooks();
    return app;
}
//# sourceMappingURL=create-api-app.js.map