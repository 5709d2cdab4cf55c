/**
 * What was built or pushed: the JSON-serialisable description of an image (manifest digests,
 * platforms, config and layer descriptors), and how suites refer to it.
 */
import type { ImageFormat, Platform } from './image-spec';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface PlatformImageDescription extends Descriptor {
  platform: Platform;
  config: Descriptor;
  layers: Descriptor[];
  /** config.size + the compressed layer sizes (what a pull downloads besides the manifest). */
  totalSize: number;
  /** As written to config.config. */
  exposedPorts: string[];
  env: string[];
  labels: Record<string, string>;
}

export interface AttestationDescription extends Descriptor {
  platform: { os: 'unknown'; architecture: 'unknown' };
  annotations: Record<string, string>;
  /** Digest of the platform image this attestation refers to. */
  refersTo: string;
}

/** JSON-serialisable description of a pushed (or merely built) image. */
export interface ImageDescription extends Descriptor {
  kind: 'image' | 'index';
  repository: string;
  tag: string;
  /** `repository:tag` (prefix with a registry host: see `imageReference`). */
  reference: string;
  format: ImageFormat;
  /** kind 'image': the image itself (one entry); kind 'index': the platform images, in order. */
  images: PlatformImageDescription[];
  /** kind 'index' with attestations: the attestation manifests, in index order after the images. */
  attestations: AttestationDescription[];
  /** kind 'image' only: same as images[0].platform / .config / .totalSize. */
  platform?: Platform;
  config?: Descriptor;
  totalSize?: number;
}

/** `127.0.0.1:PORT/gpu/cuda-app:1.0`, or `…@sha256:…` with `{ byDigest: true }`. */
export function imageReference(
  registry: { host: string },
  image: ImageDescription,
  options: { byDigest?: boolean } = {},
): string {
  return options.byDigest
    ? `${registry.host}/${image.repository}@${image.digest}`
    : `${registry.host}/${image.reference}`;
}

/** The platform image of an index (or the single image) matching `os/arch[/variant]`. */
export function platformImage(image: ImageDescription, platform: string): PlatformImageDescription | undefined {
  return image.images.find((entry) => platformString(entry.platform) === platform ||
    (!platform.split('/')[2] && `${entry.platform.os}/${entry.platform.architecture}` === platform));
}

export function platformString(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
