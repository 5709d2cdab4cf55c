import { deriveApps } from './apps';
import { CachedContent } from './content-cache';
import { computeDigest, parseDigest, verifyDigest } from './digest';
import { RegistryError, ValidationErrorCode } from './errors';
import { TransportResponse } from './http-transport';
import { cudaVersionOf, ImageConfig, parseImageConfig } from './image-config';
import { ImageReference } from './image-reference';
import { ImageValidationReport } from './image-validation-report';
import { Descriptor, ImageManifest, parseManifest, Platform, schema1Unsupported } from './manifest';
import { essenceOf, MANIFEST_ACCEPT, SCHEMA1_MEDIA_TYPES } from './media-types';
import { describePlatform, isTargetPlatform, selectPlatformManifest } from './platform';
import { headerValue } from './registry-response';
import { RepositorySession } from './registry-session';

/** Largest manifest (index or image) we read. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Largest image configuration blob we read. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Resolves the reference to its linux/amd64 image and reads what the product
 * needs from it:
 *
 * 1. HEAD the manifest: checks access with the caller's credentials, resolves
 *    a tag to a digest, and refuses oversized or schema 1 manifests early;
 * 2. GET it (unless this repository's content under that digest is already
 *    cached) and verify its digest;
 * 3. for an index, pick linux/amd64, then GET that manifest and verify it;
 * 4. GET the config blob, verify its digest, and check its platform.
 *
 * Manifests and configs are content-addressed, so verified ones are cached per
 * repository: validating the same image again costs one HEAD request.
 */
export async function inspectImage(session: RepositorySession, ref: ImageReference): Promise<ImageValidationReport> {
  const { digest: resolvedDigest, content: top } = await resolveTopManifest(session, ref);
  const manifest = parseManifest(top.body, top.contentType);

  let image: ImageManifest;
  let listedPlatform: Platform | undefined;
  let platformDigest: string;
  if (manifest.kind === 'index') {
    const chosen = selectPlatformManifest(manifest);
    image = await fetchPlatformManifest(session, chosen);
    listedPlatform = chosen.platform;
    platformDigest = chosen.digest;
  } else {
    image = manifest;
    platformDigest = resolvedDigest;
  }

  const config = await fetchConfig(session, image.config);
  const platform = runnablePlatform(config, listedPlatform);
  return {
    resolved_digest: resolvedDigest,
    media_type: manifest.mediaType,
    platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
    platform_digest: platformDigest,
    total_size_bytes: image.layers.reduce((sum, layer) => sum + layer.size, image.config.size),
    cuda_version: cudaVersionOf(config),
    apps: deriveApps(config),
  };
}

async function resolveTopManifest(session: RepositorySession, ref: ImageReference): Promise<{ digest: string; content: CachedContent }> {
  const head = await precheckManifest(session, ref);
  // The cache may only answer once this session's own HEAD succeeded: that is the access check.
  const knownDigest = head.succeeded ? (ref.digest ?? head.digest) : undefined;
  const cached = knownDigest ? session.cachedContent(knownDigest) : undefined;
  if (knownDigest && cached) return { digest: knownDigest, content: cached };

  const response = await session.getManifest(ref.reference, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES).catch(async (error: unknown) => {
    if (error instanceof RegistryError && error.code === ValidationErrorCode.ManifestNotFound) await session.throwIfRepositoryUnknown();
    throw error;
  });
  const digest = verifiedManifestDigest(response, ref);
  const content = contentOf(response);
  session.cacheContent(digest, content);
  return { digest, content };
}

/** Errors from a HEAD that the GET that follows reports with the registry's own code and message. */
const GET_EXPLAINS_BETTER: ReadonlySet<ValidationErrorCode> = new Set<ValidationErrorCode>([
  ValidationErrorCode.InvalidCredentials,
  ValidationErrorCode.AccessDenied,
  ValidationErrorCode.RepositoryNotFound,
  ValidationErrorCode.ManifestNotFound,
  ValidationErrorCode.RegistryError,
]);

type HeadResult = { readonly succeeded: false } | { readonly succeeded: true; readonly digest: string | undefined };

/**
 * HEADs the manifest; on success returns its Docker-Content-Digest when usable.
 *
 * Permanent failures are left to the GET, which explains them better: a HEAD
 * response has no body, so it cannot carry the registry's error code
 * (NAME_UNKNOWN vs MANIFEST_UNKNOWN) or message. Transient failures (429, 5xx,
 * network) end the validation here.
 */
async function precheckManifest(session: RepositorySession, ref: ImageReference): Promise<HeadResult> {
  let head: TransportResponse;
  try {
    head = await session.headManifest(ref.reference, MANIFEST_ACCEPT);
  } catch (error) {
    if (error instanceof RegistryError && GET_EXPLAINS_BETTER.has(error.code)) return { succeeded: false };
    throw error;
  }
  if (Number(headerValue(head, 'content-length')) > MAX_MANIFEST_BYTES) throw manifestTooLarge('image manifest');
  const mediaType = essenceOf(headerValue(head, 'content-type'));
  if (mediaType && SCHEMA1_MEDIA_TYPES.has(mediaType)) throw schema1Unsupported();
  const digest = headerValue(head, 'docker-content-digest')?.trim();
  return { succeeded: true, digest: digest && parseDigest(digest) ? digest : undefined };
}

/** Verifies the body against Docker-Content-Digest (when usable) and a digest reference; returns the manifest digest. */
function verifiedManifestDigest(response: TransportResponse, ref: ImageReference): string {
  const what = `manifest for ${ref.toString()}`;
  const header = headerValue(response, 'docker-content-digest')?.trim();
  const usableHeader = header !== undefined && parseDigest(header) ? header : undefined;
  if (usableHeader) verifyDigest(response.body, usableHeader, what);
  if (ref.digest) {
    verifyDigest(response.body, ref.digest, what);
    return ref.digest;
  }
  return usableHeader ?? computeDigest(response.body);
}

async function fetchPlatformManifest(session: RepositorySession, descriptor: Descriptor): Promise<ImageManifest> {
  if (descriptor.size > MAX_MANIFEST_BYTES) throw manifestTooLarge('linux/amd64 image manifest');
  const content = await fetchVerified(session, descriptor.digest, 'linux/amd64 image manifest', () =>
    session.getManifest(descriptor.digest, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES),
  );
  const manifest = parseManifest(content.body, content.contentType);
  if (manifest.kind !== 'image') {
    throw new RegistryError(ValidationErrorCode.UnsupportedManifest, 'The image index points at another index for linux/amd64; nested indexes are not supported.');
  }
  return manifest;
}

async function fetchConfig(session: RepositorySession, descriptor: Descriptor): Promise<ImageConfig> {
  if (descriptor.size > MAX_CONFIG_BYTES) throw manifestTooLarge('image configuration');
  const content = await fetchVerified(session, descriptor.digest, 'image configuration', () =>
    session.getBlob(descriptor.digest, `The image configuration ${descriptor.digest}`, MAX_CONFIG_BYTES),
  );
  return parseImageConfig(content.body);
}

/** Content under `digest`: from the repository's cache, or fetched, verified and cached. */
async function fetchVerified(
  session: RepositorySession,
  digest: string,
  what: string,
  fetch: () => Promise<TransportResponse>,
): Promise<CachedContent> {
  const cached = session.cachedContent(digest);
  if (cached) return cached;
  const response = await fetch();
  verifyDigest(response.body, digest, what);
  const content = contentOf(response);
  session.cacheContent(digest, content);
  return content;
}

function contentOf(response: TransportResponse): CachedContent {
  return { body: response.body, contentType: headerValue(response, 'content-type') };
}

/**
 * The platform the image runs as. For an index entry, the index already said
 * linux/amd64; the config must not contradict it. A single-platform image must
 * declare linux/amd64 in its config.
 */
function runnablePlatform(config: ImageConfig, listed: Platform | undefined): Platform {
  const declared: Platform = {
    os: config.os ?? 'unknown',
    architecture: config.architecture ?? 'unknown',
    ...(config.variant ? { variant: config.variant } : {}),
  };
  if (listed && (config.os === undefined || config.architecture === undefined || isTargetPlatform(declared))) {
    return listed;
  }
  if (!isTargetPlatform(declared)) {
    throw new RegistryError(
      ValidationErrorCode.PlatformUnsupported,
      `The image is built for ${describePlatform(declared)}, but only linux/amd64 is supported. Build it with --platform linux/amd64.`,
    );
  }
  return declared;
}

function manifestTooLarge(what: string): RegistryError {
  return new RegistryError(
    ValidationErrorCode.ManifestTooLarge,
    `The ${what} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB, which this service does not accept.`,
  );
}
