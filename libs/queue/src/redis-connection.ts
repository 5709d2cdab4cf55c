import IORedis, { RedisOptions } from 'ioredis';

/**
 * Redis connection for request paths: commands fail at once while Redis is down (no offline
 * queue) and time out instead of hanging, so an API request never waits on a dead Redis.
 */
export function createFailFastRedis(url: string, commandTimeoutMs: number, extra: RedisOptions = {}): IORedis {
  return new IORedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1000, commandTimeoutMs),
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    ...extra,
  });
}

/**
 * Redis connection for BullMQ workers: blocking commands need maxRetriesPerRequest null,
 * and the worker keeps reconnecting for as long as Redis is away.
 */
export function createWorkerRedis(url: string, extra: RedisOptions = {}): IORedis {
  return new IORedis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    ...extra,
  });
}
