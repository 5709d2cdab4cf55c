import { RegistryError, ValidationErrorCode } from './errors';
import { Descriptor, ImageIndex, Platform } from './manifest';
import { IMAGE_MANIFEST_MEDIA_TYPES } from './media-types';

/** The only platform our GPU nodes run. */
export const TARGET_PLATFORM = { os: 'linux', architecture: 'amd64' } as const;

/**
 * Accepted amd64 micro-architecture levels, most portable first: when an index
 * offers several, we pick the one every node can run.
 */
const ACCEPTED_VARIANTS: readonly (string | undefined)[] = [undefined, 'v1', 'v2', 'v3'];

/** `linux/arm/v7` */
export function describePlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/**
 * BuildKit stores provenance/SBOM attestations in the index as entries with
 * platform `unknown/unknown` and a `vnd.docker.reference.type` annotation.
 */
export function isAttestation(descriptor: Descriptor): boolean {
  return (
    descriptor.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (descriptor.platform?.os === 'unknown' && descriptor.platform.architecture === 'unknown')
  );
}

export function isTargetPlatform(platform: Platform): boolean {
  return platform.os === TARGET_PLATFORM.os && platform.architecture === TARGET_PLATFORM.architecture;
}

/** Picks the linux/amd64 image manifest from an index; throws `platform_unsupported` naming what was found. */
export function selectPlatformManifest(index: ImageIndex): Descriptor & { platform: Platform } {
  const images = index.manifests.filter(
    (d): d is Descriptor & { platform: Platform } =>
      // An entry with an artifactType is not an image (e.g. a SOCI index v2 listed for the same platform).
      d.platform !== undefined && !isAttestation(d) && d.artifactType === undefined && IMAGE_MANIFEST_MEDIA_TYPES.has(d.mediaType),
  );
  const candidates = images.filter(
    (d) => isTargetPlatform(d.platform) && ACCEPTED_VARIANTS.includes(d.platform.variant),
  );
  candidates.sort(
    (a, b) => ACCEPTED_VARIANTS.indexOf(a.platform.variant) - ACCEPTED_VARIANTS.indexOf(b.platform.variant),
  );
  if (candidates.length > 0) return candidates[0];

  const found = [...new Set(images.map((d) => describePlatform(d.platform)))];
  const foundText = found.length > 0 ? `it provides ${found.slice(0, 10).join(', ')}` : 'it lists no runnable platforms';
  throw new RegistryError(
    ValidationErrorCode.PlatformUnsupported,
    `The image has no linux/amd64 variant (${foundText}). Build it for linux/amd64, e.g. docker buildx build --platform linux/amd64.`,
  );
}
