import { createHmac, randomBytes } from 'node:crypto';
import { Deadline, raceWithSignal } from './deadline';
import { RegistryError, ValidationErrorCode } from './errors';
import { EgressRefusedError, HttpTransport, TransportRequest, TransportResponse } from './http-transport';
import { LoadingCache } from './loading-cache';
import { FailureContext, pingErrorFor, registryErrorFor } from './registry-response';
import type { ValidationTrace } from './validation-trace';
import { AuthChallenge, parseWwwAuthenticate } from './www-authenticate';

/**
 * Registry authentication per the distribution-spec and the Docker token
 * authentication spec:
 *
 * 1. `GET /v2/` ("ping"): 200 means anonymous access; 401 carries
 *    `WWW-Authenticate` challenges saying how to authenticate. The answer is
 *    cached per registry.
 * 2. Basic: the credentials go straight to the registry on every request.
 * 3. Bearer: `GET <realm>?service=<service>&scope=repository:<name>:pull`
 *    (with Basic credentials when the user gave some, anonymously otherwise)
 *    returns a token, cached per (registry, realm, service, scope, credential
 *    identity) until shortly before it expires.
 */

export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

export type RegistryAuthScheme =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'basic' }
  | { readonly kind: 'bearer'; readonly realm: string; readonly service?: string };

/** Picks the scheme we use from a 401's challenges: Bearer (with a realm) over Basic. */
export function authSchemeFromChallenges(challenges: readonly AuthChallenge[]): RegistryAuthScheme | undefined {
  const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm);
  if (bearer) {
    return { kind: 'bearer', realm: bearer.params.realm, ...(bearer.params.service ? { service: bearer.params.service } : {}) };
  }
  if (challenges.some((c) => c.scheme === 'basic')) return { kind: 'basic' };
  return undefined;
}

export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
}

/** Per-process key, so cache keys in a heap dump cannot be used to test password guesses offline. */
const CREDENTIAL_KEY = randomBytes(32);

/** Stable, non-reversible identity of a credential pair, for cache keys (never the password itself). */
export function credentialIdentity(credentials: RegistryCredentials | undefined): string {
  if (!credentials) return 'anonymous';
  return createHmac('sha256', CREDENTIAL_KEY)
    .update(credentials.username)
    .update('\0')
    .update(credentials.password)
    .digest('base64url');
}

export interface BearerTokenRequest {
  readonly scheme: Extract<RegistryAuthScheme, { kind: 'bearer' }>;
  /** `host[:port]` of the registry the token is for. */
  readonly registryHost: string;
  /** e.g. `repository:library/ubuntu:pull` */
  readonly scope: string;
  readonly credentials?: RegistryCredentials;
  /** Skip the cache (the cached token was just refused). */
  readonly fresh: boolean;
  readonly failureContext: FailureContext;
  readonly signal: AbortSignal;
  /** Counts the token request, when this caller's request is the one sent (concurrent callers share it). */
  readonly trace?: ValidationTrace;
}

export interface RegistryAuthenticatorOptions {
  readonly clock: () => number;
  /** Upper bound for a shared ping or token request (it outlives any one caller's deadline). */
  readonly requestTimeoutMs: number;
}

const SCHEME_TTL_MS = 10 * 60 * 1000;
const DEFAULT_TOKEN_LIFETIME_S = 60;
const TOKEN_EXPIRY_MARGIN_MS = 10_000;
const TOKEN_BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_CACHED_TOKENS = 10_000;
const MAX_CACHED_SCHEMES = 1_000;
/** Tokens go into an HTTP header: printable ASCII only. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

export class RegistryAuthenticator {
  private readonly schemes: LoadingCache<RegistryAuthScheme>;
  private readonly tokens: LoadingCache<string>;

  constructor(
    private readonly transport: HttpTransport,
    private readonly options: RegistryAuthenticatorOptions,
  ) {
    this.schemes = new LoadingCache(MAX_CACHED_SCHEMES, options.clock);
    this.tokens = new LoadingCache(MAX_CACHED_TOKENS, options.clock);
  }

  /** How the registry at `baseUrl` (`…/v2/`) authenticates; pings it unless known (counted in `trace` when this caller's ping is sent). */
  async authScheme(baseUrl: URL, signal: AbortSignal, trace?: ValidationTrace): Promise<RegistryAuthScheme> {
    const load = () => this.shared(`Ping of ${baseUrl.host}`, (sharedSignal) => this.ping(baseUrl, sharedSignal, trace));
    const { value } = await raceWithSignal(this.schemes.getOrLoad(baseUrl.href, load), signal);
    return value;
  }

  /** Records a scheme learnt from a 401 on a later request (the registry changed, or the ping said 200). */
  rememberAuthScheme(baseUrl: URL, scheme: RegistryAuthScheme): void {
    this.schemes.set(baseUrl.href, scheme, SCHEME_TTL_MS);
  }

  /** A bearer token for the scope; `cached` tells whether it came from the cache. */
  async bearerToken(request: BearerTokenRequest): Promise<{ token: string; cached: boolean }> {
    const { scheme, registryHost, scope, credentials } = request;
    const key = [registryHost, scheme.realm, scheme.service ?? '', scope, credentialIdentity(credentials)].join('\n');
    const load = () => this.shared(`Token request to ${safeHost(scheme.realm)}`, (signal) => this.fetchToken(request, signal));
    const { value, cached } = await raceWithSignal(this.tokens.getOrLoad(key, load, request.fresh), request.signal);
    return { token: value, cached };
  }

  /**
   * Runs a request shared by concurrent callers under its own deadline, so one
   * caller giving up does not fail the others waiting on it.
   */
  private async shared<T>(what: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const deadline = new Deadline(this.options.requestTimeoutMs, what);
    try {
      return await run(deadline.signal);
    } finally {
      deadline.clear();
    }
  }

  /** Shared by every caller of the registry, so its errors name no caller's repository. */
  private async ping(baseUrl: URL, signal: AbortSignal, trace: ValidationTrace | undefined): Promise<{ value: RegistryAuthScheme; ttlMs: number }> {
    const response = await this.transport.request({
      method: 'GET',
      url: baseUrl,
      kind: 'ping',
      trace,
      maxBodyBytes: TOKEN_BODY_LIMIT_BYTES,
      onBodyTooLarge: () => new RegistryError(ValidationErrorCode.RegistryError, `The registry at ${baseUrl.host} sent an oversized /v2/ response.`),
      signal,
    });
    if (response.status >= 200 && response.status < 300) return { value: { kind: 'anonymous' }, ttlMs: SCHEME_TTL_MS };
    if (response.status === 401) {
      const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
      // RFC 7235 requires a challenge with 401; without a usable one, Basic is the only sensible guess.
      return { value: authSchemeFromChallenges(challenges) ?? { kind: 'basic' }, ttlMs: SCHEME_TTL_MS };
    }
    throw pingErrorFor(response, this.options.clock());
  }

  private async fetchToken(request: BearerTokenRequest, signal: AbortSignal): Promise<{ value: string; ttlMs: number }> {
    const { scheme, credentials, failureContext } = request;
    let url: URL;
    try {
      url = new URL(scheme.realm);
    } catch {
      throw new RegistryError(ValidationErrorCode.RegistryError, `The registry announced an invalid token service URL.`);
    }
    if (scheme.service) url.searchParams.set('service', scheme.service);
    url.searchParams.set('scope', request.scope);

    const response = await this.requestToken({
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
      authorization: credentials ? basicAuthorization(credentials) : undefined,
      maxBodyBytes: TOKEN_BODY_LIMIT_BYTES,
      onBodyTooLarge: () => new RegistryError(ValidationErrorCode.RegistryError, `The token service at ${url.host} sent an oversized response.`),
      signal,
      kind: 'token',
      trace: request.trace,
    });
    if (response.status < 200 || response.status >= 300) {
      throw registryErrorFor(response, { kind: 'token' }, { ...failureContext, now: this.options.clock() });
    }
    return parseTokenResponse(response);
  }

  /** The token request; a realm the egress policy refuses for plain HTTP fails as `insecure_realm`. */
  private async requestToken(request: TransportRequest): Promise<TransportResponse> {
    try {
      return await this.transport.request(request);
    } catch (error) {
      if (error instanceof EgressRefusedError && error.reason === 'plain-http') {
        throw new RegistryError(
          ValidationErrorCode.InsecureRealm,
          `The registry's token service ${error.endpoint} uses plain HTTP: credentials and tokens would travel unencrypted. The registry must announce an https:// token realm.`,
        );
      }
      throw error;
    }
  }
}

/** `{token | access_token, expires_in?}` → the token and how long to cache it. */
function parseTokenResponse(response: TransportResponse): { value: string; ttlMs: number } {
  let document: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.body.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null) document = parsed as Record<string, unknown>;
  } catch {
    document = undefined;
  }
  const token = typeof document?.token === 'string' && document.token ? document.token : document?.access_token;
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) {
    throw new RegistryError(ValidationErrorCode.RegistryError, `The token service at ${response.url.host} did not return a usable token.`);
  }
  const expiresIn = document?.expires_in;
  const lifetimeMs =
    (typeof expiresIn === 'number' && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_LIFETIME_S) * 1000;
  const margin = Math.min(TOKEN_EXPIRY_MARGIN_MS, lifetimeMs / 2);
  return { value: token, ttlMs: lifetimeMs - margin };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the token service';
  }
}
