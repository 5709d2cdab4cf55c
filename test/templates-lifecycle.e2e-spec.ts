import { loadTestEnvironment, registryTarget } from './support/environment';
import { imageReference } from './support/images/image-description';
import { pushImage } from './support/images/push-image';
import { httpsRequest } from './support/services/https-request';
import IORedis from 'ioredis';
import { Queue } from 'bullmq';
import { VALIDATION_QUEUE } from '@app/queue';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { RevalidationScheduler } from '../apps/worker/src/revalidation/revalidation-scheduler';

/** Beyond the spec: update, re-validate, drift and expiry, credential hints, idempotent creates. */
describe('template lifecycle (e2e)', () => {
  const env = loadTestEnvironment();
  const { anonymous } = env.registries;
  let system: SystemHarness;
  let org: string;
  let auth: string;

  beforeAll(async () => {
    system = await startSystem(env);
    org = system.api.newOrg();
    auth = await system.api.auth([org]);
  });
  afterAll(() => system.close());

  const path = (id = '') => `${TEMPLATES_PATH(org)}${id ? `/${id}` : ''}`;
  const create = async (body: Record<string, unknown> = {}) =>
    (await system.api.http.post(path()).set('authorization', auth).send(validTemplateBody(body)).expect(201)).body;
  const active = async (body: Record<string, unknown> = {}) => {
    const created = await create({ image: imageReference(anonymous, env.images.cudaApp), ...body });
    const template = await system.waitForFinalState(org, created.id);
    expect(template.status).toBe('Active');
    return template;
  };

  describe('PATCH', () => {
    it('changes name, description and category without re-validating', async () => {
      const template = await active();
      const res = await system.api.http
        .patch(path(template.id))
        .set('authorization', auth)
        .send({ name: 'renamed template', description: 'new words', category: 'Vision' })
        .expect(200);
      expect(res.body).toMatchObject({ name: 'renamed template', description: 'new words', category: 'Vision', status: 'Active' });
      expect(res.body.validation.state).toBe('passed');
      expect(res.body.warnings).toEqual([]);
    });

    it('sends a template with a new image back to Inactive and validates the new image', async () => {
      const template = await active();
      const res = await system.api.http
        .patch(path(template.id))
        .set('authorization', auth)
        .send({ image: imageReference(anonymous, env.images.labelled) })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'Inactive', apps: [], validation: { state: 'pending', report: null } });
      const revalidated = await system.waitForFinalState(org, template.id);
      expect(revalidated.status).toBe('Active');
      expect(revalidated.apps).toEqual([{ name: 'webui', port: 7860, protocol: 'HTTP', isUI: true }]);
    });

    it('applies the create rules: unknown fields, read-only fields, names, both-or-neither credentials', async () => {
      const template = await create();
      const other = await create();
      const patch = (body: unknown) => system.api.http.patch(path(template.id)).set('authorization', auth).send(body as object);
      expect((await patch({}).expect(400)).body.code).toBe('validation_error');
      expect((await patch({ status: 'Active' }).expect(400)).body.message).toMatch(/^status: is read-only/);
      expect((await patch({ image: 'ubuntu:22.04' }).expect(400)).body.message).toMatch(/^image:/);
      expect((await patch({ name: other.name.toUpperCase() }).expect(409)).body.code).toBe('conflict');
      expect((await patch({ oci_registry_token: 'tok' }).expect(400)).body.message).toMatch(/^oci_registry_username/);
      expect((await patch({ oci_registry_username: 'bob' }).expect(400)).body.message).toMatch(/^oci_registry_token/);
      expect((await patch({ oci_registry_username: null, oci_registry_token: 'x' }).expect(400)).body.code).toBe('validation_error');
      await system.api.http.patch(path('6f1d3c1e-0000-4000-8000-000000000000')).set('authorization', auth).send({ name: 'whatever' }).expect(404);
    });

    it('sets, rotates and removes credentials (null removes them)', async () => {
      const template = await create();
      const set = await system.api.http
        .patch(path(template.id))
        .set('authorization', auth)
        .send({ oci_registry_username: 'robot', oci_registry_token: 'first-token' })
        .expect(200);
      expect(set.body.oci_registry_username).toBe('robot');
      const rotated = await system.api.http.patch(path(template.id)).set('authorization', auth).send({ oci_registry_token: 'second-token' }).expect(200);
      expect(rotated.body.oci_registry_username).toBe('robot');
      expect(JSON.stringify(rotated.body)).not.toContain('second-token');
      const removed = await system.api.http
        .patch(path(template.id))
        .set('authorization', auth)
        .send({ oci_registry_username: null, oci_registry_token: null })
        .expect(200);
      expect(removed.body.oci_registry_username).toBeNull();
      const { rows } = await system.api.db.query('SELECT 1'); // the harness pool points at the isolated database
      expect(rows).toHaveLength(1);
    });
  });

  describe('POST …/validate', () => {
    it('answers 202 and re-validates; repeated calls while queued do not pile up jobs', async () => {
      const template = await active();
      const connection = new IORedis(system.redisUrl, { maxRetriesPerRequest: null });
      const queue = new Queue(VALIDATION_QUEUE, { connection });
      await queue.pause(); // hold the queue so the calls below all find the validation still queued
      try {
        const responses = await Promise.all(
          Array.from({ length: 5 }, () => system.api.http.post(`${path(template.id)}/validate`).set('authorization', auth)),
        );
        for (const res of responses) {
          expect(res.status).toBe(202);
          expect(res.body).toMatchObject({ id: template.id, status: 'Active', validation: { state: 'pending' } });
        }
        const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
        expect(jobs.filter((job) => job.data.templateId === template.id)).toHaveLength(1);
      } finally {
        await queue.resume();
        await queue.close();
        connection.disconnect();
      }
      const finished = await system.waitForFinalState(org, template.id);
      expect(finished).toMatchObject({ status: 'Active', validation: { state: 'passed', attempts: 1 } });
      await system.api.http.post(`${path('6f1d3c1e-0000-4000-8000-000000000000')}/validate`).set('authorization', auth).expect(404);
    });
  });

  describe('drift and expiry', () => {
    it('records when a tag moves to another digest, and stays Active', async () => {
      const target = registryTarget(anonymous);
      const first = await pushImage(target, { kind: 'image', repository: 'gpu/drifting', tag: 'latest-gpu', exposedPorts: ['8888/tcp'] });
      const template = await active({ image: `${anonymous.host}/gpu/drifting:latest-gpu` });
      expect(template.validation.report.resolved_digest).toBe(first.digest);

      const second = await pushImage(target, { kind: 'image', repository: 'gpu/drifting', tag: 'latest-gpu', exposedPorts: ['8888/tcp', '22/tcp'] });
      await system.api.http.post(`${path(template.id)}/validate`).set('authorization', auth).expect(202);
      const moved = await system.waitForFinalState(org, template.id);
      expect(moved.status).toBe('Active');
      expect(moved.validation.report).toMatchObject({ resolved_digest: second.digest, previous_digest: first.digest });
      expect(Date.parse(moved.validation.report.digest_changed_at)).not.toBeNaN();
    });

    it('re-validates Active templates when they are due, and a permanent failure sends them back to Inactive', async () => {
      const pushed = await pushImage(registryTarget(anonymous), { kind: 'image', repository: 'gpu/expiring', tag: 'v1' });
      const template = await active({ image: `${anonymous.host}/gpu/expiring:v1` });
      // The image is deleted from the registry, and the template's last check is now older than the interval.
      const deleted = await httpsRequest(`${anonymous.url}/v2/gpu/expiring/manifests/${pushed.digest}`, { method: 'DELETE', caFile: env.caFile });
      expect(deleted.status).toBe(202);
      await system.api.db.query("UPDATE templates SET validation_checked_at = now() - interval '2 days' WHERE id = $1", [template.id]);

      const scheduled = await system.worker.app.get(RevalidationScheduler).runOnce();
      expect(scheduled).toBeGreaterThanOrEqual(1);
      const expired = await system.waitForFinalState(org, template.id);
      expect(expired.status).toBe('Inactive');
      expect(expired.validation.error).toMatchObject({ code: 'manifest_not_found', retryable: false });
    });

    it('leaves templates that are not due alone', async () => {
      const template = await active();
      await system.worker.app.get(RevalidationScheduler).runOnce();
      const after = await system.api.http.get(path(template.id)).set('authorization', auth).expect(200);
      expect(after.body.validation).toMatchObject({ state: 'passed', checked_at: template.validation.checked_at });
    });
  });

  describe('credential hints', () => {
    it('returns warnings for well-known registry conventions without refusing the create', async () => {
      const created = await create({ image: 'nvcr.io/nvidia/pytorch:24.01-py3', oci_registry_username: 'me', oci_registry_token: 'ngc-key' });
      expect(created.warnings).toEqual([{ code: 'nvcr_username', message: expect.stringContaining('$oauthtoken') }]);
      const ghcr = await create({ image: 'ghcr.io/acme/app:1', oci_registry_username: 'me', oci_registry_token: 'github_pat_xyz' });
      expect(ghcr.warnings.map((w: { code: string }) => w.code)).toEqual(['ghcr_fine_grained_token']);
      expect(JSON.stringify(ghcr)).not.toContain('github_pat_xyz');
    });

    it('warns that latest moves (resolved_image pins it), on create and update, never for other tags', async () => {
      const latest = await create({ image: 'ghcr.io/acme/app:latest' });
      expect(latest.warnings).toEqual([{ code: 'mutable_tag', message: expect.stringContaining('resolved_image') }]);
      const pinned = await create({ image: 'ghcr.io/acme/app:2.1' });
      expect(pinned.warnings).toEqual([]);
      const updated = await system.api.http
        .patch(`${path()}/${pinned.id}`)
        .set('authorization', auth)
        .send({ image: 'ghcr.io/acme/app:latest' })
        .expect(200);
      expect(updated.body.warnings.map((w: { code: string }) => w.code)).toEqual(['mutable_tag']);
    });
  });

  describe('Idempotency-Key', () => {
    const post = (key: string, body: Record<string, unknown>) =>
      system.api.http.post(path()).set('authorization', auth).set('idempotency-key', key).send(body);

    it('replays the original response for a retry with the same key and body, creating nothing', async () => {
      const body = validTemplateBody({ oci_registry_username: 'u', oci_registry_token: 'idem-token' });
      const first = await post('key-replay-1', body).expect(201);
      const retry = await post('key-replay-1', body).expect(201);
      expect(retry.body).toEqual(first.body);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      const { rows } = await system.api.db.query('SELECT count(*)::int AS n FROM templates WHERE org_id = $1 AND name = $2', [org, body.name]);
      expect(rows[0].n).toBe(1);
    });

    it('answers 422 when the key is reused with a different body (including only the token)', async () => {
      const body = validTemplateBody({ oci_registry_username: 'u', oci_registry_token: 'token-one' });
      await post('key-mismatch-1', body).expect(201);
      expect((await post('key-mismatch-1', { ...body, description: 'other' }).expect(422)).body.code).toBe('idempotency_key_mismatch');
      await post('key-mismatch-1', { ...body, oci_registry_token: 'token-two' }).expect(422);
    });

    it('lets exactly one of concurrent retries run; the others get 409 or the replay', async () => {
      const body = validTemplateBody();
      const results = await Promise.all(Array.from({ length: 8 }, () => post('key-concurrent-1', body)));
      const created = results.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const r of results.filter((r) => r.status !== 201)) expect(r.status).toBe(409);
      const { rows } = await system.api.db.query('SELECT count(*)::int AS n FROM templates WHERE org_id = $1 AND name = $2', [org, body.name]);
      expect(rows[0].n).toBe(1);
    });

    it('scopes keys to the caller, refuses bad keys, and lets a failed request be retried', async () => {
      const body = validTemplateBody();
      await post('key-scope-1', body).expect(201);
      const otherCaller = await system.api.auth([org]);
      const other = await system.api.http.post(path()).set('authorization', otherCaller).set('idempotency-key', 'key-scope-1').send(body);
      expect(other.status).toBe(409); // a new create by another caller: same name, so conflict (not a replay)
      expect(other.body.code).toBe('conflict');
      await post('k'.repeat(256), validTemplateBody()).expect(400);
      const invalid = validTemplateBody({ image: 'ubuntu:22.04' });
      await post('key-retry-after-400', invalid).expect(400);
      await post('key-retry-after-400', validTemplateBody()).expect(201);
    });
  });
});
