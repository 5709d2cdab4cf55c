import { Descriptor, parseDescriptor, parseJsonObject } from './manifest';
import { INDEX_MEDIA_TYPES, MediaType } from './media-types';
import { ReferrerDescriptor, RepositoryReader } from './repository-reader';

/**
 * OCI distribution-spec 1.1 referrers: the referrers API first, then, on registries without
 * it (Debian's docker-registry 2.8, for one), the "referrers tag schema" fallback: an image
 * index pushed under the tag `<alg>-<hex>` of the subject's digest (truncated to a tag's 128
 * characters) lists the referrers.
 */
export async function listReferrers(reader: RepositoryReader, digest: string, artifactType?: string): Promise<ReferrerDescriptor[]> {
  const viaApi = await reader.fetchReferrers(digest, artifactType);
  if (viaApi) return viaApi;
  const fallback = await reader.fetchManifest(referrersTag(digest), [MediaType.OciIndex]);
  if (!fallback || !INDEX_MEDIA_TYPES.has(fallback.mediaType)) return [];
  const referrers = parseReferrersIndex(fallback.bytes) ?? [];
  return artifactType ? referrers.filter((r) => r.artifactType === artifactType) : referrers;
}

/** The tag-schema tag of a digest: `sha256:abc…` → `sha256-abc…`. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-').slice(0, 128);
}

/** The descriptors of a referrers index; undefined when the body is not an index. */
export function parseReferrersIndex(body: Buffer): ReferrerDescriptor[] | undefined {
  try {
    const document = parseJsonObject(body);
    if (!Array.isArray(document.manifests)) return undefined;
    return document.manifests.map((entry, i): Descriptor => parseDescriptor(entry, `manifests[${i}]`));
  } catch {
    return undefined;
  }
}
