/**
 * The worker's background work at scale (issue 13, part 4):
 * - the outbox sweep's and the re-validation scheduler's statements (libs/db/src/outbox-queries.ts,
 *   the very SQL the worker runs) on a table of 10 thousand, 100 thousand and a million
 *   templates across 10,000 orgs, seeded with SQL (93 % Active and checked evenly over the
 *   last REVALIDATE_INTERVAL, 2 % of all overdue; 2 % failed; 5 % pending with no job: backlogs
 *   from which the sweep and a claim of 200 read a full batch at every size): the tick's database time
 *   from the client, Postgres' own execution time and the plan of each. The scheduler's
 *   statement as it was before the pacing (its due time stretched by a hash of the id, which
 *   no index can bound) runs beside it for comparison. Claims run in a transaction that is
 *   rolled back, so every size and repetition sees the same rows;
 * - a drain of N queued validations by 1, 2 and 4 worker processes against the one registry,
 *   at a per-worker concurrency that leaves one worker waiting on the registry (2) and at the
 *   default (16): validations/s, how close to linear, and where the CPU went (the registry and
 *   its token server, Postgres, the workers), which says when the registry or the machine is
 *   the limit.
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { PoolClient } from 'pg';
import { VALIDATION_QUEUE } from '../../libs/queue/src/validation-queue';
import {
  CLAIM_DUE_REVALIDATIONS_SQL,
  REVALIDATION_POPULATION_ESTIMATE_SQL,
  UNFINISHED_VALIDATIONS_SQL,
} from '../../libs/db/src/outbox-queries';
import { revalidationBatch, revalidationTickMs } from '../../apps/worker/src/revalidation/revalidation-pacing';
import { BenchContext, newOrgId } from '../lib/context';
import { cpuBetween, snapshotCpu } from '../lib/cpu-accounting';
import { RunningService } from '../lib/processes';
import { startWorker } from '../lib/product';
import { Spread, spread } from '../lib/stats';
import { awaitAllFinished, createMany } from './validation';

const DAY_MS = 86_400_000;
/** The defaults the worker runs with: REVALIDATE_INTERVAL 24 h (tick 10 s), SWEEP_MIN_AGE 30 s, sweep batch 500. */
const INTERVAL_MS = DAY_MS;
const SWEEP_MIN_AGE_MS = 30_000;
const SWEEP_BATCH = 500;
const SEED_ORGS = 10_000;

/** The scheduler's claim before this change, kept here only to be measured beside the new one. */
const CLAIM_BEFORE_SQL = `UPDATE templates SET validation_state = 'pending', validation_attempts = 0, validation_queued_at = now()
WHERE id IN (
  SELECT id FROM templates
  WHERE status = 'Active' AND validation_state = 'passed'
    AND validation_checked_at < now() - $1::double precision * (1 + (abs(hashtext(id::text)) % 1000) / 10000.0) * interval '1 millisecond'
  ORDER BY validation_checked_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
RETURNING id`;

/**
 * `scheduler`: the claim at the tick's own paced batch (it grows with the population, by
 * design: every template is re-checked once per interval); `scheduler, batch 200` and
 * `scheduler before`: the claim now and before the change at one fixed batch, to compare;
 * `… nothing due`: both with an interval of 26 h, longer than any seeded check is old, the
 * tick between bursts.
 */
export type BackgroundQuery =
  | 'sweep'
  | 'scheduler'
  | 'scheduler, batch 200'
  | 'scheduler before'
  | 'scheduler, nothing due'
  | 'scheduler before, nothing due';

/** The batch of the scheduler before the change, and the fixed one both claims are compared at. */
const FIXED_BATCH = 200;
/** Longer than any seeded check is old (the overdue ones are at most 25 h): nothing is due. */
const NOTHING_DUE_INTERVAL_MS = 26 * 3_600_000;

export interface BackgroundQueryFigure {
  query: BackgroundQuery;
  size: number;
  /** The statement's round trip from the worker's side (median of the executions), ms. */
  clientMs: Spread;
  /** Postgres' own execution time (EXPLAIN ANALYZE), ms. */
  executionMs: Spread;
  /** Every node of the plan, outermost first, e.g. "Limit > Index Scan (templates_unfinished_queued_at_idx)". */
  plan: string;
  seqScan: boolean;
  /** Rows the scan of the range read (returned or removed by its filter), and the rows the statement returned. */
  rowsScanned: number;
  rowsReturned: number;
  sharedBuffers: number;
}

export interface TickFigure {
  size: number;
  /** Rows in the table at this point (the other workloads' templates included). */
  tableRows: number;
  /** What the scheduler would claim per tick at this size (population estimate, pacing). */
  batch: number;
  /** Population estimate + claim, the scheduler tick's database work, ms. */
  schedulerTickMs: Spread;
  /** The sweep's query, the sweep tick's database work when nothing needs re-enqueueing, ms. */
  sweepTickMs: Spread;
}

export interface WorkerScalingFigure {
  workers: number;
  workerConcurrency: number;
  templates: number;
  validationsPerSec: Spread;
  /** validations/s over the single worker's, per round, then the median. */
  speedup: Spread;
  failed: number;
  /** Cores busy meanwhile, by role (CPU seconds over wall seconds, median run). */
  coresByRole: Record<string, number>;
  /** CPU ms per validation, by role, over all runs. */
  cpuMsPerValidation: Record<string, number>;
}

export interface BackgroundResults {
  sizes: number[];
  orgs: number;
  intervalMs: number;
  queries: BackgroundQueryFigure[];
  ticks: TickFigure[];
  scaling: WorkerScalingFigure[];
}

export async function runBackgroundWorkloads(ctx: BenchContext): Promise<BackgroundResults> {
  // The drains first, on the small table the other workloads left; then the table grows.
  const scaling = await measureWorkerScaling(ctx);
  const queries: BackgroundQueryFigure[] = [];
  const ticks: TickFigure[] = [];
  const { sizes, executions } = ctx.options.background;
  const client = await ctx.db.connect();
  try {
    // Seeding a million rows, and the claims' EXPLAIN ANALYZE, outlast the role's statement timeout.
    await client.query('SET statement_timeout = 0');
    let seeded = 0;
    for (const size of sizes) {
      const started = performance.now();
      await seedSteadyState(client, seeded, size, ctx.prototypeId);
      seeded = size;
      await client.query('VACUUM ANALYZE templates'); // what autovacuum does for a table this busy
      ctx.log(`Background: ${size.toLocaleString('en-US')} templates across ${SEED_ORGS.toLocaleString('en-US')} orgs (seeded in ${((performance.now() - started) / 1000).toFixed(0)} s)`);
      const batch = await estimatedBatch(client);
      const sweepArgs = () => [new Date(Date.now() - SWEEP_MIN_AGE_MS), SWEEP_BATCH];
      const figures = [
        await measureStatement(client, 'sweep', size, UNFINISHED_VALIDATIONS_SQL, sweepArgs, executions, false),
        await measureStatement(client, 'scheduler', size, CLAIM_DUE_REVALIDATIONS_SQL, () => [INTERVAL_MS, batch], executions, true),
        await measureStatement(client, 'scheduler, batch 200', size, CLAIM_DUE_REVALIDATIONS_SQL, () => [INTERVAL_MS, FIXED_BATCH], executions, true),
        await measureStatement(client, 'scheduler before', size, CLAIM_BEFORE_SQL, () => [INTERVAL_MS, FIXED_BATCH], executions, true),
        await measureStatement(client, 'scheduler, nothing due', size, CLAIM_DUE_REVALIDATIONS_SQL, () => [NOTHING_DUE_INTERVAL_MS, batch], executions, true),
        // Reads every Active template: fewer executions at a million.
        await measureStatement(client, 'scheduler before, nothing due', size, CLAIM_BEFORE_SQL, () => [NOTHING_DUE_INTERVAL_MS, FIXED_BATCH], Math.min(executions, 3), true),
      ];
      const tableRows = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM templates')).rows[0].n);
      queries.push(...figures);
      const estimateMs = await timeStatement(client, REVALIDATION_POPULATION_ESTIMATE_SQL, () => [], executions, false);
      ticks.push({
        size,
        tableRows,
        batch,
        schedulerTickMs: spread(estimateMs.map((ms, i) => ms + figures[1].clientMs.runs[i])),
        sweepTickMs: figures[0].clientMs,
      });
      for (const figure of figures) {
        ctx.log(`  ${figure.query}: ${figure.clientMs.median.toFixed(2)} ms (Postgres ${figure.executionMs.median.toFixed(3)} ms, ${figure.rowsScanned} rows scanned): ${figure.plan}`);
      }
    }
  } finally {
    client.release();
  }
  return { sizes, orgs: SEED_ORGS, intervalMs: INTERVAL_MS, queries, ticks, scaling };
}

/**
 * Adds templates `from + 1 … to`: 93 % Active with their last check spread evenly over the
 * last interval (2 % of all an hour overdue: what the scheduler claims, 200 at the smallest
 * size, so that a claim of 200 is full at every size), 2 % failed for
 * good, 5 % pending and queued 30 s to 2.5 min ago with no job (a backlog, e.g. after Redis
 * lost its data: the sweep's worst case, a full batch every tick, even at 10,000). Copies of
 * the prototype's report and apps, across SEED_ORGS orgs.
 */
async function seedSteadyState(db: PoolClient, from: number, to: number, prototypeId: string): Promise<void> {
  if (to <= from) return;
  await db.query(
    `INSERT INTO templates (id, org_id, name, name_key, description, category, image, oci_registry_username,
                            oci_registry_token_ciphertext, status, apps, created_by, created_at, updated_at,
                            spec_version, validation_state, validation_error, validation_report,
                            validation_checked_at, validation_attempts, validation_queued_at)
     SELECT gen_random_uuid(), 'bench-scale-' || (g % $4::int), 'scale ' || g, 'scale ' || g, p.description, p.category, p.image,
            p.oci_registry_username, p.oci_registry_token_ciphertext,
            (CASE WHEN g % 100 < 93 THEN 'Active' ELSE 'Inactive' END)::"TemplateStatus",
            p.apps, p.created_by, now() - make_interval(secs => g % 2592000), now() - make_interval(secs => g % 86400), p.spec_version,
            (CASE WHEN g % 100 < 93 THEN 'passed' WHEN g % 100 < 95 THEN 'failed' ELSE 'pending' END)::"ValidationState",
            CASE WHEN g % 100 BETWEEN 93 AND 94 THEN '{"code":"manifest_not_found","message":"seeded","retryable":false}'::jsonb END,
            p.validation_report,
            CASE WHEN g % 50 = 0 THEN now() - interval '1 day' - make_interval(secs => g % 3600)
                 ELSE now() - make_interval(secs => (g::bigint * 7919) % 86400) END,
            1, now() - make_interval(secs => 30 + g % 120)
     FROM templates p, generate_series($1::int + 1, $2::int) g
     WHERE p.id = $3::uuid`,
    [from, to, prototypeId, SEED_ORGS],
  );
}

/** The scheduler's batch at this size: its own estimate and pacing (apps/worker RevalidationScheduler). */
async function estimatedBatch(db: PoolClient): Promise<number> {
  const { rows } = await db.query<{ estimate: number }>(REVALIDATION_POPULATION_ESTIMATE_SQL);
  return revalidationBatch(rows[0]?.estimate ?? 0, revalidationTickMs(INTERVAL_MS), INTERVAL_MS);
}

/** Client-side round trips of a statement; a write runs in a transaction that is rolled back. */
async function timeStatement(db: PoolClient, sql: string, args: () => unknown[], executions: number, rollback: boolean): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < executions; i++) {
    if (rollback) await db.query('BEGIN');
    const started = performance.now();
    await db.query(sql, args());
    times.push(performance.now() - started);
    if (rollback) await db.query('ROLLBACK');
  }
  return times;
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

async function measureStatement(
  db: PoolClient,
  query: BackgroundQuery,
  size: number,
  sql: string,
  args: () => unknown[],
  executions: number,
  rollback: boolean,
): Promise<BackgroundQueryFigure> {
  const clientMs = await timeStatement(db, sql, args, executions, rollback);
  const executionMs: number[] = [];
  let last: { Plan: PlanNode; 'Execution Time': number } | undefined;
  for (let i = 0; i < executions; i++) {
    if (rollback) await db.query('BEGIN');
    const { rows } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
      `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
      args(),
    );
    if (rollback) await db.query('ROLLBACK');
    last = rows[0]['QUERY PLAN'][0];
    executionMs.push(last['Execution Time']);
  }
  const nodes = flatten(last!.Plan);
  // The scan that reads the statement's range (the primary-key lookups of a claim are not it).
  const range = nodes.find((node) => /Scan/.test(node['Node Type']) && node['Relation Name'] === 'templates' && node['Index Name'] !== 'templates_pkey');
  return {
    query,
    size,
    clientMs: spread(clientMs),
    executionMs: spread(executionMs),
    plan: nodes.map((node) => (node['Index Name'] ? `${node['Node Type']} (${node['Index Name']})` : node['Node Type'])).join(' > '),
    seqScan: nodes.some((node) => node['Node Type'] === 'Seq Scan'),
    rowsScanned: range ? ((range['Actual Rows'] ?? 0) + (range['Rows Removed by Filter'] ?? 0)) * (range['Actual Loops'] ?? 1) : 0,
    rowsReturned: last!.Plan['Actual Rows'] ?? 0,
    sharedBuffers: (last!.Plan['Shared Hit Blocks'] ?? 0) + (last!.Plan['Shared Read Blocks'] ?? 0),
  };
}

/** The plan's nodes depth-first, parents before children. */
function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * N templates (each its own image) queued while the queue is paused, then 1, 2 or 4 worker
 * processes at the default concurrency drain them from the one registry. Rounds interleave
 * the worker counts. Each set of workers is warmed up first with a few validations of the
 * warm-up image (code compiled, connections open) that are not measured.
 */
async function measureWorkerScaling(ctx: BenchContext): Promise<WorkerScalingFigure[]> {
  const { workerCounts, workerConcurrencies, drainTemplates } = ctx.options.background;
  const images = ctx.images.refs.slice(0, drainTemplates);
  const redis = new IORedis(ctx.settings.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(VALIDATION_QUEUE, { connection: redis });
  const cells = workerConcurrencies.flatMap((concurrency) => workerCounts.map((count) => ({ concurrency, count, key: `${count}x${concurrency}` })));
  const runs = new Map(cells.map((cell) => [cell.key, [] as { rate: number; cpu: Record<string, number>; wallSec: number; failed: number }[]]));
  try {
    for (let round = 1; round <= ctx.options.repetitions; round++) {
      for (const { concurrency, count, key } of cells) {
        const workers = await Promise.all(Array.from({ length: count }, () => startWorker(ctx.layout, ctx.settings, concurrency)));
        try {
          const warmUp = newOrgId('scaling-warm-up');
          // 16 (the creating load's connections), at least 4 per worker.
          const warmUps = Math.max(16, 4 * count);
          await createMany(ctx, warmUp, Array.from({ length: warmUps }, () => ctx.images.warmUp));
          await awaitAllFinished(ctx, warmUp, warmUps);
          await queue.pause();
          const orgId = newOrgId(`scaling-${count}`);
          await createMany(ctx, orgId, images);
          const before = snapshotCpu();
          const started = performance.now();
          await queue.resume();
          const failed = await awaitAllFinished(ctx, orgId, images.length);
          const wallSec = (performance.now() - started) / 1000;
          const roles = Object.fromEntries(workers.map((worker, i) => [`worker ${i + 1}`, worker.pid]));
          const { cpuSec } = cpuBetween(before, snapshotCpu(), { api: ctx.api.pid, ...roles });
          const cpu: Record<string, number> = {};
          for (const [role, seconds] of Object.entries(cpuSec)) {
            const key = role.startsWith('worker ') ? 'workers' : role;
            cpu[key] = (cpu[key] ?? 0) + seconds;
          }
          runs.get(key)!.push({ rate: images.length / wallSec, cpu, wallSec, failed });
          ctx.log(`  drain by ${count} worker(s) at concurrency ${concurrency}, round ${round}: ${images.length} in ${wallSec.toFixed(2)} s = ${(images.length / wallSec).toFixed(0)}/s`);
        } finally {
          await Promise.all(workers.map((worker: RunningService) => worker.stop({ kill: true })));
        }
      }
    }
  } finally {
    await queue.resume().catch(() => undefined);
    await queue.close();
    redis.disconnect();
  }
  return cells.map(({ concurrency, count, key }) => {
    const single = runs.get(`${workerCounts[0]}x${concurrency}`)!;
    const own = runs.get(key)!;
    const median = [...own].sort((a, b) => a.rate - b.rate)[Math.floor(own.length / 2)];
    const totals: Record<string, number> = {};
    for (const run of own) for (const [role, seconds] of Object.entries(run.cpu)) totals[role] = (totals[role] ?? 0) + seconds;
    const validations = own.length * images.length;
    return {
      workers: count,
      workerConcurrency: concurrency,
      templates: images.length,
      validationsPerSec: spread(own.map((run) => run.rate)),
      speedup: spread(own.map((run, i) => run.rate / single[i].rate)),
      failed: own.reduce((sum, run) => sum + run.failed, 0),
      coresByRole: Object.fromEntries(Object.entries(median.cpu).map(([role, seconds]) => [role, seconds / median.wallSec])),
      cpuMsPerValidation: Object.fromEntries(Object.entries(totals).map(([role, seconds]) => [role, (seconds * 1000) / validations])),
    };
  });
}

