/**
 * The shared integration-test environment: Postgres, Redis, three TLS registries (anonymous,
 * htpasswd Basic, token auth with an in-process token issuer) holding the standard test images.
 *
 * jest's globalSetup starts it once per run and writes its JSON description to the file named
 * by TEST_ENV_FILE; suites (in any worker) call `loadTestEnvironment()` to read it.
 *
 * Suites share these services: use your own org ids / rows / repositories (and, on the token
 * registry, your own user via `tokenIssuerAdminClient(...).putUser`). A suite that must stop
 * Postgres, Redis or a registry starts its own with startPostgres / startRedis / startRegistry.
 */
import { promises as fs, readFileSync, statfsSync, accessSync, constants as fsConstants } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REQUIRED_EXECUTABLES, requireExecutable } from './processes/executables';
import { LedgerEntry, ProcessLedger } from './processes/process-ledger';
import { startReaper } from './processes/reaper';
import { RegistryTarget, pushStandardImages } from './images/push-image';
import type { StandardImages } from './images/standard-images';
import { findPgBouncer, startPgBouncer } from './services/pgbouncer';
import { findPostgresBinDir, startPostgres } from './services/postgres';
import { startRedis } from './services/redis';
import {
  DEFAULT_ANONYMOUS_GRANTS,
  DEFAULT_BASIC_USERS,
  DEFAULT_TOKEN_USERS,
  RegistryCredentials,
  RegistryInstance,
  startRegistry,
} from './services/registry';
import { createTestCertificates } from './services/tls';
import type { RepositoryGrant, TokenUser } from './services/token-issuer';

/** Environment variable holding the path of the environment description (set by globalSetup). */
export const TEST_ENV_FILE_VARIABLE = 'TEST_ENV_FILE';

export interface RegistryDescription {
  /** `127.0.0.1:PORT` */
  host: string;
  /** `https://127.0.0.1:PORT` */
  url: string;
  caFile: string;
  /** Credentials allowed to push (absent for the anonymous registry). */
  pushCredentials?: RegistryCredentials;
}

type TokenUsers = Record<'pusher' | 'reader' | 'restricted', TokenUser> & Record<string, TokenUser>;

export interface TestEnvironmentDescription {
  version: 1;
  baseDir: string;
  /** `postgresql://postgres@127.0.0.1:PORT/templates` (trust auth, no password) */
  postgresUrl: string;
  /** Same server, `postgres` database (CREATE DATABASE for a suite that wants its own). */
  postgresAdminUrl: string;
  /**
   * A transaction-mode PgBouncer in front of that server (every database, user postgres):
   * the `pgbouncer` jest project routes the product through it (database-route.ts).
   */
  pgbouncer: { host: string; port: number; postgresPort: number };
  /** `redis://127.0.0.1:PORT` */
  redisUrl: string;
  /** The test CA certificate (PEM); every registry and the token issuer chain to it. */
  caFile: string;
  /** Directory holding only `ca.crt`: `skopeo --cert-dir`. */
  caDir: string;
  registries: {
    anonymous: RegistryDescription;
    basic: RegistryDescription & RegistryCredentials;
    token: RegistryDescription & {
      /** `https://127.0.0.1:PORT/token` */
      realmUrl: string;
      service: string;
      issuer: string;
      /** pusher (pull/push *), reader (pull gpu/*), restricted (pull gpu/cuda-app only). */
      users: TokenUsers;
      /** Grants for requests without credentials: pull public/*. */
      anonymousGrants: RepositoryGrant[];
      /** For tokenIssuerAdminClient: recorded requests, extra users. */
      adminUrl: string;
      adminSecret: string;
    };
  };
  /** Identical in all three registries. */
  images: StandardImages;
  /** Server processes, for diagnostics and the fallback teardown. */
  processes: LedgerEntry[];
  ownerPid: number;
  startupMs: number;
}

export interface TestEnvironment {
  description: TestEnvironmentDescription;
  /** Stops every service; removes the base dir when startTestEnvironment created it. */
  stop(): Promise<void>;
}

export interface TestEnvironmentOptions {
  /** Default: a fresh temp dir (on tmpfs when there is room), removed by stop(). */
  baseDir?: string;
}

export async function startTestEnvironment(options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  const startedAt = Date.now();
  await requireAllExecutables();

  const ownsBaseDir = options.baseDir === undefined;
  const baseDir = options.baseDir ?? (await fs.mkdtemp(path.join(tempRoot(), 'airt-test-env-')));
  const ledger = new ProcessLedger(path.join(baseDir, 'processes.json'));
  const reaper = startReaper({ ownerPid: process.pid, ledgerFile: ledger.file, baseDir, removeBaseDir: ownsBaseDir });
  // If this process exits without stop() (e.g. jest bails), take the servers with it.
  const killOnExit = (): void => ledger.killAll();
  process.once('exit', killOnExit);

  const stoppers: Array<() => Promise<void>> = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const results = await Promise.allSettled(stoppers.map((stopOne) => stopOne()));
    process.off('exit', killOnExit);
    ledger.killAll();
    reaper.stop();
    if (ownsBaseDir) await fs.rm(baseDir, { recursive: true, force: true });
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  };

  try {
    const certificatesStarted = createTestCertificates(baseDir);
    const registryWithImages = async (start: () => Promise<RegistryInstance>) => {
      const registry = await start();
      stoppers.push(() => registry.stop());
      const images = await pushStandardImages(registryTarget(registry));
      return { registry, images };
    };
    const registriesStarted = certificatesStarted.then((certificates) =>
      settleAll([
        registryWithImages(() => startRegistry(baseDir, { certificates, ledger, auth: { mode: 'anonymous' } })),
        registryWithImages(() =>
          startRegistry(baseDir, { certificates, ledger, auth: { mode: 'basic', users: DEFAULT_BASIC_USERS } }),
        ),
        registryWithImages(() =>
          startRegistry(baseDir, {
            certificates,
            ledger,
            auth: { mode: 'token', users: DEFAULT_TOKEN_USERS, anonymousGrants: DEFAULT_ANONYMOUS_GRANTS },
          }),
        ),
      ] as const),
    );
    const [{ instance: postgres, pgbouncer }, redis, certificates, [anonymous, basic, token]] = await settleAll([
      startPostgres(baseDir, { ledger }).then(async (instance) => {
        stoppers.push(() => instance.stop());
        const pgbouncer = await startPgBouncer(baseDir, { postgresPort: instance.port, ledger });
        stoppers.push(() => pgbouncer.stop());
        return { instance, pgbouncer };
      }),
      startRedis(baseDir, { ledger }).then((instance) => {
        stoppers.push(() => instance.stop());
        return instance;
      }),
      certificatesStarted,
      registriesStarted,
    ] as const);

    for (const other of [basic, token]) {
      if (JSON.stringify(other.images) !== JSON.stringify(anonymous.images)) {
        throw new Error(`images pushed to ${other.registry.name} differ from those in the anonymous registry`);
      }
    }
    const issuer = token.registry.tokenIssuer;
    if (!issuer) throw new Error('token registry started without its issuer');
    const basicUser = DEFAULT_BASIC_USERS[0];
    const description: TestEnvironmentDescription = {
      version: 1,
      baseDir,
      postgresUrl: postgres.url,
      postgresAdminUrl: postgres.adminUrl,
      pgbouncer: { host: pgbouncer.host, port: pgbouncer.port, postgresPort: pgbouncer.postgresPort },
      redisUrl: redis.url,
      caFile: certificates.caCert,
      caDir: certificates.dir,
      registries: {
        anonymous: registryDescription(anonymous.registry),
        basic: { ...registryDescription(basic.registry), username: basicUser.username, password: basicUser.password },
        token: {
          ...registryDescription(token.registry),
          realmUrl: issuer.realmUrl,
          service: issuer.service,
          issuer: issuer.issuer,
          users: Object.fromEntries(DEFAULT_TOKEN_USERS.map((user) => [user.username, user])) as TokenUsers,
          anonymousGrants: DEFAULT_ANONYMOUS_GRANTS,
          adminUrl: issuer.adminUrl,
          adminSecret: issuer.adminSecret,
        },
      },
      images: anonymous.images,
      processes: ledger.list(),
      ownerPid: process.pid,
      startupMs: Date.now() - startedAt,
    };
    return { description, stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Fails with one error naming every missing executable and the apt package providing it. */
async function requireAllExecutables(): Promise<void> {
  const checks = await Promise.allSettled([
    ...Object.entries(REQUIRED_EXECUTABLES).map(([executable, pkg]) => requireExecutable(executable, pkg)),
    Promise.resolve().then(findPostgresBinDir),
    findPgBouncer(),
  ]);
  const missing = checks
    .filter((check): check is PromiseRejectedResult => check.status === 'rejected')
    .map((check) => (check.reason instanceof Error ? check.reason.message : String(check.reason)));
  if (missing.length > 0) {
    throw new Error(`The integration-test environment cannot start:\n  ${missing.join('\n  ')}`);
  }
}

/** Reads the description written by globalSetup (any jest worker may call this). */
export function loadTestEnvironment(): TestEnvironmentDescription {
  const file = process.env[TEST_ENV_FILE_VARIABLE];
  if (!file) {
    throw new Error(
      `${TEST_ENV_FILE_VARIABLE} is not set: run this suite through a jest config whose globalSetup is ` +
        'test/support/globalSetup.ts (or start one with startTestEnvironment()).',
    );
  }
  return JSON.parse(readFileSync(file, 'utf8')) as TestEnvironmentDescription;
}

/** What pushImage needs for one of the environment's registries. */
export function registryTarget(registry: RegistryDescription | RegistryInstance): RegistryTarget {
  return { url: registry.url, caFile: registry.caFile, credentials: registry.pushCredentials };
}

function registryDescription(registry: RegistryInstance): RegistryDescription {
  return { host: registry.host, url: registry.url, caFile: registry.caFile, pushCredentials: registry.pushCredentials };
}

/**
 * Like Promise.all, but waits for every promise to settle before rejecting, so that all
 * services that did start are known (and stopped) when one of them fails.
 */
async function settleAll<T extends readonly unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failures.length === 1) throw failures[0].reason;
  if (failures.length > 1) {
    throw new AggregateError(
      failures.map((failure) => failure.reason),
      failures.map(({ reason }) => (reason instanceof Error ? reason.message : String(reason))).join('\n'),
    );
  }
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/**
 * TEST_ENV_TMPDIR if set; else /dev/shm when it is a writable tmpfs with room (registry uploads
 * and Postgres are markedly faster there than on a disk-backed /tmp); else os.tmpdir().
 */
function tempRoot(): string {
  const configured = process.env.TEST_ENV_TMPDIR;
  if (configured) return configured;
  try {
    accessSync('/dev/shm', fsConstants.W_OK);
    const stats = statfsSync('/dev/shm');
    if (stats.bavail * stats.bsize > 1024 ** 3) return '/dev/shm';
  } catch {
    // no usable /dev/shm
  }
  return os.tmpdir();
}
