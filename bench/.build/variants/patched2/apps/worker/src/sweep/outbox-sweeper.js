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
exports.OutboxSweeper = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const config_1 = require("../../../../libs/config/src");
const common_2 = require("../../../../libs/common/src");
const db_1 = require("../../../../libs/db/src");
const queue_1 = require("../../../../libs/queue/src");
const SWEEP_LOCK_KEY = 'airuntime-templates:sweep-lock';
const BATCH = 500;
let OutboxSweeper = class OutboxSweeper {
    config;
    logger;
    metrics;
    redis;
    templates;
    producer;
    timer;
    running;
    constructor(config, logger, metrics, redis, templates, producer) {
        this.config = config;
        this.logger = logger;
        this.metrics = metrics;
        this.redis = redis;
        this.templates = templates;
        this.producer = producer;
    }
    onApplicationBootstrap() {
        const tick = () => {
            this.running = this.sweepOnce().catch((error) => {
                this.logger.warn({ err: { message: error.message } }, 'outbox sweep failed; will retry');
                return 0;
            });
            void this.running.finally(() => {
                this.running = undefined;
                if (this.timer)
                    this.timer = setTimeout(tick, this.config.validation.sweepIntervalMs);
            });
        };
        this.timer = setTimeout(tick, Math.min(1000, this.config.validation.sweepIntervalMs));
    }
    async sweepOnce() {
        const { sweepIntervalMs, sweepMinAgeMs } = this.config.validation;
        const lock = await this.redis.set(SWEEP_LOCK_KEY, (0, node_crypto_1.randomUUID)(), 'PX', Math.max(500, sweepIntervalMs - 100), 'NX');
        if (lock !== 'OK')
            return 0;
        const queue = this.producer.bullQueue;
        let enqueued = 0;
        const queuedBefore = new Date(Date.now() - sweepMinAgeMs);
        for (;;) {
            const ids = await this.templates.findUnfinishedValidations(queuedBefore, BATCH);
            if (ids.length === 0)
                break;
            const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
            const orphans = ids.filter((_, index) => states[index] === 'unknown' || states[index] === 'completed' || states[index] === 'failed');
            if (orphans.length) {
                for (const id of orphans)
                    await queue.remove(id);
                if ((await this.producer.enqueueMany(orphans)) === 0)
                    throw new Error('Redis refused the re-enqueue');
                enqueued += orphans.length;
            }
            await this.templates.markQueued(ids);
            if (ids.length < BATCH)
                break;
        }
        if (enqueued > 0) {
            this.metrics.sweepReenqueued.inc(enqueued);
            this.logger.info({ enqueued }, 'outbox sweep enqueued templates without a live job');
        }
        return enqueued;
    }
    async onApplicationShutdown() {
        clearTimeout(this.timer);
        this.timer = undefined;
        await this.running;
    }
};
exports.OutboxSweeper = OutboxSweeper;
exports.OutboxSweeper = OutboxSweeper = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(common_2.LOGGER)),
    __param(2, (0, common_1.Inject)(common_2.METRICS)),
    __param(3, (0, common_1.Inject)(queue_1.PRODUCER_REDIS)),
    __metadata("design:paramtypes", [Object, Object, common_2.ServiceMetrics, Function, db_1.TemplateRepository,
        queue_1.ValidationQueueProducer])
], OutboxSweeper);
//# sourceMappingURL=outbox-sweeper.js.map