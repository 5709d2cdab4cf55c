import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestEnvironmentDescription } from '../environment';
import { databaseRoute, registerPooler } from '../database-route';
import { createIsolatedDatabase, migrateDatabase } from '../isolated-stores';
import { GatedRegistryProxy, startGatedRegistryProxy } from '../registry-fronts/gated-registry-proxy';
import { PgBouncerInstance, startPgBouncer } from '../services/pgbouncer';
import { PostgresInstance, startPostgres } from '../services/postgres';
import { RedisInstance, startRedis } from '../services/redis';
import { httpRequest } from './api-client';
import { CanaryUser, createCanaryUser, findCanary } from './canary';
import { createProcessSystem, ProcessSystem } from './process-system';

export interface FaultSandboxOptions {
  /** Names the temp dir and the canary user. */
  name: string;
  /** A Postgres server of the suite's own (to stop and start); default: a database on the shared one. */
  ownPostgres?: boolean;
  /** Added to every process's environment. */
  env?: Record<string, string>;
}

/**
 * What a fault suite may break without disturbing other suites: its own Redis, its own
 * Postgres or an isolated database on the shared one, a gated proxy in front of the token
 * registry, the process system over them (no process started
 * yet), and a canary registry user.
 * `close()` stops everything, also after a half-finished start.
 */
export interface FaultSandbox {
  readonly redis: RedisInstance;
  /** Only with `ownPostgres`. */
  readonly postgres?: PostgresInstance;
  /** Only with `ownPostgres` in the `pgbouncer` jest project: the processes reach `postgres` through it. */
  readonly pgbouncer?: PgBouncerInstance;
  /** Direct (the tests' own reads); the processes get it routed as the jest project says. */
  readonly databaseUrl: string;
  readonly proxy: GatedRegistryProxy;
  readonly system: ProcessSystem;
  readonly canaryUser: CanaryUser;
  /** Where the canary appears: process outputs, API responses and /metrics pages, Redis keys and values, rows. */
  canaryLeaks(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startFaultSandbox(env: TestEnvironmentDescription, options: FaultSandboxOptions): Promise<FaultSandbox> {
  const baseDir = mkdtempSync(path.join(tmpdir(), `airt-${options.name}-`));
  const stoppers: Array<() => Promise<unknown>> = [async () => rmSync(baseDir, { recursive: true, force: true })];
  const close = async (): Promise<void> => {
    // Last started, first stopped: processes before the services they use.
    for (const stop of stoppers.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    const redis = await startRedis(baseDir);
    stoppers.push(() => redis.stop());
    let postgres: PostgresInstance | undefined;
    let pgbouncer: PgBouncerInstance | undefined;
    let databaseUrl: string;
    if (options.ownPostgres) {
      const own = await startPostgres(baseDir, { maxConnections: 50 });
      postgres = own;
      stoppers.push(() => own.stop());
      await migrateDatabase(own.url);
      databaseUrl = own.url;
      if (databaseRoute() === 'pgbouncer') {
        const pooler = await startPgBouncer(baseDir, { postgresPort: own.port, maxServerConnections: 30 });
        pgbouncer = pooler;
        const unregister = registerPooler(pooler);
        stoppers.push(async () => {
          unregister();
          await pooler.stop();
        });
      }
    } else {
      databaseUrl = await createIsolatedDatabase(env);
    }
    const proxy = await startGatedRegistryProxy(env.registries.token, env.caFile);
    stoppers.push(() => proxy.close());
    const system = await createProcessSystem(env, {
      databaseUrl,
      redisUrl: redis.url,
      env: { ...proxy.accessEnv(env), ...options.env },
    });
    stoppers.push(() => system.close());
    const canaryUser = await createCanaryUser(env, options.name);
    return {
      redis,
      postgres,
      pgbouncer,
      databaseUrl,
      proxy,
      system,
      canaryUser,
      canaryLeaks: async () => {
        // The metrics pages of the processes still running count as responses too.
        const running = system.services.filter((service) => service.isRunning());
        const metrics = await Promise.all(running.map(async (service) => (await httpRequest('GET', `${service.url}/metrics`)).text));
        return findCanary(canaryUser.canary, {
          services: system.services,
          responses: [...system.api.responses, ...metrics],
          redisUrls: [redis.url],
          databaseUrls: [databaseUrl],
        });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
