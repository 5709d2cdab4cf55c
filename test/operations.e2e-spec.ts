import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadTestEnvironment } from './support/environment';
import { imageReference } from './support/images/image-description';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { allocateRedisDatabase } from './support/isolated-stores';
import { startSystem, SystemHarness } from './support/in-process/system-harness';

/** What operators see: health, metrics, request logs, rate limits and security headers. */
describe('operations (e2e)', () => {
  const env = loadTestEnvironment();

  describe('health, metrics and logs of API and worker', () => {
    let system: SystemHarness;
    beforeAll(async () => {
      system = await startSystem(env);
    });
    afterAll(() => system.close());

    it('answers /healthz and /readyz on both processes', async () => {
      await system.api.http.get('/healthz').expect(200, { status: 'ok' });
      const ready = await system.api.http.get('/readyz').expect(200);
      expect(ready.body).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok' } });
      const worker = (system.worker.app as INestApplication).getHttpServer();
      await request(worker).get('/healthz').expect(200, { status: 'ok' });
      expect((await request(worker).get('/readyz').expect(200)).body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
    });

    it('exposes Prometheus metrics for requests, creates, validations and the queue', async () => {
      const org = system.api.newOrg();
      const created = await system.api.http
        .post(TEMPLATES_PATH(org))
        .set('authorization', await system.api.auth([org]))
        .send(validTemplateBody({ image: imageReference(env.registries.anonymous, env.images.cudaApp) }))
        .expect(201);
      await system.waitForFinalState(org, created.body.id);

      const api = (await system.api.http.get('/metrics').expect(200)).text;
      expect(api).toMatch(/http_request_duration_seconds_bucket\{.*route="\/api\/v1beta1\/orgs\/:org_id\/airuntime-templates".*status="201"/);
      expect(api).toMatch(/^templates_created_total\{process="api"\} [1-9]/m);
      expect(api).toMatch(/^validation_queue_jobs\{state="waiting",process="api"\} \d+/m);

      const worker = (await request((system.worker.app as INestApplication).getHttpServer()).get('/metrics').expect(200)).text;
      expect(worker).toMatch(/^template_validations_total\{outcome="passed",code="none",process="worker"\} [1-9]/m);
      expect(worker).toMatch(/template_validation_duration_seconds_count\{(process="worker",outcome="passed"|outcome="passed",process="worker")\} [1-9]/);
      expect(worker).toMatch(/^validation_queue_jobs\{state="active",process="worker"\} \d+/m);
      expect(worker).toContain('validation_sweep_reenqueued_total');
    });

    it('logs one structured line per request and per validation, without credentials', async () => {
      const org = system.api.newOrg();
      const authorization = await system.api.auth([org]);
      const created = await system.api.http
        .post(TEMPLATES_PATH(org))
        .set('authorization', authorization)
        .set('x-request-id', 'ops-log-check-1')
        .send(validTemplateBody({ image: imageReference(env.registries.anonymous, env.images.cudaApp) }))
        .expect(201);
      await system.waitForFinalState(org, created.body.id);

      const line = system.api.logs.parsed().find((entry) => entry.requestId === 'ops-log-check-1');
      expect(line).toMatchObject({ method: 'POST', route: '/api/v1beta1/orgs/:org_id/airuntime-templates', status: 201, durationMs: expect.any(Number) });
      const validation = system.worker.logs.parsed().find((entry) => entry.templateId === created.body.id && entry.msg === 'validation finished');
      expect(validation).toMatchObject({ outcome: 'passed', code: null, durationMs: expect.any(Number) });
      expect(system.api.logs.text).not.toContain(authorization.slice('Bearer '.length));
    });
  });

  describe('rate limits and headers', () => {
    let first: ApiHarness;
    let second: ApiHarness;
    beforeAll(async () => {
      const redisUrl = await allocateRedisDatabase(env);
      const limits = { RATE_LIMIT_REQUESTS: '5', RATE_LIMIT_WINDOW: '1h' };
      first = await startApi({ postgresUrl: env.postgresUrl, redisUrl }, limits);
      second = await startApi({ postgresUrl: env.postgresUrl, redisUrl }, limits);
    });
    afterAll(async () => {
      await first.close();
      await second.close();
    });

    it('limits each caller across API replicas with 429 rate_limited and Retry-After', async () => {
      const org = first.newOrg();
      const sub = '3b9d8a44-0d0e-4b59-9a52-2d3c0f1e7a10';
      const viaFirst = await first.auth([org], sub);
      const viaSecond = await second.auth([org], sub); // same caller, same key set of its own
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await first.http.get(TEMPLATES_PATH(org)).set('authorization', viaFirst)).status);
      for (let i = 0; i < 2; i++) statuses.push((await second.http.get(TEMPLATES_PATH(org)).set('authorization', viaSecond)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      const limited = await second.http.get(TEMPLATES_PATH(org)).set('authorization', viaSecond).expect(429);
      expect(limited.body).toEqual({ code: 'rate_limited', message: expect.any(String) });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // another caller is not affected
      await first.http.get(TEMPLATES_PATH(org)).set('authorization', await first.auth([org])).expect(200);
    });

    it('sends security headers on every response', async () => {
      for (const path of ['/healthz', TEMPLATES_PATH('x')]) {
        const res = await first.http.get(path);
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
          'cache-control': 'no-store',
          'content-security-policy': expect.stringContaining("default-src 'none'"),
          'strict-transport-security': expect.stringContaining('max-age='),
        });
      }
    });
  });
});
