/**
 * Test-only: a `RepositoryReader` over an in-memory repository, for the signature specs.
 * Not exported from the library.
 */
import { computeDigest } from '../digest';
import { RegistryError, ValidationErrorCode } from '../errors';
import { FetchedManifest, ReferrerDescriptor, RepositoryReader } from '../repository-reader';
import { CosignSignatureArtifact } from './cosign-signatures';

export class InMemoryRepository implements RepositoryReader {
  readonly blobs = new Map<string, Buffer>();
  readonly manifests = new Map<string, FetchedManifest>();
  readonly tags = new Map<string, string>();
  /** null: the registry has no referrers API. */
  referrers: ReferrerDescriptor[] | null = null;
  /** Every call, e.g. `manifest sha256-….sig`, `blob sha256:…`, `referrers sha256:…`. */
  readonly calls: string[] = [];
  /** Makes the next call whose description starts with the key fail with the error. */
  readonly failures = new Map<string, RegistryError>();

  addBlob(bytes: Buffer): string {
    const digest = computeDigest(bytes);
    this.blobs.set(digest, bytes);
    return digest;
  }

  addManifest(bytes: Buffer, mediaType: string, tag?: string): string {
    const digest = computeDigest(bytes);
    this.manifests.set(digest, { digest, mediaType, bytes });
    if (tag) this.tags.set(tag, digest);
    return digest;
  }

  /** Stores a signature artifact under `tag`, or (no tag) as a referrer listed by the referrers API. */
  addSignatureArtifact(artifact: CosignSignatureArtifact, tag?: string): string {
    for (const entry of artifact.blobs) this.blobs.set(entry.digest, entry.bytes);
    const digest = this.addManifest(artifact.manifest.bytes, artifact.mediaType, tag);
    if (!tag) {
      const document = JSON.parse(artifact.manifest.bytes.toString('utf8')) as { artifactType?: string; config: { mediaType: string } };
      this.referrers = [
        ...(this.referrers ?? []),
        {
          mediaType: artifact.mediaType,
          digest,
          size: artifact.manifest.bytes.length,
          artifactType: document.artifactType ?? document.config.mediaType,
        },
      ];
    }
    return digest;
  }

  async fetchManifest(reference: string): Promise<FetchedManifest | null> {
    this.record(`manifest ${reference}`);
    const digest = this.tags.get(reference) ?? reference;
    return this.manifests.get(digest) ?? null;
  }

  async fetchBlob(digest: string, maxBytes: number): Promise<Buffer> {
    this.record(`blob ${digest}`);
    const bytes = this.blobs.get(digest);
    if (!bytes) throw new RegistryError(ValidationErrorCode.ManifestNotFound, `Blob ${digest} does not exist.`);
    if (bytes.length > maxBytes) throw new RegistryError(ValidationErrorCode.ManifestTooLarge, `Blob ${digest} is too large.`);
    return bytes;
  }

  async fetchReferrers(digest: string): Promise<ReferrerDescriptor[] | null> {
    this.record(`referrers ${digest}`);
    return this.referrers;
  }

  private record(call: string): void {
    this.calls.push(call);
    for (const [prefix, error] of this.failures) {
      if (call.startsWith(prefix)) {
        this.failures.delete(prefix);
        throw error;
      }
    }
  }
}
