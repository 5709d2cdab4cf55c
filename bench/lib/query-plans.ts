/**
 * How the database side of GET and list grows with an org: EXPLAIN ANALYZE of the queries the
 * API runs (their shape mirrors libs/db/src/template.repository.ts: findInOrg and listInOrg,
 * which fetches limit + 1 rows), at each org size. Postgres' own execution time carries no HTTP
 * or scheduling noise, and the plan says which index answers.
 */
import type { Pool } from 'pg';
import { spread, Spread } from './stats';

const COLUMNS = `id, org_id, name, description, category, image, oci_registry_username,
  (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
  created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
  validation_checked_at, validation_attempts`;

export interface QueryPlanFigure {
  query: 'get' | 'list' | 'list-middle';
  size: number;
  /** Postgres' execution time over several executions (ms). */
  executionMs: Spread;
  /** The plan's nodes, outermost first, e.g. "Limit > Index Scan (templates_org_id_created_at_id_idx)". */
  plan: string;
  rowsRead: number;
  sharedBuffers: number;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

function describe(node: PlanNode): { plan: string; rowsRead: number } {
  const parts: string[] = [];
  let rowsRead = 0;
  for (let at: PlanNode | undefined = node; at; at = at.Plans?.[0]) {
    parts.push(at['Index Name'] ? `${at['Node Type']} (${at['Index Name']})` : at['Node Type']);
    rowsRead = at['Actual Rows'] ?? rowsRead;
  }
  return { plan: parts.join(' > '), rowsRead };
}

export async function explainOrgQueries(db: Pool, orgId: string, size: number, executions = 7): Promise<QueryPlanFigure[]> {
  const { rows: sample } = await db.query<{ id: string }>('SELECT id FROM templates WHERE org_id = $1 LIMIT 1', [orgId]);
  const { rows: middle } = await db.query<{ created_at: Date; id: string }>(
    'SELECT created_at, id FROM templates WHERE org_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1',
    [orgId, Math.floor(size / 2) - 1],
  );
  const queries: { query: QueryPlanFigure['query']; text: string; values: unknown[] }[] = [
    { query: 'get', text: `SELECT ${COLUMNS} FROM templates WHERE id = $1::uuid AND org_id = $2`, values: [sample[0].id, orgId] },
    { query: 'list', text: `SELECT ${COLUMNS} FROM templates WHERE org_id = $1 ORDER BY created_at DESC, id DESC LIMIT 51`, values: [orgId] },
    {
      query: 'list-middle',
      text:
        `SELECT ${COLUMNS} FROM templates WHERE org_id = $1 AND (created_at, id) < ($2::timestamptz, $3::uuid) ` +
        'ORDER BY created_at DESC, id DESC LIMIT 51',
      values: [orgId, middle[0].created_at, middle[0].id],
    },
  ];
  const figures: QueryPlanFigure[] = [];
  for (const { query, text, values } of queries) {
    const times: number[] = [];
    let last: { Plan: PlanNode; 'Execution Time': number } | undefined;
    for (let i = 0; i < executions; i++) {
      const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`,
        values,
      );
      last = rows[0]['QUERY PLAN'][0];
      times.push(last['Execution Time']);
    }
    const { plan, rowsRead } = describe(last!.Plan);
    const buffers = (node: PlanNode): number =>
      (node['Shared Hit Blocks'] ?? 0) + (node['Shared Read Blocks'] ?? 0);
    figures.push({ query, size, executionMs: spread(times), plan, rowsRead, sharedBuffers: buffers(last!.Plan) });
  }
  return figures;
}
