import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { rawAesKeyrings, RegistryTokenCipher, WebhookSecretCipher } from '@app/crypto';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { awsEcrCredentialBody, basicCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { testEncryptionKeys } from './support/product-env';
import { createIsolatedDatabase } from './support/isolated-stores';

const run = promisify(execFile);
const CLI = path.resolve(__dirname, '../dist/apps/cli/src/main.js');

/** `npm run keys:rotate`: every stored token, credential secret and webhook secret re-encrypted under the new primary key, resumably. */
describe('key rotation (e2e, built CLI)', () => {
  const env = loadTestEnvironment();
  const oldKey = testEncryptionKeys('2026-old');
  const newKey = testEncryptionKeys('2026-new');
  let api: ApiHarness;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createIsolatedDatabase(env);
    api = await startApi({ postgresUrl: databaseUrl, redisUrl: env.redisUrl }, { TOKEN_ENCRYPTION_KEYS: oldKey });
  });
  afterAll(() => api.close());

  const rotate = (keys: string) =>
    run(process.execPath, [CLI, 'rotate-keys'], { env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl, TOKEN_ENCRYPTION_KEYS: keys } });

  const keysOf = (spec: string) => {
    const [id, key] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
    return rawAesKeyrings([{ id, key: Buffer.from(key, 'base64') }]);
  };
  const keyringOf = (spec: string) => new RegistryTokenCipher(keysOf(spec));

  it('re-encrypts old tokens under the new primary key, reports counts, and is a no-op the second time', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const tokens = new Map<string, string>();
    for (let i = 0; i < 5; i++) {
      const token = `rotation-token-${i}`;
      const res = await api.http
        .post(TEMPLATES_PATH(org))
        .set('authorization', auth)
        .send(validTemplateBody({ oci_registry_username: 'u', oci_registry_token: token }))
        .expect(201);
      tokens.set(res.body.id, token);
    }
    await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201); // no token: not counted
    const secrets = new Map<string, string>();
    for (let i = 0; i < 2; i++) {
      const res = await api.http
        .post(`/api/v1beta1/orgs/${org}/webhooks`)
        .set('authorization', auth)
        .send({ url: `https://hooks.example.com/${i}`, event_types: ['template.'] })
        .expect(201);
      secrets.set(res.body.id, res.body.secret);
    }

    const first = await rotate(`${newKey},${oldKey}`);
    expect(first.stdout).toMatch(/5 tokens scanned, 5 re-encrypted, 0 already under the primary key, 0 changed meanwhile, 0 failed/);
    expect(first.stdout).toMatch(/2 webhook secrets scanned, 2 re-encrypted, 0 already under the primary key, 0 changed meanwhile, 0 failed/);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT id, org_id, oci_registry_token_ciphertext AS ct FROM templates WHERE oci_registry_token_ciphertext IS NOT NULL');
      const newOnly = keyringOf(newKey);
      for (const row of rows) {
        await expect(newOnly.decrypt(row.ct, { orgId: row.org_id, templateId: row.id })).resolves.toBe(tokens.get(row.id));
        await expect(keyringOf(oldKey).decrypt(row.ct, { orgId: row.org_id, templateId: row.id })).rejects.toThrow();
      }
      const webhooks = await db.query('SELECT id, org_id, secret_ciphertext AS ct FROM webhooks');
      expect(webhooks.rows).toHaveLength(2);
      for (const row of webhooks.rows) {
        const context = { orgId: row.org_id, webhookId: row.id };
        await expect(new WebhookSecretCipher(keysOf(newKey)).decrypt(row.ct, context)).resolves.toBe(secrets.get(row.id));
        await expect(new WebhookSecretCipher(keysOf(oldKey)).decrypt(row.ct, context)).rejects.toThrow();
      }
    } finally {
      await db.end();
    }

    const second = await rotate(`${newKey},${oldKey}`);
    expect(second.stdout).toMatch(/5 tokens scanned, 0 re-encrypted, 5 already under the primary key/);
    expect(second.stdout).toMatch(/2 webhook secrets scanned, 0 re-encrypted, 2 already under the primary key/);
    expect(first.stdout + first.stderr + second.stdout).not.toContain('rotation-token-');
    for (const secret of secrets.values()) expect(first.stdout + first.stderr + second.stdout).not.toContain(secret.slice(6));
  });

  it("re-encrypts registry credentials' secrets too, each under its own encryption context", async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const secrets = new Map<string, { secret: string; kind: 'basic' | 'aws_ecr' }>();
    const basic = await api.http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(basicCredentialBody({ secret: 'rotation-secret-basic' })).expect(201);
    secrets.set(basic.body.id, { secret: 'rotation-secret-basic', kind: 'basic' });
    const awsSecret = 'rotationSecretAwsKey0123456789abcdefABCD';
    const aws = await api.http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(awsEcrCredentialBody({ aws_secret_access_key: awsSecret })).expect(201);
    secrets.set(aws.body.id, { secret: awsSecret, kind: 'aws_ecr' });

    const first = await rotate(`${newKey},${oldKey}`);
    expect(first.stdout).toMatch(/2 registry credential secrets scanned, 2 re-encrypted, 0 already under the primary key, 0 changed meanwhile, 0 failed/);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT id, org_id, kind, secret_ciphertext AS ct, secret_version FROM registry_credentials');
      for (const row of rows) {
        const context = { orgId: row.org_id, credentialId: row.id, kind: row.kind };
        await expect(keyringOf(newKey).decrypt(row.ct, context)).resolves.toBe(secrets.get(row.id)!.secret);
        await expect(keyringOf(oldKey).decrypt(row.ct, context)).rejects.toThrow();
        expect(row.secret_version).toBe(1); // the secret itself did not change: nothing minted from it goes stale
      }
    } finally {
      await db.end();
    }
    const second = await rotate(`${newKey},${oldKey}`);
    expect(second.stdout).toMatch(/2 registry credential secrets scanned, 0 re-encrypted, 2 already under the primary key/);
    expect(first.stdout + first.stderr + second.stdout).not.toMatch(/rotation-secret-basic|rotationSecretAwsKey/);
  });

  it('fails (exit code 1) and says which rows it could not read when a key is missing', async () => {
    const org = api.newOrg();
    await api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', await api.auth([org]))
      .send(validTemplateBody({ oci_registry_username: 'u', oci_registry_token: 'unreadable-token' }))
      .expect(201);
    await expect(rotate(testEncryptionKeys('unrelated'))).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/[1-9]\d* failed/) });
  });
});
