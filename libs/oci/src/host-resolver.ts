import { lookup as dnsLookup } from 'node:dns/promises';
import { RegistryError, ValidationErrorCode } from './errors';
import { LoadingCache } from './loading-cache';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to all its addresses (like `dns.lookup(host, { all: true })`). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true });

const MAX_CACHED_HOSTS = 1_000;

/**
 * Resolves host names through a `HostResolver`, sharing concurrent lookups and reusing
 * answers for a short time: `dns.lookup` runs on libuv's small thread pool, and many
 * validations against one registry would otherwise queue there. Failures are not cached.
 */
export class CachingHostResolver {
  private readonly cache: LoadingCache<ResolvedAddress[]> | undefined;

  constructor(
    private readonly resolver: HostResolver,
    private readonly ttlMs: number,
    clock: () => number,
  ) {
    this.cache = ttlMs > 0 ? new LoadingCache(MAX_CACHED_HOSTS, clock) : undefined;
  }

  /** All addresses of `hostname`; rejects with a retryable `registry_unreachable` when it does not resolve. */
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const load = async () => ({ value: await this.lookup(hostname), ttlMs: this.ttlMs });
    if (!this.cache) return (await load()).value;
    return (await this.cache.getOrLoad(hostname, load)).value;
  }

  private async lookup(hostname: string): Promise<ResolvedAddress[]> {
    let results: readonly ResolvedAddress[];
    try {
      results = await this.resolver(hostname);
    } catch (error) {
      throw unresolvable(hostname, (error as NodeJS.ErrnoException).code);
    }
    if (results.length === 0) throw unresolvable(hostname);
    return results.map(({ address, family }) => ({ address, family }));
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
