import { lookup as dnsLookup } from 'node:dns/promises';
import { RegistryError, ValidationErrorCode } from './errors';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses (like `dns.lookup(host, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true });

/**
 * Resolves host names through a `HostResolver`, sharing concurrent lookups and
 * reusing answers for a short time: `dns.lookup` runs on libuv's small thread
 * pool, and many validations against one registry would otherwise queue there.
 * Failures are not cached.
 */
export class CachingHostResolver {
  private readonly cache = new Map<string, { expiresAt: number; addresses: Promise<string[]> }>();

  constructor(
    private readonly resolver: HostResolver,
    private readonly ttlMs: number,
    private readonly clock: () => number,
  ) {}

  /** All addresses of `hostname`; rejects with a retryable `registry_unreachable` when it does not resolve. */
  resolve(hostname: string): Promise<string[]> {
    const now = this.clock();
    const cached = this.cache.get(hostname);
    if (cached && cached.expiresAt > now) return cached.addresses;

    const addresses = this.resolver(hostname).then(
      (results) => {
        if (results.length === 0) throw unresolvable(hostname);
        return results.map((r) => r.address);
      },
      (error: NodeJS.ErrnoException) => {
        throw unresolvable(hostname, error.code);
      },
    );
    if (this.ttlMs > 0) {
      this.cache.set(hostname, { expiresAt: now + this.ttlMs, addresses });
      addresses.catch(() => this.cache.delete(hostname));
    }
    return addresses;
  }

  clear(): void {
    this.cache.clear();
  }
}

function unresolvable(hostname: string, code?: string): RegistryError {
  const detail = code && /^[A-Z_]{1,32}$/.test(code) ? ` (${code})` : '';
  return new RegistryError(
    ValidationErrorCode.RegistryUnreachable,
    `Could not resolve the registry host ${hostname}${detail}. Check the host name; the check will be retried.`,
    { retryable: true },
  );
}
