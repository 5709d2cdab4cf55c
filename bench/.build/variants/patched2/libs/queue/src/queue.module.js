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
exports.QueueModule = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../config/src");
const redis_connection_1 = require("./redis-connection");
const validation_queue_producer_1 = require("./validation-queue.producer");
let QueueModule = class QueueModule {
    redis;
    constructor(redis) {
        this.redis = redis;
    }
    async onApplicationShutdown() {
        this.redis.disconnect();
    }
};
exports.QueueModule = QueueModule;
exports.QueueModule = QueueModule = __decorate([
    (0, common_1.Module)({
        providers: [
            {
                provide: validation_queue_producer_1.PRODUCER_REDIS,
                inject: [config_1.APP_CONFIG],
                useFactory: (config) => (0, redis_connection_1.createFailFastRedis)(config.redis.url, config.redis.commandTimeoutMs),
            },
            validation_queue_producer_1.ValidationQueueProducer,
        ],
        exports: [validation_queue_producer_1.ValidationQueueProducer, validation_queue_producer_1.PRODUCER_REDIS],
    }),
    __param(0, (0, common_1.Inject)(validation_queue_producer_1.PRODUCER_REDIS)),
    __metadata("design:paramtypes", [Function])
], QueueModule);
//# sourceMappingURL=queue.module.js.map