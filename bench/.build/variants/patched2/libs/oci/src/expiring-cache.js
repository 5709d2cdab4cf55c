"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ExpiringCache = void 0;
class ExpiringCache {
    maxEntries;
    clock;
    entries = new Map();
    loading = new Map();
    constructor(maxEntries, clock = Date.now) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }
    get(key) {
        const entry = this.entries.get(key);
        if (!entry)
            return undefined;
        if (entry.expiresAt <= this.clock()) {
            this.entries.delete(key);
            return undefined;
        }
        this.entries.delete(key);
        this.entries.set(key, entry);
        return entry.value;
    }
    set(key, value, ttlMs) {
        this.entries.delete(key);
        if (ttlMs <= 0)
            return;
        this.entries.set(key, { value, expiresAt: this.clock() + ttlMs });
        if (this.entries.size > this.maxEntries) {
            this.entries.delete(this.entries.keys().next().value);
        }
    }
    delete(key) {
        this.entries.delete(key);
    }
    async getOrLoad(key, load) {
        const cached = this.get(key);
        if (cached !== undefined)
            return { value: cached, cached: true };
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
exports.ExpiringCache = ExpiringCache;
//# sourceMappingURL=expiring-cache.js.map