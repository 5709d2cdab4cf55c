/** A manifest or blob body as the registry served it. */
export interface CachedContent {
  readonly body: Buffer;
  readonly contentType: string | undefined;
}

/**
 * Content-addressed bodies (manifests and config blobs) already verified
 * against their digest, bounded by total size, least recently used evicted
 * first. Content under a digest never changes, so entries never expire.
 *
 * Callers key entries by registry and repository as well as digest: holding a
 * digest must not give access to content in a repository the caller has not
 * been authorized for.
 */
export class ContentCache {
  private readonly entries = new Map<string, CachedContent>();
  private totalBytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): CachedContent | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, content: CachedContent): void {
    if (content.body.length > this.maxBytes || this.entries.has(key)) return;
    this.entries.set(key, content);
    this.totalBytes += content.body.length;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.entries.delete(oldestKey);
      this.totalBytes -= oldest.body.length;
    }
  }
}
