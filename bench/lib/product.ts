/** Starting the API, the worker and the baseline server with the benchmark's settings. */
import { readFileSync } from 'node:fs';
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

/**
 * The node flags the product runs with, from the npm start scripts (`node <flags> dist/…`): the
 * Dockerfile, docker-compose.yml and scripts/start.sh say the same (test/deployment-consistency
 * checks it). Each trades some speed for memory; the benchmark measures them against none in
 * the same rounds (the "node flags" table) and reports the product with them.
 */
export const PRODUCT_NODE_FLAGS: Readonly<Record<'api' | 'worker', readonly string[]>> = {
  api: flagsOfScript('start:api'),
  worker: flagsOfScript('start:worker'),
};

function flagsOfScript(name: string): string[] {
  const packageJson = path.resolve(__dirname, '../../../../../package.json'); // from bench/.build/out/bench/lib
  const script: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> }).scripts[name];
  const words = script.split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json ${name} does not start with node: ${script}`);
  return words.slice(1, words.findIndex((word) => word.startsWith('dist/')));
}

/** Without the product's flags (the other half of the A/B): a name of its own, so no figure mixes the two. */
export interface ProductStartOptions extends StartOptions {
  withoutProductFlags?: boolean;
  /** A process name of its own (default: the role's). */
  name?: string;
}

const withFlags = (role: 'api' | 'worker', settings: ProductSettings, options: ProductStartOptions): StartOptions => ({
  ...options,
  nodeFlags: [...(options.withoutProductFlags ? [] : PRODUCT_NODE_FLAGS[role]), ...settings.nodeFlags, ...(options.nodeFlags ?? [])],
});

/** `api`, or `api-noflags` for the process started without the product's flags. */
const serviceName = (name: string, options: ProductStartOptions) => options.name ?? (options.withoutProductFlags ? `${name}-noflags` : name);

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

export function startApi(layout: ProcessLayout, settings: ProductSettings, options: ProductStartOptions = {}): Promise<RunningService> {
  return startNodeService(
    layout,
    serviceName('api', options),
    path.join(layout.productDir, 'apps/api/src/main.js'),
    (port) => ({
      ...commonEnv(settings),
      PORT: String(port),
      AUTH_JWKS_FILE: settings.jwksFile,
      AUTH_ISSUER: settings.issuer,
      AUTH_AUDIENCE: settings.audience,
    }),
    '/readyz',
    withFlags('api', settings, options),
  );
}

export function startWorker(
  layout: ProcessLayout,
  settings: ProductSettings,
  concurrency: number,
  options: ProductStartOptions = {},
): Promise<RunningService> {
  return startNodeService(
    layout,
    serviceName(`worker-c${concurrency}`, options),
    path.join(layout.productDir, 'apps/worker/src/main.js'),
    (port) => ({
      ...commonEnv(settings),
      WORKER_HTTP_PORT: String(port),
      VALIDATION_CONCURRENCY: String(concurrency),
      REGISTRY_ALLOWED_PRIVATE_HOSTS: settings.allowedPrivateHosts.join(','),
      REGISTRY_CA_FILE: settings.caFile,
    }),
    '/readyz',
    withFlags('worker', settings, options),
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
