/**
 * A throwaway PgBouncer (Debian's, 1.18) on 127.0.0.1 in front of a test Postgres, in
 * transaction pooling mode: every database of that server is reachable through it under the
 * same name (`* = host=… port=…`), as the same user, without a password (trust, as the test
 * Postgres itself).
 *
 * As root it runs as the `postgres` system user (PgBouncer refuses root), like the Postgres
 * starter does.
 */
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { requireExecutable } from '../processes/executables';
import { startManagedServer } from '../processes/managed-server';
import type { ProcessLedger } from '../processes/process-ledger';
import { postgresRunAs } from './postgres';

export interface PgBouncerOptions {
  /** The Postgres server it pools (its port on 127.0.0.1). */
  postgresPort: number;
  /** Server connections per database (default 20). */
  poolSize?: number;
  /** Server connections in all (default 120; the test Postgres allows 200 and direct connections need some). */
  maxServerConnections?: number;
  ledger?: ProcessLedger;
}

export interface PgBouncerInstance {
  host: '127.0.0.1';
  port: number;
  /** The Postgres port it pools. */
  postgresPort: number;
  logFile: string;
  pid(): number | undefined;
  /** The same database and user as `directUrl`, through this PgBouncer. */
  pooledUrl(directUrl: string): string;
  stop(): Promise<void>;
}

/** The pgbouncer executable: Debian installs it in /usr/sbin, which is not on every user's PATH. */
export function findPgBouncer(): Promise<string> {
  return requireExecutable(existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : 'pgbouncer', 'pgbouncer');
}

export async function startPgBouncer(baseDir: string, options: PgBouncerOptions): Promise<PgBouncerInstance> {
  const executable = await findPgBouncer();
  const runAs = postgresRunAs();
  const dir = await fs.mkdtemp(path.join(baseDir, 'pgbouncer-'));
  const logFile = path.join(dir, 'pgbouncer.log');
  const configFile = path.join(dir, 'pgbouncer.ini');
  const authFile = path.join(dir, 'userlist.txt');
  // trust still requires the user to be listed.
  await fs.writeFile(authFile, '"postgres" ""\n');
  if (runAs) {
    const baseMode = (await fs.stat(baseDir)).mode & 0o777;
    await fs.chmod(baseDir, baseMode | 0o011);
    await fs.chown(dir, runAs.uid, runAs.gid);
  }

  const server = await startManagedServer({
    name: 'pgbouncer',
    isReady: (port) => answersAdminConsole(port),
    processFor: async (port) => {
      await fs.writeFile(
        configFile,
        [
          '[databases]',
          `* = host=127.0.0.1 port=${options.postgresPort}`,
          '',
          '[pgbouncer]',
          'listen_addr = 127.0.0.1',
          `listen_port = ${port}`,
          'unix_socket_dir =',
          'auth_type = trust',
          `auth_file = ${authFile}`,
          'admin_users = postgres',
          'pool_mode = transaction',
          'max_client_conn = 2000',
          `default_pool_size = ${options.poolSize ?? 20}`,
          `max_user_connections = ${options.maxServerConnections ?? 120}`,
          // Idle server connections of finished suites' databases go back to Postgres soon.
          'server_idle_timeout = 10',
          // A restarted Postgres is used again within a second (the default waits 15 s).
          'server_login_retry = 1',
          // query_wait_timeout stays at its default (120 s): the product must not depend on it.
          '',
        ].join('\n'),
      );
      return { command: executable, args: [configFile], logFile, runAs: runAs ?? undefined, ledger: options.ledger };
    },
  });

  return {
    host: '127.0.0.1',
    port: server.port,
    postgresPort: options.postgresPort,
    logFile,
    pid: server.pid,
    pooledUrl: (directUrl) => {
      const url = new URL(directUrl);
      url.hostname = '127.0.0.1';
      url.port = String(server.port);
      return url.toString();
    },
    stop: () => server.stop({ signal: 'SIGINT' }), // SIGINT: immediate shutdown
  };
}

/** PgBouncer's admin console answers without any Postgres behind it. */
async function answersAdminConsole(port: number): Promise<boolean> {
  const client = new Client({ host: '127.0.0.1', port, user: 'postgres', database: 'pgbouncer', connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SHOW VERSION');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
