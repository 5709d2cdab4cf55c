import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates, SecureContext } from 'node:tls';

/** Where a request goes: scheme, host name (without IPv6 brackets) and port. */
export interface Endpoint {
  readonly protocol: 'http:' | 'https:';
  readonly hostname: string;
  readonly port: number;
  /** `host:port` for keys and messages (never the path: redirect URLs may carry signed query strings). */
  readonly display: string;
}

export interface ConnectionPoolOptions {
  /** Extra PEM CA certificates trusted in addition to the system roots. */
  readonly caPem?: string;
  /** Concurrent sockets per pinned endpoint. */
  readonly maxSocketsPerEndpoint: number;
}

const IDLE_SOCKET_TIMEOUT_MS = 30_000;
const MAX_POOLED_ENDPOINTS = 256;

/**
 * Keep-alive connection pools, one per (scheme, host, port, vetted address).
 *
 * Each pool's sockets are pinned to its address: the agent's `lookup` answers
 * with the address the egress policy already approved, so connecting never
 * triggers a second DNS query (which a rebinding attacker could answer with
 * an internal address). TLS still uses the host name for SNI and certificate
 * verification.
 */
export class ConnectionPool {
  private readonly agents = new Map<string, http.Agent>();
  /**
   * Built once: passing `ca` to each agent instead would rebuild the trust store (145
   * certificates) for every connection and, worse, join it into the agent's pool key on
   * every request (profiled: half of the worker's CPU).
   */
  private readonly secureContext: SecureContext | undefined;

  constructor(private readonly options: ConnectionPoolOptions) {
    this.secureContext = options.caPem ? createSecureContext({ ca: [...rootCertificates, options.caPem] }) : undefined;
  }

  agentFor(endpoint: Endpoint, address: string): http.Agent {
    const key = `${endpoint.protocol}//${endpoint.display}@${address}`;
    const existing = this.agents.get(key);
    if (existing) {
      // Re-insert to keep the map in least-recently-used order.
      this.agents.delete(key);
      this.agents.set(key, existing);
      return existing;
    }
    const agent = this.createAgent(endpoint, address);
    this.agents.set(key, agent);
    if (this.agents.size > MAX_POOLED_ENDPOINTS) {
      const [oldestKey, oldest] = this.agents.entries().next().value as [string, http.Agent];
      this.agents.delete(oldestKey);
      oldest.destroy();
    }
    return agent;
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private createAgent(endpoint: Endpoint, address: string): http.Agent {
    const options = {
      keepAlive: true,
      scheduling: 'lifo' as const,
      timeout: IDLE_SOCKET_TIMEOUT_MS, // idle pooled sockets are closed after this
      maxSockets: this.options.maxSocketsPerEndpoint,
      maxFreeSockets: this.options.maxSocketsPerEndpoint,
      lookup: pinnedLookup(address),
    };
    if (endpoint.protocol === 'http:') return new http.Agent(options);
    return new https.Agent({
      ...options,
      secureContext: this.secureContext,
      // No SNI for IP literals (RFC 6066); the certificate is then checked against the IP.
      ...(isIP(endpoint.hostname) ? {} : { servername: endpoint.hostname }),
    });
  }
}

/** A socket `lookup` that always answers with the already-vetted address. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}
