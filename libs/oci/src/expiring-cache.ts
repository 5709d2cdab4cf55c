/**
 * A small in-memory cache whose entries expire, bounded in size (least
 * recently used evicted first), that runs one load per key at a time: callers
 * arriving while a load is under way share its result.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (ttlMs <= 0) return;
    this.entries.set(key, { value, expiresAt: this.clock() + ttlMs });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * The cached value, or the result of `load` (run once for concurrent callers),
   * cached for the `ttlMs` it returns. Failed loads are not cached.
   */
  async getOrLoad(key: string, load: () => Promise<{ value: V; ttlMs: number }>): Promise<{ value: V; cached: boolean }> {
    const cached = this.get(key);
    if (cached !== undefined) return { value: cached, cached: true };
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load()
        .then(({ value, ttlMs }) => {
          this.set(key, value, ttlMs);
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return { value: await pending, cached: false };
  }
}
