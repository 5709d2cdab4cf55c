/** One error of a chain, as far as the chain's walkers look at it. */
export interface ErrorLink {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: unknown } & Record<string, unknown>;
  cause?: unknown;
}

const MAX_LINKS = 8;

/**
 * Whether `test` holds for the error or for any error it wraps. Prisma wraps the driver
 * adapter's error in `meta.driverAdapterError`, which wraps pg's in `cause`; both are
 * followed (the adapter's first), at most a few links deep.
 */
export function someErrorInChain(error: unknown, test: (link: ErrorLink) => boolean): boolean {
  const pending: unknown[] = [error];
  const seen = new Set<unknown>();
  while (pending.length && seen.size < MAX_LINKS) {
    const current = pending.shift();
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const link = current as ErrorLink;
    if (test(link)) return true;
    pending.push(link.meta?.driverAdapterError, link.cause);
  }
  return false;
}
