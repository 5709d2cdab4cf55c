import * as path from 'node:path';
import {
  boolean,
  ConfigError,
  duration,
  durationList,
  Env,
  hostPortList,
  integer,
  list,
  oneOf,
  optionalString,
  requiredString,
  url,
} from './env-parsers';

import { AppConfig, ProcessRole, RawAesKey, RedisConfig } from './app-config.types';

export type { AppConfig, ProcessRole, RawAesKey, RedisConfig } from './app-config.types';

const NEEDS_DATABASE: readonly ProcessRole[] = ['api', 'worker', 'migrate', 'rotate-keys'];
const NEEDS_REDIS: readonly ProcessRole[] = ['api', 'worker'];

/** Where `npm start` keeps the demo registry (its CA, storage, signing key): under DATA_DIR. */
export const DEMO_REGISTRY_DIR = 'demo-registry';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** About 5 s, 30 s, 2 min, 10 min, 30 min and 1 h after a failure, then every 2 h for a day in all. */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = [5 * SECOND, 30 * SECOND, 2 * MINUTE, 10 * MINUTE, 30 * MINUTE, HOUR, ...new Array<number>(11).fill(2 * HOUR)];

/**
 * Reads and validates the environment once. The only place in the code base that reads
 * process.env; a bad value throws ConfigError naming the variable.
 */
export function loadConfig(role: ProcessRole, env: Env = process.env): AppConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const devMode = nodeEnv !== 'production';
  const databaseUrl = urlFor(role, NEEDS_DATABASE, env, 'DATABASE_URL', POSTGRES_PROTOCOLS);
  const config: AppConfig = {
    nodeEnv,
    devMode,
    dataDir: path.resolve(optionalString(env, 'DATA_DIR') ?? '.data'),
    http: {
      host: optionalString(env, 'HOST') ?? '0.0.0.0',
      port: integer(env, 'PORT', 3000, 0, 65535),
      bodyLimitBytes: 64 * 1024,
      trustProxy: boolean(env, 'TRUST_PROXY', false),
    },
    database: {
      url: databaseUrl,
      directUrl: url(env, 'DATABASE_DIRECT_URL', POSTGRES_PROTOCOLS) ?? databaseUrl,
      poolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
      connectTimeoutMs: duration(env, 'DATABASE_CONNECT_TIMEOUT', 3 * SECOND, 100, MINUTE),
      statementTimeoutMs: duration(env, 'DATABASE_STATEMENT_TIMEOUT', 5 * SECOND, 100, 10 * MINUTE),
      preparedStatements: boolean(env, 'DATABASE_PREPARED_STATEMENTS', false),
    },
    redis: {
      ...redisLocation(role, env),
      commandTimeoutMs: duration(env, 'REDIS_COMMAND_TIMEOUT', 2 * SECOND, 100, MINUTE),
    },
    auth: {
      jwksUrl: url(env, 'AUTH_JWKS_URL', ['https:', 'http:']),
      jwksFile: optionalString(env, 'AUTH_JWKS_FILE'),
      issuer: optionalString(env, 'AUTH_ISSUER'),
      audience: optionalString(env, 'AUTH_AUDIENCE'),
      orgsClaim: optionalString(env, 'AUTH_ORGS_CLAIM') ?? 'orgs',
    },
    tokenEncryption: {
      rawKeys: parseRawKeys(env, 'TOKEN_ENCRYPTION_KEYS'),
      kmsKeyArn: optionalString(env, 'TOKEN_KMS_KEY_ARN'),
    },
    templates: { quotaPerOrg: integer(env, 'TEMPLATE_QUOTA_PER_ORG', 100, 1, 1_000_000) },
    registryCredentials: { quotaPerOrg: integer(env, 'REGISTRY_CREDENTIAL_QUOTA_PER_ORG', 50, 1, 100_000) },
    aws: {
      ecrEndpoint: url(env, 'AWS_ENDPOINT_URL_ECR', ['https:', 'http:']),
      stsEndpoint: url(env, 'AWS_ENDPOINT_URL_STS', ['https:', 'http:']),
      caBundleFile: optionalString(env, 'AWS_CA_BUNDLE'),
    },
    rateLimit: {
      requestsPerWindow: integer(env, 'RATE_LIMIT_REQUESTS', 600, 0, 10_000_000),
      windowMs: duration(env, 'RATE_LIMIT_WINDOW', MINUTE, SECOND, HOUR),
    },
    validation: {
      concurrency: integer(env, 'VALIDATION_CONCURRENCY', 16, 1, 1024),
      attempts: integer(env, 'VALIDATION_ATTEMPTS', 5, 1, 100),
      backoffMs: duration(env, 'VALIDATION_BACKOFF', 2 * SECOND, 1, HOUR),
      sweepIntervalMs: duration(env, 'SWEEP_INTERVAL', 30 * SECOND, 100, HOUR),
      sweepMinAgeMs: duration(env, 'SWEEP_MIN_AGE', 30 * SECOND, 0, DAY),
      stalledIntervalMs: duration(env, 'VALIDATION_STALLED_INTERVAL', 30 * SECOND, 500, HOUR),
      revalidateIntervalMs: duration(env, 'REVALIDATE_INTERVAL', DAY, MINUTE, 365 * DAY),
    },
    worker: { httpPort: integer(env, 'WORKER_HTTP_PORT', 3001, 0, 65535) },
    gpu: { driverVersion: driverVersion(env, 'GPU_DRIVER_VERSION') },
    events: {
      retentionMs: duration(env, 'EVENT_RETENTION', 90 * DAY, HOUR, 10 * 365 * DAY),
      streamsPerCaller: integer(env, 'EVENT_STREAMS_PER_CALLER', 5, 1, 1000),
      heartbeatMs: duration(env, 'EVENT_STREAM_HEARTBEAT', 15 * SECOND, 100, 10 * MINUTE),
    },
    webhooks: {
      quotaPerOrg: integer(env, 'WEBHOOK_QUOTA_PER_ORG', 10, 1, 10_000),
      allowedPrivateHosts: hostPortList(env, 'WEBHOOK_ALLOWED_PRIVATE_HOSTS'),
      caFile: optionalString(env, 'WEBHOOK_CA_FILE'),
      timeoutMs: duration(env, 'WEBHOOK_TIMEOUT', 10 * SECOND, 100, MINUTE),
      retryDelaysMs: durationList(env, 'WEBHOOK_RETRY_DELAYS', DEFAULT_WEBHOOK_RETRY_DELAYS_MS, 1, DAY),
      disableAfterMs: duration(env, 'WEBHOOK_DISABLE_AFTER', 3 * DAY, 1, 365 * DAY),
      concurrency: integer(env, 'WEBHOOK_CONCURRENCY', 16, 1, 1024),
    },
    registry: {
      insecureHosts: hostPortList(env, 'REGISTRY_INSECURE_HOSTS'),
      allowedPrivateHosts: hostPortList(env, 'REGISTRY_ALLOWED_PRIVATE_HOSTS'),
      caFile: optionalString(env, 'REGISTRY_CA_FILE'),
      connectTimeoutMs: duration(env, 'REGISTRY_CONNECT_TIMEOUT', 5 * SECOND, 100, MINUTE),
      requestTimeoutMs: duration(env, 'REGISTRY_REQUEST_TIMEOUT', 15 * SECOND, 100, 10 * MINUTE),
      totalTimeoutMs: duration(env, 'REGISTRY_VALIDATION_TIMEOUT', 60 * SECOND, SECOND, 30 * MINUTE),
      maxConcurrencyPerHost: integer(env, 'REGISTRY_MAX_CONCURRENCY_PER_HOST', 8, 1, 1024),
      permitTimeoutMs: duration(env, 'REGISTRY_PERMIT_TIMEOUT', 15 * SECOND, 100, 10 * MINUTE),
      permitLeaseMs: duration(env, 'REGISTRY_PERMIT_LEASE', 10 * SECOND, SECOND, 10 * MINUTE),
    },
    log: {
      level: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
      pretty: logPretty(env, nodeEnv),
    },
  };
  const demoRegistry = demoRegistryOf(env, 'DEMO_REGISTRY', config);
  if (demoRegistry) config.demoRegistry = demoRegistry;
  checkProductionRequirements(role, config);
  return config;
}

const POSTGRES_PROTOCOLS = ['postgres:', 'postgresql:'];

/**
 * REDIS_URL, or REDIS_SENTINELS with REDIS_SENTINEL_NAME (ioredis asks the Sentinels for the
 * current primary and follows a failover). Exactly one of the two for the roles that use Redis.
 */
function redisLocation(role: ProcessRole, env: Env): Pick<RedisConfig, 'url' | 'sentinel'> {
  const redisUrl = url(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const sentinels = hostPortList(env, 'REDIS_SENTINELS');
  const name = optionalString(env, 'REDIS_SENTINEL_NAME');
  if (redisUrl && sentinels.length) {
    throw new ConfigError(
      'REDIS_URL',
      'and REDIS_SENTINELS are both set: give REDIS_URL for one Redis, or REDIS_SENTINELS (with REDIS_SENTINEL_NAME) for a Sentinel-managed one',
    );
  }
  if (sentinels.length && !name) {
    throw new ConfigError('REDIS_SENTINEL_NAME', 'is required with REDIS_SENTINELS: the name of the primary the Sentinels monitor');
  }
  if (name && !sentinels.length) throw new ConfigError('REDIS_SENTINEL_NAME', 'is set but REDIS_SENTINELS is not');
  if (sentinels.length) return { url: '', sentinel: { sentinels: sentinels.map((entry) => parseHostPort('REDIS_SENTINELS', entry)), name: name! } };
  if (!redisUrl && NEEDS_REDIS.includes(role)) {
    throw new ConfigError('REDIS_URL', 'is required but not set (or REDIS_SENTINELS with REDIS_SENTINEL_NAME)');
  }
  return { url: redisUrl ?? '' };
}

/** `host:port` (already checked by hostPortList); IPv6 brackets removed, as ioredis wants the bare address. */
function parseHostPort(name: string, entry: string): { host: string; port: number } {
  const separator = entry.lastIndexOf(':');
  const port = Number(entry.slice(separator + 1));
  if (port < 1 || port > 65535) throw new ConfigError(name, `entries must have a port between 1 and 65535, got "${entry}"`);
  return { host: entry.slice(0, separator).replace(/^\[(.*)\]$/, '$1'), port };
}

/** Required for the roles that connect to it; '' (unused) for the others. */
function urlFor(role: ProcessRole, roles: readonly ProcessRole[], env: Env, name: string, protocols: readonly string[]): string {
  if (roles.includes(role)) requiredString(env, name);
  return url(env, name, protocols) ?? '';
}

/** `TOKEN_ENCRYPTION_KEYS=keyId:base64-of-32-bytes,...`: the first encrypts, all decrypt. */
function parseRawKeys(env: Env, name: string): RawAesKey[] {
  const keys = list(env, name).map((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) {
      throw new ConfigError(name, `entry ${index + 1} must look like keyId:base64key (keyId of letters, digits, . _ -)`);
    }
    const encoded = entry.slice(separator + 1);
    const key = Buffer.from(encoded, 'base64');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length !== 32) {
      throw new ConfigError(name, `key "${id}" must be 32 bytes encoded as base64 (openssl rand -base64 32)`);
    }
    return { id, key };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new ConfigError(name, 'key ids must be unique');
  return keys;
}

/** An NVIDIA driver version as `nvidia-smi` prints it: 550.54.15, 535.104.05, 570.26. */
function driverVersion(env: Env, name: string): string | undefined {
  const value = optionalString(env, name);
  if (value !== undefined && !/^[0-9]{1,5}(\.[0-9]{1,5}){0,3}$/.test(value)) {
    throw new ConfigError(name, `must be an NVIDIA driver version such as 550.54.15 (as nvidia-smi prints it), got "${value.slice(0, 40)}"`);
  }
  return value;
}

/** `DEMO_REGISTRY=127.0.0.1:5443`, set by `npm start` in development; refused in production. */
function demoRegistryOf(env: Env, name: string, config: AppConfig): AppConfig['demoRegistry'] {
  const [host, ...more] = hostPortList(env, name);
  if (host === undefined) return undefined;
  if (!config.devMode) throw new ConfigError(name, 'is the development demo registry of `npm start`; unset it when NODE_ENV=production');
  if (more.length > 0) throw new ConfigError(name, 'takes one host:port');
  return { host, caFile: path.join(config.dataDir, DEMO_REGISTRY_DIR, 'ca.crt') };
}

function logPretty(env: Env, nodeEnv: AppConfig['nodeEnv']): boolean {
  const format = oneOf(env, 'LOG_FORMAT', ['json', 'pretty', 'auto'] as const, 'auto');
  if (format !== 'auto') return format === 'pretty';
  return nodeEnv === 'development' && Boolean(process.stdout.isTTY);
}

function checkProductionRequirements(role: ProcessRole, config: AppConfig): void {
  if (config.devMode) return;
  if (role === 'api' && !config.auth.jwksUrl && !config.auth.jwksFile) {
    throw new ConfigError('AUTH_JWKS_URL', 'or AUTH_JWKS_FILE must be set when NODE_ENV=production');
  }
  const { rawKeys, kmsKeyArn } = config.tokenEncryption;
  if ((role === 'api' || role === 'worker' || role === 'rotate-keys') && rawKeys.length === 0 && !kmsKeyArn) {
    throw new ConfigError('TOKEN_ENCRYPTION_KEYS', 'or TOKEN_KMS_KEY_ARN must be set when NODE_ENV=production');
  }
}
