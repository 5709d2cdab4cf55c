import type { ExecutionContext } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import type { AppConfig } from '@app/config';
import { ServiceMetrics } from '../metrics';
import { RATE_LIMIT_BYPASS_WARNING_INTERVAL_MS, RateLimitGuard } from './rate-limit.guard';

/** A Redis whose counting script always fails, as when the server cannot be reached. */
function unreachableRedis(): IORedis {
  return {
    defineCommand: () => undefined,
    countRateLimitWindow: () => Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
  } as unknown as IORedis;
}

function httpContext(subject: string): ExecutionContext {
  const reply = { header: jest.fn() };
  return {
    switchToHttp: () => ({ getRequest: () => ({ caller: { subject }, ip: '192.0.2.1' }), getResponse: () => reply }),
  } as unknown as ExecutionContext;
}

async function bypassedTotal(metrics: ServiceMetrics): Promise<number> {
  const metric = await metrics.rateLimitBypassed.get();
  return metric.values.reduce((sum, value) => sum + value.value, 0);
}

describe('RateLimitGuard when Redis cannot be reached', () => {
  const config = { rateLimit: { requestsPerWindow: 5, windowMs: 60_000 } } as AppConfig;
  let warn: jest.Mock;
  let metrics: ServiceMetrics;
  let guard: RateLimitGuard;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    warn = jest.fn();
    metrics = new ServiceMetrics('test');
    guard = new RateLimitGuard(config, unreachableRedis(), { warn, debug: jest.fn() } as unknown as Logger, metrics);
  });
  afterEach(() => jest.useRealTimers());

  it('lets every request through and counts each one in rate_limit_bypassed_total', async () => {
    for (let i = 0; i < 7; i++) await expect(guard.canActivate(httpContext(`caller-${i % 2}`))).resolves.toBe(true);
    expect(await bypassedTotal(metrics)).toBe(7);
    expect(await metrics.registry.metrics()).toMatch(/^rate_limit_bypassed_total\{process="test"\} 7$/m);
  });

  it('warns at once, then at most once per interval with how many were let through since the last warning', async () => {
    await guard.canActivate(httpContext('a'));
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatchObject({ letThrough: 1, err: { message: expect.stringContaining('enableOfflineQueue') } });

    for (let i = 0; i < 4; i++) await guard.canActivate(httpContext('b'));
    jest.advanceTimersByTime(RATE_LIMIT_BYPASS_WARNING_INTERVAL_MS - 1);
    await guard.canActivate(httpContext('c'));
    expect(warn).toHaveBeenCalledTimes(1);

    jest.advanceTimersByTime(1);
    await guard.canActivate(httpContext('d'));
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[1][0]).toMatchObject({ letThrough: 6 });
    expect(await bypassedTotal(metrics)).toBe(7);
  });

  it('does not count or warn while Redis answers', async () => {
    const redis = {
      defineCommand: () => undefined,
      countRateLimitWindow: () => Promise.resolve([1, 60_000]),
    } as unknown as IORedis;
    const healthy = new RateLimitGuard(config, redis, { warn, debug: jest.fn() } as unknown as Logger, metrics);
    await expect(healthy.canActivate(httpContext('a'))).resolves.toBe(true);
    expect(warn).not.toHaveBeenCalled();
    expect(await bypassedTotal(metrics)).toBe(0);
  });
});
