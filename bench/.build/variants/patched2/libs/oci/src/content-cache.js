"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ContentCache = void 0;
class ContentCache {
    maxBytes;
    entries = new Map();
    totalBytes = 0;
    constructor(maxBytes) {
        this.maxBytes = maxBytes;
    }
    get(key) {
        const entry = this.entries.get(key);
        if (entry) {
            this.entries.delete(key);
            this.entries.set(key, entry);
        }
        return entry;
    }
    set(key, content) {
        if (content.body.length > this.maxBytes || this.entries.has(key))
            return;
        this.entries.set(key, content);
        this.totalBytes += content.body.length;
        for (const [oldestKey, oldest] of this.entries) {
            if (this.totalBytes <= this.maxBytes)
                break;
            this.entries.delete(oldestKey);
            this.totalBytes -= oldest.body.length;
        }
    }
}
exports.ContentCache = ContentCache;
//# sourceMappingURL=content-cache.js.map