"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CachingHostResolver = exports.systemResolver = void 0;
const promises_1 = require("node:dns/promises");
const errors_1 = require("./errors");
const systemResolver = (hostname) => (0, promises_1.lookup)(hostname, { all: true });
exports.systemResolver = systemResolver;
class CachingHostResolver {
    resolver;
    ttlMs;
    clock;
    cache = new Map();
    constructor(resolver, ttlMs, clock) {
        this.resolver = resolver;
        this.ttlMs = ttlMs;
        this.clock = clock;
    }
    resolve(hostname) {
        const now = this.clock();
        const cached = this.cache.get(hostname);
        if (cached && cached.expiresAt > now)
            return cached.addresses;
        const addresses = this.resolver(hostname).then((results) => {
            if (results.length === 0)
                throw unresolvable(hostname);
            return results.map((r) => r.address);
        }, (error) => {
            throw unresolvable(hostname, error.code);
        });
        if (this.ttlMs > 0) {
            this.cache.set(hostname, { expiresAt: now + this.ttlMs, addresses });
            addresses.catch(() => this.cache.delete(hostname));
        }
        return addresses;
    }
    clear() {
        this.cache.clear();
    }
}
exports.CachingHostResolver = CachingHostResolver;
function unresolvable(hostname, code) {
    const detail = code && /^[A-Z_]{1,32}$/.test(code) ? ` (${code})` : '';
    return new errors_1.RegistryError('registry_unreachable', `Could not resolve the registry host ${hostname}${detail}. Check the host name; the check will be retried.`, { retryable: true });
}
//# sourceMappingURL=host-resolver.js.map