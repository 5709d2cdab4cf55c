import IORedis, { RedisOptions } from 'ioredis';
import type { RedisConfig } from '@app/config';

/**
 * Every Redis connection of the API and the worker is made here, from the one RedisConfig:
 * REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_NAME (ioredis asks the Sentinels which
 * node is the primary, checks the node's role on connect, and asks again after a disconnect,
 * so a failover moves every connection to the promoted replica).
 *
 * On either kind, a write answered `READONLY` (the node we are connected to was demoted to a
 * replica: a managed Redis whose address moved, or an old primary that came back) makes the
 * connection reconnect, instead of failing every write on a connection that looks healthy
 * until something else breaks it.
 */

/**
 * What ioredis' reconnectOnError does on an error: on READONLY, reconnect and then resend the
 * command (`2`, for connections that queue commands while reconnecting) or fail it with that
 * error (`1`, fail-fast connections, which would refuse the resend anyway); other errors are
 * left alone.
 */
export function reconnectOnReadOnly(resend: boolean): (error: Error) => 1 | 2 | false {
  return (error) => (/^READONLY\b/.test(error.message) ? (resend ? 2 : 1) : false);
}

/** `base` plus where to connect and how to follow a failover. */
function connectionOptions(redis: RedisConfig, base: RedisOptions): RedisOptions {
  const common: RedisOptions = { ...base, reconnectOnError: reconnectOnReadOnly(base.enableOfflineQueue !== false) };
  if (!redis.sentinel) return common;
  return {
    ...common,
    sentinels: redis.sentinel.sentinels,
    name: redis.sentinel.name,
    // A Sentinel that does not answer is skipped after this long, like any Redis command.
    sentinelCommandTimeout: redis.commandTimeoutMs,
    // No Sentinel answers: ask them all again every second at most, forever (ioredis' default
    // backs off to 1 s as well); meanwhile commands fail (fail-fast) or wait (worker).
    sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
    // Not ioredis' failoverDetector: its +switch-master handler disconnects the connector even
    // while a reconnect is resolving the new primary, which makes that reconnect fail for good
    // ("Connection is closed.", status `end`: the fault suite caught it). A dead primary closes
    // the connections anyway, and Sentinel disconnects the clients of a primary it demotes.
  };
}

/** `extra` overrides any option of the kind of connection (`base`) or of the location. */
function connect(redis: RedisConfig, base: RedisOptions, extra: RedisOptions): IORedis {
  const options = { ...connectionOptions(redis, base), ...extra };
  return redis.sentinel ? new IORedis(options) : new IORedis(redis.url, options);
}

/**
 * Redis connection for request paths: commands fail at once while Redis is down (no offline
 * queue) and time out instead of hanging, so an API request never waits on a dead Redis.
 */
export function createFailFastRedis(redis: RedisConfig, extra: RedisOptions = {}): IORedis {
  const timeoutMs = redis.commandTimeoutMs;
  return connect(
    redis,
    {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: timeoutMs,
      connectTimeout: Math.max(1000, timeoutMs),
      lazyConnect: false,
      retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    },
    extra,
  );
}

/**
 * Redis connection for BullMQ workers: blocking commands need maxRetriesPerRequest null,
 * and the worker keeps reconnecting for as long as Redis is away.
 */
export function createWorkerRedis(redis: RedisConfig, extra: RedisOptions = {}): IORedis {
  return connect(
    redis,
    {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    },
    extra,
  );
}

/**
 * Redis connection for a pub/sub subscriber: connects when asked (lazyConnect), keeps
 * reconnecting while Redis is away, and does not resubscribe by itself (the subscriber
 * subscribes on every `ready`, so it knows when it may have missed messages).
 */
export function createSubscriberRedis(redis: RedisConfig, extra: RedisOptions = {}): IORedis {
  return connect(
    redis,
    {
      lazyConnect: true,
      autoResubscribe: false,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      connectTimeout: Math.max(1000, redis.commandTimeoutMs),
      retryStrategy: (attempt) => Math.min(250 * 2 ** Math.min(attempt - 1, 4), 4000),
    },
    extra,
  );
}
