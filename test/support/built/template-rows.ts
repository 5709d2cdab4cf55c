/** Template rows read straight from Postgres (works while the API is down), and polls over them. */
import { Client } from 'pg';
import { waitUntil } from '../processes/wait-until';
import type { SpawnedService } from './built-service';
import { validationEvents } from './worker-observations';

export interface TemplateRowState {
  id: string;
  status: 'Active' | 'Inactive';
  validation_state: 'pending' | 'running' | 'passed' | 'failed';
  validation_attempts: number;
  validation_error: { code: string } | null;
}

/** Reads the rows straight from Postgres (works while the API is down); a missing id is absent. */
export async function readTemplateStates(databaseUrl: string, ids: readonly string[]): Promise<Map<string, TemplateRowState>> {
  const rows = await withClient(databaseUrl, (db) =>
    db.query<TemplateRowState>(
      `SELECT id, status, validation_state, validation_attempts, validation_error FROM templates WHERE id = ANY($1::uuid[])`,
      [ids],
    ),
  );
  return new Map(rows.rows.map((row) => [row.id, row]));
}

/**
 * Polls until every template has a final validation state (passed or failed), with a
 * deadline; the error names the ones still unfinished (or missing). With `loggedBy`, it also
 * waits until those workers' `validation finished` lines for them have reached the test: a
 * worker writes the row first and logs just after, through a pipe.
 */
export async function waitForFinalStates(
  databaseUrl: string,
  ids: readonly string[],
  { timeoutMs = 30_000, loggedBy }: { timeoutMs?: number; loggedBy?: readonly SpawnedService[] } = {},
): Promise<TemplateRowState[]> {
  let last = new Map<string, TemplateRowState>();
  let rows: TemplateRowState[];
  try {
    rows = await waitUntil(
      `${ids.length} templates to finish validation`,
      async () => {
        last = await readTemplateStates(databaseUrl, ids);
        const final = ids.map((id) => last.get(id)).filter((row) => row && ['passed', 'failed'].includes(row.validation_state));
        return final.length === ids.length ? (final as TemplateRowState[]) : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } catch (error) {
    const unfinished = ids.filter((id) => !['passed', 'failed'].includes(last.get(id)?.validation_state ?? 'missing'));
    const detail = unfinished.map((id) => `${id}: ${last.get(id)?.validation_state ?? 'missing'}`).join(', ');
    throw new Error(`${(error as Error).message}; unfinished: ${detail}`);
  }
  if (loggedBy) {
    const logged = () =>
      new Set(
        validationEvents(loggedBy)
          .filter((event) => event.outcome === 'passed' || event.outcome === 'failed')
          .map((event) => event.templateId),
      );
    await waitUntil(`the outcome of ${ids.length} template(s) in the worker logs`, async () => ids.every((id) => logged().has(id)), {
      timeoutMs: 10_000,
      intervalMs: 25,
    });
  }
  return rows;
}

export async function withClient<T>(databaseUrl: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 2_000 });
  db.on('error', () => undefined); // a server going away mid-poll surfaces as the query's rejection
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}
