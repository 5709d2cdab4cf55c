import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { loadTestEnvironment } from '../support/environment';
import { imageReference } from '../support/images/image-description';
import { createIsolatedDatabase } from '../support/isolated-stores';
import { waitUntil } from '../support/processes/wait-until';
import { MovableAddress, startMovableAddress } from '../support/services/movable-address';
import { RedisInstance, startRedis } from '../support/services/redis';
import { validTemplateBody } from '../support/template-requests';
import { SpawnedService } from '../support/built/built-service';
import { createProcessSystem, ProcessSystem } from '../support/built/process-system';
import { waitForFinalStates } from '../support/built/template-rows';
import { passedCounts } from '../support/built/worker-observations';

/**
 * A managed Redis fails over the way Sentinel-less services do (REDIS_URL): the replica is
 * promoted, the old primary turns into its replica, and the address moves to the new primary,
 * but the connections already open stay on the old node, which now answers every write with
 * `READONLY`. The API and the worker must reconnect on that error (and land on the new
 * primary), not keep failing writes on a healthy-looking connection.
 */
describe('a Redis primary demoted under open connections (built processes)', () => {
  const env = loadTestEnvironment();
  let baseDir: string;
  let oldPrimary: RedisInstance;
  let replica: RedisInstance;
  let address: MovableAddress;
  let system: ProcessSystem;
  let databaseUrl: string;
  let api: SpawnedService;
  let worker: SpawnedService;

  beforeAll(async () => {
    baseDir = mkdtempSync(path.join(tmpdir(), 'airt-fault-demotion-'));
    oldPrimary = await startRedis(baseDir, { name: 'primary' });
    replica = await startRedis(baseDir, { name: 'replica', extraArgs: ['--replicaof', '127.0.0.1', String(oldPrimary.port)] });
    address = await startMovableAddress(oldPrimary.port);
    databaseUrl = await createIsolatedDatabase(env);
    system = await createProcessSystem(env, {
      databaseUrl,
      redisUrl: `redis://127.0.0.1:${address.port}`,
      env: { SWEEP_INTERVAL: '1s', SWEEP_MIN_AGE: '1s' },
    });
    [api, worker] = await Promise.all([system.startApi(), system.startWorker()]);
  });
  afterAll(async () => {
    await system?.close();
    await address?.close();
    await Promise.allSettled([oldPrimary?.stop(), replica?.stop()]);
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  it('reconnects on READONLY: after the first refused write, jobs are added to the new primary again', async () => {
    const org = `org-${randomUUID().slice(0, 8)}`;
    const image = imageReference(env.registries.anonymous, env.images.cudaApp);
    const create = async (name: string): Promise<string> => {
      const answer = await system.api.create(org, validTemplateBody({ name, image }));
      expect(answer.status).toBe(201);
      return answer.body.id as string;
    };
    const ids = [await create('before the failover')];
    await waitForFinalStates(databaseUrl, ids, { loggedBy: [worker] });

    // The failover: promote the replica, move the address, demote the old primary under the
    // processes' open connections.
    await withRedis(replica, (redis) => redis.call('REPLICAOF', 'NO', 'ONE'));
    address.moveTo(replica.port);
    await withRedis(oldPrimary, async (redis) => {
      await redis.call('REPLICAOF', '127.0.0.1', String(replica.port));
      await expect(redis.set('still-writable?', '1')).rejects.toThrow(/^READONLY/);
    });

    // A create whose job is added shows the API reconnected: it logs "could not enqueue" for
    // each create whose job was refused, before its access-log line (awaited, so none is missed).
    const notQueued = () => api.logs().filter((record) => record.msg === 'could not enqueue validation; the outbox sweep will retry');
    const createsLogged = () => api.logs().filter((record) => record.msg === 'request' && record.method === 'POST' && record.status === 201).length;
    let attempts = 0;
    await waitUntil(
      'a create whose job is added to the new primary',
      async () => {
        ids.push(await create(`after the failover ${++attempts}`));
        await waitUntil('the access-log line of that create', async () => createsLogged() === ids.length, { timeoutMs: 5_000 });
        return notQueued().length < attempts;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    // It was the demoted node's READONLY that made it reconnect (the first write of a request
    // after the demotion is the rate limiter's, which lets the request through and says why).
    const errors = api.logs().flatMap((record) => ((record.err as { message?: string })?.message ? [(record.err as { message: string }).message] : []));
    expect(errors.join('\n')).toMatch(/^READONLY/m);
    for (let i = 0; i < 4; i++) ids.push(await create(`on the new primary ${i}`));

    const states = await waitForFinalStates(databaseUrl, ids, { timeoutMs: 30_000, loggedBy: [worker] });
    expect(states.map((row) => [row.validation_state, row.status])).toEqual(ids.map(() => ['passed', 'Active']));
    const passed = passedCounts([worker]);
    expect(ids.map((id) => passed.get(id) ?? 0)).toEqual(ids.map(() => 1));
    // The worker's own writes (BullMQ's) went to the new primary: that is where the queue lives now.
    await withRedis(replica, async (redis) => expect(await redis.info('replication')).toMatch(/role:master/));
  });
});

async function withRedis<T>(server: RedisInstance, work: (redis: IORedis) => Promise<T>): Promise<T> {
  const redis = new IORedis(server.url, { maxRetriesPerRequest: 1 });
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}
