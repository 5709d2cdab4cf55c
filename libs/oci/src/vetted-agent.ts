import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { Agent } from 'undici';
import { EgressPolicy, hostPortKey } from './egress-policy';
import { CachingHostResolver } from './host-resolver';
import { EgressRefusedError } from './transport-errors';

export interface VettedAgentOptions {
  readonly egress: EgressPolicy;
  readonly resolver: CachingHostResolver;
  /** Extra PEM CA certificates trusted in addition to the system roots. */
  readonly caPem?: string;
  readonly connectTimeoutMs: number;
  /** Waiting for response headers, and the longest silence within a body. */
  readonly headersTimeoutMs: number;
  /** Concurrent connections per origin. */
  readonly connectionsPerOrigin: number;
}

/** Idle pooled connections are closed after this (or sooner, when the server's Keep-Alive says so). */
const IDLE_SOCKET_TIMEOUT_MS = 30_000;

/**
 * The undici Agent every registry request goes through: keep-alive pools per origin, shared
 * by concurrent validations, with undici's connect, headers and body timeouts.
 *
 * Each origin's connector resolves its host name through a `connect.lookup` that checks
 * EVERY resolved address against the egress policy before a socket opens, and hands the
 * socket exactly the addresses it checked: the connection is pinned to what was vetted, with
 * no second DNS query that a rebinding attacker could answer with an internal address. TLS
 * still verifies the certificate against the host name. IP literals never reach a lookup; the
 * transport vets them before dispatching.
 */
export function createVettedAgent(options: VettedAgentOptions): Agent {
  // Loaded here, not at import: the API imports this library for image references and never
  // talks to a registry, and undici is about 5 MB of its memory.
  const { Agent, buildConnector, Pool } = require('undici') as typeof import('undici');
  // Built once: passing `ca` per connection would rebuild the trust store (145 certificates) each time.
  const secureContext = options.caPem ? createSecureContext({ ca: [...rootCertificates, options.caPem] }) : undefined;
  return new Agent({
    connections: options.connectionsPerOrigin,
    pipelining: 1,
    keepAliveTimeout: IDLE_SOCKET_TIMEOUT_MS,
    keepAliveMaxTimeout: IDLE_SOCKET_TIMEOUT_MS,
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.headersTimeoutMs,
    factory: (origin, poolOptions) => {
      const url = new URL(String(origin));
      const hostname = url.hostname.replace(/^\[|\]$/g, '');
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      const connect = buildConnector({
        timeout: options.connectTimeoutMs,
        autoSelectFamily: true,
        lookup: vettingLookup(options, hostname, port),
        ...(secureContext ? { secureContext } : {}),
      });
      return new Pool(origin, { ...poolOptions, connect });
    },
  });
}

/** A socket `lookup` that resolves (cached), refuses the host unless every address passes the policy, and answers with them. */
function vettingLookup(options: VettedAgentOptions, hostname: string, port: number): LookupFunction {
  const lookup = (_host: string, lookupOptions: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    options.resolver.resolve(hostname).then(
      (resolved) => {
        const decision = options.egress.check(hostname, port, resolved.map((entry) => entry.address));
        if (!decision.allowed) return callback(new EgressRefusedError('blocked-address', hostPortKey(hostname, port)), '');
        const family = typeof lookupOptions.family === 'number' ? lookupOptions.family : 0;
        const addresses = family === 4 || family === 6 ? resolved.filter((entry) => entry.family === family) : resolved;
        if (addresses.length === 0) return callback(Object.assign(new Error(`no IPv${family} address`), { code: 'ENOTFOUND' }), '');
        if (lookupOptions.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: Error) => callback(error, ''),
    );
  };
  return lookup as unknown as LookupFunction;
}
