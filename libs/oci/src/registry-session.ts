import { LRUCache } from 'lru-cache';
import { CachedContent, ContentCache } from './content-cache';
import { RegistryError, ValidationErrorCode } from './errors';
import { HttpTransport, TransportResponse } from './http-transport';
import { ImageReference } from './image-reference';
import { Descriptor } from './manifest';
import {
  authSchemeFromChallenges,
  basicAuthorization,
  RegistryAuthenticator,
  RegistryAuthScheme,
  RegistryCredentials,
} from './registry-auth';
import { FailureContext, registryErrorFor, RequestTarget } from './registry-response';
import { FetchedManifest, ReferrerDescriptor, RepositoryReader } from './repository-reader';
import { readBlob, readManifest, readReferrers } from './repository-content';
import type { ValidationTrace } from './validation-trace';
import { parseWwwAuthenticate } from './www-authenticate';

const TAG_LIST_LIMIT_BYTES = 1024 * 1024;

/** Server errors: a HEAD cannot say which (no body), the GET that follows can (MANIFEST_UNKNOWN in a 503...). */
export const SERVER_ERRORS: readonly number[] = [500, 501, 502, 503, 504];

/** Where the Authorization header in use came from; decides whether a 401 is worth one retry. */
type AuthSource = 'none' | 'basic' | 'cached-token' | 'fresh-token';

export interface RepositorySessionDeps {
  readonly transport: HttpTransport;
  readonly authenticator: RegistryAuthenticator;
  readonly contentCache: ContentCache;
  /** Registry API roots known to have no OCI 1.1 referrers API (so the tag-schema fallback is used at once). */
  readonly withoutReferrersApi: LRUCache<string, true>;
  /** Blobs recently seen present, by repository and digest. */
  readonly presentBlobs: LRUCache<string, true>;
  /** Tags resolved before (by repository): a HEAD may then be answered from the content cache. */
  readonly resolvedTags: LRUCache<string, true>;
  /** Recent answers to "is there a SOCI index for this image manifest", by repository and digest. */
  readonly sociLookups: LRUCache<string, boolean>;
  readonly clock: () => number;
}

export interface FetchOptions {
  readonly accept?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses returned to the caller instead of thrown as errors. */
  readonly allow?: readonly number[];
  readonly discardBody?: boolean;
}

/**
 * Authenticated read access to one repository for the duration of one validation: it
 * authorizes lazily, answers a 401 by re-authenticating once (a cached token may have been
 * revoked, or the registry changed its auth), and turns failed responses into
 * `RegistryError`s. It is the `RepositoryReader` content checks (signatures, lazy pull) use.
 */
export class RepositorySession implements RepositoryReader {
  private authorization: string | undefined;
  private authSource: AuthSource | undefined;
  private credentialsAccepted = false;
  private reauthenticated = false;
  /** A request of this session succeeded: the credentials can read the repository, so cached content may be served. */
  private accessVerified = false;

  constructor(
    readonly deps: RepositorySessionDeps,
    /** The registry API root, e.g. `https://ghcr.io/v2/`. */
    readonly baseUrl: URL,
    readonly ref: ImageReference,
    private readonly credentials: RegistryCredentials | undefined,
    readonly signal: AbortSignal,
    /** Counts every request of this validation. */
    readonly trace?: ValidationTrace,
  ) {}

  /** HEAD of a manifest; `allow` lists statuses returned instead of thrown. */
  headManifest(reference: string, accept: string, allow?: readonly number[]): Promise<TransportResponse> {
    return this.fetch('HEAD', `manifests/${reference}`, manifestTarget(reference), 0, { accept, allow });
  }

  getManifest(reference: string, accept: string, maxBytes: number): Promise<TransportResponse> {
    return this.fetch('GET', `manifests/${reference}`, manifestTarget(reference), maxBytes, { accept });
  }

  getBlob(digest: string, description: string, maxBytes: number): Promise<TransportResponse> {
    return this.fetch('GET', `blobs/${digest}`, { kind: 'blob', description, digest }, maxBytes);
  }

  fetchManifest(reference: string, accept: readonly string[]): Promise<FetchedManifest | null> {
    return readManifest(this, reference, accept);
  }

  fetchBlob(digest: string, maxBytes: number): Promise<Buffer> {
    return readBlob(this, digest, maxBytes);
  }

  fetchReferrers(digest: string, artifactType?: string): Promise<ReferrerDescriptor[] | null> {
    return readReferrers(this, digest, artifactType);
  }

  /**
   * Throws `repository_not_found` when the registry's tag list says the repository does not
   * exist. Some registries (distribution 2.x) answer MANIFEST_UNKNOWN for a missing tag and a
   * missing repository alike; their tag list answers NAME_UNKNOWN for the latter. Any other
   * outcome means "not known to be missing": it returns, and the caller keeps its own error.
   */
  async throwIfRepositoryUnknown(): Promise<void> {
    try {
      await this.fetch('GET', 'tags/list?n=1', { kind: 'tag-list' }, TAG_LIST_LIMIT_BYTES);
    } catch (error) {
      if (error instanceof RegistryError && error.code === ValidationErrorCode.RepositoryNotFound) throw error;
    }
  }

  /**
   * Verified content of this repository seen before (by any validation). Undefined until a
   * request of this session showed that the credentials can read the repository.
   */
  cachedContent(digest: string): CachedContent | undefined {
    return this.accessVerified ? this.deps.contentCache.get(this.repositoryKey(digest)) : undefined;
  }

  /** Whether the content is cached, without serving it (it may decide which request to send first). */
  hasCachedContent(digest: string): boolean {
    return this.deps.contentCache.get(this.repositoryKey(digest)) !== undefined;
  }

  /** Remembers content whose digest the caller has verified. */
  cacheContent(digest: string, content: CachedContent): void {
    this.deps.contentCache.set(this.repositoryKey(digest), content);
  }

  /** `registry API root` + repository + digest (or tag): cache keys never cross repositories. */
  repositoryKey(reference: string): string {
    return `${this.baseUrl.href}${this.ref.apiRepository}@${reference}`;
  }

  /** A request to `<repository>/<path>`; non-2xx answers throw, unless listed in `options.allow`. */
  async fetch(
    method: 'GET' | 'HEAD',
    path: string,
    target: Exclude<RequestTarget, { kind: 'token' }>,
    maxBytes: number,
    options: FetchOptions = {},
  ): Promise<TransportResponse> {
    if (this.authSource === undefined) {
      await this.authorize(await this.deps.authenticator.authScheme(this.baseUrl, this.signal, this.trace), false);
    }
    const url = new URL(`${this.ref.apiRepository}/${path}`, this.baseUrl);
    const send = () =>
      this.deps.transport.request({
        method,
        url,
        headers: { ...options.headers, ...(options.accept ? { Accept: options.accept } : {}) },
        authorization: this.authorization,
        maxBodyBytes: maxBytes,
        onBodyTooLarge: () => tooLarge(target, maxBytes),
        discardBody: options.discardBody,
        signal: this.signal,
        kind: target.kind,
        trace: this.trace,
      });

    let response = await send();
    if (response.status === 401 && !this.reauthenticated) {
      const scheme = authSchemeFromChallenges(parseWwwAuthenticate(response.headers['www-authenticate']));
      if (scheme && this.worthReauthenticating(scheme)) {
        this.reauthenticated = true;
        this.deps.authenticator.rememberAuthScheme(this.baseUrl, scheme);
        await this.authorize(scheme, true);
        response = await send();
      }
    }
    if (response.status >= 200 && response.status < 300) {
      this.accessVerified = true;
      return response;
    }
    if (options.allow?.includes(response.status)) return response;
    throw registryErrorFor(response, target, this.failureContext());
  }

  failureContext(): FailureContext {
    const secrets = [this.credentials?.password, this.authorization?.replace(/^\S+\s+/, '')];
    return {
      registry: this.ref.registry,
      repository: `${this.ref.registry}/${this.ref.repository}`,
      hintHost: this.ref.hostname,
      hasCredentials: this.credentials !== undefined,
      credentialsAccepted: this.credentialsAccepted,
      secrets: secrets.filter((s): s is string => s !== undefined),
      now: this.deps.clock(),
    };
  }

  private worthReauthenticating(scheme: RegistryAuthScheme): boolean {
    if (scheme.kind === 'bearer') return this.authSource !== 'fresh-token';
    if (scheme.kind === 'basic') return this.authSource === 'none' && this.credentials !== undefined;
    return false;
  }

  private async authorize(scheme: RegistryAuthScheme, fresh: boolean): Promise<void> {
    if (scheme.kind === 'bearer') {
      const { token, cached } = await this.deps.authenticator.bearerToken({
        scheme,
        registryHost: this.baseUrl.host,
        scope: `repository:${this.ref.apiRepository}:pull`,
        credentials: this.credentials,
        fresh,
        failureContext: this.failureContext(),
        signal: this.signal,
        trace: this.trace,
      });
      this.authorization = `Bearer ${token}`;
      this.authSource = cached ? 'cached-token' : 'fresh-token';
      this.credentialsAccepted = this.credentials !== undefined;
    } else if (scheme.kind === 'basic' && this.credentials) {
      // Basic credentials are only ever sent to the registry itself (the transport drops them on cross-origin redirects).
      this.authorization = basicAuthorization(this.credentials);
      this.authSource = 'basic';
    } else {
      this.authorization = undefined;
      this.authSource = 'none';
    }
  }
}

export function manifestTarget(reference: string): Extract<RequestTarget, { kind: 'manifest' }> {
  const description = reference.includes(':') ? `Manifest ${reference}` : `Tag "${reference}"`;
  return { kind: 'manifest', description };
}

/** A layer descriptor as the blob target of an error message. */
export function layerTarget(layer: Descriptor): Extract<RequestTarget, { kind: 'blob' }> {
  return { kind: 'blob', description: 'A layer of the image', digest: layer.digest };
}

function tooLarge(target: RequestTarget, maxBytes: number): RegistryError {
  const what = target.kind === 'blob' ? target.description : 'The image manifest';
  return new RegistryError(
    ValidationErrorCode.ManifestTooLarge,
    `${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, which this service does not accept.`,
  );
}
