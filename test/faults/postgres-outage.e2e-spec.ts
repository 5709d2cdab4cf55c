import { randomUUID } from 'node:crypto';
import { loadTestEnvironment } from '../support/environment';
import { waitUntil } from '../support/processes/wait-until';
import { validTemplateBody } from '../support/template-requests';
import { FaultSandbox, startFaultSandbox } from '../support/built/fault-sandbox';
import { httpRequest } from '../support/built/api-client';
import { metricValue, passedCounts } from '../support/built/worker-observations';
import { SpawnedService } from '../support/built/built-service';
import { waitForFinalStates } from '../support/built/template-rows';

/**
 * Postgres stops (fast shutdown) while validations are in flight, then starts again on the
 * same port. The API must answer 503 `unavailable` at once (no hang) and say so on /readyz,
 * recover by itself, and the worker (through its outbox sweep, once the jobs have used up their
 * attempts) must finish the validations whose writes failed.
 */
describe('Postgres outage with validations in flight (built processes)', () => {
  const env = loadTestEnvironment();
  let sandbox: FaultSandbox;
  let api: SpawnedService;
  let worker: SpawnedService;

  beforeAll(async () => {
    sandbox = await startFaultSandbox(env, {
      name: 'fault-pg',
      ownPostgres: true,
      // Two attempts: the jobs give up during the outage, so only the outbox sweep can finish them.
      env: { VALIDATION_ATTEMPTS: '2', SWEEP_INTERVAL: '1s', SWEEP_MIN_AGE: '1s', DATABASE_CONNECT_TIMEOUT: '1s' },
    });
    [api, worker] = await Promise.all([sandbox.system.startApi(), sandbox.system.startWorker()]);
  });
  afterAll(() => sandbox?.close());

  it('answers 503 unavailable while Postgres is down, recovers by itself, and the worker finishes every validation', async () => {
    const { system, proxy, canaryUser, databaseUrl } = sandbox;
    const postgres = sandbox.postgres!;
    const org = `org-${randomUUID().slice(0, 8)}`;
    const image = `${proxy.host}/${env.images.cudaApp.reference}`;
    proxy.hold();
    const created = await Promise.all(
      [1, 2, 3].map((i) => system.api.create(org, validTemplateBody({ name: `in flight ${i}`, image, ...canaryUser.credentials }))),
    );
    expect(created.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const ids = created.map((answer) => answer.body.id as string);
    await proxy.waitForManifestRequests(3); // all three validations are waiting on the registry

    await postgres.stopServer({ mode: 'fast' });

    const during = [
      await system.api.list(org),
      await system.api.get(org, ids[0]),
      await system.api.create(org, validTemplateBody({ name: 'during outage', image, ...canaryUser.credentials })),
      await system.api.delete(org, ids[1]),
    ];
    for (const answer of during) {
      expect({ status: answer.status, code: answer.body?.code }).toEqual({ status: 503, code: 'unavailable' });
    }
    for (const service of [api, worker]) {
      const ready = await httpRequest('GET', `${service.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toMatchObject({ postgres: expect.stringMatching(/^unreachable/), redis: 'ok' });
    }

    // The registry answers now, while the database is still down: the worker's write fails,
    // and so does the retry. Each job has used both its attempts and is gone.
    proxy.release();
    const failedAttempts = (id: string) =>
      worker.logs().filter((record) => record.templateId === id && record.msg === 'validation job failed unexpectedly').length;
    await waitUntil('both attempts of every job to fail', async () => ids.every((id) => failedAttempts(id) >= 2), {
      timeoutMs: 30_000,
    });

    await postgres.startServer();
    let lastAnswer = 'none';
    const recovered = await waitUntil(
      'the API to answer 200 again',
      async () => {
        const answer = await system.api.list(org);
        lastAnswer = `${answer.status} ${JSON.stringify(answer.body)}`;
        return answer.status === 200 ? answer : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, lastSeen: () => `last answer: ${lastAnswer}; API output ends:\n${api.lines.slice(-10).join('\n')}` },
    );
    expect(recovered.body.data.map((template: { id: string }) => template.id).sort()).toEqual([...ids].sort());
    expect((await httpRequest('GET', `${api.url}/readyz`)).status).toBe(200);

    const states = await waitForFinalStates(databaseUrl, ids, { loggedBy: [worker] });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));
    const passed = passedCounts(system.services);
    expect(ids.map((id) => passed.get(id) ?? 0)).toEqual([1, 1, 1]);
    expect(await metricValue(worker, 'validation_sweep_reenqueued_total')).toBeGreaterThanOrEqual(ids.length);
    const fetched = await system.api.get(org, ids[0]);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ status: 'Active', validation: { state: 'passed' } });

    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0);
    expect(await sandbox.canaryLeaks()).toEqual([]);
  });
});
