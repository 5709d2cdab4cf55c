/**
 * How read cost grows with the size of an organization: GET one template (cycling through up
 * to 200 of the org's), the first page of the list (default limit 50), and a page from the
 * middle of the org (its cursor taken from the API itself), for orgs of 10 … 10,000 templates.
 * The orgs are seeded with SQL (see lib/fixtures.ts) and all live in the table at once, so the
 * small orgs are read from a table that also holds the large ones. Sizes are interleaved in
 * every round.
 */
import { BenchContext, authHeaders, newOrgId, templatesPath } from '../lib/context';
import { seedOrg, templateIds } from '../lib/fixtures';
import { LoadCell, LoadFigure, measureCells } from '../lib/measure';
import { GrowthWorkload } from '../lib/options';

export interface GrowthResults {
  sizes: number[];
  workloads: GrowthWorkload[];
  concurrency: number;
  tableRows: number;
  figures: LoadFigure[];
  apiPeakRssMB: number;
}

export async function runGrowthWorkloads(ctx: BenchContext): Promise<GrowthResults> {
  const { sizes, workloads, concurrency, durationSec, warmupSec } = ctx.options.growth;
  const orgs = sizes.map((size) => ({ size, orgId: newOrgId(`growth-${size}`) }));
  for (const { size, orgId } of orgs) await seedOrg(ctx.db, orgId, size, ctx.prototypeId);
  await ctx.db.query('VACUUM ANALYZE templates');
  const tableRows = Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM templates')).rows[0].n);

  const cells: LoadCell[] = [];
  for (const { size, orgId } of orgs) {
    const headers = await authHeaders(ctx, orgId);
    const list = templatesPath(orgId);
    const cell = (key: string, scenario: LoadCell['scenario']): LoadCell => ({
      key: `${key} n${size}`,
      server: ctx.api,
      connections: concurrency,
      durationSec,
      warmupSec,
      headers,
      scenario,
    });
    const ids = await templateIds(ctx.db, orgId, 200);
    for (const workload of workloads) {
      if (workload === 'get') cells.push(cell('get', { kind: 'get', paths: ids.map((id) => `${list}/${id}`) }));
      if (workload === 'list') cells.push(cell('list', { kind: 'get', paths: [list] }));
      if (workload === 'list-middle') {
        const cursor = await cursorAt(ctx.api.url, list, headers, Math.floor(size / 2));
        cells.push(cell('list-middle', { kind: 'get', paths: [`${list}?cursor=${encodeURIComponent(cursor)}`] }));
      }
    }
  }
  ctx.log(`Growth: orgs of ${sizes.join(', ')} templates (${tableRows} rows in the table)`);
  const results = await measureCells(ctx.layout.benchOutDir, cells, ctx.options.repetitions, ctx.log);
  const figures = [...results.values()];
  return { sizes, workloads, concurrency, tableRows, figures, apiPeakRssMB: Math.max(...figures.map((f) => f.serverPeakRssMB)) };
}

/** The API's own cursor for "after the first `position` templates", walking pages of ≤200. */
async function cursorAt(apiUrl: string, listPath: string, headers: Record<string, string>, position: number): Promise<string> {
  let cursor: string | undefined;
  for (let remaining = position; remaining > 0; ) {
    const limit = Math.min(200, remaining);
    const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    const response = await fetch(`${apiUrl}${listPath}?${query}`, { headers });
    if (response.status !== 200) throw new Error(`list answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { data: unknown[]; next_cursor: string | null };
    if (!page.next_cursor) throw new Error(`list of ${listPath} ended before position ${position}`);
    cursor = page.next_cursor;
    remaining -= limit;
  }
  if (!cursor) throw new Error('position must be at least 1');
  return cursor;
}
