import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type IORedis from 'ioredis';
import pino from 'pino';
import { ServiceMetrics } from '@app/common';
import { HostBusyError, ReleasePermit } from '@app/oci';
import { createFailFastRedis, RedisHostGate, RedisHostGateOptions } from '@app/queue';
import { hostKeys } from '@app/queue/registry-host-gate.scripts';
import { loadTestEnvironment } from './support/environment';
import { waitUntil } from './support/processes/wait-until';

/**
 * The registry host gate on the real Redis, with several gates standing for several worker
 * processes: the limit holds across them, a waiting process gets its turn, a crashed
 * process's permits lapse, a pause reaches every process, and without Redis each process
 * keeps the limit by itself.
 */
describe('RedisHostGate (real Redis, gates as worker processes)', () => {
  const env = loadTestEnvironment();
  const never = new AbortController().signal;
  setMaxListeners(200, never); // shared by every request of these tests
  const connections: IORedis[] = [];
  const gates: RedisHostGate[] = [];
  const silent = pino({ level: 'silent' });
  let admin: IORedis;

  /** A gate on a connection of its own, once that connection is up (unless `redisUrl` is unreachable on purpose). */
  async function gate(options: Partial<RedisHostGateOptions> = {}, redisUrl = env.redisUrl): Promise<{ gate: RedisHostGate; metrics: ServiceMetrics }> {
    // A generous command timeout: on a loaded machine a slow answer would send the gate to its local fallback.
    const redis = createFailFastRedis({ url: redisUrl, commandTimeoutMs: 5_000 });
    connections.push(redis);
    if (redisUrl === env.redisUrl) await waitUntil('the gate connection', async () => (await redis.ping()) === 'PONG');
    const metrics = new ServiceMetrics('test');
    const created = new RedisHostGate(redis, { maxPerHost: 3, maxWaitMs: 10_000, leaseMs: 10_000, ...options }, silent, metrics);
    gates.push(created);
    return { gate: created, metrics };
  }
  /** A host name of this test's own, so keys never meet another test's. */
  const host = () => `registry-${randomUUID().slice(0, 8)}.example:443`;

  beforeAll(async () => {
    admin = createFailFastRedis({ url: env.redisUrl, commandTimeoutMs: 1_000 });
    await waitUntil('Redis', async () => (await admin.ping()) === 'PONG');
  });
  afterAll(async () => {
    for (const g of gates) g.close();
    await Promise.all(
      [...connections, admin].map(async (connection) => {
        // One that never connected (the unreachable Redis) just stops retrying.
        if (connection.status !== 'ready') return connection.disconnect();
        const ended = new Promise((resolve) => connection.once('end', resolve));
        connection.disconnect();
        await ended;
      }),
    );
  });

  it('never lets more than the limit be in flight across processes, and serves every request', async () => {
    const target = host();
    const processes = [(await gate()).gate, (await gate()).gate, (await gate()).gate];
    let inFlight = 0;
    let most = 0;
    const request = async (g: RedisHostGate) => {
      const release = await g.acquire(target, never);
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      release();
    };
    await Promise.all(processes.flatMap((g) => Array.from({ length: 20 }, () => request(g))));
    expect(most).toBe(3);
    expect(await admin.zcard(hostKeys(target).leases)).toBe(0);
  });

  it('gives a waiting process its turn before one that releases and asks again', async () => {
    const target = host();
    const busy = (await gate()).gate;
    const patient = (await gate()).gate;
    const held = await Promise.all([busy.acquire(target, never), busy.acquire(target, never), busy.acquire(target, never)]);
    const turn = patient.acquire(target, never);
    await waitUntil('the patient process queued', async () => (await admin.zcard(hostKeys(target).queue)) === 1);

    held[0]();
    const again = busy.acquire(target, never);
    const first = await Promise.race([turn.then(() => 'patient'), again.then(() => 'busy')]);
    expect(first).toBe('patient');
    (await turn)();
    (await again)();
    held[1]();
    held[2]();
  });

  it("lets a crashed process's permits lapse after their lease, and renews a living one's", async () => {
    const target = host();
    const crashed = await gate({ maxPerHost: 2, leaseMs: 1_000 });
    await crashed.gate.acquire(target, never);
    await crashed.gate.acquire(target, never);
    crashed.gate.close(); // no renewal, no release: as if the process were killed

    const { gate: living, metrics } = await gate({ maxPerHost: 2, leaseMs: 1_000 });
    const release = await living.acquire(target, never);
    expect((await metrics.registryGateLocalPermits.get()).values.reduce((sum, v) => sum + v.value, 0)).toBe(0); // granted through Redis
    const leases = hostKeys(target).leases;
    // The living lease expires last: it was granted once a crashed one had lapsed. (The other
    // crashed one may still be listed, lapsed, if the two were granted further apart than a poll.)
    const [id, firstExpiry] = await admin.zrange(leases, -1, -1, 'WITHSCORES');
    await waitUntil('the lease renewed past its first expiry', async () => Number(await admin.zscore(leases, id)) > Number(firstExpiry) + 500, {
      timeoutMs: 5_000,
    });
    const [seconds, micros] = await admin.time();
    const redisNowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    expect(await admin.zcount(leases, redisNowMs, '+inf')).toBe(1); // only the living one's lease holds
    release();
  });

  it('fails a request that waits longer than it may with HostBusyError, as the transport expects', async () => {
    const target = host();
    const holder = (await gate({ maxPerHost: 1 })).gate;
    const hurried = (await gate({ maxPerHost: 1, maxWaitMs: 200 })).gate;
    const release = await holder.acquire(target, never);
    await expect(hurried.acquire(target, never)).rejects.toMatchObject({ name: 'HostBusyError', reason: 'busy' });
    release();
  });

  it('pauses the host for every process: a long pause is refused at once with its length, a short one waited out', async () => {
    const target = host();
    const hit = (await gate()).gate;
    const other = (await gate({ maxWaitMs: 1_000 })).gate;
    await hit.pause(target, Date.now() + 30_000);
    const pttl = await admin.pttl(hostKeys(target).pause);
    expect(pttl).toBeGreaterThan(25_000);

    const refused = await other.acquire(target, never).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(HostBusyError);
    expect(refused).toMatchObject({ reason: 'paused' });
    expect((refused as HostBusyError).retryAfterMs).toBeGreaterThan(25_000);

    const shortly = host();
    await hit.pause(shortly, Date.now() + 300);
    const patient = (await gate({ maxWaitMs: 5_000 })).gate;
    const release: ReleasePermit = await patient.acquire(shortly, never);
    expect(await admin.exists(hostKeys(shortly).pause)).toBe(0);
    release();
  });

  it('without Redis, keeps the limit in each process and counts the permits it granted alone', async () => {
    const target = host();
    const { gate: alone, metrics } = await gate({ maxPerHost: 2, maxWaitMs: 300 }, 'redis://127.0.0.1:1');
    const first = await alone.acquire(target, never);
    const second = await alone.acquire(target, never);
    await expect(alone.acquire(target, never)).rejects.toMatchObject({ name: 'HostBusyError', reason: 'busy' });
    first();
    second();
    const counted = (await metrics.registryGateLocalPermits.get()).values.reduce((sum, v) => sum + v.value, 0);
    expect(counted).toBe(2);
  });
});
