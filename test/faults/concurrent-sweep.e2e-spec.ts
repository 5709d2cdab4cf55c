import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { validTemplateBody } from '../support/template-requests';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { metricValue, passedCounts } from '../support/built/worker-observations';
import { readTemplateStates, waitForFinalStates } from '../support/built/template-rows';

/**
 * Every queued job is lost (Redis flushed) and two worker processes start sweeping the same
 * database and Redis as fast as the configuration allows. The sweep must re-enqueue each
 * pending template, and each must be validated exactly once across both workers.
 */
describe('two workers sweeping at once (built processes)', () => {
  const env = loadTestEnvironment();
  const { anonymous, token } = env.registries;
  let sandbox: FaultSandbox;

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, { name: 'fault-sweep', env: { SWEEP_INTERVAL: '100ms', SWEEP_MIN_AGE: '0s' } });
    await sandbox.system.startApi();
  });
  afterAll(() => sandbox?.close());

  it('validates each template whose job was lost exactly once', async () => {
    const { system, redis, databaseUrl, canaryUser } = sandbox;
    const org = `org-${randomUUID().slice(0, 8)}`;
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        system.api.create(
          org,
          i % 2 === 0
            ? validTemplateBody({ name: `lost ${i}`, image: imageReference(anonymous, env.images.multi) })
            : validTemplateBody({ name: `lost ${i}`, image: imageReference(token, env.images.cudaApp), ...canaryUser.credentials }),
        ),
      ),
    );
    expect(created.map((answer) => answer.status)).toEqual(created.map(() => 201));
    const ids = created.map((answer) => answer.body.id as string);

    // No worker has run yet; now every job is lost.
    const admin = new IORedis(redis.url);
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }
    const pending = await readTemplateStates(databaseUrl, ids);
    expect([...pending.values()].map((row) => row.validation_state)).toEqual(ids.map(() => 'pending'));

    const workers = await Promise.all([system.startWorker(), system.startWorker()]);
    const states = await waitForFinalStates(databaseUrl, ids, { loggedBy: workers });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));

    const passed = passedCounts(workers);
    expect(ids.map((id) => passed.get(id) ?? 0)).toEqual(ids.map(() => 1));
    expect([...passed.keys()].sort()).toEqual([...ids].sort());
    const passedTotal = await Promise.all(workers.map((worker) => metricValue(worker, 'template_validations_total', { outcome: 'passed' })));
    expect(passedTotal[0] + passedTotal[1]).toBe(ids.length);
    const reenqueued = await Promise.all(workers.map((worker) => metricValue(worker, 'validation_sweep_reenqueued_total')));
    expect(reenqueued[0] + reenqueued[1]).toBeGreaterThanOrEqual(ids.length);

    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0);
    expect(await sandbox.canaryLeaks()).toEqual([]);
  });
});
