/**
 * A Redis primary, replicas and Sentinels (Debian's `redis-sentinel`) on 127.0.0.1, in a temp
 * dir, tuned to fail over fast: a primary that stops answering for `downAfterMs` is
 * subjectively down, and with a quorum of 2 out of 3 Sentinels the replica is promoted a few
 * seconds later (3.3 s measured with 1 s here).
 *
 * `startRedisSentinelSet` returns once the set is ready to fail over: every replica is in sync
 * and every Sentinel knows the replicas and the other Sentinels (they find each other through
 * the primary, every 2 s), so a failover needs no discovery.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { requireExecutable } from '../processes/executables';
import { startManagedServer } from '../processes/managed-server';
import type { ProcessLedger } from '../processes/process-ledger';
import { waitUntil } from '../processes/wait-until';
import { answersPing, RedisInstance, startRedis } from './redis';

export interface SentinelSetOptions {
  /** The name the Sentinels monitor the primary under (REDIS_SENTINEL_NAME). Default `templates`. */
  name?: string;
  replicas?: number;
  sentinels?: number;
  /** Sentinel's down-after-milliseconds. Default 1000. */
  downAfterMs?: number;
  ledger?: ProcessLedger;
}

export interface SentinelInstance {
  port: number;
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface RedisSentinelSet {
  name: string;
  /** The primary the set started with, then its replicas (each `stopServer`-able). */
  nodes: RedisInstance[];
  sentinels: SentinelInstance[];
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for the product. */
  productEnv(): { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string };
  /** The primary as the Sentinels that answer report it (the first answer). */
  primaryPort(): Promise<number>;
  /** Waits until every Sentinel that answers names a primary other than `port`; returns it. */
  waitForPromotion(formerPort: number, timeoutMs?: number): Promise<number>;
  /** A client of the current primary (the test's own reads; disconnect it). */
  primaryClient(): Promise<IORedis>;
  stop(): Promise<void>;
}

export async function startRedisSentinelSet(baseDir: string, options: SentinelSetOptions = {}): Promise<RedisSentinelSet> {
  const executable = await requireExecutable('redis-sentinel', 'redis-sentinel');
  const name = options.name ?? 'templates';
  const downAfterMs = options.downAfterMs ?? 1000;
  const dir = await fs.mkdtemp(path.join(baseDir, 'sentinel-set-'));
  const nodes: RedisInstance[] = [];
  const sentinels: SentinelInstance[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...sentinels, ...nodes].map((server) => server.stop()));
  };
  try {
    const primary = await startRedis(dir, { name: 'node-0', ledger: options.ledger });
    nodes.push(primary);
    for (let i = 1; i <= (options.replicas ?? 1); i++) {
      nodes.push(
        await startRedis(dir, { name: `node-${i}`, ledger: options.ledger, extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)] }),
      );
    }
    for (let i = 0; i < (options.sentinels ?? 3); i++) {
      sentinels.push(await startSentinel(executable, dir, i, { name, primaryPort: primary.port, downAfterMs, ledger: options.ledger }));
    }

    const ask = async <T>(port: number, work: (client: IORedis) => Promise<T>): Promise<T> => {
      const client = new IORedis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return await work(client);
      } finally {
        client.disconnect();
      }
    };
    const reportedPrimaries = async (): Promise<number[]> => {
      const answers = await Promise.allSettled(
        sentinels.map((sentinel) => ask(sentinel.port, (client) => client.call('SENTINEL', 'get-master-addr-by-name', name) as Promise<[string, string]>)),
      );
      return answers.flatMap((answer) => (answer.status === 'fulfilled' && answer.value ? [Number(answer.value[1])] : []));
    };

    await waitUntil(
      'the Redis replicas to be in sync and every Sentinel to know them and the other Sentinels',
      async () => {
        for (const replica of nodes.slice(1)) {
          const info = await ask(replica.port, (client) => client.info('replication'));
          if (!/master_link_status:up/.test(info)) return false;
        }
        for (const sentinel of sentinels) {
          const fields = await ask(sentinel.port, (client) => client.call('SENTINEL', 'master', name) as Promise<string[]>);
          const master = Object.fromEntries(fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])));
          if (Number(master['num-slaves']) !== nodes.length - 1 || Number(master['num-other-sentinels']) !== sentinels.length - 1) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    return {
      name,
      nodes,
      sentinels,
      productEnv: () => ({
        REDIS_SENTINELS: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
        REDIS_SENTINEL_NAME: name,
      }),
      primaryPort: async () => {
        const [port] = await reportedPrimaries();
        if (port === undefined) throw new Error('no Sentinel answered');
        return port;
      },
      waitForPromotion: (formerPort, timeoutMs = 30_000) =>
        waitUntil(
          `the Sentinels to promote a replica in place of 127.0.0.1:${formerPort}`,
          async () => {
            const ports = await reportedPrimaries();
            return ports.length > 0 && ports.every((port) => port !== formerPort && port === ports[0]) ? ports[0] : undefined;
          },
          { timeoutMs, intervalMs: 50 },
        ),
      primaryClient: async () => {
        const [port] = await reportedPrimaries();
        return new IORedis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1 });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startSentinel(
  executable: string,
  baseDir: string,
  index: number,
  settings: { name: string; primaryPort: number; downAfterMs: number; ledger?: ProcessLedger },
): Promise<SentinelInstance> {
  const dir = path.join(baseDir, `sentinel-${index}`);
  await fs.mkdir(dir, { recursive: true });
  const configFile = path.join(dir, 'sentinel.conf'); // Sentinel rewrites it with what it learns
  const server = await startManagedServer({
    name: 'redis-sentinel',
    isReady: (port) => answersPing(port),
    processFor: async (port) => {
      await fs.writeFile(
        configFile,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          'daemonize no',
          `dir ${dir}`,
          'loglevel warning',
          `sentinel monitor ${settings.name} 127.0.0.1 ${settings.primaryPort} 2`,
          `sentinel down-after-milliseconds ${settings.name} ${settings.downAfterMs}`,
          `sentinel failover-timeout ${settings.name} 10000`,
          `sentinel parallel-syncs ${settings.name} 1`,
          '',
        ].join('\n'),
      );
      return { command: executable, args: [configFile], logFile: path.join(dir, 'sentinel.log'), ledger: settings.ledger };
    },
  });
  return { port: server.port, pid: server.pid, stop: () => server.stop() };
}
