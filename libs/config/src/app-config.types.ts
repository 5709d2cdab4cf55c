/** The validated configuration every process reads (built once at boot by loadConfig). */

/** Which process is booting: each one requires only the settings it uses. */
export type ProcessRole = 'api' | 'worker' | 'migrate' | 'rotate-keys' | 'token';

export interface RawAesKey {
  id: string;
  key: Buffer;
}

/** Where Redis is: one URL, or a Sentinel set that names the current primary. */
export interface RedisConfig {
  /** REDIS_URL; '' when Sentinels are used (or the process needs no Redis). */
  url: string;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME, instead of `url`. */
  sentinel?: { sentinels: { host: string; port: number }[]; name: string };
  commandTimeoutMs: number;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  /** Dev conveniences (generated JWT and encryption keys under dataDir) are allowed. */
  devMode: boolean;
  dataDir: string;
  http: { host: string; port: number; bodyLimitBytes: number; trustProxy: boolean };
  database: {
    /** What the pool connects to: Postgres itself or a transaction-mode pooler (PgBouncer) in front of it. */
    url: string;
    /**
     * A connection that is a real session (DATABASE_DIRECT_URL, else `url`): migrations and their
     * advisory lock, and anything else that needs session state (locks, LISTEN).
     */
    directUrl: string;
    poolSize: number;
    connectTimeoutMs: number;
    statementTimeoutMs: number;
    /**
     * Hot fixed reads (the GET by id, the worker's policy read) as named prepared statements,
     * parsed and planned once per connection. Only where DATABASE_URL is a real session
     * (Postgres itself, a session-mode pooler): a transaction-mode PgBouncer 1.18 cannot keep them.
     */
    preparedStatements: boolean;
  };
  redis: RedisConfig;
  auth: {
    jwksUrl?: string;
    jwksFile?: string;
    issuer?: string;
    audience?: string;
    orgsClaim: string;
  };
  tokenEncryption: { rawKeys: RawAesKey[]; kmsKeyArn?: string };
  templates: { quotaPerOrg: number };
  registryCredentials: { quotaPerOrg: number };
  /**
   * The AWS endpoints the worker calls to mint ECR passwords for aws_ecr credentials (the
   * SDK's own variable names); unset means the SDK's regional defaults. `caBundleFile` adds
   * trusted CA certificates for them (the AWS CLI's AWS_CA_BUNDLE; the JS SDK has no such setting).
   */
  aws: { ecrEndpoint?: string; stsEndpoint?: string; caBundleFile?: string };
  rateLimit: { requestsPerWindow: number; windowMs: number };
  validation: {
    concurrency: number;
    attempts: number;
    backoffMs: number;
    sweepIntervalMs: number;
    sweepMinAgeMs: number;
    stalledIntervalMs: number;
    revalidateIntervalMs: number;
  };
  worker: { httpPort: number };
  /** The fleet's GPU nodes: images needing a newer NVIDIA driver fail validation (unset: no driver gate). */
  gpu: { driverVersion?: string };
  events: {
    /** Events older than this are trimmed by the worker. */
    retentionMs: number;
    /** Open event streams per caller, across replicas (per replica while Redis is away). */
    streamsPerCaller: number;
    /** A comment line on every stream this often; a stream that has not drained since the last one is dropped. */
    heartbeatMs: number;
  };
  webhooks: {
    quotaPerOrg: number;
    /** `host:port` entries exempt from the private-address block. */
    allowedPrivateHosts: string[];
    caFile?: string;
    /** One delivery attempt: connect, send, response headers and up to 1 KiB of body. */
    timeoutMs: number;
    /** Delay before each retry after a failed attempt; the last one ends the delivery. */
    retryDelaysMs: number[];
    /** A webhook whose deliveries have failed for this long without a success is disabled. */
    disableAfterMs: number;
    concurrency: number;
  };
  registry: {
    insecureHosts: string[];
    allowedPrivateHosts: string[];
    caFile?: string;
    connectTimeoutMs: number;
    requestTimeoutMs: number;
    totalTimeoutMs: number;
    /** Requests in flight to one registry host from all workers together. */
    maxConcurrencyPerHost: number;
    /** Longest wait for a permit of a host (or for its pause to end) before a transient rate_limited. */
    permitTimeoutMs: number;
    /** A permit's lease in Redis: a crashed worker's permits lapse after this. */
    permitLeaseMs: number;
  };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
  /**
   * Development only (`npm start`): the local demo registry the worker may reach (loopback) and
   * whose CA it trusts, generated under DATA_DIR. Never set with NODE_ENV=production.
   */
  demoRegistry?: { host: string; caFile: string };
}
