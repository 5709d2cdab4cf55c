import { Client, Pool } from 'pg';
import { randomUUID } from 'node:crypto';
import { loadTestEnvironment } from './support/environment';
import { createIsolatedDatabase } from './support/isolated-stores';

jest.setTimeout(600_000);
describe('scratch cost', () => {
  it('measures', async () => {
    const env = loadTestEnvironment();
    const url = await createIsolatedDatabase(env);
    const pool = new Pool({ connectionString: url, max: 10 });
    const legacyCreate = (org: string, id: string) => pool.query(`
      WITH quota AS (INSERT INTO org_template_counts AS c (org_id, count) VALUES ($1, 1)
        ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < 1000000 RETURNING count)
      INSERT INTO templates (id, org_id, name, name_key, description, category, image, oci_registry_username, oci_registry_token_ciphertext, created_by)
      SELECT $2::uuid, $1, $3, lower($3), 'd', 'LLM', 'img', 'u', '\\x00'::bytea, null FROM quota RETURNING id`, [org, id, `n ${id}`]);
    const legacyDelete = (org: string, id: string) => pool.query(`
      WITH deleted AS (DELETE FROM templates WHERE id = $2::uuid AND org_id = $1 RETURNING org_id),
      released AS (UPDATE org_template_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING 1)
      SELECT count(*)::int FROM deleted`, [org, id]);
    let inlineNotify = false;
    const eventCtes = (gate: string, n: number, data: string) => `
      event_head AS (INSERT INTO org_event_heads AS h (org_id, last_seq) SELECT g.org_id, ${n}::bigint FROM ${gate} g LIMIT 1
        ON CONFLICT (org_id) DO UPDATE SET last_seq = h.last_seq + EXCLUDED.last_seq RETURNING h.org_id AS head_org_id, h.last_seq AS head_seq),
      appended_events AS (INSERT INTO events (org_id, seq, type, subject_kind, subject_id, actor_type, actor_id, request_id, data)
        SELECT h.head_org_id, h.head_seq - ${n}::bigint + e.ord, e.type, e.kind, e.subject_id, 'user', 'sub', 'req', e.data
        FROM event_head h CROSS JOIN (SELECT * FROM ${gate} LIMIT 1) g CROSS JOIN LATERAL (VALUES (1, 'template.created', 'template', $2::text, ${data})) AS e(ord, type, kind, subject_id, data) RETURNING seq${inlineNotify ? ", pg_notify('org_events', org_id || ' ' || seq)" : ''})`;
    const newCreate = (org: string, id: string) => pool.query(`
      WITH quota AS (INSERT INTO org_template_counts AS c (org_id, count) VALUES ($1, 1)
        ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < 1000000 RETURNING org_id), ${eventCtes('quota', 1, `'{"name":"x","description":"d","category":"LLM","image":"img","oci_registry_username":"u","has_registry_token":true}'::jsonb`)}
      INSERT INTO templates (id, org_id, name, name_key, description, category, image, oci_registry_username, oci_registry_token_ciphertext, created_by)
      SELECT $2::uuid, $1, $3, lower($3), 'd', 'LLM', 'img', 'u', '\\x00'::bytea, null FROM quota, event_head RETURNING id`, [org, id, `n ${id}`]);
    const newDelete = (org: string, id: string) => pool.query(`
      WITH deleted AS (DELETE FROM templates WHERE id = $2::uuid AND org_id = $1 RETURNING org_id, name, image, category),
      released AS (UPDATE org_template_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING d.org_id, d.name, d.image, d.category),
      ${eventCtes('released', 1, `jsonb_build_object('name', g.name, 'image', g.image, 'category', g.category)`)}
      SELECT count(*)::int FROM deleted`, [org, id]);
    const run = async (label: string, create: typeof legacyCreate, del: typeof legacyDelete, cycles = 2500, lanes = 16) => {
      const org = `o-${randomUUID().slice(0, 6)}`;
      let next = 0;
      const started = performance.now();
      await Promise.all(Array.from({ length: lanes }, async () => {
        while (next++ < cycles) { const id = randomUUID(); await create(org, id); await del(org, id); }
      }));
      const ms = performance.now() - started;
      return { label, perSec: Math.round((cycles / ms) * 1000) };
    };
    const listener = new Client({ connectionString: url });
    await listener.connect();
    let heard = 0;
    listener.on('notification', () => heard++);
    const results: Record<string, number[]> = {};
    const add = (r: { label: string; perSec: number }) => (results[r.label] ??= []).push(r.perSec);
    await listener.query('LISTEN org_events');
    for (let round = 0; round < 3; round++) {
      add(await run('legacy', legacyCreate, legacyDelete));
      add(await run('events+trigger', newCreate, newDelete));
      await pool.query('ALTER TABLE events DISABLE TRIGGER events_notify');
      inlineNotify = true;
      add(await run('events+inline notify', newCreate, newDelete));
      inlineNotify = false;
      add(await run('events, no notify', newCreate, newDelete));
      await pool.query('DROP INDEX events_org_id_subject_id_seq_idx');
      add(await run('events, no notify, no subject index', newCreate, newDelete));
      await pool.query('CREATE INDEX events_org_id_subject_id_seq_idx ON events (org_id, subject_id, seq DESC)');
      await pool.query('ALTER TABLE events ENABLE TRIGGER events_notify');
    }
    console.log(results, { heard });
    await listener.end();
    await pool.end();
  });
});
