import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { DomainError, ErrorCode } from '../domain-error';
import { LOGGER } from '../logging';
import { METRICS, ServiceMetrics } from '../metrics';
import { RequestWithCaller } from './caller';

/** Injection token for the Redis connection the limiter counts in (shared by all API replicas). */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/** INCR and set the window's expiry on first use, atomically. */
const COUNT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/** While Redis is away, one warning per this long, with how many requests went unlimited. */
export const RATE_LIMIT_BYPASS_WARNING_INTERVAL_MS = 60_000;

/**
 * Per-caller fixed-window rate limit (RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW), counted in
 * Redis so every API replica shares it. Runs after AuthGuard, so the caller is the token's
 * subject. If Redis cannot be reached the request is let through: the limiter protects the
 * service from abuse and must not become the reason it is down. Each such request is counted
 * (`rate_limit_bypassed_total`) and a warning is logged at most once a minute.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private bypassedSinceWarning = 0;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RATE_LIMIT_REDIS) private readonly redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
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
      this.letThroughUnlimited(error as Error);
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

  private letThroughUnlimited(error: Error): void {
    this.metrics.rateLimitBypassed.inc();
    this.bypassedSinceWarning++;
    const now = Date.now();
    if (now - this.lastWarningAt < RATE_LIMIT_BYPASS_WARNING_INTERVAL_MS) return;
    this.logger.warn(
      { err: { message: error.message }, letThrough: this.bypassedSinceWarning },
      'rate limiter cannot reach Redis; requests are let through without a limit',
    );
    this.lastWarningAt = now;
    this.bypassedSinceWarning = 0;
  }
}
