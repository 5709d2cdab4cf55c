import { LRUCache } from 'lru-cache';

/** A manifest or blob body as the registry served it. */
export interface CachedContent {
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

/**
 * Content-addressed bodies (manifests, config blobs, small artifact blobs) already verified
 * against their digest, bounded by total size, least recently used evicted first. Content
 * under a digest never changes, so entries never expire.
 *
 * Callers key entries by registry and repository as well as digest: holding a digest must
 * not give access to content in a repository the caller has not been authorized for.
 */
export class ContentCache {
  private readonly entries: LRUCache<string, CachedContent> | undefined;

  constructor(maxBytes: number) {
    this.entries =
      maxBytes > 0
        ? new LRUCache<string, CachedContent>({ maxSize: maxBytes, sizeCalculation: (content) => Math.max(1, content.body.length) })
        : undefined;
  }

  get(key: string): CachedContent | undefined {
    return this.entries?.get(key);
  }

  /** Stores the content unless it is larger than the whole budget (then it is simply not kept). */
  set(key: string, content: CachedContent): void {
    if (!this.entries || this.entries.has(key)) return;
    this.entries.set(key, content);
  }
}
