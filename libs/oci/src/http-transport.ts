import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, Socket } from 'node:net';
import { ConnectionPool, Endpoint } from './connection-pool';
import { abortReason, raceWithSignal } from './deadline';
import { EgressPolicy, hostPortKey } from './egress-policy';
import { RegistryError, ValidationErrorCode } from './errors';
import { CachingHostResolver, HostResolver, systemResolver } from './host-resolver';

/**
 * HTTP(S) client for talking to untrusted registries.
 *
 * Every request — to the registry, its token realm, or a redirect target — is
 * vetted by the `EgressPolicy`: the host name is resolved, every address
 * checked, and the connection made through a pool pinned to a checked address
 * (see `ConnectionPool`). Plain HTTP only for hosts listed as insecure.
 *
 * Pooled keep-alive connections are shared by concurrent validations against
 * the same registry.
 */

export interface TransportTimeouts {
  /** TCP connect plus TLS handshake. */
  readonly connectTimeoutMs: number;
  /** From connected to response headers; also the longest silence while reading a body. */
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
  /** Concurrent sockets per pinned endpoint. */
  readonly maxSocketsPerHost?: number;
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
  readonly signal: AbortSignal;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
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
const DEFAULT_MAX_SOCKETS_PER_ENDPOINT = 64;
const CONNECT_FAILURE_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const TLS_ERROR_CODE = /^(ERR_SSL_|ERR_TLS_)|CERT|SELF_SIGNED|UNABLE_TO_|HOSTNAME_MISMATCH|^EPROTO$/;

/** One connection attempt failed; tells `send` whether another attempt may help. */
class AttemptFailure {
  constructor(
    readonly error: Error,
    /** The connection could not be established: another resolved address may work. */
    readonly tryNextAddress: boolean,
    /** The server closed an idle keep-alive socket as we reused it: a fresh socket should work. */
    readonly staleReusedSocket: boolean,
  ) {}
}

export class HttpTransport {
  private readonly resolver: CachingHostResolver;
  private readonly pool: ConnectionPool;

  constructor(private readonly options: HttpTransportOptions) {
    this.resolver = new CachingHostResolver(
      options.resolver ?? systemResolver,
      options.dnsCacheTtlMs ?? DEFAULT_DNS_CACHE_TTL_MS,
      options.clock ?? Date.now,
    );
    this.pool = new ConnectionPool({
      caPem: options.caPem,
      maxSocketsPerEndpoint: options.maxSocketsPerHost ?? DEFAULT_MAX_SOCKETS_PER_ENDPOINT,
    });
  }

  /** Sends the request, following up to MAX_REDIRECTS redirects, each target vetted again. */
  async request(request: TransportRequest): Promise<TransportResponse> {
    let url = request.url;
    let authorization = request.authorization;
    for (let redirects = 0; ; redirects++) {
      const response = await this.send({ ...request, url, authorization });
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
  close(): void {
    this.pool.close();
    this.resolver.clear();
  }

  private async send(request: TransportRequest): Promise<TransportResponse> {
    request.signal.throwIfAborted();
    const endpoint = this.endpointOf(request.url);
    const addresses = await this.vettedAddresses(endpoint, request.signal);
    let lastError: Error | undefined;
    for (const address of addresses) {
      for (let retriedStaleSocket = false; ; retriedStaleSocket = true) {
        try {
          return await this.attempt(endpoint, address, request);
        } catch (error) {
          if (!(error instanceof AttemptFailure)) throw error;
          lastError = error.error;
          if (error.staleReusedSocket && !retriedStaleSocket) continue;
          if (error.tryNextAddress) break;
          throw error.error;
        }
      }
    }
    throw lastError as Error;
  }

  private endpointOf(url: URL): Endpoint {
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new RegistryError(ValidationErrorCode.RegistryError, `The registry pointed at an unsupported URL scheme "${url.protocol}" (${url.host}).`);
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const display = hostPortKey(hostname, port);
    if (url.protocol === 'http:' && !this.options.egress.allowsPlainHttp(hostname, port)) {
      throw new RegistryError(
        ValidationErrorCode.RegistryError,
        `Refusing to use plain HTTP for ${display}: registries must be reached over HTTPS.`,
      );
    }
    return { protocol: url.protocol, hostname, port, display };
  }

  /** Resolves (or takes the literal IP), then checks every address against the egress policy. */
  private async vettedAddresses(endpoint: Endpoint, signal: AbortSignal): Promise<string[]> {
    const addresses = isIP(endpoint.hostname) ? [endpoint.hostname] : await raceWithSignal(this.resolver.resolve(endpoint.hostname), signal);
    const decision = this.options.egress.check(endpoint.hostname, endpoint.port, addresses);
    if (!decision.allowed) {
      throw new RegistryError(
        ValidationErrorCode.RegistryAddressBlocked,
        `Connections to ${endpoint.display} are not allowed: it resolves to a non-public network address. Registries must be reachable on the public internet.`,
      );
    }
    return addresses;
  }

  private attempt(endpoint: Endpoint, address: string, request: TransportRequest): Promise<TransportResponse> {
    const { connectTimeoutMs, headersTimeoutMs } = this.options.timeouts;
    const client = endpoint.protocol === 'https:' ? https : http;

    return new Promise<TransportResponse>((resolve, reject) => {
      let connected = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;

      const succeed = (response: TransportResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(response);
      };
      const fail = (error: Error, reason: { tryNextAddress?: boolean; staleReusedSocket?: boolean } = {}) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new AttemptFailure(error, reason.tryNextAddress ?? false, reason.staleReusedSocket ?? false));
      };
      const waitForHeaders = () => {
        connected = true;
        clearTimeout(timer);
        timer = setTimeout(
          () => fail(timeoutError(endpoint, `send response headers within ${headersTimeoutMs} ms`)),
          headersTimeoutMs,
        );
      };

      const req = client.request({
        agent: this.pool.agentFor(endpoint, address),
        host: endpoint.hostname,
        port: endpoint.port,
        method: request.method,
        path: request.url.pathname + request.url.search,
        headers: {
          'User-Agent': this.options.userAgent,
          ...request.headers,
          ...(request.authorization ? { Authorization: request.authorization } : {}),
        },
        signal: request.signal,
      });

      // The timers start once the agent hands us a socket: waiting for a free pooled socket is
      // bounded by the caller's overall deadline (the signal), not by the connect timeout.
      // (`req.reusedSocket` is not set when a queued request gets a socket freed by another
      // request, so whether the socket is still connecting is what tells a new one.)
      let reusedSocket = false;
      req.on('socket', (socket: Socket) => {
        if (!socket.connecting) {
          reusedSocket = true;
          return waitForHeaders();
        }
        timer = setTimeout(
          () => fail(timeoutError(endpoint, `accept the connection within ${connectTimeoutMs} ms`), { tryNextAddress: true }),
          connectTimeoutMs,
        );
        socket.once(endpoint.protocol === 'https:' ? 'secureConnect' : 'connect', waitForHeaders);
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (request.signal.aborted) return fail(abortReason(request.signal));
        fail(connectionError(endpoint, error), {
          tryNextAddress: !connected && CONNECT_FAILURE_CODES.has(error.code ?? ''),
          staleReusedSocket: reusedSocket && error.code === 'ECONNRESET',
        });
      });
      req.on('response', (res: http.IncomingMessage) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const respond = (body: Buffer) => succeed({ status, headers: res.headers, body, url: request.url });
        if (request.method === 'HEAD') {
          res.resume();
          return respond(Buffer.alloc(0));
        }
        const successful = status >= 200 && status < 300;
        const limit = successful ? request.maxBodyBytes : ERROR_BODY_LIMIT_BYTES;
        if (successful && Number(res.headers['content-length']) > limit) {
          return fail(request.onBodyTooLarge());
        }
        req.setTimeout(headersTimeoutMs, () =>
          fail(timeoutError(endpoint, `send the response body (stalled for ${headersTimeoutMs} ms)`)),
        );
        readBody(res, limit).then(
          ({ body, truncated }) => {
            if (truncated && successful) return fail(request.onBodyTooLarge());
            if (truncated) req.destroy(); // do not drain a huge error page; the socket is not reused
            respond(body);
          },
          (error: NodeJS.ErrnoException) => {
            if (request.signal.aborted) return fail(abortReason(request.signal));
            fail(connectionError(endpoint, error));
          },
        );
      });
      req.end();
    });
  }
}

/** Reads a body up to `limit` bytes; stops reading (truncated) as soon as the limit is passed. */
function readBody(res: http.IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        res.off('data', onData);
        res.pause();
        res.on('error', () => undefined); // the caller destroys the response; nothing more to report
        return resolve({ body: Buffer.concat(chunks), truncated: true });
      }
      chunks.push(chunk);
      size += chunk.length;
    };
    res.on('data', onData);
    res.once('end', () => resolve({ body: Buffer.concat(chunks), truncated: false }));
    res.once('error', reject);
    res.once('close', () => {
      if (!res.complete) reject(Object.assign(new Error('connection closed mid-response'), { code: 'ECONNRESET' }));
    });
  });
}

function parseRedirect(location: string, base: URL): URL {
  try {
    return new URL(location, base);
  } catch {
    throw new RegistryError(ValidationErrorCode.RegistryError, `The registry at ${base.host} sent an invalid redirect.`);
  }
}

function connectionError(endpoint: Endpoint, error: NodeJS.ErrnoException): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = error.code ?? 'ECONNRESET';
  if (TLS_ERROR_CODE.test(code)) {
    return new RegistryError(
      ValidationErrorCode.TlsError,
      `Could not establish a trusted TLS connection to ${endpoint.display} (${code}). The registry must serve a valid certificate for its host name, signed by a public CA.`,
    );
  }
  return new RegistryError(
    ValidationErrorCode.RegistryUnreachable,
    `Could not reach the registry at ${endpoint.display} (${code}). Check the host name and port; the check will be retried.`,
    { retryable: true },
  );
}

function timeoutError(endpoint: Endpoint, what: string): RegistryError {
  return new RegistryError(ValidationErrorCode.RegistryUnreachable, `The registry at ${endpoint.display} did not ${what}.`, {
    retryable: true,
  });
}
