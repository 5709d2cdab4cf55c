import { CachedContent, ContentCache } from './content-cache';
import { RegistryError, ValidationErrorCode } from './errors';
import { HttpTransport, TransportResponse } from './http-transport';
import { ImageReference } from './image-reference';
import {
  authSchemeFromChallenges,
  basicAuthorization,
  RegistryAuthenticator,
  RegistryAuthScheme,
  RegistryCredentials,
} from './registry-auth';
import { FailureContext, registryErrorFor, RequestTarget } from './registry-response';
import { parseWwwAuthenticate } from './www-authenticate';

const TAG_LIST_LIMIT_BYTES = 1024 * 1024;

/** Where the Authorization header in use came from; decides whether a 401 is worth one retry. */
type AuthSource = 'none' | 'basic' | 'cached-token' | 'fresh-token';

export interface RepositorySessionDeps {
  readonly transport: HttpTransport;
  readonly authenticator: RegistryAuthenticator;
  readonly contentCache: ContentCache;
  readonly clock: () => number;
}

/**
 * Authenticated read access to one repository for the duration of one
 * validation: it authorizes lazily, answers a 401 by re-authenticating once
 * (a cached token may have been revoked, or the registry changed its auth),
 * and turns failed responses into `RegistryError`s.
 */
export class RepositorySession {
  private authorization: string | undefined;
  private authSource: AuthSource | undefined;
  private credentialsAccepted = false;
  private reauthenticated = false;

  constructor(
    private readonly deps: RepositorySessionDeps,
    /** The registry API root, e.g. `https://ghcr.io/v2/`. */
    private readonly baseUrl: URL,
    private readonly ref: ImageReference,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly signal: AbortSignal,
  ) {}

  headManifest(reference: string, accept: string): Promise<TransportResponse> {
    return this.fetch('HEAD', `manifests/${reference}`, manifestTarget(reference), 0, accept);
  }

  getManifest(reference: string, accept: string, maxBytes: number): Promise<TransportResponse> {
    return this.fetch('GET', `manifests/${reference}`, manifestTarget(reference), maxBytes, accept);
  }

  getBlob(digest: string, description: string, maxBytes: number): Promise<TransportResponse> {
    return this.fetch('GET', `blobs/${digest}`, { kind: 'blob', description }, maxBytes);
  }

  /**
   * Throws `repository_not_found` when the registry's tag list says the
   * repository does not exist. Some registries (distribution 2.x) answer
   * MANIFEST_UNKNOWN for a missing tag and a missing repository alike; their
   * tag list answers NAME_UNKNOWN for the latter. Any other outcome means "not
   * known to be missing": it returns, and the caller keeps its own error.
   */
  async throwIfRepositoryUnknown(): Promise<void> {
    try {
      await this.fetch('GET', 'tags/list?n=1', { kind: 'tag-list' }, TAG_LIST_LIMIT_BYTES);
    } catch (error) {
      if (error instanceof RegistryError && error.code === ValidationErrorCode.RepositoryNotFound) throw error;
    }
  }

  /**
   * Verified content of this repository seen before (by any validation).
   * Only consult it after this session's own request showed that the
   * credentials can read the repository.
   */
  cachedContent(digest: string): CachedContent | undefined {
    return this.deps.contentCache.get(this.contentKey(digest));
  }

  /** Remembers content whose digest the caller has verified. */
  cacheContent(digest: string, content: CachedContent): void {
    this.deps.contentCache.set(this.contentKey(digest), content);
  }

  private contentKey(digest: string): string {
    return `${this.baseUrl.href}${this.ref.apiRepository}@${digest}`;
  }

  private async fetch(
    method: 'GET' | 'HEAD',
    path: string,
    target: Exclude<RequestTarget, { kind: 'token' }>,
    maxBytes: number,
    accept?: string,
  ): Promise<TransportResponse> {
    if (this.authSource === undefined) {
      await this.authorize(await this.deps.authenticator.authScheme(this.baseUrl, this.signal), false);
    }
    const url = new URL(`${this.ref.apiRepository}/${path}`, this.baseUrl);
    const send = () =>
      this.deps.transport.request({
        method,
        url,
        headers: accept ? { Accept: accept } : {},
        authorization: this.authorization,
        maxBodyBytes: maxBytes,
        onBodyTooLarge: () => tooLarge(target, maxBytes),
        signal: this.signal,
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
    if (response.status < 200 || response.status >= 300) {
      throw registryErrorFor(response, target, this.failureContext());
    }
    return response;
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

  private failureContext(): FailureContext {
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
}

function manifestTarget(reference: string): Extract<RequestTarget, { kind: 'manifest' }> {
  const description = reference.includes(':') ? `Manifest ${reference}` : `Tag "${reference}"`;
  return { kind: 'manifest', description };
}

function tooLarge(target: RequestTarget, maxBytes: number): RegistryError {
  const what = target.kind === 'blob' ? 'image configuration' : 'image manifest';
  return new RegistryError(
    ValidationErrorCode.ManifestTooLarge,
    `The ${what} is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB, which this service does not accept.`,
  );
}
