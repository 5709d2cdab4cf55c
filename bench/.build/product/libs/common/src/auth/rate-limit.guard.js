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
exports.RateLimitGuard = exports.RATE_LIMIT_REDIS = void 0;
const common_1 = require("@nestjs/common");
const config_1 = require("../../../config/src");
const domain_error_1 = require("../domain-error");
const logging_1 = require("../logging");
exports.RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;
let RateLimitGuard = class RateLimitGuard {
    config;
    redis;
    logger;
    constructor(config, redis, logger) {
        this.config = config;
        this.redis = redis;
        this.logger = logger;
    }
    async canActivate(context) {
        const { requestsPerWindow, windowMs } = this.config.rateLimit;
        if (requestsPerWindow === 0)
            return true;
        const http = context.switchToHttp();
        const request = http.getRequest();
        const subject = request.caller?.subject ?? `ip:${request.ip}`;
        const window = Math.floor(Date.now() / windowMs);
        let count;
        let ttlMs;
        try {
            [count, ttlMs] = (await this.redis.eval(COUNT_SCRIPT, 1, `ratelimit:${window}:${subject}`, String(windowMs)));
        }
        catch (error) {
            this.logger.debug({ err: { message: error.message } }, 'rate limiter unavailable; request allowed');
            return true;
        }
        const reply = http.getResponse();
        reply.header('ratelimit-limit', String(requestsPerWindow));
        reply.header('ratelimit-remaining', String(Math.max(0, requestsPerWindow - count)));
        if (count > requestsPerWindow) {
            const retryAfter = String(Math.max(1, Math.ceil(ttlMs / 1000)));
            throw new domain_error_1.DomainError(domain_error_1.ErrorCode.RateLimited, `Too many requests: at most ${requestsPerWindow} per ${windowMs / 1000} s; retry in ${retryAfter} s`, {
                'retry-after': retryAfter,
            });
        }
        return true;
    }
};
exports.RateLimitGuard = RateLimitGuard;
exports.RateLimitGuard = RateLimitGuard = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(config_1.APP_CONFIG)),
    __param(1, (0, common_1.Inject)(exports.RATE_LIMIT_REDIS)),
    __param(2, (0, common_1.Inject)(logging_1.LOGGER)),
    __metadata("design:paramtypes", [Object, Function, Object])
], RateLimitGuard);
//# sourceMappingURL=rate-limit.guard.js.map