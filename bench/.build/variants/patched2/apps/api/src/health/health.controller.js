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
exports.HealthController = void 0;
const common_1 = require("@nestjs/common");
const common_2 = require("../../../../libs/common/src");
const db_1 = require("../../../../libs/db/src");
const queue_1 = require("../../../../libs/queue/src");
let HealthController = class HealthController {
    prisma;
    redis;
    metrics;
    validationQueue;
    constructor(prisma, redis, metrics, validationQueue) {
        this.prisma = prisma;
        this.redis = redis;
        this.metrics = metrics;
        this.validationQueue = validationQueue;
    }
    alive() {
        return { status: 'ok' };
    }
    async ready(reply) {
        const report = await (0, common_2.checkReadiness)({ postgres: () => this.prisma.$queryRaw `SELECT 1`, redis: () => this.redis.ping() }, 2000);
        if (report.status !== 'ok')
            reply.code(503);
        return report;
    }
    async scrape(reply) {
        await this.validationQueue.recordQueueDepth(this.metrics);
        reply.header('content-type', this.metrics.registry.contentType);
        return this.metrics.registry.metrics();
    }
};
exports.HealthController = HealthController;
__decorate([
    (0, common_1.Get)('healthz'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", Object)
], HealthController.prototype, "alive", null);
__decorate([
    (0, common_1.Get)('readyz'),
    __param(0, (0, common_1.Res)({ passthrough: true })),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "ready", null);
__decorate([
    (0, common_1.Get)('metrics'),
    __param(0, (0, common_1.Res)({ passthrough: true })),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", Promise)
], HealthController.prototype, "scrape", null);
exports.HealthController = HealthController = __decorate([
    (0, common_1.Controller)(),
    __param(1, (0, common_1.Inject)(queue_1.PRODUCER_REDIS)),
    __param(2, (0, common_1.Inject)(common_2.METRICS)),
    __metadata("design:paramtypes", [db_1.PrismaService, Function, common_2.ServiceMetrics,
        queue_1.ValidationQueueProducer])
], HealthController);
//# sourceMappingURL=health.controller.js.map