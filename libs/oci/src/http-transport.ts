import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { Agent, Dispatcher } from 'undici';
import { abortReason } from './deadline';
import { EgressPolicy, hostPortKey } from './egress-policy';
import { RegistryError, ValidationErrorCode } from './errors';
import { HostBusyError, HostGate, ReleasePermit } from './host-gate';
import { CachingHostResolver, HostResolver, systemResolver } from './host-resolver';
import { parseRetryAfter } from './retry-after';
import { connectionError, EgressRefusedError, isStaleSocketError } from './transport-errors';
import { RegistryRequestKind, ValidationTrace } from './validation-trace';
import { createVettedAgent } from './vetted-agent';

export { EgressRefusedError } from './transport-errors';

/**
 * HTTP(S) client for talking to untrusted registries, on undici.
 *
 * Every request — to the registry, its token realm, or a redirect target — is vetted by the
 * `EgressPolicy`: plain HTTP only for hosts listed as insecure, IP literals checked here,
 * host names checked address by address in the connector's lookup, which pins the socket
 * to the addresses it checked (see `createVettedAgent`). Credentials never follow a
 * redirect to another origin. Bodies are capped.
 */

export interface TransportTimeouts {
  /** TCP connect plus TLS handshake. */
  readonly connectTimeoutMs: number;
  /** From the request sent to response headers; also the longest silence while reading a body. */
  readonly headersTimeoutMs: number;
}

export interface HttpTransportOptions {
  readonly egress: EgressPolicy;
  readonly timeouts: TransportTimeouts;
  readonly userAgent: string;
  /** Extra PEM CA certificates trusted in addition to the system roots. */
  readonly caPem?: string;
  readonly resolver?: HostResolver;
  /** How long a vetted DNS answer is reused; 0 disables caching. */
  readonly dnsCacheTtlMs?: number;
  /** Concurrent connections per origin. */
  readonly maxSocketsPerHost?: number;
  /** Admits every request (each redirect hop to its own host); none: no limit beyond the connection pool. */
  readonly hostGate?: HostGate;
  readonly clock?: () => number;
}

export interface TransportRequest {
  readonly method: 'GET' | 'HEAD';
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent only to the origin of `url`; dropped when a redirect leaves that origin. */
  readonly authorization?: string;
  /** Largest successful (2xx) body accepted; larger bodies abort the request. */
  readonly maxBodyBytes: number;
  /** The error to throw when a successful body exceeds `maxBodyBytes`. */
  readonly onBodyTooLarge: () => RegistryError;
  /** Only the status and headers of a success matter: its body is not read (a ranged GET as an existence check). */
  readonly discardBody?: boolean;
  readonly signal: AbortSignal;
  /** What the request is for, and the validation's trace to count it in (redirect hops count as `redirect`). */
  readonly kind?: RegistryRequestKind;
  readonly trace?: ValidationTrace;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Empty for HEAD. For non-2xx responses, at most ERROR_BODY_LIMIT_BYTES (truncated). */
  readonly body: Buffer;
  /** The URL that produced this response, after redirects. */
  readonly url: URL;
}

/** Error and redirect bodies are read up to this size, the rest discarded. */
export const ERROR_BODY_LIMIT_BYTES = 1024 * 1024;
export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
const DEFAULT_DNS_CACHE_TTL_MS = 30_000;
const DEFAULT_MAX_SOCKETS_PER_ORIGIN = 64;
/** A discarded body is drained up to this much (so the connection can be reused), else the connection is closed. */
const DISCARD_DRAIN_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
const NO_GATE: ReleasePermit = () => undefined;

/** Where a request goes: scheme, host name (without IPv6 brackets), port, and `host:port` for messages. */
interface Endpoint {
  readonly hostname: string;
  readonly port: number;
  /** Never the path: redirect URLs may carry signed query strings. */
  readonly display: string;
}

/** The request could not be sent or its headers not received; `send` decides whether to try once more. */
class DispatchFailure {
  constructor(readonly error: unknown) {}
}

export class HttpTransport {
  private readonly agent: Agent;

  constructor(private readonly options: HttpTransportOptions) {
    const resolver = new CachingHostResolver(
      options.resolver ?? systemResolver,
      options.dnsCacheTtlMs ?? DEFAULT_DNS_CACHE_TTL_MS,
      options.clock ?? Date.now,
    );
    this.agent = createVettedAgent({
      egress: options.egress,
      resolver,
      caPem: options.caPem,
      connectTimeoutMs: options.timeouts.connectTimeoutMs,
      headersTimeoutMs: options.timeouts.headersTimeoutMs,
      connectionsPerOrigin: options.maxSocketsPerHost ?? DEFAULT_MAX_SOCKETS_PER_ORIGIN,
    });
  }

  /** Sends the request, following up to MAX_REDIRECTS redirects, each target vetted again. */
  async request(request: TransportRequest): Promise<TransportResponse> {
    let url = request.url;
    let authorization = request.authorization;
    for (let redirects = 0; ; redirects++) {
      const response = await this.send({ ...request, url, authorization }, redirects === 0 ? (request.kind ?? 'external') : 'redirect');
      const location = response.headers.location;
      if (!REDIRECT_STATUSES.has(response.status) || !location) return response;
      if (redirects === MAX_REDIRECTS) {
        throw new RegistryError(ValidationErrorCode.RegistryError, `The registry at ${request.url.host} redirected more than ${MAX_REDIRECTS} times.`);
      }
      const next = parseRedirect(location, url);
      if (next.origin !== url.origin) authorization = undefined;
      url = next;
    }
  }

  /** Closes pooled connections (worker shutdown, tests). */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  /** One request to one host, admitted by the host gate and holding its permit until the response is read. */
  private async send(request: TransportRequest, kind: RegistryRequestKind): Promise<TransportResponse> {
    request.signal.throwIfAborted();
    const endpoint = this.endpointOf(request.url);
    const release = await this.admit(endpoint, request.signal);
    try {
      for (let attempt = 1; ; attempt++) {
        request.trace?.record(request.method, kind);
        try {
          const response = await this.exchange(endpoint, request);
          if (response.status === 429) await this.pauseHost(endpoint, response);
          return response;
        } catch (error) {
          if (request.signal.aborted) throw abortReason(request.signal);
          if (!(error instanceof DispatchFailure)) throw error;
          // A keep-alive connection the server closed as we reused it: one fresh attempt.
          if (attempt === 1 && isStaleSocketError(error.error)) continue;
          throw connectionError(endpoint.display, error.error, this.options.timeouts);
        }
      }
    } finally {
      release();
    }
  }

  /** A permit for the endpoint's host; a host paused or busy for too long fails as `rate_limited` (the queue retries it). */
  private async admit(endpoint: Endpoint, signal: AbortSignal): Promise<ReleasePermit> {
    const gate = this.options.hostGate;
    if (!gate) return NO_GATE;
    try {
      return await gate.acquire(endpoint.display, signal);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (!(error instanceof HostBusyError)) throw error;
      const message =
        error.reason === 'paused'
          ? `The registry at ${endpoint.display} asked to slow down (HTTP 429 with Retry-After); requests to it are paused for every validation until then. The check will be retried.`
          : `Requests to ${endpoint.display} are queued behind other validations (a few at a time per registry host). The check will be retried.`;
      throw new RegistryError(ValidationErrorCode.RateLimited, message, { retryable: true, retryAfterMs: error.retryAfterMs });
    }
  }

  /** A 429 with Retry-After holds every request to the host until then (before this request's permit is released). */
  private async pauseHost(endpoint: Endpoint, response: TransportResponse): Promise<void> {
    const gate = this.options.hostGate;
    const header = response.headers['retry-after'];
    // Wall-clock time: an HTTP-date is absolute, and the gate is shared with other processes.
    const now = Date.now();
    const waitMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, now);
    if (gate && waitMs !== undefined && waitMs > 0) await gate.pause(endpoint.display, now + waitMs);
  }

  /** Checks the scheme and, for IP literals (which never reach the connector's lookup), the address. */
  private endpointOf(url: URL): Endpoint {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(ValidationErrorCode.RegistryError, `The registry pointed at an unsupported URL scheme "${url.protocol}" (${url.host}).`);
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const display = hostPortKey(hostname, port);
    if (url.protocol === 'http:' && !this.options.egress.allowsPlainHttp(hostname, port)) {
      throw new EgressRefusedError('plain-http', display);
    }
    if (isIP(hostname) && !this.options.egress.check(hostname, port, [hostname]).allowed) {
      throw new EgressRefusedError('blocked-address', display);
    }
    return { hostname, port, display };
  }

  private async exchange(endpoint: Endpoint, request: TransportRequest): Promise<TransportResponse> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.agent.request({
        origin: request.url.origin,
        path: request.url.pathname + request.url.search,
        method: request.method,
        headers: {
          'user-agent': this.options.userAgent,
          ...request.headers,
          ...(request.authorization ? { authorization: request.authorization } : {}),
        },
        signal: request.signal,
        // undici closes the connection after a HEAD unless told not to (for servers that send a
        // body with HEAD). Registries do not, and a validation sends several HEADs: a new TLS
        // connection for each cost more than the rest of the request.
        reset: false,
      });
    } catch (error) {
      throw new DispatchFailure(error);
    }
    const { statusCode: status, headers, body } = response;
    const respond = (bytes: Buffer): TransportResponse => ({ status, headers, body: bytes, url: request.url });
    const successful = status >= 200 && status < 300;
    if (request.method === 'HEAD' || (request.discardBody && successful)) {
      await body.dump({ limit: DISCARD_DRAIN_BYTES }).catch(() => undefined);
      return respond(EMPTY);
    }
    const limit = successful ? request.maxBodyBytes : ERROR_BODY_LIMIT_BYTES;
    if (successful && Number(headers['content-length']) > limit) {
      body.destroy();
      throw request.onBodyTooLarge();
    }
    let read: { bytes: Buffer; truncated: boolean };
    try {
      read = await readBody(body, limit);
    } catch (error) {
      if (request.signal.aborted) throw abortReason(request.signal);
      throw connectionError(endpoint.display, error, this.options.timeouts);
    }
    if (read.truncated && successful) throw request.onBodyTooLarge();
    return respond(read.bytes);
  }
}

/** Reads a body up to `limit` bytes; stops reading (truncated, connection closed) as soon as the limit is passed. */
async function readBody(body: Dispatcher.ResponseData['body'], limit: number): Promise<{ bytes: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { bytes: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

function parseRedirect(location: string | string[], base: URL): URL {
  try {
    return new URL(Array.isArray(location) ? location[0] : location, base);
  } catch {
    throw new RegistryError(ValidationErrorCode.RegistryError, `The registry at ${base.host} sent an invalid redirect.`);
  }
}
