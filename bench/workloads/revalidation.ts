/**
 * What a validation costs the registry, from the worker's own `registry_requests_per_validation`
 * metric: N templates (each its own image) validated for the first time by one worker, then
 * all N validated again by a fresh worker process (re-validation runs on whichever worker
 * takes the job, so nothing this process cached may help): the images did not change, so
 * each re-validation should be one manifest HEAD plus blob HEADs and the token flow, and no GET
 * of a manifest (Docker Hub counts those).
 */
import type { Queue } from 'bullmq';
import { BenchContext, authHeaders, mapConcurrently, newOrgId, templatesPath } from '../lib/context';
import { RunningService } from '../lib/processes';
import { Spread, spread } from '../lib/stats';

export interface RequestCost {
  /** Requests per validation, all kinds. */
  total: Spread;
  /** Mean requests per validation by `METHOD kind` (over all runs). */
  byKind: Record<string, number>;
  validationsPerSec: Spread;
  failed: number;
}

export interface RevalidationResults {
  templates: number;
  workerConcurrency: number;
  first: RequestCost;
  /** The same templates again on a fresh worker: unchanged images. */
  unchanged: RequestCost;
  /** Re-validations the worker found unchanged, of all it ran (1 when every stored report could be built on). */
  unchangedShare: number;
}

interface Sample {
  label: 'first' | 'unchanged';
  before: Counts;
  after: Counts;
  seconds: number;
  failed: number;
}

export async function measureRevalidation(
  ctx: BenchContext,
  queue: Queue,
  withWorker: <T>(concurrency: number, use: (worker: RunningService) => Promise<T>) => Promise<T>,
  createMany: (orgId: string, images: string[]) => Promise<void>,
  awaitAllFinished: (orgId: string, expected: number) => Promise<number>,
): Promise<RevalidationResults> {
  const { templates, defaultConcurrency } = ctx.options.validation;
  const images = ctx.images.refs.slice(0, templates);
  const samples: Sample[] = [];
  /** A fresh worker drains what `enqueue` queued (while the queue is paused); its metrics before and after. */
  const drain = (label: Sample['label'], org: string, enqueue: () => Promise<void>) =>
    withWorker(defaultConcurrency, async (worker) => {
      await queue.pause();
      await enqueue();
      const before = await requestCounts(worker);
      const started = performance.now();
      await queue.resume();
      const failed = await awaitAllFinished(org, images.length);
      const seconds = (performance.now() - started) / 1000;
      const sample = { label, before, after: await requestCounts(worker), seconds, failed };
      samples.push(sample);
      return sample;
    });
  for (let round = 1; round <= ctx.options.repetitions; round++) {
    const org = newOrgId('revalidate');
    const first = await drain('first', org, () => createMany(org, images));
    const again = await drain('unchanged', org, () => requestValidation(ctx, org));
    ctx.log(
      `  re-validation round ${round}: first validations ${(images.length / first.seconds).toFixed(0)}/s, ` +
        `the same again on a fresh worker ${(images.length / again.seconds).toFixed(0)}/s`,
    );
  }
  const cost = (label: 'first' | 'unchanged'): RequestCost => {
    const runs = samples.filter((s) => s.label === label);
    const deltas = runs.map((s) => subtract(s.after, s.before, label));
    const validations = deltas.reduce((sum, d) => sum + d.validations, 0);
    const byKind: Record<string, number> = {};
    for (const d of deltas) for (const [kind, count] of Object.entries(d.byKind)) byKind[kind] = (byKind[kind] ?? 0) + count / validations;
    return {
      total: spread(deltas.map((d) => d.requests / d.validations)),
      byKind,
      validationsPerSec: spread(runs.map((s) => images.length / s.seconds)),
      failed: runs.reduce((sum, s) => sum + s.failed, 0),
    };
  };
  const againRuns = samples.filter((s) => s.label === 'unchanged');
  const unchangedCount = againRuns.reduce((sum, s) => sum + subtract(s.after, s.before, 'unchanged').validations, 0);
  const allAgain = againRuns.reduce((sum, s) => sum + (subtract(s.after, s.before, 'unchanged').validations + subtract(s.after, s.before, 'changed').validations), 0);
  return {
    templates: images.length,
    workerConcurrency: defaultConcurrency,
    first: cost('first'),
    unchanged: cost('unchanged'),
    unchangedShare: allAgain ? unchangedCount / allAgain : 0,
  };
}

/** POST …/{id}/validate for every template of the org (202 each), 16 at a time. */
async function requestValidation(ctx: BenchContext, org: string): Promise<void> {
  const { rows } = await ctx.db.query<{ id: string }>('SELECT id FROM templates WHERE org_id = $1', [org]);
  const headers = await authHeaders(ctx, org);
  await mapConcurrently(rows, 16, async ({ id }) => {
    const response = await fetch(`${ctx.api.url}${templatesPath(org)}/${id}/validate`, { method: 'POST', headers });
    if (response.status !== 202) throw new Error(`POST validate answered ${response.status}: ${await response.text()}`);
  });
}

/** `registry_requests_per_validation` sums and counts from the worker's /metrics, by `validation|METHOD kind`. */
type Counts = Map<string, { sum: number; count: number }>;

async function requestCounts(worker: RunningService): Promise<Counts> {
  const text = await (await fetch(`${worker.url}/metrics`)).text();
  const counts: Counts = new Map();
  for (const match of text.matchAll(/^registry_requests_per_validation_(sum|count)\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const key = `${labels.validation}|${labels.method} ${labels.kind}`;
    const entry = counts.get(key) ?? { sum: 0, count: 0 };
    entry[match[1] as 'sum' | 'count'] = Number(match[3]);
    counts.set(key, entry);
  }
  return counts;
}

function subtract(after: Counts, before: Counts, validation: string): { validations: number; requests: number; byKind: Record<string, number> } {
  const delta = (key: string) => {
    const a = after.get(key) ?? { sum: 0, count: 0 };
    const b = before.get(key) ?? { sum: 0, count: 0 };
    return { sum: a.sum - b.sum, count: a.count - b.count };
  };
  const all = delta(`${validation}|all all`);
  const byKind: Record<string, number> = {};
  for (const key of after.keys()) {
    const [label, kind] = key.split('|');
    if (label === validation && kind !== 'all all') byKind[kind] = delta(key).sum;
  }
  return { validations: all.count, requests: all.sum, byKind };
}
