import { randomUUID } from 'node:crypto';
import { loadTestEnvironment } from '../support/environment';
import { validTemplateBody } from '../support/template-requests';
import { errorLines, validationEvents } from '../support/built/worker-observations';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { waitForFinalStates } from '../support/built/template-rows';

/**
 * A worker dies (SIGKILL) or is asked to stop (SIGTERM) while a validation is in flight. The
 * registry proxy holds the manifest request, so the test knows the validation is in flight
 * and decides when the registry answers.
 */
describe('worker stopped mid-validation (built processes)', () => {
  const env = loadTestEnvironment();
  /** A killed worker's job is taken again after this long (lock duration and stalled check). */
  const FAST_STALL = { VALIDATION_STALLED_INTERVAL: '2s' };
  let sandbox: FaultSandbox;

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, { name: 'fault-worker' });
    await sandbox.system.startApi();
  });
  afterEach(async () => {
    sandbox.proxy.release();
    // A test that failed half way must not leave a worker behind to take the next test's job.
    const workers = sandbox.system.services.filter((service) => service.role === 'worker');
    await Promise.all(workers.map((worker) => worker.stop({ signal: 'SIGKILL' })));
  });
  afterAll(() => sandbox?.close());

  /** Creates a template whose validation goes through the proxy, with the canary user's token. */
  async function createHeldTemplate(): Promise<{ org: string; id: string }> {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const created = await sandbox.system.api.create(
      org,
      validTemplateBody({ image: `${sandbox.proxy.host}/${env.images.cudaApp.reference}`, ...sandbox.canaryUser.credentials }),
    );
    expect(created.status).toBe(201);
    return { org, id: created.body.id };
  }

  async function expectNoCanaryLeak(): Promise<void> {
    expect(await sandbox.canaryUser.issuedTokens()).toBeGreaterThan(0);
    expect(await sandbox.canaryLeaks()).toEqual([]);
  }

  it('SIGKILL: a new worker takes the stalled job, and the template flips exactly once', async () => {
    const { system, proxy, databaseUrl } = sandbox;
    proxy.hold();
    const first = await system.startWorker(FAST_STALL);
    const before = proxy.manifestRequests.length;
    const { id } = await createHeldTemplate();
    await proxy.waitForManifestRequests(before + 1); // the first worker's validation is in flight

    const killed = await first.stop({ signal: 'SIGKILL' });
    expect(killed.signal).toBe('SIGKILL');
    const second = await system.startWorker(FAST_STALL);
    await proxy.waitForManifestRequests(before + 2); // the second worker took the stalled job over
    proxy.release();

    const [row] = await waitForFinalStates(databaseUrl, [id], { loggedBy: [first, second] });
    // Claimed by both workers (attempts 2), recorded once, by the second.
    expect(row).toMatchObject({ validation_state: 'passed', status: 'Active', validation_attempts: 2 });
    expect(validationEvents([first, second], id)).toEqual([{ service: second.name, templateId: id, outcome: 'passed', code: null }]);
    await expectNoCanaryLeak();
  });

  it('SIGTERM: the worker finishes the in-flight validation before it exits', async () => {
    const { system, proxy, databaseUrl } = sandbox;
    proxy.hold();
    const worker = await system.startWorker(FAST_STALL);
    const before = proxy.manifestRequests.length;
    const { org, id } = await createHeldTemplate();
    await proxy.waitForManifestRequests(before + 1);

    const exit = worker.stop({ signal: 'SIGTERM', timeoutMs: 30_000 });
    await worker.waitForLog('that it is shutting down', (record) => record.msg === 'worker shutting down');
    expect(worker.isRunning()).toBe(true); // still waiting for the held validation
    proxy.release();

    expect(await exit).toEqual({ code: 0, signal: null });
    expect(validationEvents([worker], id)).toEqual([{ service: worker.name, templateId: id, outcome: 'passed', code: null }]);
    expect(errorLines(worker)).toEqual([]);
    const [row] = await waitForFinalStates(databaseUrl, [id], { timeoutMs: 1_000 }); // already final when the worker exited
    expect(row).toMatchObject({ validation_state: 'passed', status: 'Active', validation_attempts: 1 });
    const fetched = await system.api.get(org, id);
    expect(fetched.body).toMatchObject({ status: 'Active', validation: { state: 'passed' } });
    await expectNoCanaryLeak();
  });
});
