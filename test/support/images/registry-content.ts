import { createHash } from 'node:crypto';
import { httpsRequest } from '../services/https-request';
import { buildImage } from './build-image';
import { MEDIA_TYPES, SingleImageSpec } from './image-spec';
import { pushBlob, pushManifest, RegistryTarget } from './push-image';

/**
 * Content a suite crafts on a real registry for what the standard images do not show: layers
 * with annotations (eStargz, zstd:chunked), SOCI indexes found through the referrers tag
 * schema, blobs deleted after the manifest was pushed.
 */

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export interface PushedImage {
  /** Digest and size of the manifest. */
  digest: string;
  size: number;
  layers: { digest: string; size: number }[];
}

/** Pushes a single-platform OCI image whose layer descriptors carry the given annotations (by layer index). */
export async function pushAnnotatedImage(
  registry: RegistryTarget,
  spec: SingleImageSpec,
  layerAnnotations: Record<number, Record<string, string>>,
): Promise<PushedImage> {
  const built = buildImage(spec);
  for (const blob of built.blobs) await pushBlob(registry, spec.repository, blob.bytes);
  const image = built.description.images[0];
  const layers = image.layers.map((layer, i) => ({ ...layer, ...(layerAnnotations[i] ? { annotations: layerAnnotations[i] } : {}) }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: image.config, layers }));
  const digest = await pushManifest(registry, spec.repository, spec.tag, MEDIA_TYPES.ociManifest, manifest);
  return { digest, size: manifest.length, layers: image.layers.map(({ digest: d, size }) => ({ digest: d, size })) };
}

export const SOCI_INDEX_V1 = 'application/vnd.amazon.soci.index.v1+json';

/**
 * A SOCI v1 index of `subject` laid out as the soci CLI pushes it to a registry without the
 * referrers API: the index manifest (config media type = artifact type, a ztoc layer, the
 * subject), and an image index under the referrers tag schema tag `sha256-<hex>` listing it.
 */
export async function pushSociIndexV1(registry: RegistryTarget, repository: string, subject: { digest: string; size: number }): Promise<string> {
  const config = Buffer.from('{}');
  const ztoc = Buffer.from('ztoc of the test layer');
  await pushBlob(registry, repository, config);
  await pushBlob(registry, repository, ztoc);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      artifactType: SOCI_INDEX_V1,
      config: { mediaType: SOCI_INDEX_V1, digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/octet-stream', digest: sha256(ztoc), size: ztoc.length }],
      subject: { mediaType: MEDIA_TYPES.ociManifest, digest: subject.digest, size: subject.size },
      annotations: { 'com.amazon.soci.build-tool-identifier': 'AWS SOCI CLI v0.2' },
    }),
  );
  const indexDigest = await pushManifest(registry, repository, sha256(index), MEDIA_TYPES.ociManifest, index);
  const referrers = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, digest: indexDigest, size: index.length, artifactType: SOCI_INDEX_V1 }],
    }),
  );
  await pushManifest(registry, repository, subject.digest.replace(':', '-'), MEDIA_TYPES.ociIndex, referrers);
  return indexDigest;
}

/** Deletes a blob from a repository of the anonymous registry (the test registries allow deletes). */
export async function deleteBlob(registry: RegistryTarget & { url: string }, repository: string, digest: string): Promise<void> {
  const response = await httpsRequest(`${registry.url}/v2/${repository}/blobs/${digest}`, { method: 'DELETE', caFile: registry.caFile });
  if (response.status !== 202) throw new Error(`deleting ${repository}@${digest}: HTTP ${response.status} ${response.text().slice(0, 200)}`);
}
