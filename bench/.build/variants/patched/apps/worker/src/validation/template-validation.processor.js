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
exports.TemplateValidationProcessor = void 0;
const common_1 = require("@nestjs/common");
const bullmq_1 = require("bullmq");
const config_1 = require("../../../../libs/config/src");
const common_2 = require("../../../../libs/common/src");
const queue_1 = require("../../../../libs/queue/src");
const template_validation_service_1 = require("./template-validation.service");
const MAX_RETRY_AFTER_MS = 10 * 60_000;
let TemplateValidationProcessor = class TemplateValidationProcessor {
    config;
    logger;
    validation;
    producer;
    worker;
    connection;
    handlers;
    constructor(config, logger, validation, producer) {
        this.config = config;
        this.logger = logger;
        this.validation = validation;
        this.producer = producer;
        this.handlers = {
            [queue_1.ValidationJobName.ValidateTemplate]: (data, job) => this.validation.validate(data.templateId, { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 }),
        };
        const missing = Object.values(queue_1.ValidationJobName).filter((name) => typeof this.handlers[name] !== 'function');
        if (missing.length)
            throw new Error(`No handler for validation job(s): ${missing.join(', ')}`);
    }
    onApplicationBootstrap() {
        const { concurrency, stalledIntervalMs, backoffMs } = this.config.validation;
        this.worker = new bullmq_1.Worker(queue_1.VALIDATION_QUEUE, (job) => this.handlers[job.name](job.data, job), {
            connection: (this.connection = (0, queue_1.createWorkerRedis)(this.config.redis.url)),
            concurrency,
            lockDuration: stalledIntervalMs,
            stalledInterval: stalledIntervalMs,
            maxStalledCount: 3,
            settings: {
                backoffStrategy: (attemptsMade, _type, error) => {
                    const exponential = backoffMs * 2 ** Math.max(0, attemptsMade - 1);
                    const retryAfter = error instanceof template_validation_service_1.RetryableValidationError ? (error.retryAfterMs ?? 0) : 0;
                    return Math.min(Math.max(exponential, retryAfter), MAX_RETRY_AFTER_MS);
                },
            },
        });
        this.worker.on('completed', (job, result) => this.afterCompleted(job.data.templateId, result));
        this.worker.on('failed', (job, error) => {
            if (error instanceof template_validation_service_1.RetryableValidationError)
                return;
            this.logger.error({ templateId: job?.data.templateId, err: error }, 'validation job failed unexpectedly');
        });
        this.worker.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'validation worker error'));
        this.logger.info({ concurrency }, 'validation worker started');
    }
    afterCompleted(templateId, result) {
        if (result.outcome === 'skipped' && result.reason === 'stale')
            void this.producer.enqueue(templateId);
    }
    async beforeApplicationShutdown() {
        await this.worker?.close();
        this.connection?.disconnect();
    }
};
exports.TemplateValidationProcessor = TemplateValidationProcessor;
exports.TemplateValidationProcessor = TemplateValidationProcessor = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(common_2.LOGGER)),
    __metadata("design:paramtypes", [Object, Object, template_validation_service_1.TemplateValidationService,
        queue_1.ValidationQueueProducer])
], TemplateValidationProcessor);
//# sourceMappingURL=template-validation.processor.js.map