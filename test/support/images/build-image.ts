/**
 * Builds test images in memory: real gzip'd tar layers, OCI or Docker schema2 manifests, OCI
 * indexes with buildx-style attestation entries, Docker manifest lists.
 *
 * Everything is deterministic (fixed timestamps, no random content), so a spec always yields
 * the same digests on one machine; tests should still take expected values from the returned
 * descriptions (or `describeImage`) rather than hard-code digests.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AttestationDescription, Descriptor, ImageDescription, PlatformImageDescription, platformString } from './image-description';
import { ImageFormat, IndexImageSpec, ImageSpec, MEDIA_TYPES, Platform, PlatformImageSpec } from './image-spec';
import { tarArchive } from './tar-archive';

export interface Blob extends Descriptor {
  bytes: Buffer;
}

export interface BuiltImage {
  description: ImageDescription;
  blobs: Blob[];
  /** Child manifests first; the last entry is the root, pushed under the tag. */
  manifests: Blob[];
}

/** The description `pushImage` would return, without pushing (expected values for asserts). */
export function describeImage(spec: ImageSpec): ImageDescription {
  return buildImage(spec).description;
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const format = spec.format ?? 'oci';
  const blobs = new Map<string, Blob>();
  const manifests: Blob[] = [];
  const base = { repository: spec.repository, tag: spec.tag, reference: `${spec.repository}:${spec.tag}`, format };

  if (spec.kind === 'image') {
    const image = buildPlatformImage(spec, format, blobs);
    manifests.push(image.manifest);
    return {
      description: {
        ...base,
        kind: 'image',
        mediaType: image.description.mediaType,
        digest: image.description.digest,
        size: image.description.size,
        images: [image.description],
        attestations: [],
        platform: image.description.platform,
        config: image.description.config,
        totalSize: image.description.totalSize,
      },
      blobs: [...blobs.values()],
      manifests,
    };
  }

  if (spec.attestations && format !== 'oci') throw new Error('attestation manifests need format "oci"');
  const images = spec.images.map((imageSpec) => buildPlatformImage(imageSpec, format, blobs));
  manifests.push(...images.map((image) => image.manifest));
  const attestations = spec.attestations
    ? images.map((image) => buildAttestation(spec, image.description, blobs))
    : [];
  manifests.push(...attestations.map((attestation) => attestation.manifest));

  const indexMediaType = format === 'oci' ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerManifestList;
  const index = {
    schemaVersion: 2,
    mediaType: indexMediaType,
    manifests: [
      ...images.map(({ description }) => ({
        mediaType: description.mediaType,
        digest: description.digest,
        size: description.size,
        platform: description.platform,
      })),
      ...attestations.map(({ description }) => ({
        mediaType: description.mediaType,
        digest: description.digest,
        size: description.size,
        annotations: description.annotations,
        platform: description.platform,
      })),
    ],
  };
  const indexBlob = jsonBlob(indexMediaType, index);
  manifests.push(indexBlob);
  return {
    description: {
      ...base,
      kind: 'index',
      mediaType: indexMediaType,
      digest: indexBlob.digest,
      size: indexBlob.size,
      images: images.map((image) => image.description),
      attestations: attestations.map((attestation) => attestation.description),
    },
    blobs: [...blobs.values()],
    manifests,
  };
}

const CREATED = '2024-01-01T00:00:00Z';
const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };

function buildPlatformImage(
  spec: PlatformImageSpec,
  format: ImageFormat,
  blobs: Map<string, Blob>,
): { description: PlatformImageDescription; manifest: Blob } {
  const platform = spec.platform ?? DEFAULT_PLATFORM;
  const layerSpecs = spec.layers ?? [{ files: { 'hello.txt': 'hello\n' } }];
  const layerMediaType = format === 'oci' ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer;
  const layers = layerSpecs.map((layerSpec) => {
    const tar = tarArchive(layerSpec.files);
    const blob = rawBlob(layerMediaType, gzipSync(tar, { level: 9 }));
    blobs.set(blob.digest, blob);
    return { blob, diffId: sha256(tar) };
  });
  const exposedPorts = spec.exposedPorts ?? [];
  const env = spec.env ?? [];
  const labels = spec.labels ?? {};
  const containerConfig: Record<string, unknown> = { Env: env };
  if (exposedPorts.length) containerConfig.ExposedPorts = Object.fromEntries(exposedPorts.map((port) => [port, {}]));
  if (spec.entrypoint) containerConfig.Entrypoint = spec.entrypoint;
  if (spec.cmd) containerConfig.Cmd = spec.cmd;
  if (spec.workingDir) containerConfig.WorkingDir = spec.workingDir;
  if (spec.user) containerConfig.User = spec.user;
  if (Object.keys(labels).length) containerConfig.Labels = labels;
  const config = jsonBlob(format === 'oci' ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig, {
    created: CREATED,
    architecture: platform.architecture,
    ...(platform.variant ? { variant: platform.variant } : {}),
    os: platform.os,
    config: containerConfig,
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map((_, i) => ({ created: CREATED, created_by: `test layer ${i + 1}` })),
  });
  blobs.set(config.digest, config);

  const manifestMediaType = format === 'oci' ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest;
  const manifest = jsonBlob(manifestMediaType, {
    schemaVersion: 2,
    mediaType: manifestMediaType,
    config: descriptor(config),
    layers: layers.map((layer) => descriptor(layer.blob)),
  });
  return {
    manifest,
    description: {
      ...descriptor(manifest),
      platform,
      config: descriptor(config),
      layers: layers.map((layer) => descriptor(layer.blob)),
      totalSize: config.size + layers.reduce((sum, layer) => sum + layer.blob.size, 0),
      exposedPorts,
      env,
      labels,
    },
  };
}

/** A buildx-style SBOM attestation manifest for one platform image. */
function buildAttestation(
  spec: IndexImageSpec,
  image: PlatformImageDescription,
  blobs: Map<string, Blob>,
): { description: AttestationDescription; manifest: Blob } {
  const platform = encodeURIComponent(platformString(image.platform));
  const statement = rawBlob(
    MEDIA_TYPES.inToto,
    Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
        subject: [{ name: `pkg:docker/${spec.repository}@${spec.tag}?platform=${platform}`, digest: { sha256: image.digest.slice(7) } }],
        predicate: { spdxVersion: 'SPDX-2.3', name: 'sbom', packages: [] },
      }),
    ),
  );
  blobs.set(statement.digest, statement);
  const config = jsonBlob(MEDIA_TYPES.ociConfig, {
    architecture: 'unknown',
    os: 'unknown',
    config: {},
    rootfs: { type: 'layers', diff_ids: [statement.digest] },
  });
  blobs.set(config.digest, config);
  const manifest = jsonBlob(MEDIA_TYPES.ociManifest, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: descriptor(config),
    layers: [{ ...descriptor(statement), annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' } }],
  });
  return {
    manifest,
    description: {
      ...descriptor(manifest),
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': image.digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
      refersTo: image.digest,
    },
  };
}

function descriptor(blob: Descriptor): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

function jsonBlob(mediaType: string, value: unknown): Blob {
  return rawBlob(mediaType, Buffer.from(JSON.stringify(value)));
}

function rawBlob(mediaType: string, bytes: Buffer): Blob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

