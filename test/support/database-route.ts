/**
 * How the product's processes reach Postgres in this jest project: directly, or through a
 * transaction-mode PgBouncer in front of the same server (the `pgbouncer` project in
 * jest.config.js runs its suites with TEST_DATABASE_ROUTE=pgbouncer, see pgbouncer-route.ts).
 *
 * Only the product is routed: DATABASE_URL goes through PgBouncer and DATABASE_DIRECT_URL
 * stays direct, as in production. The tests' own reads and writes, migrations and CREATE
 * DATABASE always use the direct URL.
 */
import { loadTestEnvironment } from './environment';

export const DATABASE_ROUTE_VARIABLE = 'TEST_DATABASE_ROUTE';

export type DatabaseRoute = 'direct' | 'pgbouncer';

/** What routes a database URL through a PgBouncer: the Postgres port it fronts, and the rewrite. */
export interface Pooler {
  postgresPort: number;
  pooledUrl(directUrl: string): string;
}

/** PgBouncers that suites started in front of Postgres servers of their own (fault sandboxes). */
const ownPoolers = new Map<number, Pooler>();

export function databaseRoute(): DatabaseRoute {
  const route = process.env[DATABASE_ROUTE_VARIABLE] ?? 'direct';
  if (route !== 'direct' && route !== 'pgbouncer') throw new Error(`${DATABASE_ROUTE_VARIABLE} must be direct or pgbouncer, got "${route}"`);
  return route;
}

/** Makes `pooler` the route to its Postgres for this suite (until the returned function is called). */
export function registerPooler(pooler: Pooler): () => void {
  ownPoolers.set(pooler.postgresPort, pooler);
  return () => {
    if (ownPoolers.get(pooler.postgresPort) === pooler) ownPoolers.delete(pooler.postgresPort);
  };
}

/**
 * DATABASE_URL and DATABASE_DIRECT_URL of a product process using the database at `directUrl`.
 * In the PgBouncer route, a Postgres without a PgBouncer in front is an error of the suite.
 */
export function productDatabaseEnv(directUrl: string): { DATABASE_URL: string; DATABASE_DIRECT_URL: string } {
  if (databaseRoute() === 'direct') return { DATABASE_URL: directUrl, DATABASE_DIRECT_URL: directUrl };
  const port = Number(new URL(directUrl).port);
  const shared = loadTestEnvironment().pgbouncer;
  const pooler =
    ownPoolers.get(port) ??
    (shared.postgresPort === port
      ? { postgresPort: port, pooledUrl: (url: string) => Object.assign(new URL(url), { port: String(shared.port) }).toString() }
      : undefined);
  if (!pooler) throw new Error(`no PgBouncer in front of the Postgres on port ${port}: start one (startPgBouncer) and registerPooler() it`);
  return { DATABASE_URL: pooler.pooledUrl(directUrl), DATABASE_DIRECT_URL: directUrl };
}
