/**
 * A throwaway Postgres cluster on 127.0.0.1, in a temp dir, tuned for tests (no fsync).
 *
 * As root, initdb and postgres refuse to run, so both are spawned with the uid/gid of the
 * `postgres` system user (Node's spawn `uid`/`gid`, equivalent to `runuser -u postgres`, but the
 * server stays our direct child so its pid is known). As any other user they run as that user.
 */
import { promises as fs, readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { RunAs, runCommand } from '../processes/child-process';
import { MissingExecutableError } from '../processes/executables';
import { startManagedServer } from '../processes/managed-server';
import type { ProcessLedger } from '../processes/process-ledger';

export const TEST_DATABASE = 'templates';

export interface PostgresOptions {
  /** Database created after start; default `templates`. */
  database?: string;
  /** Default 200: several jest workers each hold pools. */
  maxConnections?: number;
  ledger?: ProcessLedger;
}

export interface PostgresInstance {
  /** `postgresql://postgres@127.0.0.1:PORT/templates` */
  url: string;
  /** Same server, `postgres` maintenance database (for CREATE DATABASE etc.). */
  adminUrl: string;
  host: '127.0.0.1';
  port: number;
  database: string;
  dataDir: string;
  logFile: string;
  /** pid of the running postmaster, or undefined while stopped. */
  pid(): number | undefined;
  /**
   * Stops the server. 'fast' (default, `pg_ctl stop -m fast`) disconnects clients and
   * checkpoints. 'immediate' is a crash: with synchronous_commit=off, transactions committed in
   * the last few hundred ms before it are lost after the restart's recovery.
   */
  stopServer(options?: { mode?: 'fast' | 'immediate' }): Promise<void>;
  /** Starts the server again on the same port and data dir and waits until it answers. */
  startServer(): Promise<void>;
  /** Final stop (immediate shutdown; the data dir is left for the caller to remove). */
  stop(): Promise<void>;
}

export async function startPostgres(baseDir: string, options: PostgresOptions = {}): Promise<PostgresInstance> {
  const binDir = findPostgresBinDir();
  const runAs = postgresRunAs();
  const database = options.database ?? TEST_DATABASE;
  const rootDir = path.join(baseDir, 'postgres');
  const dataDir = path.join(rootDir, 'data');
  const socketDir = path.join(rootDir, 'socket');
  const logFile = path.join(rootDir, 'postgres.log');
  await fs.mkdir(socketDir, { recursive: true });
  if (runAs) {
    // The postgres user must be able to traverse the base dir (mkdtemp makes it 0700).
    const baseMode = (await fs.stat(baseDir)).mode & 0o777;
    await fs.chmod(baseDir, baseMode | 0o011);
    await fs.chown(rootDir, runAs.uid, runAs.gid);
    await fs.chown(socketDir, runAs.uid, runAs.gid);
    await fs.writeFile(logFile, '');
    await fs.chown(logFile, runAs.uid, runAs.gid);
  }
  const env = { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC', HOME: rootDir };

  await runCommand(
    path.join(binDir, 'initdb'),
    ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'],
    { env, runAs: runAs ?? undefined, timeoutMs: 60_000 },
  );

  const server = await startManagedServer({
    name: 'postgres',
    readyTimeoutMs: 30_000,
    isReady: (port) => canConnect(port, 'postgres'),
    processFor: async (port) => ({
      command: path.join(binDir, 'postgres'),
      // prettier-ignore
      args: [
        '-D', dataDir,
        '-c', `port=${port}`,
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${socketDir}`,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', `max_connections=${options.maxConnections ?? 200}`,
        '-c', 'timezone=UTC',
        '-c', 'jit=off',
        '-c', 'lc_messages=C',
      ],
      logFile,
      env,
      runAs: runAs ?? undefined,
      ledger: options.ledger,
      // SIGQUIT = `pg_ctl stop -m immediate`.
      reapSignal: 'SIGQUIT',
    }),
  });
  const { port } = server;

  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  const stopServer = ({ mode = 'fast' }: { mode?: 'fast' | 'immediate' } = {}): Promise<void> =>
    // SIGINT = `pg_ctl stop -m fast`, SIGQUIT = `-m immediate`.
    server.stop({ signal: mode === 'fast' ? 'SIGINT' : 'SIGQUIT', timeoutMs: 15_000 });

  return {
    url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
    adminUrl,
    host: '127.0.0.1',
    port,
    database,
    dataDir,
    logFile,
    pid: server.pid,
    stopServer,
    startServer: server.start,
    stop: () => stopServer({ mode: 'immediate' }),
  };
}

async function canConnect(port: number, database: string): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2_000 });
  // A failed connect() can still emit 'error' later; keep it from becoming an uncaught exception.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** POSTGRES_BIN_DIR, else the newest /usr/lib/postgresql/<version>/bin (Debian's layout). */
export function findPostgresBinDir(): string {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  const candidates: string[] = fromEnv ? [fromEnv] : [];
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((entry) => /^\d+$/.test(entry))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
  }
  const found = candidates.find((dir) => existsSync(path.join(dir, 'initdb')) && existsSync(path.join(dir, 'postgres')));
  if (!found) {
    throw new MissingExecutableError(
      'postgres/initdb',
      'postgresql-15',
      ` (looked in ${candidates.length ? candidates.join(', ') : '/usr/lib/postgresql/*/bin'}; set POSTGRES_BIN_DIR to override)`,
    );
  }
  return found;
}

/** The postgres system user when we are root (initdb and pgbouncer refuse root), else null. */
export function postgresRunAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  if (!line) {
    throw new MissingExecutableError('postgres (system user)', 'postgresql-15', ': running as root needs the postgres user');
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
