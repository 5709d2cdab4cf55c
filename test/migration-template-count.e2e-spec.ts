import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { migrate } from '@app/db';
import { loadTestEnvironment } from './support/environment';
import { withClient } from './support/built/template-rows';
import { createEmptyDatabase, MIGRATIONS_DIR } from './support/isolated-stores';

const MIGRATION = '20261202010000_template_count_in_org_event_heads';

/**
 * The migration that moves each org's template count into its org_event_heads row, applied to
 * a database that holds counts and heads written before it: every count arrives, heads keep
 * their positions, and the old table is gone.
 */
describe(`migration ${MIGRATION} (e2e)`, () => {
  const env = loadTestEnvironment();
  let before: string;

  beforeAll(() => {
    before = mkdtempSync(path.join(tmpdir(), 'airt-migrations-'));
    // The migrations before it (and the lock file), as a database last migrated before it has them.
    cpSync(MIGRATIONS_DIR, before, {
      recursive: true,
      filter: (source) => {
        const name = path.relative(MIGRATIONS_DIR, source).split(path.sep)[0];
        return name === '' || !/^\d{14}_/.test(name) || name < MIGRATION;
      },
    });
  });
  afterAll(() => rmSync(before, { recursive: true, force: true }));

  it('moves every org’s template count into its head row and drops org_template_counts', async () => {
    const url = await createEmptyDatabase(env);
    const earlier = await migrate(url, before);
    expect(earlier.applied).not.toContain(MIGRATION);
    await withClient(url, async (db) => {
      await db.query(`INSERT INTO org_template_counts (org_id, count) VALUES ('org-with-events', 3), ('org-without-events', 2)`);
      await db.query(`INSERT INTO org_event_heads (org_id, last_seq) VALUES ('org-with-events', 41), ('org-only-events', 7)`);
    });

    const result = await migrate(url, MIGRATIONS_DIR);
    expect(result.applied[0]).toBe(MIGRATION); // and any later ones

    await withClient(url, async (db) => {
      const heads = await db.query('SELECT org_id, last_seq::int, template_count FROM org_event_heads ORDER BY org_id');
      expect(heads.rows).toEqual([
        { org_id: 'org-only-events', last_seq: 7, template_count: 0 },
        { org_id: 'org-with-events', last_seq: 41, template_count: 3 },
        { org_id: 'org-without-events', last_seq: 0, template_count: 2 },
      ]);
      const old = await db.query(`SELECT to_regclass('org_template_counts') AS table`);
      expect(old.rows).toEqual([{ table: null }]);
    });
  });
});
