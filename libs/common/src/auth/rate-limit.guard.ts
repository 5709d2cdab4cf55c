import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError, ErrorCode } from '../domain-error';
import { LOGGER } from '../logging';
import { RequestWithCaller } from './caller';

/** Injection token for the Redis connection the limiter counts in (shared by all API replicas). */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/** INCR and set the window's expiry on first use, atomically. */
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * Per-caller fixed-window rate limit (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW), counted in
 * Redis so every API replica shares it. Runs after AuthGuard, so the caller is the token's
 * subject. If Redis cannot be reached the request is let through: the limiter protects the
 * service from abuse and must not become the reason it is down.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RATE_LIMIT_REDIS) private readonly redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    // Registered once and called by EVALSHA: EVAL would send the script with every request.
    redis.defineCommand('countRateLimitWindow', { numberOfKeys: 1, lua: COUNT_SCRIPT });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { requestsPerWindow, windowMs } = this.config.rateLimit;
    if (requestsPerWindow === 0) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & RequestWithCaller>();
    const subject = request.caller?.subject ?? `ip:${request.ip}`;
    const window = Math.floor(Date.now() / windowMs);
    let count: number;
    let ttlMs: number;
    try {
      const counter = this.redis as IORedis & { countRateLimitWindow(key: string, windowMs: string): Promise<[number, number]> };
      [count, ttlMs] = await counter.countRateLimitWindow(`ratelimit:${window}:${subject}`, String(windowMs));
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'rate limiter unavailable; request allowed');
      return true;
    }
    const reply = http.getResponse<FastifyReply>();
    reply.header('ratelimit-limit', String(requestsPerWindow));
    reply.header('ratelimit-remaining', String(Math.max(0, requestsPerWindow - count)));
    if (count > requestsPerWindow) {
      const retryAfter = String(Math.max(1, Math.ceil(ttlMs / 1000)));
      throw new DomainError(ErrorCode.RateLimited, `Too many requests: at most ${requestsPerWindow} per ${windowMs / 1000} s; retry in ${retryAfter} s`, {
        'retry-after': retryAfter,
      });
    }
    return true;
  }
}
