/**
 * The stop/start hooks that fault-injection suites use, on instances of their own (never on
 * the shared environment, which other jest workers are using).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { PostgresInstance, startPostgres } from './services/postgres';
import { RedisInstance, answersPing, startRedis } from './services/redis';

describe('own Postgres and Redis with stop/start hooks', () => {
  let baseDir: string;
  let postgres: PostgresInstance;
  let redis: RedisInstance;

  beforeAll(async () => {
    baseDir = await fs.mkdtemp(path.join(os.tmpdir(), 'airt-faults-'));
    [postgres, redis] = await Promise.all([startPostgres(baseDir), startRedis(baseDir)]);
  });

  afterAll(async () => {
    await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    await fs.rm(baseDir, { recursive: true, force: true });
  });

  const query = async (sql: string) => {
    const client = new Client({ connectionString: postgres.url, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };

  it('Postgres refuses connections while stopped and keeps its data across a fast restart', async () => {
    await query('CREATE TABLE survives_restart (id int)');
    await query('INSERT INTO survives_restart VALUES (42)');

    await postgres.stopServer();
    expect(postgres.pid()).toBeUndefined();
    await expect(query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);

    await postgres.startServer();
    const { rows } = await query('SELECT id FROM survives_restart');
    expect(rows).toEqual([{ id: 42 }]);
    expect(postgres.url).toMatch(new RegExp(`:${postgres.port}/templates$`));
  });

  it('Postgres comes back after an immediate (crash) stop', async () => {
    await postgres.stopServer({ mode: 'immediate' });
    await expect(query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    await postgres.startServer();
    expect((await query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('Redis stops answering while stopped and comes back, empty, on the same port', async () => {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    await client.set('key', 'value');
    await client.quit();

    await redis.stopServer({ signal: 'SIGKILL' });
    expect(await answersPing(redis.port)).toBe(false);

    await redis.startServer();
    const again = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await again.connect();
    try {
      expect(await again.get('key')).toBeNull();
    } finally {
      await again.quit();
    }
  });
});
