import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, withTimeout } from '@app/common';
import { PRODUCER_REDIS } from './validation-queue.producer';

/**
 * Drops the caller's expired entries (a replica that died without releasing them), then takes
 * a slot if fewer than the limit are held. Scores are expiry times in Redis's own clock.
 */
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** Keeps the slot (and adds one taken while Redis was away). */
const REFRESH_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

const keyOf = (caller: string) => `event-streams:${caller}`;

/** One open stream: whose, and its id. */
export interface StreamSlot {
  caller: string;
  streamId: string;
}

type SlotRedis = IORedis & {
  acquireStreamSlot(key: string, member: string, limit: string, ttlMs: string): Promise<number>;
  refreshStreamSlot(key: string, member: string, ttlMs: string): Promise<number>;
};

/**
 * EVENT_STREAMS_PER_CALLER, counted across API replicas in Redis: a sorted set per caller of
 * open streams with an expiry each, renewed on every heartbeat, so the slots of a replica that
 * died free themselves after three heartbeats. While Redis is away the limit is counted by
 * this replica alone (its own open streams are always known here).
 */
@Injectable()
export class EventStreamSlots {
  private readonly local = new Map<string, Set<string>>();
  private readonly redis: SlotRedis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PRODUCER_REDIS) redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    redis.defineCommand('acquireStreamSlot', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('refreshStreamSlot', { numberOfKeys: 1, lua: REFRESH_SCRIPT });
    this.redis = redis as SlotRedis;
  }

  private get ttlMs(): number {
    return 3 * this.config.events.heartbeatMs;
  }

  /** Takes one of the caller's slots; false when the caller already has the limit open. */
  async acquire({ caller, streamId }: StreamSlot): Promise<boolean> {
    const limit = this.config.events.streamsPerCaller;
    const mine = this.local.get(caller) ?? new Set<string>();
    let granted: boolean;
    try {
      granted = (await this.call(this.redis.acquireStreamSlot(keyOf(caller), streamId, String(limit), String(this.ttlMs)))) === 1;
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message } }, 'stream limit counted per replica: Redis unavailable');
      granted = mine.size < limit;
    }
    if (granted) this.local.set(caller, mine.add(streamId));
    return granted;
  }

  async release({ caller, streamId }: StreamSlot): Promise<void> {
    const mine = this.local.get(caller);
    mine?.delete(streamId);
    if (mine?.size === 0) this.local.delete(caller);
    try {
      await this.call(this.redis.zrem(keyOf(caller), streamId));
    } catch {
      // expires by itself after three heartbeats
    }
  }

  /** Renews the slots of the streams still open here (each heartbeat). */
  async refresh(slots: readonly StreamSlot[]): Promise<void> {
    try {
      await Promise.all(slots.map(({ caller, streamId }) => this.call(this.redis.refreshStreamSlot(keyOf(caller), streamId, String(this.ttlMs)))));
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'stream slots not renewed');
    }
  }

  private call<T>(work: Promise<T>): Promise<T> {
    return withTimeout(work, this.config.redis.commandTimeoutMs, 'Redis');
  }
}
