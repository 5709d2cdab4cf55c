import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { createIsolatedDatabase } from '../support/isolated-stores';
import { findFreePort } from '../support/processes/free-port';
import { waitUntil } from '../support/processes/wait-until';
import { inParallel } from '../support/in-parallel';
import { redisContains } from '../support/redis-scan';
import { RedisSentinelSet, startRedisSentinelSet } from '../support/services/redis-sentinel';
import { validTemplateBody } from '../support/template-requests';
import { HttpAnswer, httpRequest } from '../support/built/api-client';
import { SpawnedService } from '../support/built/built-service';
import { CanaryUser, createCanaryUser, findCanary } from '../support/built/canary';
import { createProcessSystem, ProcessSystem } from '../support/built/process-system';
import { waitForFinalStates, withClient } from '../support/built/template-rows';
import { passedCounts, validationEvents } from '../support/built/worker-observations';

/**
 * The API and the worker (built processes) reach Redis through three Sentinels
 * (REDIS_SENTINELS, REDIS_SENTINEL_NAME) watching a primary and one replica. The primary is
 * SIGKILLed in the middle of a stream of creates: the Sentinels promote the replica, and
 * every connection (the API's, BullMQ's in the API and in the worker) must follow it.
 */
describe('Redis Sentinel failover under load (built processes)', () => {
  const env = loadTestEnvironment();
  const { anonymous, token } = env.registries;
  let baseDir: string;
  let sentinelSet: RedisSentinelSet;
  let databaseUrl: string;
  let system: ProcessSystem;
  let canaryUser: CanaryUser;
  let api: SpawnedService;
  let worker: SpawnedService;

  beforeAll(async () => {
    baseDir = mkdtempSync(path.join(tmpdir(), 'airt-fault-sentinel-'));
    [sentinelSet, databaseUrl, canaryUser] = await Promise.all([
      startRedisSentinelSet(baseDir, { replicas: 1, sentinels: 3, downAfterMs: 1000 }),
      createIsolatedDatabase(env),
      createCanaryUser(env, 'fault-sentinel'),
    ]);
    system = await createProcessSystem(env, {
      databaseUrl,
      redisUrl: '',
      redisSentinels: sentinelSet.productEnv(),
      env: { SWEEP_INTERVAL: '1s', SWEEP_MIN_AGE: '1s' },
    });
    [api, worker] = await Promise.all([system.startApi(), system.startWorker()]);
  });
  afterAll(async () => {
    await system?.close();
    await sentinelSet?.stop();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  it('keeps answering 201 while the primary is killed and a replica promoted; every template is validated exactly once', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const create = (i: number): Promise<HttpAnswer> =>
      system.api.create(
        org,
        i % 2 === 0
          ? validTemplateBody({ name: `failover ${i}`, image: imageReference(anonymous, env.images.cudaApp) })
          : validTemplateBody({ name: `failover ${i}`, image: imageReference(token, env.images.cudaApp), ...canaryUser.credentials }),
      );

    // 32 creates, 4 at a time, while the worker validates them; the primary dies after the eighth answer.
    const formerPrimary = await sentinelSet.primaryPort();
    expect(formerPrimary).toBe(sentinelSet.nodes[0].port);
    let answered = 0;
    const killed = waitUntil('the first creates to answer', async () => answered >= 8, { timeoutMs: 30_000 }).then(() =>
      sentinelSet.nodes[0].stopServer({ signal: 'SIGKILL' }),
    );
    const burst = await inParallel(32, 4, async (i) => {
      const answer = await create(i);
      answered++;
      return answer;
    });
    await killed;

    // The Sentinels promote the replica; from then on both processes are ready again within 30 s.
    const promoted = await sentinelSet.waitForPromotion(formerPrimary);
    expect(promoted).toBe(sentinelSet.nodes[1].port);
    for (const service of [api, worker]) {
      const ready = await waitUntil(
        `${service.name} to be ready on the promoted primary`,
        async () => {
          const answer = await httpRequest('GET', `${service.url}/readyz`);
          return answer.status === 200 ? answer : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      ).catch(async (error: Error) => {
        const last = await httpRequest('GET', `${service.url}/readyz`);
        throw new Error(`${error.message}\n/readyz: ${last.text}\nlast output:\n${service.lines.slice(-20).join('\n')}`);
      });
      expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
    }
    const after = await inParallel(8, 4, (i) => create(32 + i));
    // Some creates of the burst were answered while there was no primary at all: their jobs could not be added.
    const notQueued = api.logs().filter((record) => record.msg === 'could not enqueue validation; the outbox sweep will retry');
    expect(notQueued.length).toBeGreaterThan(0);

    const answers = [...burst, ...after];
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    const ids = answers.map((answer) => answer.body.id as string);

    // Jobs queued on the old primary and not yet replicated are gone; the outbox sweep re-enqueues them.
    const states = await waitForFinalStates(databaseUrl, ids, { timeoutMs: 60_000, loggedBy: [worker] });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));
    const rows = await withClient(databaseUrl, (db) => db.query<{ id: string }>('SELECT id FROM templates WHERE org_id = $1', [org]));
    expect(rows.rows.map((row) => row.id).sort()).toEqual([...ids].sort());

    // Exactly once: one `passed` per template, and no run of a job (a second delivery after
    // the failover included) ended in another outcome; a repeated delivery may only be skipped.
    const passed = passedCounts(system.services);
    expect(ids.map((id) => passed.get(id) ?? 0)).toEqual(ids.map(() => 1));
    const otherOutcomes = validationEvents(system.services).filter((event) => ids.includes(event.templateId) && event.outcome !== 'passed');
    expect(otherOutcomes.filter((event) => event.outcome !== 'skipped')).toEqual([]);

    expect(await canaryUser.issuedTokens()).toBeGreaterThan(0);
    const primary = await sentinelSet.primaryClient();
    try {
      expect(await redisContains(primary, canaryUser.canary)).toBe(false);
    } finally {
      primary.disconnect();
    }
    const leaks = await findCanary(canaryUser.canary, { services: system.services, responses: system.api.responses, databaseUrls: [databaseUrl] });
    expect(leaks).toEqual([]);
  });

  it('starts the API when no Sentinel answers: /readyz says Redis is unreachable, and creates still succeed', async () => {
    const nobody = await Promise.all([findFreePort(), findFreePort(), findFreePort()]);
    const isolated = await system.startApi(
      { REDIS_SENTINELS: nobody.map((port) => `127.0.0.1:${port}`).join(','), REDIS_SENTINEL_NAME: sentinelSet.name },
      { waitFor: 'alive' },
    );
    const ready = await httpRequest('GET', `${isolated.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ postgres: 'ok', redis: expect.stringMatching(/^unreachable/) });

    const org = `org-${randomUUID().slice(0, 8)}`;
    const created = await system.api.create(org, validTemplateBody({ image: imageReference(anonymous, env.images.cudaApp) }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'Inactive', validation: { state: 'pending' } });
    // The row is the record: the worker (on the real Sentinels) finds it with its sweep.
    const [row] = await waitForFinalStates(databaseUrl, [created.body.id], { loggedBy: [worker] });
    expect(row).toMatchObject({ validation_state: 'passed', status: 'Active' });
    await isolated.stop();
  });
});
