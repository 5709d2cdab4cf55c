/** Media types from the OCI image-spec and the Docker image manifest v2 spec. */
export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  OciImageConfig: 'application/vnd.oci.image.config.v1+json',
  DockerImageConfig: 'application/vnd.docker.container.image.v1+json',
  DockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

/** OCI 1.1 referrers (and its tag-schema fallback) answer with an image index. */
export const REFERRERS_ACCEPT = MediaType.OciIndex;

export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaType.OciIndex, MediaType.DockerManifestList]);
export const IMAGE_MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaType.OciManifest, MediaType.DockerManifest]);
export const SCHEMA1_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaType.DockerSchema1, MediaType.DockerSchema1Signed]);
/** Every manifest media type (including schema 1): a Content-Type that names one is a claim about the body. */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([...INDEX_MEDIA_TYPES, ...IMAGE_MANIFEST_MEDIA_TYPES, ...SCHEMA1_MEDIA_TYPES]);
export const IMAGE_CONFIG_MEDIA_TYPES: ReadonlySet<string> = new Set([MediaType.OciImageConfig, MediaType.DockerImageConfig]);

/** Accept header for manifest requests: the multi-platform and single-platform formats we understand. */
export const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
].join(', ');

/** `application/json; charset=utf-8` → `application/json`. */
export function essenceOf(contentType: string | undefined): string | undefined {
  const essence = contentType?.split(';', 1)[0].trim().toLowerCase();
  return essence ? essence : undefined;
}
