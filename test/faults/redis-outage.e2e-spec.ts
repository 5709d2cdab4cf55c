import { randomUUID } from 'node:crypto';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { waitUntil } from '../support/processes/wait-until';
import { inParallel } from '../support/in-parallel';
import { validTemplateBody } from '../support/template-requests';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { HttpAnswer, httpRequest } from '../support/built/api-client';
import { metricValue, passedCounts } from '../support/built/worker-observations';
import { SpawnedService } from '../support/built/built-service';
import { waitForFinalStates, withClient } from '../support/built/template-rows';

/**
 * Redis dies (SIGKILL) in the middle of a burst of creates and comes back empty. The API and
 * worker are the built processes. Creates must keep answering 201 (the row is the record of
 * pending work), and the worker's outbox sweep must get every template validated, once.
 */
describe('Redis outage during a burst of creates (built processes)', () => {
  const env = loadTestEnvironment();
  const { anonymous, token } = env.registries;
  let sandbox: FaultSandbox;
  let api: SpawnedService;
  let worker: SpawnedService;

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, { name: 'fault-redis', env: { SWEEP_INTERVAL: '1s', SWEEP_MIN_AGE: '1s' } });
    [api, worker] = await Promise.all([sandbox.system.startApi(), sandbox.system.startWorker()]);
  });
  afterAll(() => sandbox?.close());

  it('answers 201 to every create while Redis is down, then validates each template exactly once after it is back empty', async () => {
    const { system, redis, databaseUrl, canaryUser } = sandbox;
    const org = `org-${randomUUID().slice(0, 8)}`;
    // Half on the anonymous registry, half on the token registry with the canary user.
    const create = (i: number): Promise<HttpAnswer> =>
      system.api.create(
        org,
        i % 2 === 0
          ? validTemplateBody({ name: `burst ${i}`, image: imageReference(anonymous, env.images.cudaApp) })
          : validTemplateBody({ name: `burst ${i}`, image: imageReference(token, env.images.cudaApp), ...canaryUser.credentials }),
      );

    // A burst of 16 creates, four at a time; Redis is killed once the first four have answered.
    let answered = 0;
    const killRedis = waitUntil('the first creates to answer', async () => answered >= 4).then(() =>
      redis.stopServer({ signal: 'SIGKILL' }),
    );
    const burst = await inParallel(16, 4, async (i) => {
      const answer = await create(i);
      answered++;
      return answer;
    });
    await killRedis;

    // Redis is certainly down now: the API says so, and creates still succeed.
    const ready = await httpRequest('GET', `${api.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ postgres: 'ok', redis: expect.stringMatching(/^unreachable/) });
    const outage = await inParallel(8, 8, (i) => create(16 + i));

    const answers = [...burst, ...outage];
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const ids = answers.map((answer) => answer.body.id as string);
    for (const answer of answers) expect(answer.body).toMatchObject({ status: 'Inactive', validation: { state: 'pending' } });

    await redis.startServer(); // empty: every job queued before the kill is gone
    const after = await system.api.create(org, validTemplateBody({ name: 'after restart', image: imageReference(anonymous, env.images.cudaApp) }));
    expect(after.status).toBe(201);
    ids.push(after.body.id);

    const states = await waitForFinalStates(databaseUrl, ids, { timeoutMs: 40_000, loggedBy: [worker] });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));

    // None lost, none duplicated: exactly these rows exist, and each was reported passed once.
    const rows = await withClient(databaseUrl, (db) => db.query<{ id: string }>('SELECT id FROM templates WHERE org_id = $1', [org]));
    expect(rows.rows.map((row) => row.id).sort()).toEqual([...ids].sort());
    const passed = passedCounts(system.services);
    expect(ids.map((id) => passed.get(id) ?? 0)).toEqual(ids.map(() => 1));
    // The templates created during the outage had no job at all: the sweep enqueued them.
    expect(await metricValue(worker, 'validation_sweep_reenqueued_total')).toBeGreaterThanOrEqual(outage.length);

    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0); // the decrypted canary really reached the registry
    expect(await sandbox.canaryLeaks()).toEqual([]);
  });
});
