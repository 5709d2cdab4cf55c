import { loadTestEnvironment } from './support/environment';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { FlakyRegistry } from './support/registry-fronts/flaky-registry';
import { registryAccessEnv } from './support/product-env';
import { startSystem, SystemHarness } from './support/in-process/system-harness';

/**
 * Transient registry failures through the whole worker: retried with backoff (honouring
 * Retry-After), recorded as retryable after the last attempt; permanent ones end at once.
 */
describe('validation retries (e2e)', () => {
  const env = loadTestEnvironment();
  const flaky = new FlakyRegistry(new URL(env.registries.anonymous.url), env.caFile);
  let host: string;
  let system: SystemHarness;

  beforeAll(async () => {
    host = await flaky.start();
    // The flaky front is plain HTTP on loopback: allowed explicitly, as an operator would.
    const worker = {
      REGISTRY_INSECURE_HOSTS: host,
      REGISTRY_ALLOWED_PRIVATE_HOSTS: `${registryAccessEnv(env).REGISTRY_ALLOWED_PRIVATE_HOSTS},${host}`,
      VALIDATION_ATTEMPTS: '3',
      VALIDATION_BACKOFF: '50ms',
    };
    system = await startSystem(env, { worker, api: { VALIDATION_ATTEMPTS: '3' } });
  });
  afterAll(async () => {
    await system.close();
    await flaky.stop();
  });

  async function createAndWait(repository: string): Promise<Record<string, any>> {
    const org = system.api.newOrg();
    const res = await system.api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', await system.api.auth([org]))
      .send(validTemplateBody({ image: `${host}/${repository}` }))
      .expect(201);
    return system.waitForFinalState(org, res.body.id);
  }

  it('retries a 503 and then passes', async () => {
    flaky.inject({ path: /\/v2\/gpu\/cuda-app\/manifests\/1\.0/, status: 503, times: 2 });
    const template = await createAndWait('gpu/cuda-app:1.0');
    expect(template.status).toBe('Active');
    expect(template.validation.attempts).toBeGreaterThanOrEqual(2);
    expect(template.validation.error).toBeNull();
  });

  it('honours 429 Retry-After and then passes', async () => {
    flaky.inject({ path: /\/v2\/gpu\/multi\/manifests\/1\.0/, status: 429, headers: { 'retry-after': '1' } });
    const template = await createAndWait('gpu/multi:1.0');
    expect(template.status).toBe('Active');
    expect(template.validation.attempts).toBe(2);
  });

  it('gives up after VALIDATION_ATTEMPTS with a retryable registry_unreachable', async () => {
    flaky.inject({ path: /\/v2\/gpu\/labelled\/manifests\/1\.0/, status: 503, times: 100 });
    const template = await createAndWait('gpu/labelled:1.0');
    expect(template.status).toBe('Inactive');
    expect(template.validation).toMatchObject({ state: 'failed', attempts: 3 });
    expect(template.validation.error).toMatchObject({ code: 'registry_unreachable', retryable: true });
  });

  it('reports rate_limited when the registry keeps answering 429', async () => {
    flaky.inject({ path: /\/v2\/gpu\/docker-v2\/manifests\/1\.0/, status: 429, times: 100 });
    const template = await createAndWait('gpu/docker-v2:1.0');
    expect(template.validation.error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(template.validation.attempts).toBe(3);
  });
});
