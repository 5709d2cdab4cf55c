/**
 * A throwaway PgBouncer (Debian's, 1.18) on 127.0.0.1 in front of a test Postgres, with the
 * configuration docker-compose.yml ships (deploy/pgbouncer/pgbouncer.ini: transaction pooling)
 * except where it listens and what it points at: every database of that server is reachable
 * through it under the same name, as the same user, without a password (trust, as the test
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

/**
 * The PgBouncer configuration docker-compose.yml runs; the tests change only what they must.
 * Found by walking up, as this file also runs compiled from bench/.build/out.
 */
function shippedConfig(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'deploy/pgbouncer/pgbouncer.ini');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`deploy/pgbouncer/pgbouncer.ini not found above ${__dirname}`);
  }
}

export interface PgBouncerOptions {
  /** The Postgres server it pools (its port on 127.0.0.1). */
  postgresPort: number;
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
        testConfig(await fs.readFile(shippedConfig(), 'utf8'), {
          databases: [`* = host=127.0.0.1 port=${options.postgresPort}`],
          settings: {
            listen_addr: '127.0.0.1',
            listen_port: String(port),
            unix_socket_dir: '',
            auth_type: 'trust',
            auth_file: authFile,
            admin_users: 'postgres',
            // One Postgres serves every suite's databases: cap what PgBouncer takes from it, and
            // give idle server connections of finished suites back soon.
            max_user_connections: String(options.maxServerConnections ?? 120),
            server_idle_timeout: '10',
            // query_wait_timeout stays at its default (120 s): the product must not depend on it.
          },
        }),
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

/**
 * The shipped pgbouncer.ini with its [databases] replaced and `settings` of [pgbouncer] set
 * (replaced where the file has them, appended otherwise). Comments are kept.
 */
export function testConfig(shipped: string, change: { databases: string[]; settings: Record<string, string> }): string {
  const pending = new Map(Object.entries(change.settings));
  const out: string[] = [];
  let section = '';
  const flushSettings = () => {
    for (const [key, value] of pending) out.push(`${key} = ${value}`);
    pending.clear();
  };
  for (const line of shipped.split('\n')) {
    const header = /^\s*\[(\w+)\]\s*$/.exec(line);
    if (header) {
      if (section === 'pgbouncer') flushSettings();
      section = header[1];
      out.push(line);
      if (section === 'databases') out.push(...change.databases);
      continue;
    }
    const entry = /^\s*([\w*]+)\s*=/.exec(line);
    if (entry && section === 'databases') continue;
    if (entry && section === 'pgbouncer' && pending.has(entry[1])) {
      out.push(`${entry[1]} = ${pending.get(entry[1])}`);
      pending.delete(entry[1]);
      continue;
    }
    out.push(line);
  }
  if (section === 'pgbouncer') flushSettings();
  if (pending.size) throw new Error(`pgbouncer.ini has no [pgbouncer] section for ${[...pending.keys()].join(', ')}`);
  return `${out.join('\n')}\n`;
}
