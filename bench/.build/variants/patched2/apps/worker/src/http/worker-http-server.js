"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.WorkerHttpServer = void 0;
const common_1 = require("@nestjs/common");
const node_http_1 = require("node:http");
const config_1 = require("../../../../libs/config/src");
const common_2 = require("../../../../libs/common/src");
const db_1 = require("../../../../libs/db/src");
const queue_1 = require("../../../../libs/queue/src");
let WorkerHttpServer = class WorkerHttpServer {
    config;
    logger;
    metrics;
    redis;
    prisma;
    producer;
    server;
    constructor(config, logger, metrics, redis, prisma, producer) {
        this.config = config;
        this.logger = logger;
        this.metrics = metrics;
        this.redis = redis;
        this.prisma = prisma;
        this.producer = producer;
    }
    async onApplicationBootstrap() {
        this.server = (0, node_http_1.createServer)((request, response) => {
            this.route(request.method ?? 'GET', (request.url ?? '/').split('?')[0])
                .then(({ status, type, body }) => response.writeHead(status, { 'content-type': type }).end(body))
                .catch((error) => {
                this.logger.error({ err: error }, 'worker http handler failed');
                response.writeHead(500, { 'content-type': 'application/json' }).end('{"code":"internal_error","message":"Internal server error"}');
            });
        });
        await new Promise((resolve) => this.server.listen(this.config.worker.httpPort, this.config.http.host, resolve));
        this.logger.info({ port: this.port }, 'worker health and metrics listening');
    }
    get port() {
        return this.server?.address()?.port ?? 0;
    }
    async route(method, path) {
        const json = (status, body) => ({ status, type: 'application/json', body: JSON.stringify(body) });
        if (method !== 'GET')
            return json(404, { code: 'not_found', message: 'Route not found' });
        switch (path) {
            case '/healthz':
                return json(200, { status: 'ok' });
            case '/readyz': {
                const report = await (0, common_2.checkReadiness)({ postgres: () => this.prisma.$queryRaw `SELECT 1`, redis: () => this.redis.ping() }, 2000);
                return json(report.status === 'ok' ? 200 : 503, report);
            }
            case '/metrics':
                await this.producer.recordQueueDepth(this.metrics);
                return { status: 200, type: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
            default:
                return json(404, { code: 'not_found', message: 'Route not found' });
        }
    }
    async onApplicationShutdown() {
        await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    }
};
exports.WorkerHttpServer = WorkerHttpServer;
exports.WorkerHttpServer = WorkerHttpServer = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(common_2.LOGGER)),
    __param(2, (0, common_1.Inject)(common_2.METRICS)),
    __param(3, (0, common_1.Inject)(queue_1.PRODUCER_REDIS)),
    __metadata("design:paramtypes", [Object, Object, common_2.ServiceMetrics, Function, db_1.PrismaService,
        queue_1.ValidationQueueProducer])
], WorkerHttpServer);
//# sourceMappingURL=worker-http-server.js.map