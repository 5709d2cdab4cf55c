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
exports.ValidationQueueProducer = exports.PRODUCER_REDIS = void 0;
const common_1 = require("@nestjs/common");
const bullmq_1 = require("bullmq");
const config_1 = require("../../config/src");
const common_2 = require("../../common/src");
const validation_queue_1 = require("./validation-queue");
exports.PRODUCER_REDIS = Symbol('PRODUCER_REDIS');
let ValidationQueueProducer = class ValidationQueueProducer {
    logger;
    queue;
    jobOptions;
    timeoutMs;
    constructor(config, connection, logger) {
        this.logger = logger;
        this.queue = new bullmq_1.Queue(validation_queue_1.VALIDATION_QUEUE, { connection });
        this.queue.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'validation queue error'));
        this.timeoutMs = config.redis.commandTimeoutMs;
        this.jobOptions = {
            attempts: config.validation.attempts,
            backoff: { type: 'registry-aware', delay: config.validation.backoffMs },
            removeOnComplete: true,
            removeOnFail: true,
        };
    }
    async enqueue(templateId) {
        return this.enqueueMany([templateId]).then((added) => added > 0);
    }
    async enqueueMany(templateIds) {
        if (templateIds.length === 0)
            return 0;
        const jobs = templateIds.map((templateId) => ({
            name: validation_queue_1.ValidationJobName.ValidateTemplate,
            data: { templateId },
            opts: { ...this.jobOptions, jobId: templateId },
        }));
        try {
            await this.withTimeout(this.queue.addBulk(jobs));
            return templateIds.length;
        }
        catch (error) {
            this.logger.warn({ err: { message: error.message }, count: templateIds.length }, 'could not enqueue validation; the outbox sweep will retry');
            return 0;
        }
    }
    async remove(templateId) {
        try {
            await this.withTimeout(this.queue.remove(templateId));
        }
        catch (error) {
            this.logger.warn({ err: { message: error.message }, templateId }, 'could not remove validation job');
        }
    }
    async recordQueueDepth(metrics) {
        try {
            const counts = await this.withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
            for (const [state, count] of Object.entries(counts))
                metrics.queueJobs.set({ state }, count);
        }
        catch (error) {
            this.logger.debug({ err: { message: error.message } }, 'queue depth unavailable');
        }
    }
    get bullQueue() {
        return this.queue;
    }
    async onModuleDestroy() {
        await this.queue.close();
    }
    withTimeout(work) {
        let timer;
        const timeout = new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        });
        return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
    }
};
exports.ValidationQueueProducer = ValidationQueueProducer;
exports.ValidationQueueProducer = ValidationQueueProducer = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(exports.PRODUCER_REDIS)),
    __param(2, (0, common_1.Inject)(common_2.LOGGER)),
    __metadata("design:paramtypes", [Object, Function, Object])
], ValidationQueueProducer);
//# sourceMappingURL=validation-queue.producer.js.map