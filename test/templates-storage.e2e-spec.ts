import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { loadConfig } from '@app/config';
import { keyringsFromConfig, RegistryTokenCipher } from '@app/crypto';
import { VALIDATION_QUEUE } from '@app/queue';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { testEncryptionKeys } from './support/product-env';
import { findFreePort } from './support/processes/free-port';
import { redisContains } from './support/redis-scan';

/** Quota, the encrypted write-only token, the queue hand-off, and failing dependencies. */
describe('templates storage, queue and secrets (e2e)', () => {
  const env = loadTestEnvironment();
  let api: ApiHarness;
  let redis: IORedis;

  beforeAll(async () => {
    api = await startApi(env, { TEMPLATE_QUOTA_PER_ORG: '5' });
    redis = new IORedis(env.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await api.close();
  });

  it('never lets 20 racing creates push an org past its quota', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: `quota ${i}` }))),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 400);
    expect(refused).toHaveLength(15);
    for (const res of refused) expect(res.body.code).toBe('quota_exceeded');

    // deleting one frees one slot
    const one = results.find((r) => r.status === 201)!;
    await api.http.delete(`${TEMPLATES_PATH(org)}/${one.body.id}`).set('authorization', auth).expect(200);
    await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
    await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(400);
  });

  it('keeps the token write-only: encrypted at rest, bound to its template, nowhere else', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const canary = `CANARY-${Date.now()}-x9`;
    const created = await api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', auth)
      .send(validTemplateBody({ oci_registry_username: 'robot$ci', oci_registry_token: canary }))
      .expect(201);
    const id = created.body.id as string;
    const fetched = await api.http.get(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).expect(200);
    const listed = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).expect(200);

    for (const res of [created, fetched, listed]) expect(JSON.stringify(res.body)).not.toContain(canary);
    expect(fetched.body.oci_registry_username).toBe('robot$ci');
    expect(api.logs.text).not.toContain(canary);
    expect(await redisContains(redis, canary)).toBe(false);

    // not in any column as text, only as ciphertext that decrypts with the right context
    const { rows } = await api.db.query('SELECT t::text AS row_text, oci_registry_token_ciphertext AS ct FROM templates t WHERE id = $1', [id]);
    expect(rows[0].row_text).not.toContain(canary);
    expect(Buffer.from(rows[0].ct).toString('latin1')).not.toContain(canary);
    const cipher = new RegistryTokenCipher(await keyringsFromConfig(api.config));
    await expect(cipher.decrypt(rows[0].ct, { orgId: org, templateId: id })).resolves.toBe(canary);
    await expect(cipher.decrypt(rows[0].ct, { orgId: 'another-org', templateId: id })).rejects.toThrow(/encryption context/);
    const otherKey = new RegistryTokenCipher(await keyringsFromConfig(loadConfig('worker', { ...fakeUrls, TOKEN_ENCRYPTION_KEYS: testEncryptionKeys() })));
    await expect(otherKey.decrypt(rows[0].ct, { orgId: org, templateId: id })).rejects.toThrow();

    // gone with the row
    await api.http.delete(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).expect(200);
    const after = await api.db.query('SELECT count(*)::int AS n FROM templates WHERE id = $1', [id]);
    expect(after.rows[0].n).toBe(0);
  });

  it('hands each created template to the validation queue with its id only, and removes the job on delete', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const created = await api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', auth)
      .send(validTemplateBody({ oci_registry_username: 'u', oci_registry_token: 'queue-canary-token' }))
      .expect(201);
    const queue = new Queue(VALIDATION_QUEUE, { connection: redis });
    try {
      const job = await queue.getJob(created.body.id);
      expect(job).toBeDefined();
      expect(job!.name).toBe('validate-template');
      expect(job!.data).toEqual({ templateId: created.body.id });
      await api.http.delete(`${TEMPLATES_PATH(org)}/${created.body.id}`).set('authorization', auth).expect(200);
      expect(await queue.getJob(created.body.id)).toBeUndefined();
    } finally {
      await queue.close();
    }
  });

  it('still creates (201) when Redis is unreachable: the row is the record of pending work', async () => {
    const deadRedis = `redis://127.0.0.1:${await findFreePort()}`;
    const noRedis = await startApi(env, { REDIS_URL: deadRedis });
    try {
      const org = noRedis.newOrg();
      const res = await noRedis.http.post(TEMPLATES_PATH(org)).set('authorization', await noRedis.auth([org])).send(validTemplateBody()).expect(201);
      expect(res.body.validation.state).toBe('pending');
      // dated back so that the next sweep takes it at once, whatever SWEEP_MIN_AGE says
      const { rows } = await noRedis.db.query('SELECT validation_queued_at FROM templates WHERE id = $1', [res.body.id]);
      expect(rows[0].validation_queued_at.getTime()).toBe(0);
      const ready = await noRedis.http.get('/readyz').expect(503);
      expect(ready.body.checks.redis).not.toBe('ok');
      expect(ready.body.checks.postgres).toBe('ok');
    } finally {
      await noRedis.close();
    }
  });

  it('answers 503 unavailable when Postgres is unreachable, without internals', async () => {
    const deadPg = `postgresql://postgres@127.0.0.1:${await findFreePort()}/templates`;
    const noDb = await startApi(env, { DATABASE_URL: deadPg }); // migrates the live database, serves from the dead one
    try {
      const org = noDb.newOrg();
      const res = await noDb.http.get(TEMPLATES_PATH(org)).set('authorization', await noDb.auth([org])).expect(503);
      expect(res.body).toEqual({ code: 'unavailable', message: expect.any(String) });
      expect(res.body.message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|select/i);
      await noDb.http.get('/readyz').expect(503);
    } finally {
      await noDb.close();
    }
  });
});

const fakeUrls = { DATABASE_URL: 'postgresql://x@127.0.0.1:1/x', REDIS_URL: 'redis://127.0.0.1:1' };
