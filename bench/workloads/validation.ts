/**
 * Validation workloads against the local token-auth registry (each template its own image,
 * see lib/images.ts). Every run gets a fresh worker process, so that no run starts with caches
 * another filled, warmed up on an image of its own first, as a long-running worker would be:
 * - one at a time: templates created one after another, each awaited: the latency a user
 *   feels; then, on the same worker with other images, a burst of N created through the API
 *   (16 clients) while the worker runs at its default concurrency: time from the first create
 *   to the last Active, and each template's create→Active;
 * - drain: N templates queued while the queue is paused, then a worker at concurrency 1, 16,
 *   64 drains them: validations per second. In the full run also the same drain with one image
 *   for all N, to show what the worker's caches are worth;
 * - the baseline: `skopeo inspect` of the same references, one after another and 16 at a time;
 * - registry requests per first validation and per re-validation (revalidation.ts).
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import * as os from 'node:os';
import { runCommand } from '../../test/support/processes/child-process';
import { VALIDATION_QUEUE } from '../../libs/queue/src/validation-queue';
import { BenchContext, authHeaders, mapConcurrently, newOrgId, sleep, templateBody, templatesPath } from '../lib/context';
import { createAndAwaitActive } from '../lib/fixtures';
import { cpuBetween, snapshotCpu } from '../lib/cpu-accounting';
import { runLoad } from '../lib/load';
import { RunningService } from '../lib/processes';
import { PRODUCT_NODE_FLAGS, startWorker } from '../lib/product';
import { Spread, ascending, percentile, spread } from '../lib/stats';
import { measureRevalidation, RevalidationResults } from './revalidation';
import { FloorRatio, FloorRecorder, FloorResults } from './validation-floor';

export interface BurstResults {
  templates: number;
  workerConcurrency: number;
  /** First create (created_at) to last Active (validation_checked_at), seconds. */
  allActiveSec: Spread;
  /** Per template, validation_checked_at − created_at. */
  createToActiveP50Ms: Spread;
  createToActiveP99Ms: Spread;
  failed: number;
  apiPeakRssMB: number;
  workerPeakRssMB: number;
}

export interface IsolatedResults {
  samplesPerRun: number;
  /** POST sent → the row reads Active (the client polls it every 2 ms). */
  postToActiveP50Ms: Spread;
  postToActiveP99Ms: Spread;
  /** From the row's own timestamps: validation_checked_at − created_at. */
  rowCreateToActiveP50Ms: Spread;
  workerPeakRssMB: number;
}

export interface DrainResults {
  label: string;
  workerConcurrency: number;
  templates: number;
  distinctImages: boolean;
  /** False for the drain on a worker without the product's node flags (the A/B; not a figure of the product). */
  productFlags: boolean;
  /** The org's image policy required the images' cosign signature (checked on every validation). */
  signatures?: boolean;
  validationsPerSec: Spread;
  failed: number;
  workerPeakRssMB: number;
  /** CPU milliseconds per validation by process role, over all runs (see lib/cpu-accounting.ts). */
  cpuMsPerValidation: Record<string, number>;
}

export interface SkopeoResults {
  parallelism: number;
  refs: number;
  refsPerSec: Spread;
  /** CPU milliseconds per image by process role (skopeo counts as "load generator / skopeo"). */
  cpuMsPerImage: Record<string, number>;
}

export interface ValidationResults {
  burst: BurstResults;
  isolated: IsolatedResults;
  drains: DrainResults[];
  /** The bare HTTP exchanges of one validation, same registry and images, at the worker's default concurrency. */
  floors: FloorResults[];
  /** Drains with distinct images at the default concurrency, as a ratio of the floors (same rounds). */
  floorRatios: FloorRatio[];
  skopeo: SkopeoResults[];
  /** Registry requests per first validation and per re-validation of an unchanged image (fresh worker). */
  revalidation?: RevalidationResults;
}

export async function runValidationWorkloads(ctx: BenchContext): Promise<ValidationResults> {
  const redis = new IORedis(ctx.settings.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(VALIDATION_QUEUE, { connection: redis });
  try {
    // skopeo first, while Postgres is idle (after the drains it is busy vacuuming their rows).
    const skopeo = await measureSkopeo(ctx);
    const { isolated, burst } = await measureIsolatedAndBurst(ctx);
    const { drains, floors, floorRatios } = await measureDrains(ctx, queue);
    const revalidation = await measureRevalidation(
      ctx,
      queue,
      (concurrency, use) => withWorker(ctx, concurrency, use),
      (orgId, images) => createMany(ctx, orgId, images),
      (orgId, expected) => awaitAllFinished(ctx, orgId, expected),
    );
    return { burst, isolated, drains, floors, floorRatios, skopeo, revalidation };
  } finally {
    await queue.close();
    redis.disconnect();
  }
}

/**
 * A fresh worker (no cache filled by an earlier run), warmed up like a long-running one: one
 * validation of the warm-up image first, so code is compiled and connections are open.
 */
async function withWorker<T>(
  ctx: BenchContext,
  concurrency: number,
  use: (worker: RunningService) => Promise<T>,
  { withoutProductFlags = false }: { withoutProductFlags?: boolean } = {},
): Promise<T> {
  const worker = await startWorker(ctx.layout, ctx.settings, concurrency, { withoutProductFlags });
  let result: T;
  try {
    await createAndAwaitActive(ctx, newOrgId('warm-up'), ctx.images.warmUp);
    result = await use(worker);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  // Every job has finished and the shutdown is not what is measured.
  await worker.stop({ kill: true });
  return result;
}

/**
 * Per round, one fresh worker at the default concurrency: first templates created one at a
 * time (the latency a user feels), then a burst of N created by 16 clients, with images the
 * one-at-a-time part did not touch.
 */
async function measureIsolatedAndBurst(ctx: BenchContext): Promise<{ isolated: IsolatedResults; burst: BurstResults }> {
  const { isolatedSamples: samples, templates, defaultConcurrency } = ctx.options.validation;
  const isolatedImages = ctx.images.refs.slice(0, samples);
  const burstImages = ctx.images.refs.slice(samples, samples + templates);
  const isolatedRuns: { post: number[]; row: number[]; peak: number }[] = [];
  const burstRuns: { totalSec: number; p50: number; p99: number; failed: number; apiPeak: number; workerPeak: number }[] = [];
  for (let round = 1; round <= ctx.options.repetitions; round++) {
    await withWorker(ctx, defaultConcurrency, async (worker) => {
      const isolatedOrg = newOrgId('isolated');
      worker.resetPeak();
      const post: number[] = [];
      for (const image of isolatedImages) post.push((await createAndAwaitActive(ctx, isolatedOrg, image)).postToActiveMs);
      const row = (await rowLatencies(ctx, isolatedOrg)).map((r) => r.createToActiveMs);
      isolatedRuns.push({ post: ascending(post), row: ascending(row), peak: worker.peakRssMB() });
      const last = isolatedRuns[isolatedRuns.length - 1];
      ctx.log(`  one at a time, round ${round}: POST→Active p50 ${percentile(last.post, 50).toFixed(1)} ms, p99 ${percentile(last.post, 99).toFixed(1)} ms`);

      const burstOrg = newOrgId('burst');
      worker.resetPeak();
      ctx.api.resetPeak();
      await createMany(ctx, burstOrg, burstImages);
      const failed = await awaitAllFinished(ctx, burstOrg, burstImages.length);
      const rows = await rowLatencies(ctx, burstOrg);
      const latencies = ascending(rows.map((r) => r.createToActiveMs));
      const first = Math.min(...rows.map((r) => r.createdAt));
      const lastActive = Math.max(...rows.map((r) => r.checkedAt));
      const run = {
        totalSec: (lastActive - first) / 1000,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        failed,
        apiPeak: ctx.api.peakRssMB(),
        workerPeak: worker.peakRssMB(),
      };
      burstRuns.push(run);
      ctx.log(`  burst round ${round}: ${burstImages.length} Active in ${run.totalSec.toFixed(2)} s, create→Active p50 ${run.p50.toFixed(0)} ms, p99 ${run.p99.toFixed(0)} ms, failed ${failed}`);
    });
  }
  return {
    isolated: {
      samplesPerRun: samples,
      postToActiveP50Ms: spread(isolatedRuns.map((r) => percentile(r.post, 50))),
      postToActiveP99Ms: spread(isolatedRuns.map((r) => percentile(r.post, 99))),
      rowCreateToActiveP50Ms: spread(isolatedRuns.map((r) => percentile(r.row, 50))),
      workerPeakRssMB: Math.max(...isolatedRuns.map((r) => r.peak)),
    },
    burst: {
      templates: burstImages.length,
      workerConcurrency: defaultConcurrency,
      allActiveSec: spread(burstRuns.map((r) => r.totalSec)),
      createToActiveP50Ms: spread(burstRuns.map((r) => r.p50)),
      createToActiveP99Ms: spread(burstRuns.map((r) => r.p99)),
      failed: burstRuns.reduce((sum, r) => sum + r.failed, 0),
      apiPeakRssMB: Math.max(...burstRuns.map((r) => r.apiPeak)),
      workerPeakRssMB: Math.max(...burstRuns.map((r) => r.workerPeak)),
    },
  };
}

async function measureDrains(
  ctx: BenchContext,
  queue: Queue,
): Promise<{ drains: DrainResults[]; floors: FloorResults[]; floorRatios: FloorRatio[] }> {
  const { templates, drainConcurrencies, sameImageDrain, signatureDrain, defaultConcurrency } = ctx.options.validation;
  const distinct = ctx.images.refs.slice(0, templates);
  const floor = new FloorRecorder(ctx, distinct, defaultConcurrency, signatureDrain);
  const cells = [
    ...drainConcurrencies.flatMap((concurrency) => [
      { label: `drain c${concurrency}`, concurrency, images: distinct, distinctImages: true, signatures: false, productFlags: true },
      // The A/B of the product's node flags: the same drain right after, on a worker without them.
      ...(concurrency === defaultConcurrency && PRODUCT_NODE_FLAGS.worker.length
        ? [{ label: `drain c${concurrency} (no flags)`, concurrency, images: distinct, distinctImages: true, signatures: false, productFlags: false }]
        : []),
    ]),
    ...(signatureDrain
      ? [
          {
            label: `drain c${defaultConcurrency}, signatures required`,
            concurrency: defaultConcurrency,
            images: distinct,
            distinctImages: true,
            signatures: true,
            productFlags: true,
          },
        ]
      : []),
    ...(sameImageDrain
      ? [
          {
            label: `drain c${defaultConcurrency}, one image`,
            concurrency: defaultConcurrency,
            images: distinct.map(() => distinct[0]),
            distinctImages: false,
            signatures: false,
            productFlags: true,
          },
        ]
      : []),
  ];
  const runs = new Map(
    cells.map((cell) => [cell.label, { rates: [] as number[], failed: 0, peaks: [] as number[], cpu: {} as Record<string, number>, count: 0 }]),
  );
  for (let round = 1; round <= ctx.options.repetitions; round++) {
    await floor.measureRound(round);
    for (const cell of cells) {
      const orgId = newOrgId('drain');
      const record = runs.get(cell.label)!;
      await withWorker(ctx, cell.concurrency, async (worker) => {
        await queue.pause();
        if (cell.signatures) await putImagePolicy(ctx, orgId, ctx.images.signaturePolicy);
        await createMany(ctx, orgId, cell.images);
        worker.resetPeak();
        const before = snapshotCpu();
        const started = performance.now();
        await queue.resume();
        record.failed += await awaitAllFinished(ctx, orgId, cell.images.length);
        const seconds = (performance.now() - started) / 1000;
        const cpu = cpuBetween(before, snapshotCpu(), { api: ctx.api.pid, worker: worker.pid });
        for (const [role, cpuSeconds] of Object.entries(cpu.cpuSec)) record.cpu[role] = (record.cpu[role] ?? 0) + cpuSeconds;
        record.count += cell.images.length;
        record.rates.push(cell.images.length / seconds);
        record.peaks.push(worker.peakRssMB());
        ctx.log(`  ${cell.label} round ${round}: ${cell.images.length} in ${seconds.toFixed(2)} s = ${(cell.images.length / seconds).toFixed(0)}/s`);
      }, { withoutProductFlags: !cell.productFlags });
    }
  }
  const drains = cells.map((cell) => {
    const record = runs.get(cell.label)!;
    return {
      label: cell.label,
      workerConcurrency: cell.concurrency,
      templates: cell.images.length,
      distinctImages: cell.distinctImages,
      productFlags: cell.productFlags,
      ...(cell.signatures ? { signatures: true } : {}),
      validationsPerSec: spread(record.rates),
      failed: record.failed,
      workerPeakRssMB: Math.max(...record.peaks),
      cpuMsPerValidation: Object.fromEntries(Object.entries(record.cpu).map(([role, seconds]) => [role, (seconds * 1000) / record.count])),
    };
  });
  const atDefault = (signatures: boolean) =>
    cells.find((cell) => cell.distinctImages && cell.productFlags && cell.signatures === signatures && cell.concurrency === defaultConcurrency);
  const floorRatios = [false, true].flatMap((signatures) => {
    const cell = atDefault(signatures);
    return cell ? [floor.ratio(defaultConcurrency, runs.get(cell.label)!.rates, signatures)] : [];
  });
  return { drains, floors: floor.results(), floorRatios };
}

/** Sets the org's image policy through the API (before its templates exist: it queues nothing). */
async function putImagePolicy(ctx: BenchContext, orgId: string, policy: BenchContext['images']['signaturePolicy']): Promise<void> {
  const response = await fetch(`${ctx.api.url}/api/v1beta1/orgs/${orgId}/image-policy`, {
    method: 'PUT',
    headers: { ...(await authHeaders(ctx, orgId)), 'content-type': 'application/json' },
    body: JSON.stringify(policy),
  });
  if (response.status !== 200) throw new Error(`PUT image-policy answered ${response.status}: ${await response.text()}`);
}

async function measureSkopeo(ctx: BenchContext): Promise<SkopeoResults[]> {
  const { skopeoSequentialRefs, skopeoParallelRefs, skopeoParallelism } = ctx.options.validation;
  const cells = [
    { parallelism: 1, refs: skopeoSequentialRefs },
    { parallelism: skopeoParallelism, refs: skopeoParallelRefs },
  ];
  const rates = cells.map(() => [] as number[]);
  const cpu = cells.map(() => ({}) as Record<string, number>);
  for (let round = 1; round <= ctx.options.repetitions; round++) {
    for (const [i, cell] of cells.entries()) {
      const indices = [...Array(cell.refs).keys()];
      const before = snapshotCpu();
      const started = performance.now();
      await mapConcurrently(indices, cell.parallelism, (index) => skopeoInspect(ctx, index));
      const seconds = (performance.now() - started) / 1000;
      const used = cpuBetween(before, snapshotCpu(), { api: ctx.api.pid });
      for (const [role, cpuSeconds] of Object.entries(used.cpuSec)) cpu[i][role] = (cpu[i][role] ?? 0) + cpuSeconds;
      rates[i].push(cell.refs / seconds);
      ctx.log(`  skopeo ×${cell.parallelism} round ${round}: ${cell.refs} refs in ${seconds.toFixed(2)} s = ${(cell.refs / seconds).toFixed(1)}/s`);
    }
  }
  const images = (cell: { refs: number }) => cell.refs * ctx.options.repetitions;
  return cells.map((cell, i) => ({
    parallelism: cell.parallelism,
    refs: cell.refs,
    refsPerSec: spread(rates[i]),
    cpuMsPerImage: Object.fromEntries(Object.entries(cpu[i]).map(([role, seconds]) => [role, (seconds * 1000) / images(cell)])),
  }));
}

/** What a person would run to check an image by hand: manifest and config, no tag list. */
async function skopeoInspect(ctx: BenchContext, index: number): Promise<void> {
  const { reader, refs, digests } = ctx.images;
  const { stdout } = await runCommand(
    'skopeo',
    ['inspect', '--no-tags', '--cert-dir', ctx.env.caDir, '--creds', `${reader.username}:${reader.password}`, `docker://${refs[index]}`],
    { timeoutMs: 60_000, env: { PATH: process.env.PATH, HOME: os.tmpdir() } },
  );
  const digest = (JSON.parse(stdout) as { Digest?: string }).Digest;
  if (digest !== digests[index]) throw new Error(`skopeo inspect ${refs[index]} reported ${digest}, expected ${digests[index]}`);
}

/** Creates one template per image through the API (16 clients); all must answer 201. */
export async function createMany(ctx: BenchContext, orgId: string, images: string[]): Promise<void> {
  const result = await runLoad(ctx.layout.benchOutDir, {
    url: ctx.api.url,
    connections: 16,
    durationSec: 0,
    warmupRequests: 0,
    headers: await authHeaders(ctx, orgId),
    scenario: {
      kind: 'create',
      collectionPath: templatesPath(orgId),
      bodies: images.map((image, i) => templateBody(ctx.images, image, `tpl-${i}`)),
    },
  });
  if (result.errors > 0 || result.requests !== images.length) {
    throw new Error(`creating ${images.length} templates: ${result.requests} answered, ${JSON.stringify(result.breakdown)}`);
  }
}

/** Polls the org's rows until every validation finished; returns how many failed. */
export async function awaitAllFinished(ctx: BenchContext, orgId: string, expected: number, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await ctx.db.query<{ finished: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE validation_state IN ('passed', 'failed'))::int AS finished,
              count(*) FILTER (WHERE validation_state = 'failed')::int AS failed
       FROM templates WHERE org_id = $1`,
      [orgId],
    );
    const { finished, failed } = rows[0];
    if (finished >= expected) {
      if (failed > 0) {
        const sample = await ctx.db.query('SELECT image, validation_error FROM templates WHERE org_id = $1 AND validation_state = $2 LIMIT 1', [orgId, 'failed']);
        ctx.log(`  ${failed} validations failed, e.g. ${JSON.stringify(sample.rows[0])}`);
      }
      return failed;
    }
    if (Date.now() > deadline) throw new Error(`only ${finished} of ${expected} validations of ${orgId} finished after ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function rowLatencies(ctx: BenchContext, orgId: string): Promise<{ createdAt: number; checkedAt: number; createToActiveMs: number }[]> {
  const { rows } = await ctx.db.query<{ created_at: Date; validation_checked_at: Date }>(
    `SELECT created_at, validation_checked_at FROM templates WHERE org_id = $1 AND status = 'Active' ORDER BY created_at, id`,
    [orgId],
  );
  return rows.map((row) => ({
    createdAt: row.created_at.getTime(),
    checkedAt: row.validation_checked_at.getTime(),
    createToActiveMs: row.validation_checked_at.getTime() - row.created_at.getTime(),
  }));
}
