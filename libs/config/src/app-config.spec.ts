import { ConfigError, loadConfig } from './index';

const base = { DATABASE_URL: 'postgresql://u@localhost:5432/db', REDIS_URL: 'redis://localhost:6379' };
const key = (id: string) => `${id}:${Buffer.alloc(32, 7).toString('base64')}`;

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig('api', base);
    expect(config.http.port).toBe(3000);
    expect(config.templates.quotaPerOrg).toBe(100);
    expect(config.registryCredentials.quotaPerOrg).toBe(50);
    expect(config.aws).toEqual({ ecrEndpoint: undefined, stsEndpoint: undefined, caBundleFile: undefined });
    expect(config.auth.orgsClaim).toBe('orgs');
    expect(config.validation).toMatchObject({ concurrency: 16, attempts: 5, sweepIntervalMs: 30_000, revalidateIntervalMs: 86_400_000 });
    expect(config.worker.httpPort).toBe(3001);
    expect(config.gpu.driverVersion).toBeUndefined();
    expect(config.registry).toMatchObject({ maxConcurrencyPerHost: 8, permitTimeoutMs: 15_000, permitLeaseMs: 10_000 });
    expect(config.devMode).toBe(true);
    expect(config.database.directUrl).toBe(base.DATABASE_URL);
    expect(config.events).toEqual({ retentionMs: 90 * 86_400_000, streamsPerCaller: 5, heartbeatMs: 15_000 });
    expect(config.webhooks).toMatchObject({ quotaPerOrg: 10, allowedPrivateHosts: [], timeoutMs: 10_000, disableAfterMs: 3 * 86_400_000, concurrency: 16 });
    // about 5 s, 30 s, 2 min, 10 min, 30 min and 1 h after a failure, then every 2 h: a day in all
    const delays = config.webhooks.retryDelaysMs;
    expect(delays.slice(0, 6)).toEqual([5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000]);
    expect(new Set(delays.slice(6))).toEqual(new Set([7_200_000]));
    const total = delays.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBeLessThanOrEqual(24 * 3_600_000);
    expect(total + 7_200_000).toBeGreaterThan(24 * 3_600_000);
  });

  it('parses the event and webhook settings', () => {
    const config = loadConfig('worker', {
      ...base,
      DATABASE_DIRECT_URL: 'postgresql://u@db-primary:5432/db',
      WEBHOOK_RETRY_DELAYS: '100ms, 1s*3 ,2m',
      WEBHOOK_ALLOWED_PRIVATE_HOSTS: 'Hooks.Internal:8443',
      EVENT_STREAM_HEARTBEAT: '500ms',
    });
    expect(config.database.directUrl).toBe('postgresql://u@db-primary:5432/db');
    expect(config.webhooks.retryDelaysMs).toEqual([100, 1000, 1000, 1000, 120_000]);
    expect(config.webhooks.allowedPrivateHosts).toEqual(['hooks.internal:8443']);
    expect(config.events.heartbeatMs).toBe(500);
  });

  it.each([
    ['PORT', 'eighty', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between/],
    ['TEMPLATE_QUOTA_PER_ORG', '0', /TEMPLATE_QUOTA_PER_ORG/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL must use/],
    ['REDIS_URL', 'not a url', /REDIS_URL must be a URL/],
    ['NODE_ENV', 'staging', /NODE_ENV must be one of/],
    ['REVALIDATE_INTERVAL', 'daily', /REVALIDATE_INTERVAL must be a duration/],
    ['REGISTRY_ALLOWED_PRIVATE_HOSTS', 'registry.local', /REGISTRY_ALLOWED_PRIVATE_HOSTS entries must be host:port/],
    ['TOKEN_ENCRYPTION_KEYS', 'k1:c2hvcnQ=', /TOKEN_ENCRYPTION_KEYS key "k1" must be 32 bytes/],
    ['TOKEN_ENCRYPTION_KEYS', 'nokeyid', /TOKEN_ENCRYPTION_KEYS entry 1/],
    ['VALIDATION_CONCURRENCY', '-1', /VALIDATION_CONCURRENCY/],
    ['GPU_DRIVER_VERSION', 'R550', /GPU_DRIVER_VERSION must be an NVIDIA driver version/],
    ['GPU_DRIVER_VERSION', '550.54.15-1ubuntu', /GPU_DRIVER_VERSION/],
    ['REGISTRY_MAX_CONCURRENCY_PER_HOST', '0', /REGISTRY_MAX_CONCURRENCY_PER_HOST must be between/],
    ['REGISTRY_PERMIT_TIMEOUT', 'soon', /REGISTRY_PERMIT_TIMEOUT must be a duration/],
    ['REGISTRY_PERMIT_LEASE', '10ms', /REGISTRY_PERMIT_LEASE/],
    ['REGISTRY_CREDENTIAL_QUOTA_PER_ORG', 'many', /REGISTRY_CREDENTIAL_QUOTA_PER_ORG must be a whole number/],
    ['AWS_ENDPOINT_URL_ECR', 'ecr.local', /AWS_ENDPOINT_URL_ECR must be a URL/],
    ['AWS_ENDPOINT_URL_STS', 'ftp://sts.local', /AWS_ENDPOINT_URL_STS must use https: or http:/],
    ['DATABASE_DIRECT_URL', 'http://db', /DATABASE_DIRECT_URL must use/],
    ['EVENT_RETENTION', '5m', /EVENT_RETENTION must be between/],
    ['EVENT_STREAMS_PER_CALLER', '0', /EVENT_STREAMS_PER_CALLER must be between/],
    ['WEBHOOK_ALLOWED_PRIVATE_HOSTS', 'hooks.local', /WEBHOOK_ALLOWED_PRIVATE_HOSTS entries must be host:port/],
    ['WEBHOOK_RETRY_DELAYS', '5s,soon', /WEBHOOK_RETRY_DELAYS must be a duration/],
    ['WEBHOOK_RETRY_DELAYS', '2h*x', /WEBHOOK_RETRY_DELAYS repeats must be written as 2h\*11/],
    ['WEBHOOK_RETRY_DELAYS', '1s*101', /WEBHOOK_RETRY_DELAYS must list at most 100 delays/],
    ['WEBHOOK_TIMEOUT', '2m', /WEBHOOK_TIMEOUT must be between/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig('worker', { ...base, [name]: value })).toThrow(message);
    expect(() => loadConfig('worker', { ...base, [name]: value })).toThrow(ConfigError);
  });

  it('requires the connections each process uses', () => {
    expect(() => loadConfig('api', { REDIS_URL: base.REDIS_URL })).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig('worker', { DATABASE_URL: base.DATABASE_URL })).toThrow(/REDIS_URL is required/);
    expect(() => loadConfig('migrate', { DATABASE_URL: base.DATABASE_URL })).not.toThrow();
    expect(() => loadConfig('token', {})).not.toThrow();
  });

  it('stops production without auth or encryption keys', () => {
    const production = { ...base, NODE_ENV: 'production' };
    expect(() => loadConfig('api', { ...production, TOKEN_ENCRYPTION_KEYS: key('k1') })).toThrow(/AUTH_JWKS_URL/);
    expect(() => loadConfig('api', { ...production, AUTH_JWKS_FILE: '/jwks.json' })).toThrow(/TOKEN_ENCRYPTION_KEYS/);
    expect(() => loadConfig('worker', production)).toThrow(/TOKEN_ENCRYPTION_KEYS/);
    const ok = loadConfig('api', { ...production, AUTH_JWKS_FILE: '/jwks.json', TOKEN_KMS_KEY_ARN: 'arn:aws:kms:eu-west-1:1:key/x' });
    expect(ok.devMode).toBe(false);
  });

  it('parses key lists, host lists and durations', () => {
    const config = loadConfig('worker', {
      ...base,
      TOKEN_ENCRYPTION_KEYS: `${key('new')}, ${key('old')}`,
      REGISTRY_ALLOWED_PRIVATE_HOSTS: 'Registry.Internal:5000,[::1]:443',
      SWEEP_INTERVAL: '1500ms',
      REVALIDATE_INTERVAL: '12h',
      GPU_DRIVER_VERSION: ' 550.54.15 ',
    });
    expect(config.gpu.driverVersion).toBe('550.54.15');
    expect(config.tokenEncryption.rawKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(config.registry.allowedPrivateHosts).toEqual(['registry.internal:5000', '[::1]:443']);
    expect(config.validation.sweepIntervalMs).toBe(1500);
    expect(config.validation.revalidateIntervalMs).toBe(12 * 3600 * 1000);
    expect(() => loadConfig('worker', { ...base, TOKEN_ENCRYPTION_KEYS: `${key('a')},${key('a')}` })).toThrow(/unique/);
  });

  it('takes DATABASE_DIRECT_URL for sessions, defaulting to DATABASE_URL, and refuses one that is not Postgres', () => {
    expect(loadConfig('api', base).database.directUrl).toBe(base.DATABASE_URL);
    const direct = 'postgresql://u@db-primary:5432/db';
    expect(loadConfig('migrate', { DATABASE_URL: 'postgresql://u@pgbouncer:6432/db', DATABASE_DIRECT_URL: direct }).database).toMatchObject({
      url: 'postgresql://u@pgbouncer:6432/db',
      directUrl: direct,
    });
    for (const value of ['redis://db:6379', 'db-primary:5432', 'mysql://u@db/x']) {
      expect(() => loadConfig('api', { ...base, DATABASE_DIRECT_URL: value })).toThrow(/DATABASE_DIRECT_URL must/);
    }
  });

  it('takes REDIS_SENTINELS with REDIS_SENTINEL_NAME instead of REDIS_URL', () => {
    const sentinel = { DATABASE_URL: base.DATABASE_URL, REDIS_SENTINELS: 'sentinel-1:26379, 10.0.0.7:26380,[::1]:26381', REDIS_SENTINEL_NAME: 'templates' };
    const config = loadConfig('worker', sentinel);
    expect(config.redis).toMatchObject({
      url: '',
      sentinel: {
        name: 'templates',
        sentinels: [
          { host: 'sentinel-1', port: 26379 },
          { host: '10.0.0.7', port: 26380 },
          { host: '::1', port: 26381 },
        ],
      },
    });
    expect(loadConfig('api', base).redis.sentinel).toBeUndefined();
  });

  it.each([
    [{ ...base, REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'm' }, /REDIS_URL and REDIS_SENTINELS are both set/],
    [{ DATABASE_URL: base.DATABASE_URL, REDIS_SENTINELS: 's1:26379' }, /REDIS_SENTINEL_NAME is required with REDIS_SENTINELS/],
    [{ DATABASE_URL: base.DATABASE_URL, REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINEL_NAME is set but REDIS_SENTINELS is not/],
    [{ DATABASE_URL: base.DATABASE_URL, REDIS_SENTINELS: 'sentinel-1', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS entries must be host:port/],
    [{ DATABASE_URL: base.DATABASE_URL, REDIS_SENTINELS: 's1:0', REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINELS entries must have a port/],
    [{ DATABASE_URL: base.DATABASE_URL }, /REDIS_URL is required but not set \(or REDIS_SENTINELS/],
  ])('refuses an ambiguous or incomplete Redis location (%#)', (env, message) => {
    expect(() => loadConfig('api', env)).toThrow(message);
    expect(() => loadConfig('api', env)).toThrow(ConfigError);
  });
});
