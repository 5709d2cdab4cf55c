import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';

/**
 * Applies the committed SQL migrations in prisma/migrations without the Prisma schema engine
 * (which cannot be downloaded on every machine), bookkeeping them in Prisma's own
 * `_prisma_migrations` table exactly as `prisma migrate deploy` does: same table, same
 * SHA-256 checksums, same advisory lock. A database migrated here is up to date for
 * `prisma migrate deploy`, and the reverse.
 */

/** The advisory lock key the Prisma schema engine takes while migrating. */
const PRISMA_MIGRATE_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id" VARCHAR(36) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL,
    "logs" TEXT,
    "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
)`;

export interface MigrationFile {
  name: string;
  script: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface MigrateOptions {
  log?: (message: string) => void;
  /**
   * Stored as the `statement_timeout` default of the migrating role in this database
   * (`ALTER ROLE CURRENT_USER IN DATABASE … SET`), so every session that role opens has it:
   * the pool's own connections and a transaction-mode PgBouncer's server connections alike,
   * where a per-connection setting cannot be sent. Left untouched when absent.
   */
  statementTimeoutMs?: number;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Prisma's checksum: SHA-256 of the script, hex. */
export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

export async function readMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const script = await readFile(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, script, checksum: migrationChecksum(script) };
    }),
  );
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * `databaseUrl` must be a real session (DATABASE_DIRECT_URL): the advisory lock is held across
 * statements, which a transaction-mode pooler would hand to different server connections.
 */
export async function migrate(databaseUrl: string, migrationsDir: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(migrationsDir);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    // A migration (an index on a large table) may take longer than the role's statement timeout.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const result: MigrationResult = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const attempts = rows.filter((row) => row.migration_name === migration.name && row.rolled_back_at === null);
      if (attempts.some((row) => row.finished_at !== null)) {
        if (!attempts.some((row) => row.checksum === migration.checksum)) {
          log(`warning: migration ${migration.name} was modified after it was applied (checksum differs)`);
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      if (attempts.length > 0) {
        throw new MigrationError(
          `migration ${migration.name} failed earlier and was not rolled back; fix the database, then mark it ` +
            `rolled back (UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${migration.name}')`,
        );
      }
      await applyOne(client, migration);
      log(`applied ${migration.name}`);
      result.applied.push(migration.name);
    }
    // Under the lock: concurrent ALTER ROLEs of one role would fail with "tuple concurrently updated".
    if (options.statementTimeoutMs !== undefined) await setRoleStatementTimeout(client, options.statementTimeoutMs, log);
    return result;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

async function setRoleStatementTimeout(client: Client, timeoutMs: number, log: (message: string) => void): Promise<void> {
  const { rows } = await client.query<{ role: string; database: string }>('SELECT current_user AS role, current_database() AS database');
  const { role, database } = rows[0];
  const value = `${Math.round(timeoutMs)}ms`;
  await client.query(`ALTER ROLE CURRENT_USER IN DATABASE ${client.escapeIdentifier(database)} SET statement_timeout = '${value}'`);
  log(`statement_timeout of role ${role} in database ${database}: ${value} (new sessions)`);
}

/**
 * Runs one script in a transaction. On failure the schema is untouched, so the attempt is
 * recorded with its error and marked rolled back (what `prisma migrate resolve --rolled-back`
 * would record), and the next run retries it.
 */
async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.script);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    await client.query('UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1', [
      id,
      (error as Error).message,
    ]);
    throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`);
  }
}
