import { Client, Pool } from 'pg';
import { migrate } from '@app/db';
import { DATABASE_ROUTE_VARIABLE, productDatabaseEnv } from './support/database-route';
import { loadTestEnvironment, TestEnvironmentDescription } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { allocateRedisDatabase, createIsolatedDatabase } from './support/isolated-stores';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import * as path from 'node:path';

/**
 * The transaction-mode PgBouncer of the test environment (Debian's 1.18, the one the
 * `pgbouncer` jest project runs the product through): it really refuses what the product
 * used to do, the product's statement timeout holds through it, and the API works through it
 * with many requests at once.
 */
describe('through a transaction-mode PgBouncer', () => {
  const env = loadTestEnvironment();
  let databaseUrl: string;
  let pooledUrl: string;

  beforeAll(async () => {
    databaseUrl = await createIsolatedDatabase(env);
    pooledUrl = viaPgBouncer(env, databaseUrl);
  });

  it('refuses a statement_timeout startup parameter and mixes up named statements of different clients', async () => {
    const withTimeout = new Pool({ connectionString: pooledUrl, max: 1, statement_timeout: 5_000 });
    await expect(withTimeout.query('SELECT 1')).rejects.toThrow(/unsupported startup parameter: statement_timeout/);
    await withTimeout.end();

    // Two client connections, one after the other: PgBouncer gives the second the server
    // connection the first just used, where the first one's named statement still exists.
    const first = new Client({ connectionString: pooledUrl });
    const second = new Client({ connectionString: pooledUrl });
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query({ name: 'find_one', text: 'SELECT $1::int AS n', values: [1] });
      await expect(second.query({ name: 'find_one', text: 'SELECT $1::int AS n', values: [2] })).rejects.toThrow(
        /prepared statement "find_one" already exists/,
      );
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('keeps the statement timeout the migrator stored in the role, and enforces it on every server connection', async () => {
    const pool = new Pool({ connectionString: pooledUrl, max: 4 });
    try {
      const shown = await Promise.all([1, 2, 3, 4].map(() => pool.query<{ statement_timeout: string }>('SHOW statement_timeout')));
      expect(shown.map((result) => result.rows[0].statement_timeout)).toEqual(['5s', '5s', '5s', '5s']);
    } finally {
      await pool.end();
    }

    const short = await createIsolatedDatabase(env);
    await migrate(short, path.resolve(__dirname, '../prisma/migrations'), { statementTimeoutMs: 200 });
    const client = new Client({ connectionString: viaPgBouncer(env, short) });
    await client.connect();
    try {
      await expect(client.query('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' }); // query_canceled
    } finally {
      await client.end();
    }
  });

  describe('the API in-process, routed as in the pgbouncer jest project', () => {
    let api: ApiHarness;

    beforeAll(async () => {
      process.env[DATABASE_ROUTE_VARIABLE] = 'pgbouncer'; // this test file's own copy of the environment
      api = await startApi({ postgresUrl: databaseUrl, redisUrl: await allocateRedisDatabase(env) });
    });
    afterAll(async () => {
      await api?.close();
      delete process.env[DATABASE_ROUTE_VARIABLE];
    });

    it('connects to PgBouncer for its queries and to Postgres for sessions', () => {
      expect(productDatabaseEnv(databaseUrl)).toEqual({ DATABASE_URL: pooledUrl, DATABASE_DIRECT_URL: databaseUrl });
      expect(api.config.database).toMatchObject({ url: pooledUrl, directUrl: databaseUrl });
    });

    it('creates, reads, lists, updates and deletes, 48 requests at a time, and PgBouncer carried them', async () => {
      const org = api.newOrg();
      const auth = await api.auth([org]);
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: `pooled ${i}` })),
        ),
      );
      expect(created.map((res) => res.status)).toEqual(created.map(() => 201));
      const ids = created.map((res) => res.body.id as string);

      // Several requests per template at once: each lands on whichever server connection is free.
      const reads = await Promise.all(
        ids.flatMap((id) => [
          api.http.get(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth),
          api.http.get(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth),
          api.http.get(`${TEMPLATES_PATH(org)}?limit=5`).set('authorization', auth),
          api.http.patch(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).send({ description: `changed ${id}` }),
        ]),
      );
      expect(reads.map((res) => res.status)).toEqual(reads.map(() => 200));
      expect(reads.filter((res) => res.body.id).every((res) => ids.includes(res.body.id))).toBe(true);

      const clients = await adminConsole(env, 'SHOW CLIENTS');
      const database = new URL(databaseUrl).pathname.slice(1);
      expect(clients.filter((row) => row.database === database).length).toBeGreaterThan(0);

      const deleted = await Promise.all(ids.map((id) => api.http.delete(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth)));
      expect(deleted.map((res) => res.status)).toEqual(deleted.map(() => 200));
      const list = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).expect(200);
      expect(list.body.data).toEqual([]);
    });
  });
});

function viaPgBouncer(env: TestEnvironmentDescription, directUrl: string): string {
  const url = new URL(directUrl);
  url.port = String(env.pgbouncer.port);
  return url.toString();
}

/** A command of PgBouncer's admin console (database `pgbouncer`, simple protocol only). */
async function adminConsole(env: TestEnvironmentDescription, command: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ host: env.pgbouncer.host, port: env.pgbouncer.port, user: 'postgres', database: 'pgbouncer' });
  await client.connect();
  try {
    return (await client.query(command)).rows;
  } finally {
    await client.end();
  }
}
