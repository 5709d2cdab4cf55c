/** What a test image is made of: the spec a suite writes, and the media types it is written in. */
export const MEDIA_TYPES = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

export type ImageFormat = 'oci' | 'docker';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** One layer: a tar of these files (paths relative to /), gzip-compressed. */
export interface LayerSpec {
  files: Record<string, string>;
}

export interface PlatformImageSpec {
  /** Default linux/amd64. */
  platform?: Platform;
  /** e.g. ['8888/tcp', '9000/udp'] → config.ExposedPorts */
  exposedPorts?: string[];
  env?: string[];
  labels?: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  /** Default: one small layer. */
  layers?: LayerSpec[];
}

export interface SingleImageSpec extends PlatformImageSpec {
  kind: 'image';
  repository: string;
  tag: string;
  /** Default 'oci'. 'docker' writes a Docker schema2 manifest. */
  format?: ImageFormat;
}

export interface IndexImageSpec {
  kind: 'index';
  repository: string;
  tag: string;
  /** 'oci' → OCI image index; 'docker' → Docker manifest list. Default 'oci'. */
  format?: ImageFormat;
  images: PlatformImageSpec[];
  /** OCI only: add a buildx-style attestation manifest (platform unknown/unknown) per image. */
  attestations?: boolean;
}

export type ImageSpec = SingleImageSpec | IndexImageSpec;
