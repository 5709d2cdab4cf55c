import { computeDigest, parseDigest, verifyDigest } from './digest';
import { RegistryError, ValidationErrorCode } from './errors';
import { TransportResponse } from './http-transport';
import { LAYER_CHECK_CONCURRENCY, MAX_MANIFEST_BYTES } from './limits';
import { declaredMediaType, Descriptor, parseJsonObject } from './manifest';
import { REFERRERS_ACCEPT } from './media-types';
import { parseReferrersIndex } from './referrers';
import { headerValue, registryErrorFor, RequestTarget } from './registry-response';
import type { RepositorySession } from './registry-session';
import { layerTarget, SERVER_ERRORS } from './registry-session';
import { FetchedManifest, ReferrerDescriptor } from './repository-reader';

/**
 * What a `RepositorySession` reads beyond the request itself: verified manifests and blobs
 * (content-addressed, so cached per repository), referrers, and layer presence.
 */

/** A manifest by tag or digest, verified, its media type checked; null when the registry says it does not exist. */
export async function readManifest(session: RepositorySession, reference: string, accept: readonly string[]): Promise<FetchedManifest | null> {
  const digestReference = parseDigest(reference) ? reference : undefined;
  const cached = digestReference ? session.cachedContent(digestReference) : undefined;
  if (digestReference && cached) {
    return { digest: digestReference, mediaType: declaredMediaType(parseJsonObject(cached.body), cached.contentType), bytes: cached.body };
  }
  let response: TransportResponse;
  try {
    response = await session.getManifest(reference, accept.join(', '), MAX_MANIFEST_BYTES);
  } catch (error) {
    if (error instanceof RegistryError && error.code === ValidationErrorCode.ManifestNotFound) return null;
    throw error;
  }
  const digest = verifiedManifestDigest(response, digestReference, `manifest ${reference}`);
  const contentType = headerValue(response, 'content-type');
  const mediaType = declaredMediaType(parseJsonObject(response.body), contentType);
  session.cacheContent(digest, { body: response.body, contentType });
  return { digest, mediaType, bytes: response.body };
}

/**
 * Verifies a manifest body against Docker-Content-Digest (when usable) and the digest it was
 * asked for by (when it was); returns its digest.
 */
export function verifiedManifestDigest(response: TransportResponse, digestReference: string | undefined, what: string): string {
  const header = headerValue(response, 'docker-content-digest')?.trim();
  const usableHeader = header !== undefined && parseDigest(header) ? header : undefined;
  if (usableHeader) verifyDigest(response.body, usableHeader, what);
  if (digestReference) {
    verifyDigest(response.body, digestReference, what);
    return digestReference;
  }
  return usableHeader ?? computeDigest(response.body);
}

/** A blob's bytes, checked against its digest (and cached). */
export async function readBlob(session: RepositorySession, digest: string, maxBytes: number): Promise<Buffer> {
  const cached = session.cachedContent(digest);
  if (cached) return cached.body;
  const response = await session.getBlob(digest, `The blob ${digest}`, maxBytes);
  verifyDigest(response.body, digest, `blob ${digest}`);
  session.cacheContent(digest, { body: response.body, contentType: headerValue(response, 'content-type') });
  return response.body;
}

/**
 * Statuses from `GET /v2/<name>/referrers/<digest>` that mean "no usable referrers API": a
 * registry with the API never answers 404 (distribution-spec 1.1), distribution 2.x has no
 * such route (404), and some registries refuse the unknown path outright.
 */
const NO_REFERRERS_API: readonly number[] = [400, 403, 404, 405];

/** OCI 1.1 referrers of `digest` (filtered by artifactType); null when the registry has no referrers API. */
export async function readReferrers(session: RepositorySession, digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | null> {
  const registry = session.baseUrl.href;
  if (session.deps.withoutReferrersApi.get(registry)) return null;
  const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
  const response = await session.fetch('GET', `referrers/${digest}${query}`, { kind: 'referrers' }, MAX_MANIFEST_BYTES, {
    accept: REFERRERS_ACCEPT,
    allow: NO_REFERRERS_API,
  });
  const referrers = NO_REFERRERS_API.includes(response.status) ? undefined : parseReferrersIndex(response.body);
  if (!referrers) {
    // A missing route (or a body that is no index) is the registry's; a refusal may be this repository's only.
    if (response.status !== 400 && response.status !== 403) session.deps.withoutReferrersApi.set(registry, true);
    return null;
  }
  // Registries may ignore the filter (they say so with OCI-Filters-Applied): filter here as well.
  return artifactType ? referrers.filter((r) => r.artifactType === artifactType) : referrers;
}

/** HEADs every layer blob, LAYER_CHECK_CONCURRENCY at a time; throws `blob_missing` naming the first missing one. */
export async function checkLayersPresent(session: RepositorySession, layers: readonly Descriptor[]): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < layers.length && !failed) {
      await checkLayerPresent(session, layers[next++]).catch((error: unknown) => {
        failed = true; // the validation fails: no need to check the remaining layers
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(LAYER_CHECK_CONCURRENCY, layers.length) }, worker));
}

/** Non-distributable ("foreign") layers may live at their `urls` instead of the registry. */
const FOREIGN_LAYER = /foreign|nondistributable/;

async function checkLayerPresent(session: RepositorySession, layer: Descriptor): Promise<void> {
  await checkBlobPresent(session, layer, layerTarget(layer));
}

/**
 * HEADs a blob (`blob_missing` naming it when absent): through redirects to blob storage,
 * asking storage that refuses HEAD, and a server error a HEAD cannot explain, for one byte.
 */
export async function checkBlobPresent(
  session: RepositorySession,
  layer: Pick<Descriptor, 'digest' | 'mediaType' | 'urls'>,
  target: Extract<RequestTarget, { kind: 'blob' }>,
): Promise<void> {
  const key = session.repositoryKey(layer.digest);
  if (session.deps.presentBlobs.get(key)) return;
  const head = await session.fetch('HEAD', `blobs/${layer.digest}`, target, 0, { allow: [403, 404, 405, ...SERVER_ERRORS] });
  const refusedElsewhere = (head.status === 403 || head.status === 405) && head.url.origin !== session.baseUrl.origin;
  if (head.status >= 200 && head.status < 300) {
    // present
  } else if (refusedElsewhere || head.status >= 500) {
    // Blob storage behind a redirect that refuses HEAD on a URL signed for GET, or a server error a
    // HEAD cannot explain (no body; BLOB_UNKNOWN in a 503 is not worth retrying): ask for one byte.
    await session.fetch('GET', `blobs/${layer.digest}`, target, 1, { headers: { Range: 'bytes=0-0' }, discardBody: true });
  } else if (head.status === 404 && FOREIGN_LAYER.test(layer.mediaType) && layer.urls?.length) {
    await checkForeignLayer(session, layer);
  } else {
    throw registryErrorFor(head, target, session.failureContext());
  }
  session.deps.presentBlobs.set(key, true);
}

/** A foreign layer at its first URL (egress-vetted, never with the registry's credentials). */
async function checkForeignLayer(session: RepositorySession, layer: Pick<Descriptor, 'digest' | 'urls'>): Promise<void> {
  const missing = () =>
    new RegistryError(
      ValidationErrorCode.BlobMissing,
      `The foreign layer ${layer.digest} is neither in the registry nor reachable at the URL its descriptor names: the image cannot be pulled.`,
    );
  let url: URL;
  try {
    url = new URL((layer.urls ?? [])[0]);
  } catch {
    throw missing();
  }
  const response = await session.deps.transport.request({
    method: 'HEAD',
    url,
    maxBodyBytes: 0,
    onBodyTooLarge: missing,
    signal: session.signal,
    kind: 'external',
    trace: session.trace,
  });
  if (response.status < 200 || response.status >= 300) throw missing();
}

