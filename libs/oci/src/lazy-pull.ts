import { ImageIndex, ImageManifest } from './manifest';
import { listReferrers } from './referrers';
import { RepositoryReader } from './repository-reader';

/**
 * Which lazy-pulling snapshotters could start the image without downloading it first, so
 * the instance service can pick one:
 *  - eStargz (stargz-snapshotter): a layer carrying its TOC digest annotation;
 *  - zstd:chunked (containers/storage, podman/CRI-O): a layer carrying its manifest checksum
 *    annotation, the key containers/storage looks for (pkg/chunked/storage_linux.go
 *    `getProperDiffer`, minimal.ManifestChecksumKey);
 *  - SOCI (soci-snapshotter, soci/soci_index.go): a v1 index among the referrers of the image
 *    manifest (artifactType application/vnd.amazon.soci.index.v1+json), or a v2 "SOCI-enabled
 *    image": the image manifest annotated with its index digest, the index listed next to it
 *    in the image index (artifactType application/vnd.amazon.soci.index.v2+json).
 * A layer that qualifies is enough: snapshotters fetch the other layers whole.
 */
export const ESTARGZ_TOC_ANNOTATION = 'containerd.io/snapshot/stargz/toc.digest';
export const ZSTD_CHUNKED_MANIFEST_ANNOTATION = 'io.github.containers.zstd-chunked.manifest-checksum';
export const SOCI_INDEX_V1_ARTIFACT_TYPE = 'application/vnd.amazon.soci.index.v1+json';
export const SOCI_INDEX_V2_ARTIFACT_TYPE = 'application/vnd.amazon.soci.index.v2+json';
const SOCI_INDEX_DIGEST_ANNOTATION = 'com.amazon.soci.index-digest';
const SOCI_IMAGE_MANIFEST_DIGEST_ANNOTATION = 'com.amazon.soci.image-manifest-digest';

export interface LazyPull {
  estargz: boolean;
  zstd_chunked: boolean;
  soci: boolean;
}

export function layerFormats(image: ImageManifest): Omit<LazyPull, 'soci'> {
  const has = (key: string) => image.layers.some((layer) => layer.annotations?.[key] !== undefined);
  return { estargz: has(ESTARGZ_TOC_ANNOTATION), zstd_chunked: has(ZSTD_CHUNKED_MANIFEST_ANNOTATION) };
}

/** SOCI v2 from what was already fetched; else one referrers lookup for a v1 index. */
export async function hasSociIndex(
  reader: RepositoryReader,
  image: ImageManifest,
  imageDigest: string,
  index: ImageIndex | undefined,
): Promise<boolean> {
  if (image.annotations?.[SOCI_INDEX_DIGEST_ANNOTATION]) return true;
  const listed = index?.manifests.some(
    (d) => d.artifactType === SOCI_INDEX_V2_ARTIFACT_TYPE && d.annotations?.[SOCI_IMAGE_MANIFEST_DIGEST_ANNOTATION] === imageDigest,
  );
  if (listed) return true;
  return (await listReferrers(reader, imageDigest, SOCI_INDEX_V1_ARTIFACT_TYPE)).length > 0;
}
