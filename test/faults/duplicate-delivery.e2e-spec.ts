import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { ValidationJobName, VALIDATION_QUEUE } from '@app/queue';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { waitUntil } from '../support/processes/wait-until';
import { validTemplateBody } from '../support/template-requests';
import { errorLines, metricValue, validationEvents } from '../support/built/worker-observations';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { readTemplateStates, waitForFinalStates, withClient } from '../support/built/template-rows';
import { SpawnedService } from '../support/built/built-service';

/**
 * A validation job delivered twice, and a template deleted while its validation is in
 * flight: the worker's conditional writes must flip a template once and never bring a
 * deleted one back.
 */
describe('duplicate delivery and delete during validation (built processes)', () => {
  const env = loadTestEnvironment();
  let sandbox: FaultSandbox;
  let queueConnection: IORedis;
  let queue: Queue;
  let api: SpawnedService;
  let worker: SpawnedService;

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, { name: 'fault-dup' });
    queueConnection = new IORedis(sandbox.redis.url, { maxRetriesPerRequest: null });
    queue = new Queue(VALIDATION_QUEUE, { connection: queueConnection });
    [api, worker] = await Promise.all([sandbox.system.startApi(), sandbox.system.startWorker()]);
  });
  afterEach(() => sandbox.proxy.release());
  afterAll(async () => {
    await queue?.close();
    queueConnection?.disconnect();
    await sandbox?.close();
  });

  const newOrg = () => `org-${randomUUID().slice(0, 8)}`;
  const heldImage = () => `${sandbox.proxy.host}/${env.images.cudaApp.reference}`;

  /** A second job for the same template: same name and payload, another job id. */
  const deliverAgain = (templateId: string) =>
    queue.add(ValidationJobName.ValidateTemplate, { templateId }, { jobId: `again-${templateId}`, removeOnComplete: true, removeOnFail: true });

  /** Waits until no validation job is waiting, delayed or running, so every outcome is logged. */
  const queueDrained = () =>
    waitUntil('the validation queue to drain', async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((count) => count === 0);
    });

  /** The worker's template_validations_total for `labels`, counted from the call on. */
  async function validationsFromNow(labels: Record<string, string>): Promise<() => Promise<number>> {
    const start = await metricValue(worker, 'template_validations_total', labels);
    return async () => (await metricValue(worker, 'template_validations_total', labels)) - start;
  }

  async function expectNoCanaryLeak(): Promise<void> {
    expect(await sandbox.canaryUser.issuedTokens()).toBeGreaterThan(0);
    expect(await sandbox.canaryLeaks()).toEqual([]);
  }

  it('a job delivered again after the template passed: one flip, one report, the second skipped as not pending', async () => {
    const logStart = worker.lines.length;
    const passed = await validationsFromNow({ outcome: 'passed' });
    const skipped = await validationsFromNow({ outcome: 'skipped' });
    const notPending = await validationsFromNow({ outcome: 'skipped', code: 'not_pending' });
    const created = await sandbox.system.api.create(
      newOrg(),
      validTemplateBody({ image: imageReference(env.registries.token, env.images.cudaApp), ...sandbox.canaryUser.credentials }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitForFinalStates(sandbox.databaseUrl, [id], { loggedBy: [worker] });

    await deliverAgain(id);
    await worker.waitForLog('the second delivery', (record) => record.templateId === id && record.msg === 'validation skipped');
    await queueDrained();

    expect(validationEvents([worker], id)).toEqual([
      { service: worker.name, templateId: id, outcome: 'passed', code: null },
      { service: worker.name, templateId: id, outcome: 'skipped', reason: 'not_pending' },
    ]);
    expect(await passed()).toBe(1);
    expect(await notPending()).toBe(1);
    expect(await skipped()).toBe(1);
    const row = (await readTemplateStates(sandbox.databaseUrl, [id])).get(id);
    expect(row).toMatchObject({ status: 'Active', validation_state: 'passed', validation_attempts: 1 });
    expect(errorLines(worker, logStart)).toEqual([]);
    await expectNoCanaryLeak();
  });

  /**
   * Holds the first delivery at the registry, delivers the job again, lets the second delivery
   * get as far as it goes (skipped at its claim, or held at the registry too), then releases.
   */
  async function deliverTwiceConcurrently() {
    sandbox.proxy.hold();
    const before = sandbox.proxy.manifestRequests.length;
    const created = await sandbox.system.api.create(newOrg(), validTemplateBody({ image: heldImage(), ...sandbox.canaryUser.credentials }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await sandbox.proxy.waitForManifestRequests(before + 1); // the first delivery is in flight

    await deliverAgain(id);
    await waitUntil('the second delivery to be skipped or reach the registry', async () =>
      sandbox.proxy.manifestRequests.length >= before + 2 || validationEvents([worker], id).some((event) => event.outcome === 'skipped'),
    );
    sandbox.proxy.release();

    const [row] = await waitForFinalStates(sandbox.databaseUrl, [id], { loggedBy: [worker] });
    await queueDrained();
    // Every delivery ends in a line: the one that flipped as passed, the other(s) as skipped.
    await waitUntil('the second delivery to be logged', async () => validationEvents([worker], id).some((event) => event.outcome === 'skipped'));
    return { id, row, events: validationEvents([worker], id) };
  }

  it('a job delivered again while the first delivery is in flight: still one flip, the other delivery writes nothing', async () => {
    const logStart = worker.lines.length;
    const passed = await validationsFromNow({ outcome: 'passed' });
    const failed = await validationsFromNow({ outcome: 'failed' });
    const { id, row, events } = await deliverTwiceConcurrently();
    expect(row).toMatchObject({ status: 'Active', validation_state: 'passed' });
    expect(events.filter((event) => event.outcome !== 'skipped')).toEqual([
      { service: worker.name, templateId: id, outcome: 'passed', code: null },
    ]);
    expect(events.filter((event) => event.outcome === 'skipped').length).toBeGreaterThanOrEqual(1);
    expect(await passed()).toBe(1);
    expect(await failed()).toBe(0);
    expect(errorLines(worker, logStart)).toEqual([]);
    await expectNoCanaryLeak();
  });

  // A running validation is held by its job id: another delivery is refused at its claim.
  it('a job delivered again while the first delivery is in flight is refused at its claim (one attempt, skipped as not pending)', async () => {
    const { id, row, events } = await deliverTwiceConcurrently();
    expect(row).toMatchObject({ status: 'Active', validation_state: 'passed', validation_attempts: 1 });
    expect(events).toHaveLength(2);
    expect(events).toEqual(
      expect.arrayContaining([
        { service: worker.name, templateId: id, outcome: 'passed', code: null },
        { service: worker.name, templateId: id, outcome: 'skipped', reason: 'not_pending' },
      ]),
    );
  });

  it('a template deleted while its validation is in flight stays deleted, without errors', async () => {
    const logStart = { worker: worker.lines.length, api: api.lines.length };
    const passed = await validationsFromNow({ outcome: 'passed' });
    sandbox.proxy.hold();
    const before = sandbox.proxy.manifestRequests.length;
    const org = newOrg();
    const created = await sandbox.system.api.create(org, validTemplateBody({ image: heldImage(), ...sandbox.canaryUser.credentials }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await sandbox.proxy.waitForManifestRequests(before + 1);

    const deleted = await sandbox.system.api.delete(org, id);
    expect(deleted.status).toBe(200);
    sandbox.proxy.release();
    await worker.waitForLog('that the validation was skipped', (record) => record.templateId === id && record.msg === 'validation skipped');
    await queueDrained();

    expect((await readTemplateStates(sandbox.databaseUrl, [id])).has(id)).toBe(false);
    expect((await sandbox.system.api.get(org, id)).status).toBe(404);
    const events = validationEvents([worker], id);
    expect(events.length).toBeGreaterThanOrEqual(1);
    for (const event of events) expect(['stale', 'missing']).toContain(event.reason);
    // The quota unit given back by the delete is not taken again.
    const counts = await withClient(sandbox.databaseUrl, (db) => db.query('SELECT template_count AS count FROM org_event_heads WHERE org_id = $1', [org]));
    expect(counts.rows).toEqual([{ count: 0 }]);
    expect(await passed()).toBe(0);
    expect(errorLines(worker, logStart.worker)).toEqual([]);
    expect(errorLines(api, logStart.api)).toEqual([]);
    await expectNoCanaryLeak();
  });
});
