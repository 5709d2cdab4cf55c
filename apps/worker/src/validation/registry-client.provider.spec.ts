import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEMO_REGISTRY_DIR, loadConfig } from '@app/config';
import { registryClientOptions } from './registry-client.provider';

describe('registryClientOptions: the development demo registry', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'demo-ca-'));
  const demoCa = '-----BEGIN CERTIFICATE-----\nZGVtbyBDQQ==\n-----END CERTIFICATE-----\n';
  mkdirSync(path.join(dataDir, DEMO_REGISTRY_DIR));
  writeFileSync(path.join(dataDir, DEMO_REGISTRY_DIR, 'ca.crt'), demoCa);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const base = {
    DATABASE_URL: 'postgresql://u@localhost:5432/db',
    REDIS_URL: 'redis://localhost:6379',
    DATA_DIR: dataDir,
    REGISTRY_ALLOWED_PRIVATE_HOSTS: 'registry.internal:5000',
  };

  it('in development, allows the demo registry and trusts its CA from DATA_DIR', () => {
    const options = registryClientOptions(loadConfig('worker', { ...base, NODE_ENV: 'development', DEMO_REGISTRY: '127.0.0.1:5443' }));
    expect(options.egress.allowedPrivateHosts).toEqual(['registry.internal:5000', '127.0.0.1:5443']);
    expect(options.caPem).toBe(demoCa);
  });

  it('in production, refuses DEMO_REGISTRY, and neither allows the demo registry nor trusts its CA lying in DATA_DIR', () => {
    const production = { ...base, NODE_ENV: 'production', TOKEN_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
    expect(() => loadConfig('worker', { ...production, DEMO_REGISTRY: '127.0.0.1:5443' })).toThrow(
      'Invalid configuration: DEMO_REGISTRY is the development demo registry of `npm start`; unset it when NODE_ENV=production',
    );
    const config = loadConfig('worker', production);
    expect(config.demoRegistry).toBeUndefined();
    const options = registryClientOptions(config);
    expect(options.egress.allowedPrivateHosts).toEqual(['registry.internal:5000']);
    expect(options.caPem).toBeUndefined();
  });

  it('without the CA npm start writes, stops at boot naming the variable', () => {
    const config = loadConfig('worker', { ...base, DATA_DIR: path.join(dataDir, 'elsewhere'), DEMO_REGISTRY: '127.0.0.1:5443' });
    expect(() => registryClientOptions(config)).toThrow(/^Invalid configuration: DEMO_REGISTRY is set, but the demo registry's CA .* could not be read/);
  });
});
