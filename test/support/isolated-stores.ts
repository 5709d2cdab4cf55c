/**
 * A suite's own stores on the shared servers: a migrated database of its own (so no other
 * suite's worker or sweep ever sees its rows) and a Redis logical database of its own.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { migrate } from '@app/db';
import type { TestEnvironmentDescription } from './environment';
import { REDIS_DATABASES } from './services/redis';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

/** DATABASE_STATEMENT_TIMEOUT's default, which `npm run db:migrate` stores as the role's setting. */
const STATEMENT_TIMEOUT_MS = 5_000;

/**
 * Applies the project's migrations (prisma/migrations) to the database at `databaseUrl` (a
 * direct one: the migrator holds an advisory lock), as `npm run db:migrate` does.
 */
export async function migrateDatabase(databaseUrl: string): Promise<void> {
  await migrate(databaseUrl, MIGRATIONS_DIR, { statementTimeoutMs: STATEMENT_TIMEOUT_MS });
}

/** A new database on the shared Postgres server, migrated; returns its URL. */
export async function createIsolatedDatabase(env: TestEnvironmentDescription): Promise<string> {
  const url = await createEmptyDatabase(env);
  await migrateDatabase(url);
  return url;
}

/** A new database on the shared Postgres server, with no migration applied; returns its URL. */
export async function createEmptyDatabase(env: TestEnvironmentDescription): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: env.postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(env.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A Redis logical database of its own (1 to REDIS_DATABASES - 1), so queues of different suites never mix. */
export async function allocateRedisDatabase(env: TestEnvironmentDescription): Promise<string> {
  const redis = new IORedis(env.redisUrl);
  try {
    const n = await redis.incr('test:redis-db-counter');
    if (n >= REDIS_DATABASES) throw new Error(`more than ${REDIS_DATABASES - 1} isolated Redis databases requested in one run`);
    return `${env.redisUrl}/${n}`;
  } finally {
    redis.disconnect();
  }
}
