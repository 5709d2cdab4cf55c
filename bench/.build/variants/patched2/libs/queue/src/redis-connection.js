"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.createFailFastRedis = createFailFastRedis;
exports.createWorkerRedis = createWorkerRedis;
const ioredis_1 = __importDefault(require("ioredis"));
function createFailFastRedis(url, commandTimeoutMs, extra = {}) {
    return new ioredis_1.default(url, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: commandTimeoutMs,
        connectTimeout: Math.max(1000, commandTimeoutMs),
        lazyConnect: false,
        retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
        ...extra,
    });
}
function createWorkerRedis(url, extra = {}) {
    return new ioredis_1.default(url, {
        maxRetriesPerRequest: null,
        enableOfflineQueue: true,
        retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
        ...extra,
    });
}
//# sourceMappingURL=redis-connection.js.map