import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { CountingRegistry, startCountingRegistry } from '../support/registry-fronts/counting-registry';
import { createTestCertificates } from '../support/services/tls';
import { validTemplateBody } from '../support/template-requests';
import { SpawnedService } from '../support/built/built-service';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { waitForFinalStates } from '../support/built/template-rows';
import { metricValue, passedCounts } from '../support/built/worker-observations';

/**
 * Three built worker processes validate many templates against one registry host, a counting
 * HTTPS front that serves the token flow itself and forwards to a real registry: requests in
 * flight to it from all three together never exceed REGISTRY_MAX_CONCURRENCY_PER_HOST (each
 * worker on its own would be allowed that many), and one 429 with Retry-After stops every
 * worker's requests to the host until the time it named.
 */
describe('three workers and one registry host (built processes)', () => {
  const env = loadTestEnvironment();
  const dir = mkdtempSync(path.join(tmpdir(), 'airt-polite-'));
  let sandbox: FaultSandbox;
  let registry: CountingRegistry;
  /** The workers a test started: stopped after it, passed or not, so none takes the next test's jobs. */
  const started: SpawnedService[] = [];

  const images = [env.images.cudaApp, env.images.multi, env.images.labelled, env.images.dockerV2, env.images.dockerList];

  beforeAll(async () => {
    const certificates = await createTestCertificates(dir);
    registry = await startCountingRegistry({ url: env.registries.anonymous.url, caFile: env.caFile }, certificates, { delayMs: 15 });
    sandbox = await startFaultSandbox(env, {
      name: 'fault-polite',
      env: { ...registry.accessEnv(), VALIDATION_CONCURRENCY: '8', REGISTRY_PERMIT_TIMEOUT: '60s' },
    });
    await sandbox.system.startApi();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((worker) => worker.stop()));
  });
  afterAll(async () => {
    await sandbox?.close();
    await registry?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Creates `count` templates in a new org on the counting host (with the canary's credentials, which its realm receives). */
  async function createTemplates(count: number, org = `org-${randomUUID().slice(0, 8)}`): Promise<string[]> {
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        sandbox.system.api.create(
          org,
          validTemplateBody({ name: `polite ${i}`, image: imageReference(registry, images[i % images.length]), ...sandbox.canaryUser.credentials }),
        ),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    return answers.map((answer) => answer.body.id as string);
  }

  async function startWorker(env: Record<string, string> = {}): Promise<SpawnedService> {
    const worker = await sandbox.system.startWorker(env);
    started.push(worker);
    return worker;
  }

  /**
   * Three workers, all ready before the caller creates templates: started after the templates,
   * the first one up could take most of them before the last had booted.
   */
  async function startThreeWorkers(limit: number): Promise<SpawnedService[]> {
    return Promise.all([1, 2, 3].map(() => startWorker({ REGISTRY_MAX_CONCURRENCY_PER_HOST: String(limit) })));
  }

  async function expectAllPassedOnce(ids: string[], workers: SpawnedService[]): Promise<void> {
    const states = await waitForFinalStates(sandbox.databaseUrl, ids, { loggedBy: workers, timeoutMs: 90_000 });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));
    const passed = passedCounts(workers);
    expect(ids.map((id) => passed.get(id))).toEqual(ids.map(() => 1));
  }

  it('keeps requests in flight to the host at or under the limit across all three workers, token and ping requests included', async () => {
    const before = registry.arrivals.length;
    const workers = await startThreeWorkers(3);
    const ids = await createTemplates(30);
    await expectAllPassedOnce(ids, workers);

    expect(registry.mostInFlight()).toBeLessThanOrEqual(3);
    expect(registry.mostInFlight()).toBeGreaterThanOrEqual(2); // the load did press against the limit
    const sent = registry.arrivals.slice(before);
    expect(sent.some((request) => request.path.startsWith('/token'))).toBe(true);
    expect(sent.some((request) => request.path === '/v2/')).toBe(true);
    // Every worker took part, and counted its requests per validation.
    const perWorker = await Promise.all(workers.map((worker) => metricValue(worker, 'registry_requests_per_validation_sum', { kind: 'all' })));
    expect(perWorker.every((requests) => requests > 0)).toBe(true);
    // Each worker counts every request it sent (one the host never saw, a retry on a stale connection, too).
    expect(perWorker.reduce((sum, requests) => sum + requests, 0)).toBeGreaterThanOrEqual(sent.length);
  });

  it('pauses every worker for the host when it answers one 429 with Retry-After, until the time it named', async () => {
    registry.resetMostInFlight();
    // One permit for the host: the 429 holds it until the pause is recorded, so nothing can slip out meanwhile.
    const workers = await startThreeWorkers(1);
    const ids = await createTemplates(30);
    await Promise.all(workers.map((worker) => worker.waitForLog('a first validation', (record) => record.msg === 'validation finished', 60_000)));
    const sentAt = await registry.rateLimitNext(/\/manifests\//, '2');
    await expectAllPassedOnce(ids, workers);

    const after = registry.arrivals.filter((request) => request.at >= sentAt && request.status !== 429);
    expect(after.length).toBeGreaterThan(0);
    // Nothing reached the host during the pause (1 ms of rounding between Redis' clock and ours aside).
    const earliest = Math.min(...after.map((request) => request.at));
    expect(earliest - sentAt).toBeGreaterThanOrEqual(2_000 - 1);
    expect(registry.mostInFlight()).toBe(1);

    // All three were at work on both sides of the pause, so each was held by it, not idle.
    const finishedAt = (worker: SpawnedService) =>
      worker
        .logs()
        .filter((record) => record.msg === 'validation finished')
        .map((record) => Date.parse(String(record.time)));
    for (const worker of workers) {
      expect(finishedAt(worker).some((at) => at < sentAt)).toBe(true);
      expect(finishedAt(worker).some((at) => at > sentAt + 2_000)).toBe(true);
    }
    // One worker met the 429 and paused the host; the others learnt it from Redis.
    const pauses = await Promise.all(workers.map((worker) => metricValue(worker, 'registry_host_pauses_total')));
    expect(pauses.reduce((sum, count) => sum + count, 0)).toBe(1);

    expect(await sandbox.canaryLeaks()).toEqual([]);
  });

  it('re-validates unchanged images with one manifest HEAD each and no manifest GET, on a worker that never saw them', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const ids = await createTemplates(10, org);
    const first = await startWorker();
    await expectAllPassedOnce(ids, [first]);
    await first.stop();

    const fresh = await startWorker();
    const from = registry.arrivals.length;
    const answers = await Promise.all(ids.map((id) => sandbox.system.api.validate(org, id)));
    expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 202));
    await expectAllPassedOnce(ids, [fresh]);

    const manifests = registry.arrivals.slice(from).filter((request) => request.path.includes('/manifests/'));
    expect(manifests.filter((request) => request.method === 'GET')).toEqual([]);
    expect(manifests.filter((request) => request.method === 'HEAD')).toHaveLength(ids.length);
    expect(await metricValue(fresh, 'registry_requests_per_validation_count', { kind: 'all', validation: 'unchanged' })).toBe(ids.length);
  });
});
