/** Starting the API, the worker and the baseline server with the benchmark's settings. */
import * as path from 'node:path';
import { ProcessLayout, RunningService, StartOptions, startNodeService } from './processes';

/** What both product processes are configured with (NODE_ENV=production throughout). */
export interface ProductSettings {
  databaseUrl: string;
  redisUrl: string;
  jwksFile: string;
  issuer: string;
  audience: string;
  /** TOKEN_ENCRYPTION_KEYS: `keyId:base64-of-32-bytes`. */
  encryptionKeys: string;
  /** host:port of the registry and of its token realm (loopback is private: allow it). */
  allowedPrivateHosts: string[];
  caFile: string;
  dataDir: string;
  /** Extra node flags for the API and worker (`--node-flags`, for experiments); [] normally. */
  nodeFlags: string[];
}

const withFlags = (settings: ProductSettings, options: StartOptions): StartOptions => ({
  ...options,
  nodeFlags: [...settings.nodeFlags, ...(options.nodeFlags ?? [])],
});

function commonEnv(settings: ProductSettings): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    DATA_DIR: settings.dataDir,
    DATABASE_URL: settings.databaseUrl,
    // Postgres itself, as on one box: the GET by id is a named statement, as the bare Fastify +
    // pg baseline's is. Behind a transaction-mode PgBouncer it cannot be (README, PgBouncer).
    DATABASE_PREPARED_STATEMENTS: 'true',
    REDIS_URL: settings.redisUrl,
    TOKEN_ENCRYPTION_KEYS: settings.encryptionKeys,
    // Growth seeds orgs of 10,000 templates; the default quota is 100.
    TEMPLATE_QUOTA_PER_ORG: '1000000',
    // The limiter stays on (its Redis round trip is part of every request in production), with
    // the highest limit the config accepts, so that it never shapes the load. 0 would turn it off.
    RATE_LIMIT_REQUESTS: '10000000',
  };
}

export function startApi(
  layout: ProcessLayout,
  settings: ProductSettings,
  options: StartOptions & { name?: string } = {},
): Promise<RunningService> {
  return startNodeService(
    layout,
    options.name ?? 'api',
    path.join(layout.productDir, 'apps/api/src/main.js'),
    (port) => ({
      ...commonEnv(settings),
      PORT: String(port),
      AUTH_JWKS_FILE: settings.jwksFile,
      AUTH_ISSUER: settings.issuer,
      AUTH_AUDIENCE: settings.audience,
    }),
    '/readyz',
    withFlags(settings, options),
  );
}

export function startWorker(
  layout: ProcessLayout,
  settings: ProductSettings,
  concurrency: number,
  options: StartOptions = {},
): Promise<RunningService> {
  return startNodeService(
    layout,
    `worker-c${concurrency}`,
    path.join(layout.productDir, 'apps/worker/src/main.js'),
    (port) => ({
      ...commonEnv(settings),
      WORKER_HTTP_PORT: String(port),
      VALIDATION_CONCURRENCY: String(concurrency),
      REGISTRY_ALLOWED_PRIVATE_HOSTS: settings.allowedPrivateHosts.join(','),
      REGISTRY_CA_FILE: settings.caFile,
    }),
    '/readyz',
    withFlags(settings, options),
  );
}

/** The bare Fastify + pg server of bench/baseline; `verifyJwt` adds the same JWT check as ours. */
export function startBaseline(
  layout: ProcessLayout,
  settings: ProductSettings,
  { verifyJwt }: { verifyJwt: boolean },
): Promise<RunningService> {
  return startNodeService(
    layout,
    verifyJwt ? 'baseline-jwt' : 'baseline',
    path.join(layout.benchOutDir, 'bench/baseline/fastify-pg-server.js'),
    (port) => ({
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: settings.databaseUrl,
      ...(verifyJwt
        ? { VERIFY_JWT: '1', AUTH_JWKS_FILE: settings.jwksFile, AUTH_ISSUER: settings.issuer, AUTH_AUDIENCE: settings.audience }
        : {}),
    }),
    '/healthz',
  );
}
