import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { buildConnector } from 'undici';
import type { EgressPolicy, HostResolver } from '@app/oci';

/**
 * The vetted connection layer of webhook deliveries (undici), on the registry client's
 * EgressPolicy: the host is resolved here, every address it resolves to is checked (all must
 * be allowed: a name with one public and one private address is refused), and the socket is
 * opened to the checked address itself, with TLS verified against the host name. So a name
 * cannot be re-resolved elsewhere between check and connect, and a refused destination never
 * gets a connection. A connector rather than `connect.lookup`, because the policy's allow-list
 * is by host:port and a lookup function is not told the port.
 *
 * libs/oci's socket layer is moving to undici with a vetted lookup of its own; this file is the
 * one place to unify with it.
 */

/** The destination is refused by the egress policy; no connection was opened. */
export class BlockedDestinationError extends Error {
  readonly code = 'EGRESS_BLOCKED';

  constructor(host: string, address: string, category: string) {
    super(`${host} resolves to a ${category} address (${address}); webhooks may only reach public addresses`);
    this.name = 'BlockedDestinationError';
  }
}

export interface WebhookEgressOptions {
  /** Extra trusted CA certificates (WEBHOOK_CA_FILE), added to Node's bundled roots. */
  caPem?: string;
  connectTimeoutMs: number;
  resolver?: HostResolver;
}

const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true });

export function vettedConnector(policy: EgressPolicy, options: WebhookEgressOptions): buildConnector.connector {
  const connect = buildConnector({
    ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
    timeout: options.connectTimeoutMs,
  });
  const resolve = options.resolver ?? systemResolver;
  return (target, callback) => {
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
    const addresses = isIP(host) ? Promise.resolve([host]) : resolve(host).then((found) => found.map((entry) => entry.address));
    addresses.then(
      (resolved) => {
        if (resolved.length === 0) return callback(new Error(`${host} did not resolve`), null);
        const decision = policy.check(host, port, resolved);
        if (!decision.allowed) return callback(new BlockedDestinationError(host, decision.address, decision.category), null);
        connect({ ...target, hostname: resolved[0], servername: isIP(host) ? undefined : host }, callback);
      },
      (error: Error) => callback(error, null),
    );
  };
}
