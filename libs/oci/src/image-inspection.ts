import { deriveApps } from './apps';
import { CachedContent } from './content-cache';
import { cudaReportOf } from './cuda/cuda-requirement';
import { parseDigest, verifyDigest } from './digest';
import { RegistryError, ValidationErrorCode } from './errors';
import { TransportResponse } from './http-transport';
import { cudaVersionOf, ImageConfig, parseImageConfig } from './image-config';
import { ImageReference } from './image-reference';
import { ImageValidationReport } from './image-validation-report';
import { hasSociIndex, layerFormats } from './lazy-pull';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './limits';
import { Descriptor, ImageIndex, ImageManifest, parseManifest, Platform, schema1Unsupported } from './manifest';
import { essenceOf, MANIFEST_ACCEPT, SCHEMA1_MEDIA_TYPES } from './media-types';
import { describePlatform, isTargetPlatform, selectPlatformManifest } from './platform';
import { headerValue } from './registry-response';
import { RepositorySession, SERVER_ERRORS } from './registry-session';
import { checkLayersPresent, verifiedManifestDigest } from './repository-content';
import { recheckUnchanged } from './unchanged-image';
import { basisOf, ValidationBasis } from './validation-basis';

export { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './limits';

export interface InspectionOptions {
  /** The fleet's NVIDIA driver: images that need a newer one fail with `cuda_unsupported`. */
  readonly gpuDriverVersion?: string;
}

/** The report, and what it was derived from (stored with it for the next re-validation). */
export interface Inspection {
  readonly report: ImageValidationReport;
  readonly basis: ValidationBasis;
}

/** The last passed validation, when its basis is one this version can use. */
export interface UsablePrevious {
  readonly report: ImageValidationReport;
  readonly basis: ValidationBasis;
}

/**
 * Resolves the reference to its linux/amd64 image and checks that it will run:
 *
 * 1. HEAD the manifest when its answer may save the GET: a previous report to compare with
 *    (the same digest: its facts are reused, see `recheckUnchanged`, and no GET is sent), or
 *    a tag resolved before, a cached digest: checks access with the caller's credentials and
 *    resolves a tag to a digest without counting as a pull (Docker Hub), refusing oversized
 *    or schema 1 manifests early;
 * 2. GET it (unless this repository's content under that digest is already cached), verify
 *    its digest and that its body and Content-Type agree on its media type;
 * 3. for an index, pick linux/amd64, then GET that manifest and verify it;
 * 4. GET the config blob, verify its digest, check its platform and its CUDA requirement
 *    against the fleet's driver;
 * 5. HEAD every layer blob (a few at a time), and look for a SOCI index among the referrers.
 *
 * Manifests and configs are content-addressed, so verified ones are cached per repository:
 * validating the same image again costs one HEAD request (plus the layer and referrer checks,
 * which are not content-addressed).
 */
export async function inspectImage(
  session: RepositorySession,
  ref: ImageReference,
  options: InspectionOptions = {},
  previous?: UsablePrevious,
): Promise<Inspection> {
  const head = await headIfWorthIt(session, ref, previous !== undefined);
  const headDigest = head.succeeded ? (ref.digest ?? head.digest) : undefined;
  const unchanged = previous !== undefined && headDigest === previous.basis.digest;
  if (previous && session.trace) session.trace.previousStillCurrent = unchanged;
  if (previous && unchanged) {
    return { report: await recheckUnchanged(session, previous.report, previous.basis, options.gpuDriverVersion), basis: previous.basis };
  }
  const { digest: resolvedDigest, content: top } = await resolveTopManifest(session, ref, head);
  const manifest = parseManifest(top.body, top.contentType);

  let image: ImageManifest;
  let index: ImageIndex | undefined;
  let listedPlatform: Platform | undefined;
  let platformDigest: string;
  if (manifest.kind === 'index') {
    const chosen = selectPlatformManifest(manifest);
    image = await fetchPlatformManifest(session, chosen);
    index = manifest;
    listedPlatform = chosen.platform;
    platformDigest = chosen.digest;
  } else {
    image = manifest;
    platformDigest = resolvedDigest;
  }

  const config = await fetchConfig(session, image.config);
  const platform = runnablePlatform(config, listedPlatform);
  const cuda = cudaReportOf(config.env, options.gpuDriverVersion);
  const [layers, soci] = await Promise.allSettled([checkLayersPresent(session, image.layers), sociIndexed(session, image, platformDigest, index)]);
  if (layers.status === 'rejected') throw layers.reason;
  if (soci.status === 'rejected') throw soci.reason;

  const report: ImageValidationReport = {
    resolved_digest: resolvedDigest,
    media_type: manifest.mediaType,
    platform: { os: platform.os, architecture: platform.architecture, ...(platform.variant ? { variant: platform.variant } : {}) },
    platform_digest: platformDigest,
    total_size_bytes: image.layers.reduce((sum, layer) => sum + layer.size, image.config.size),
    layers: image.layers.length,
    largest_layer_bytes: image.layers.reduce((largest, layer) => Math.max(largest, layer.size), 0),
    lazy_pull: { ...layerFormats(image), soci: soci.value },
    entrypoint: config.entrypoint ? [...config.entrypoint] : null,
    cmd: config.cmd ? [...config.cmd] : null,
    working_dir: config.workingDir,
    user: config.user,
    cuda_version: cudaVersionOf(config),
    ...cuda,
    apps: deriveApps(config),
  };
  return { report, basis: basisOf(resolvedDigest, image, config) };
}

/** Whether a SOCI index exists for the image manifest; a recent answer for this repository is reused. */
async function sociIndexed(session: RepositorySession, image: ImageManifest, digest: string, index: ImageIndex | undefined): Promise<boolean> {
  const key = session.repositoryKey(digest);
  const known = session.deps.sociLookups.get(key);
  if (known !== undefined) return known;
  const found = await hasSociIndex(session, image, digest, index);
  session.deps.sociLookups.set(key, found);
  return found;
}

/**
 * The HEAD is worth it when its answer may save the GET: a previous report to compare its
 * digest with, a digest whose content is cached, or a tag this worker resolved before (its
 * content may still be cached). Otherwise the GET is needed anyway, and it checks access as
 * well as the HEAD.
 */
async function headIfWorthIt(session: RepositorySession, ref: ImageReference, hasPrevious: boolean): Promise<HeadResult> {
  const worthHead = hasPrevious || (ref.digest ? session.hasCachedContent(ref.digest) : session.deps.resolvedTags.has(session.repositoryKey(ref.reference)));
  return worthHead ? precheckManifest(session, ref) : { succeeded: false };
}

async function resolveTopManifest(session: RepositorySession, ref: ImageReference, head: HeadResult): Promise<{ digest: string; content: CachedContent }> {
  const tag = ref.digest ? undefined : session.repositoryKey(ref.reference);
  // The cache may only answer once this session's own request succeeded: that is the access check.
  const knownDigest = head.succeeded ? (ref.digest ?? head.digest) : undefined;
  const cached = knownDigest ? session.cachedContent(knownDigest) : undefined;
  if (knownDigest && cached) return { digest: knownDigest, content: cached };

  const response = await session.getManifest(ref.reference, MANIFEST_ACCEPT, MAX_MANIFEST_BYTES).catch(async (error: unknown) => {
    if (error instanceof RegistryError && error.code === ValidationErrorCode.ManifestNotFound) await session.throwIfRepositoryUnknown();
    throw error;
  });
  const digest = verifiedManifestDigest(response, ref.digest, `manifest for ${ref.toString()}`);
  const content = contentOf(response);
  session.cacheContent(digest, content);
  if (tag) session.deps.resolvedTags.set(tag, true);
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
 * Permanent failures, and server errors, are left to the GET, which explains them better: a
 * HEAD response has no body, so it cannot carry the registry's error code (NAME_UNKNOWN vs
 * MANIFEST_UNKNOWN; a 503 that says MANIFEST_UNKNOWN is not worth retrying) or message.
 * Rate limiting and network failures end the validation here.
 */
async function precheckManifest(session: RepositorySession, ref: ImageReference): Promise<HeadResult> {
  let head: TransportResponse;
  try {
    head = await session.headManifest(ref.reference, MANIFEST_ACCEPT, SERVER_ERRORS);
  } catch (error) {
    if (error instanceof RegistryError && GET_EXPLAINS_BETTER.has(error.code)) return { succeeded: false };
    throw error;
  }
  if (head.status >= 500) return { succeeded: false };
  if (Number(headerValue(head, 'content-length')) > MAX_MANIFEST_BYTES) throw manifestTooLarge('image manifest');
  const mediaType = essenceOf(headerValue(head, 'content-type'));
  if (mediaType && SCHEMA1_MEDIA_TYPES.has(mediaType)) throw schema1Unsupported();
  const digest = headerValue(head, 'docker-content-digest')?.trim();
  return { succeeded: true, digest: digest && parseDigest(digest) ? digest : undefined };
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
  if (manifest.mediaType !== descriptor.mediaType) {
    throw new RegistryError(
      ValidationErrorCode.UnsupportedManifest,
      `The image index lists the linux/amd64 manifest as "${descriptor.mediaType}", but it is "${manifest.mediaType}"; a manifest must declare one type.`,
    );
  }
  return manifest;
}

async function fetchConfig(session: RepositorySession, descriptor: Descriptor): Promise<ImageConfig> {
  if (descriptor.size > MAX_CONFIG_BYTES) throw manifestTooLarge('image configuration');
  const content = await fetchVerified(session, descriptor.digest, 'image configuration', () =>
    session.getBlob(descriptor.digest, 'The image configuration', MAX_CONFIG_BYTES),
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
 * The platform the image runs as. For an index entry, the index already said linux/amd64;
 * the config must not contradict it. A single-platform image must declare linux/amd64 in
 * its config.
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
