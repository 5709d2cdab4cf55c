/**
 * How read cost grows with the size of an organization: GET one template (cycling through up
 * to 200 of the org's), the first page of the list (default limit 50), and (full run) a page
 * from the middle of the org, its cursor taken from the API itself, for orgs of 10 … 10,000
 * templates. The orgs are seeded with SQL (see lib/fixtures.ts) and all live in the table at
 * once, so small orgs are read from a table that also holds the large ones.
 *
 * The sizes are not measured one after another: each load takes turns between the sizes
 * request by request (scenario get-groups), so every size meets the same moments of a shared
 * machine. Postgres' own execution time and plan for each query at each size come with it
 * (lib/query-plans.ts).
 */
import { BenchContext, newOrgId, templatesPath } from '../lib/context';
import { seedOrg, templateIds } from '../lib/fixtures';
import { LoadCell, LoadFigure, measureCells } from '../lib/measure';
import { GrowthWorkload } from '../lib/options';
import { QueryPlanFigure, explainOrgQueries } from '../lib/query-plans';
import { Spread, spread } from '../lib/stats';

export interface GrowthPoint {
  workload: GrowthWorkload;
  size: number;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Answers over all runs, and how many were not 2xx. */
  requests: number;
  errors: number;
}

export interface GrowthResults {
  sizes: number[];
  workloads: GrowthWorkload[];
  concurrency: number;
  tableRows: number;
  points: GrowthPoint[];
  queryPlans: QueryPlanFigure[];
  /** One mixed load per workload (all sizes): throughput, CPU, the API's memory. */
  loads: LoadFigure[];
  apiPeakRssMB: number;
}

export async function runGrowthWorkloads(ctx: BenchContext): Promise<GrowthResults> {
  const { sizes, workloads, concurrency, durationSec, warmupRequests } = ctx.options.growth;
  const orgs = sizes.map((size) => ({ size, orgId: newOrgId(`growth-${size}`) }));
  for (const { size, orgId } of orgs) await seedOrg(ctx.db, orgId, size, ctx.prototypeId);
  await ctx.db.query('VACUUM ANALYZE templates');
  const tableRows = Number((await ctx.db.query<{ n: string }>('SELECT count(*) AS n FROM templates')).rows[0].n);

  // One token for all the orgs, so that every request carries the same work besides the org.
  const headers = await authHeadersFor(ctx, orgs.map((org) => org.orgId));
  const pathsBySize = new Map<number, Record<GrowthWorkload, string[]>>();
  for (const { size, orgId } of orgs) {
    const list = templatesPath(orgId);
    const ids = await templateIds(ctx.db, orgId, 200);
    const middle = workloads.includes('list-middle') ? await cursorAt(ctx.api.url, list, headers, Math.floor(size / 2)) : '';
    pathsBySize.set(size, {
      get: ids.map((id) => `${list}/${id}`),
      list: [list],
      'list-middle': [`${list}?cursor=${encodeURIComponent(middle)}`],
    });
  }
  const cells: LoadCell[] = workloads.map((workload) => ({
    key: `growth ${workload}`,
    server: ctx.api,
    connections: concurrency,
    durationSec,
    warmupRequests,
    headers,
    scenario: { kind: 'get-groups', groups: sizes.map((size) => ({ name: `n${size}`, paths: pathsBySize.get(size)![workload] })) },
  }));
  ctx.log(`Growth: orgs of ${sizes.join(', ')} templates (${tableRows} rows in the table), sizes taking turns in each load`);
  const loads = [...(await measureCells(ctx.layout.benchOutDir, cells, ctx.options.repetitions, ctx.log)).values()];

  const points: GrowthPoint[] = [];
  for (const [i, workload] of workloads.entries()) {
    for (const size of sizes) {
      const groups = loads[i].runs.map((run) => run.groups?.[`n${size}`]);
      if (groups.some((group) => !group)) throw new Error(`growth ${workload}: no answers for the org of ${size}`);
      points.push({
        workload,
        size,
        p50Ms: spread(groups.map((group) => group!.latencyMs.p50)),
        p99Ms: spread(groups.map((group) => group!.latencyMs.p99)),
        requests: groups.reduce((sum, group) => sum + group!.requests, 0),
        errors: groups.reduce((sum, group) => sum + group!.non2xx, 0),
      });
    }
  }
  const queryPlans: QueryPlanFigure[] = [];
  for (const { size, orgId } of orgs) queryPlans.push(...(await explainOrgQueries(ctx.db, orgId, size)));
  return {
    sizes,
    workloads,
    concurrency,
    tableRows,
    points,
    queryPlans,
    loads,
    apiPeakRssMB: Math.max(...loads.map((load) => load.serverPeakRssMB)),
  };
}

async function authHeadersFor(ctx: BenchContext, orgIds: string[]): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await ctx.idp.token(orgIds, { expiresIn: '2h' })}` };
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
