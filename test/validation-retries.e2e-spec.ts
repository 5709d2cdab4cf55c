import { loadTestEnvironment } from './support/environment';
import { platformImage } from './support/images/image-description';
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
  /** A front of its own for the realm test: the auth scheme it teaches is cached per registry. */
  const realmFlaky = new FlakyRegistry(new URL(env.registries.anonymous.url), env.caFile);
  let host: string;
  let realmHost: string;
  let system: SystemHarness;

  beforeAll(async () => {
    host = await flaky.start();
    realmHost = await realmFlaky.start();
    // The flaky fronts are plain HTTP on loopback: allowed explicitly, as an operator would.
    const worker = {
      REGISTRY_INSECURE_HOSTS: `${host},${realmHost}`,
      REGISTRY_ALLOWED_PRIVATE_HOSTS: `${registryAccessEnv(env).REGISTRY_ALLOWED_PRIVATE_HOSTS},${host},${realmHost}`,
      VALIDATION_ATTEMPTS: '3',
      VALIDATION_BACKOFF: '50ms',
    };
    system = await startSystem(env, { worker, api: { VALIDATION_ATTEMPTS: '3' } });
  });
  afterAll(async () => {
    await system.close();
    await flaky.stop();
    await realmFlaky.stop();
  });

  async function createAndWait(repository: string, registryHost = host): Promise<Record<string, any>> {
    const org = system.api.newOrg();
    const res = await system.api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', await system.api.auth([org]))
      .send(validTemplateBody({ image: `${registryHost}/${repository}` }))
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

  it('does not retry a 5xx whose body says MANIFEST_UNKNOWN: the error code decides', async () => {
    const body = JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown' }] });
    // A tag this worker has not resolved before is fetched with one GET (no HEAD first).
    flaky.inject({ path: /\/v2\/gpu\/arm-only\/manifests\/1\.0/, status: 503, body, times: 1 });
    const template = await createAndWait('gpu/arm-only:1.0');
    expect(template.validation).toMatchObject({ state: 'failed', attempts: 1 });
    expect(template.validation.error).toMatchObject({ code: 'manifest_not_found', retryable: false });
  });

  it('retries a layer the registry cannot answer for now, like a manifest', async () => {
    const layer = platformImage(env.images.dockerList, 'linux/amd64')!.layers[0].digest;
    flaky.inject({ path: new RegExp(`/v2/gpu/docker-list/blobs/${layer}`), status: 503, times: 2 });
    const template = await createAndWait('gpu/docker-list:1.0');
    expect(template.status).toBe('Active');
    expect(template.validation.attempts).toBe(2);
  });

  it('fails a plain-HTTP token realm with insecure_realm, before any token request', async () => {
    realmFlaky.inject({
      path: /^\/v2\/$/,
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="http://auth.realm.invalid/token",service="flaky"' },
    });
    const template = await createAndWait('gpu/cuda-app:1.0', realmHost);
    expect(template.validation).toMatchObject({ state: 'failed', attempts: 1 });
    expect(template.validation.error).toMatchObject({ code: 'insecure_realm', retryable: false });
  });
});
