import { EventRepository } from '@app/db';
import { PrismaService } from '../libs/db/src/prisma.service';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { createIsolatedDatabase } from './support/isolated-stores';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

/**
 * DATABASE_PREPARED_STATEMENTS: with it, the GET by id, the create, the delete and an event
 * stream's reads are named statements, each prepared once on each connection of the pool
 * however often it runs (seen in that connection's pg_prepared_statements); without it (the
 * default, what a transaction-mode PgBouncer needs) nothing is prepared. One connection in
 * the pool, so the session asked is the one that served the requests.
 */
describe('DATABASE_PREPARED_STATEMENTS (e2e)', () => {
  const env = loadTestEnvironment();

  async function preparedAfterUse(settings: Record<string, string>): Promise<string[]> {
    const api: ApiHarness = await startApi({ ...env, postgresUrl: await createIsolatedDatabase(env) }, { DATABASE_POOL_SIZE: '1', ...settings });
    try {
      const org = api.newOrg();
      const auth = await api.auth([org]);
      const created = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody()).expect(201);
      for (const name of ['second', 'third']) {
        const other = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name })).expect(201);
        await api.http.delete(`${TEMPLATES_PATH(org)}/${other.body.id}`).set('authorization', auth).expect(200);
      }
      for (let i = 0; i < 3; i++) {
        const res = await api.http.get(`${TEMPLATES_PATH(org)}/${created.body.id}`).set('authorization', auth).expect(200);
        expect(res.body.id).toBe(created.body.id);
      }
      // What an event stream reads when it opens and catches up.
      const events = api.app.get(EventRepository);
      expect(await events.head(org)).toBeGreaterThan(0n);
      expect((await events.after(org, 0n, 10)).map((event) => event.type)).toContain('template.created');
      const { rows } = await api.app.get(PrismaService).pool.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name');
      return rows.map((row) => row.name);
    } finally {
      await api.close();
    }
  }

  it('names the GET by id, the create and the delete when set, and prepares nothing by default', async () => {
    expect(await preparedAfterUse({ DATABASE_PREPARED_STATEMENTS: 'true' })).toEqual([
      'event_head',
      'events_after',
      'template_create_1',
      'template_delete_1',
      'template_get',
    ]);
    expect(await preparedAfterUse({})).toEqual([]);
  });
});
