import { LRUCache } from 'lru-cache';

/** What a loader produced and how long it may be reused. */
export interface Loaded<V> {
  readonly value: V;
  readonly ttlMs: number;
}

type Loader<V> = () => Promise<Loaded<V>>;

/**
 * An `lru-cache` whose entries expire after the TTL their loader returns, bounded in count
 * (least recently used evicted first), that runs one load per key at a time: callers arriving
 * while a load is under way share its result. Failed loads are not cached.
 */
export class LoadingCache<V extends NonNullable<unknown>> {
  private readonly cache: LRUCache<string, V, Loader<V>>;

  constructor(maxEntries: number, clock: () => number = Date.now) {
    this.cache = new LRUCache<string, V, Loader<V>>({
      max: maxEntries,
      ttlResolution: 0,
      perf: { now: clock },
      // A load runs under its own deadline (the registry client's); evicting its key must not cut it short.
      ignoreFetchAbort: true,
      fetchMethod: async (_key, _stale, { options, context }) => {
        const { value, ttlMs } = await context();
        options.ttl = Math.max(1, ttlMs);
        return value;
      },
    });
  }

  get(key: string): V | undefined {
    return this.cache.get(key);
  }

  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.cache.set(key, value, { ttl: ttlMs });
    else this.cache.delete(key);
  }

  delete(key: string): void {
    this.cache.delete(key);
  }

  /**
   * The cached value (`cached: true`), or the result of `load`, run once for concurrent
   * callers and cached for the TTL it returns. `refresh` skips a cached value (a load already
   * under way is still shared).
   */
  async getOrLoad(key: string, load: Loader<V>, refresh = false): Promise<{ value: V; cached: boolean }> {
    const cached = refresh ? undefined : this.cache.get(key);
    if (cached !== undefined) return { value: cached, cached: true };
    const value = await this.cache.fetch(key, { context: load, forceRefresh: refresh });
    if (value === undefined) throw new Error(`cache load for ${key} produced no value`);
    return { value, cached: false };
  }
}
