/**
 * Rows the read workloads need. Large orgs are inserted directly with SQL (10,000 creates
 * through the API would take longer than the measurement itself); every seeded row is a
 * copy of a template the worker really validated, so rows carry a real report and apps,
 * and the org's quota counter matches its rows.
 */
import type { Pool } from 'pg';
import { BenchContext, authHeaders, sleep, templateBody, templatesPath } from './context';

/** Creates one template through the API and waits until the (running) worker validated it. */
export async function createAndAwaitActive(
  ctx: Pick<BenchContext, 'api' | 'db' | 'idp' | 'images'>,
  orgId: string,
  image: string,
  timeoutMs = 30_000,
): Promise<{ id: string; postToActiveMs: number }> {
  const sent = performance.now();
  const response = await fetch(`${ctx.api.url}${templatesPath(orgId)}`, {
    method: 'POST',
    headers: { ...(await authHeaders(ctx, orgId)), 'content-type': 'application/json' },
    body: JSON.stringify(templateBody(ctx.images, image, `tpl-${Math.random().toString(36).slice(2, 10)}`)),
  });
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await ctx.db.query<{ validation_state: string; validation_error: unknown }>(
      'SELECT validation_state, validation_error FROM templates WHERE id = $1',
      [id],
    );
    const state = rows[0]?.validation_state;
    if (state === 'passed') return { id, postToActiveMs: performance.now() - sent };
    if (state === 'failed') throw new Error(`validation of ${image} failed: ${JSON.stringify(rows[0].validation_error)}`);
    if (Date.now() > deadline) throw new Error(`template ${id} (${image}) still ${state} after ${timeoutMs} ms`);
    await sleep(2); // polls the row: the client-side view of "Active"
  }
}

/** Inserts `size` Active templates into the org, copies of the prototype; sets its quota counter. */
export async function seedOrg(db: Pool, orgId: string, size: number, prototypeId: string): Promise<void> {
  await db.query(
    `INSERT INTO templates (id, org_id, name, name_key, description, category, image, oci_registry_username,
                            oci_registry_token_ciphertext, status, apps, created_by, created_at, updated_at,
                            spec_version, validation_state, validation_error, validation_report,
                            validation_checked_at, validation_attempts, validation_queued_at)
     SELECT gen_random_uuid(), $1, 'seeded ' || g, 'seeded ' || g, p.description, p.category, p.image,
            p.oci_registry_username, p.oci_registry_token_ciphertext, p.status, p.apps, p.created_by,
            now() - make_interval(secs => g), now() - make_interval(secs => g), p.spec_version,
            p.validation_state, p.validation_error, p.validation_report, p.validation_checked_at,
            p.validation_attempts, p.validation_queued_at
     FROM templates p, generate_series(1, $2::int) g
     WHERE p.id = $3::uuid`,
    [orgId, size, prototypeId],
  );
  await db.query(
    `INSERT INTO org_event_heads (org_id, last_seq, template_count) VALUES ($1, 0, $2)
     ON CONFLICT (org_id) DO UPDATE SET template_count = EXCLUDED.template_count`,
    [orgId, size],
  );
}

export async function templateIds(db: Pool, orgId: string, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM templates WHERE org_id = $1 ORDER BY random() LIMIT $2', [orgId, limit]);
  return rows.map((row) => row.id);
}
