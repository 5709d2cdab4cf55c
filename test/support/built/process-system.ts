/** The built API and worker processes of one suite, over one database and Redis (`createProcessSystem`). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestEnvironmentDescription } from '../environment';
import { productDatabaseEnv } from '../database-route';
import { createIdentityProvider, TestIdentityProvider } from '../identity-provider';
import { registryAccessEnv, testEncryptionKeys } from '../product-env';
import { TemplatesApiClient } from './api-client';
import { ServiceRole, SpawnedService, spawnService } from './built-service';

export interface ProcessSystemOptions {
  /** Direct; the processes get it routed as the jest project says (database-route.ts). */
  databaseUrl: string;
  /** REDIS_URL of every process; or '' with `redisSentinels`. */
  redisUrl: string;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME instead of a REDIS_URL (RedisSentinelSet.productEnv()). */
  redisSentinels?: { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string };
  /** Added to (and overriding) the environment of every process. */
  env?: Record<string, string>;
}

/**
 * API and worker processes over one database and Redis, sharing an encryption key and an
 * identity provider. Every process it started is stopped by `close()`.
 */
export interface ProcessSystem {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly idp: TestIdentityProvider;
  /** The environment every process gets (before per-process overrides and the port). */
  readonly env: Readonly<Record<string, string>>;
  /** Talks to the most recently started API process. */
  readonly api: TemplatesApiClient;
  /** Every process started so far, running or not. */
  readonly services: readonly SpawnedService[];
  /** Returns once /readyz answers 200, or with `waitFor: 'alive'` once /healthz does. */
  startApi(env?: Record<string, string>, options?: { waitFor?: 'ready' | 'alive' }): Promise<SpawnedService>;
  startWorker(env?: Record<string, string>): Promise<SpawnedService>;
  /** SIGKILLs whatever is still running (a test that wants a graceful stop does it itself). */
  stopAll(): Promise<void>;
  close(): Promise<void>;
}

export async function createProcessSystem(env: TestEnvironmentDescription, options: ProcessSystemOptions): Promise<ProcessSystem> {
  const idp = await createIdentityProvider();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'airt-processes-'));
  const shared: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    NODE_ENV: 'test',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ...productDatabaseEnv(options.databaseUrl),
    ...(options.redisSentinels ?? { REDIS_URL: options.redisUrl }),
    TOKEN_ENCRYPTION_KEYS: testEncryptionKeys(),
    AUTH_JWKS_FILE: idp.jwksFile,
    AUTH_ISSUER: idp.issuer,
    AUTH_AUDIENCE: idp.audience,
    VALIDATION_BACKOFF: '100ms',
    // Suites share two cores with other suites' Postgres load: a new connection can take seconds.
    DATABASE_CONNECT_TIMEOUT: '10s',
    ...registryAccessEnv(env),
    ...options.env,
  };
  const services: SpawnedService[] = [];
  let latestApi: SpawnedService | undefined;
  const counters = { api: 0, worker: 0 };
  const start = async (role: ServiceRole, extra: Record<string, string>, waitFor?: 'ready' | 'alive'): Promise<SpawnedService> => {
    const service = await spawnService({ role, name: `${role}-${++counters[role]}`, env: { ...shared, ...extra }, waitFor });
    services.push(service);
    return service;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(services.map((service) => service.stop({ signal: 'SIGKILL' })));
  };
  return {
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    idp,
    env: shared,
    api: new TemplatesApiClient(() => {
      if (!latestApi) throw new Error('no API process started');
      return latestApi.url;
    }, idp),
    services,
    startApi: async (extra = {}, { waitFor } = {}) => (latestApi = await start('api', extra, waitFor)),
    startWorker: (extra = {}) => start('worker', extra),
    stopAll,
    close: async () => {
      await stopAll();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(path.dirname(idp.jwksFile), { recursive: true, force: true });
    },
  };
}
