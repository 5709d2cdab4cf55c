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
exports.RevalidationScheduler = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../../libs/config/src");
const common_2 = require("../../../../libs/common/src");
const db_1 = require("../../../../libs/db/src");
const queue_1 = require("../../../../libs/queue/src");
const BATCH = 200;
const MAX_TICK_MS = 60_000;
let RevalidationScheduler = class RevalidationScheduler {
    config;
    logger;
    metrics;
    templates;
    idempotencyKeys;
    producer;
    timer;
    running;
    constructor(config, logger, metrics, templates, idempotencyKeys, producer) {
        this.config = config;
        this.logger = logger;
        this.metrics = metrics;
        this.templates = templates;
        this.idempotencyKeys = idempotencyKeys;
        this.producer = producer;
    }
    get tickMs() {
        return Math.min(MAX_TICK_MS, Math.max(1000, this.config.validation.revalidateIntervalMs / 20));
    }
    onApplicationBootstrap() {
        const tick = () => {
            this.running = this.runOnce()
                .then(() => undefined)
                .catch((error) => {
                this.logger.warn({ err: { message: error.message } }, 'revalidation scheduling failed; will retry');
            })
                .finally(() => {
                this.running = undefined;
                if (this.timer)
                    this.timer = setTimeout(tick, this.tickMs);
            });
        };
        this.timer = setTimeout(tick, this.tickMs);
    }
    async runOnce() {
        const ids = await this.templates.claimDueRevalidations(this.config.validation.revalidateIntervalMs, BATCH);
        if (ids.length) {
            await this.producer.enqueueMany(ids);
            this.metrics.revalidationsScheduled.inc(ids.length);
            this.logger.info({ count: ids.length }, 'queued periodic re-validations');
        }
        await this.idempotencyKeys.purgeExpired();
        return ids.length;
    }
    async onApplicationShutdown() {
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.running;
    }
};
exports.RevalidationScheduler = RevalidationScheduler;
exports.RevalidationScheduler = RevalidationScheduler = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(common_2.LOGGER)),
    __param(2, (0, common_1.Inject)(common_2.METRICS)),
    __metadata("design:paramtypes", [Object, Object, common_2.ServiceMetrics,
        db_1.TemplateRepository,
        db_1.IdempotencyRepository,
        queue_1.ValidationQueueProducer])
], RevalidationScheduler);
//# sourceMappingURL=revalidation-scheduler.js.map