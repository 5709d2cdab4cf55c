"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.runValidationWorkloads = runValidationWorkloads;
exports.createMany = createMany;
exports.awaitAllFinished = awaitAllFinished;
const bullmq_1 = require("bullmq");
const ioredis_1 = __importDefault(require("ioredis"));
const os = __importStar(require("node:os"));
const child_process_1 = require("../../test/support/child-process");
const validation_queue_1 = require("../../libs/queue/src/validation-queue");
const context_1 = require("../lib/context");
const fixtures_1 = require("../lib/fixtures");
const cpu_accounting_1 = require("../lib/cpu-accounting");
const load_1 = require("../lib/load");
const product_1 = require("../lib/product");
const stats_1 = require("../lib/stats");
async function runValidationWorkloads(ctx) {
    const redis = new ioredis_1.default(ctx.settings.redisUrl, { maxRetriesPerRequest: null });
    const queue = new bullmq_1.Queue(validation_queue_1.VALIDATION_QUEUE, { connection: redis });
    try {
        const isolated = await measureIsolated(ctx);
        const burst = await measureBurst(ctx);
        const drains = await measureDrains(ctx, queue);
        const skopeo = await measureSkopeo(ctx);
        return { burst, isolated, drains, skopeo };
    }
    finally {
        await queue.close();
        redis.disconnect();
    }
}
async function withWorker(ctx, concurrency, use) {
    const worker = await (0, product_1.startWorker)(ctx.layout, ctx.settings, concurrency);
    try {
        await (0, fixtures_1.createAndAwaitActive)(ctx, (0, context_1.newOrgId)('warm-up'), ctx.images.warmUp);
        return await use(worker);
    }
    finally {
        await worker.stop();
    }
}
async function measureIsolated(ctx) {
    const samples = ctx.options.validation.isolatedSamples;
    const runs = [];
    for (let round = 1; round <= ctx.options.repetitions; round++) {
        const orgId = (0, context_1.newOrgId)('isolated');
        runs.push(await withWorker(ctx, ctx.options.validation.defaultConcurrency, async (worker) => {
            worker.resetPeak();
            const post = [];
            for (let i = 0; i < samples; i++)
                post.push((await (0, fixtures_1.createAndAwaitActive)(ctx, orgId, ctx.images.refs[i])).postToActiveMs);
            const row = (await rowLatencies(ctx, orgId)).map((r) => r.createToActiveMs);
            return { post: (0, stats_1.ascending)(post), row: (0, stats_1.ascending)(row), peak: worker.peakRssMB() };
        }));
        const last = runs[runs.length - 1];
        ctx.log(`  isolated round ${round}: POST→Active p50 ${(0, stats_1.percentile)(last.post, 50).toFixed(1)} ms, p99 ${(0, stats_1.percentile)(last.post, 99).toFixed(1)} ms`);
    }
    return {
        samplesPerRun: samples,
        postToActiveP50Ms: (0, stats_1.spread)(runs.map((r) => (0, stats_1.percentile)(r.post, 50))),
        postToActiveP99Ms: (0, stats_1.spread)(runs.map((r) => (0, stats_1.percentile)(r.post, 99))),
        rowCreateToActiveP50Ms: (0, stats_1.spread)(runs.map((r) => (0, stats_1.percentile)(r.row, 50))),
        workerPeakRssMB: Math.max(...runs.map((r) => r.peak)),
    };
}
async function measureBurst(ctx) {
    const { templates, defaultConcurrency } = ctx.options.validation;
    const runs = [];
    for (let round = 1; round <= ctx.options.repetitions; round++) {
        const orgId = (0, context_1.newOrgId)('burst');
        runs.push(await withWorker(ctx, defaultConcurrency, async (worker) => {
            worker.resetPeak();
            ctx.api.resetPeak();
            await createMany(ctx, orgId, ctx.images.refs.slice(0, templates));
            const failed = await awaitAllFinished(ctx, orgId, templates);
            const rows = await rowLatencies(ctx, orgId);
            const latencies = (0, stats_1.ascending)(rows.map((r) => r.createToActiveMs));
            const first = Math.min(...rows.map((r) => r.createdAt));
            const last = Math.max(...rows.map((r) => r.checkedAt));
            return {
                totalSec: (last - first) / 1000,
                p50: (0, stats_1.percentile)(latencies, 50),
                p99: (0, stats_1.percentile)(latencies, 99),
                failed,
                apiPeak: ctx.api.peakRssMB(),
                workerPeak: worker.peakRssMB(),
            };
        }));
        const r = runs[runs.length - 1];
        ctx.log(`  burst round ${round}: ${templates} Active in ${r.totalSec.toFixed(2)} s, create→Active p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, failed ${r.failed}`);
    }
    return {
        templates,
        workerConcurrency: defaultConcurrency,
        allActiveSec: (0, stats_1.spread)(runs.map((r) => r.totalSec)),
        createToActiveP50Ms: (0, stats_1.spread)(runs.map((r) => r.p50)),
        createToActiveP99Ms: (0, stats_1.spread)(runs.map((r) => r.p99)),
        failed: runs.reduce((sum, r) => sum + r.failed, 0),
        apiPeakRssMB: Math.max(...runs.map((r) => r.apiPeak)),
        workerPeakRssMB: Math.max(...runs.map((r) => r.workerPeak)),
    };
}
async function measureDrains(ctx, queue) {
    const { templates, drainConcurrencies, sameImageDrain, defaultConcurrency } = ctx.options.validation;
    const distinct = ctx.images.refs.slice(0, templates);
    const cells = [
        ...drainConcurrencies.map((concurrency) => ({ label: `drain c${concurrency}`, concurrency, images: distinct, distinctImages: true })),
        ...(sameImageDrain
            ? [{ label: `drain c${defaultConcurrency}, one image`, concurrency: defaultConcurrency, images: distinct.map(() => distinct[0]), distinctImages: false }]
            : []),
    ];
    const runs = new Map(cells.map((cell) => [cell.label, { rates: [], failed: 0, peaks: [], cpu: {}, count: 0 }]));
    for (let round = 1; round <= ctx.options.repetitions; round++) {
        for (const cell of cells) {
            const orgId = (0, context_1.newOrgId)('drain');
            const record = runs.get(cell.label);
            await withWorker(ctx, cell.concurrency, async (worker) => {
                await queue.pause();
                await createMany(ctx, orgId, cell.images);
                worker.resetPeak();
                const before = (0, cpu_accounting_1.snapshotCpu)();
                const started = performance.now();
                await queue.resume();
                record.failed += await awaitAllFinished(ctx, orgId, cell.images.length);
                const seconds = (performance.now() - started) / 1000;
                const cpu = (0, cpu_accounting_1.cpuBetween)(before, (0, cpu_accounting_1.snapshotCpu)(), { api: ctx.api.pid, worker: worker.pid });
                for (const [role, cpuSeconds] of Object.entries(cpu.cpuSec))
                    record.cpu[role] = (record.cpu[role] ?? 0) + cpuSeconds;
                record.count += cell.images.length;
                record.rates.push(cell.images.length / seconds);
                record.peaks.push(worker.peakRssMB());
                ctx.log(`  ${cell.label} round ${round}: ${cell.images.length} in ${seconds.toFixed(2)} s = ${(cell.images.length / seconds).toFixed(0)}/s`);
            });
        }
    }
    return cells.map((cell) => {
        const record = runs.get(cell.label);
        return {
            label: cell.label,
            workerConcurrency: cell.concurrency,
            templates: cell.images.length,
            distinctImages: cell.distinctImages,
            validationsPerSec: (0, stats_1.spread)(record.rates),
            failed: record.failed,
            workerPeakRssMB: Math.max(...record.peaks),
            cpuMsPerValidation: Object.fromEntries(Object.entries(record.cpu).map(([role, seconds]) => [role, (seconds * 1000) / record.count])),
        };
    });
}
async function measureSkopeo(ctx) {
    const { skopeoSequentialRefs, skopeoParallelRefs, skopeoParallelism } = ctx.options.validation;
    const cells = [
        { parallelism: 1, refs: skopeoSequentialRefs },
        { parallelism: skopeoParallelism, refs: skopeoParallelRefs },
    ];
    const rates = cells.map(() => []);
    const cpu = cells.map(() => ({}));
    for (let round = 1; round <= ctx.options.repetitions; round++) {
        for (const [i, cell] of cells.entries()) {
            const indices = [...Array(cell.refs).keys()];
            const before = (0, cpu_accounting_1.snapshotCpu)();
            const started = performance.now();
            await (0, context_1.mapConcurrently)(indices, cell.parallelism, (index) => skopeoInspect(ctx, index));
            const seconds = (performance.now() - started) / 1000;
            const used = (0, cpu_accounting_1.cpuBetween)(before, (0, cpu_accounting_1.snapshotCpu)(), { api: ctx.api.pid });
            for (const [role, cpuSeconds] of Object.entries(used.cpuSec))
                cpu[i][role] = (cpu[i][role] ?? 0) + cpuSeconds;
            rates[i].push(cell.refs / seconds);
            ctx.log(`  skopeo ×${cell.parallelism} round ${round}: ${cell.refs} refs in ${seconds.toFixed(2)} s = ${(cell.refs / seconds).toFixed(1)}/s`);
        }
    }
    const images = (cell) => cell.refs * ctx.options.repetitions;
    return cells.map((cell, i) => ({
        parallelism: cell.parallelism,
        refs: cell.refs,
        refsPerSec: (0, stats_1.spread)(rates[i]),
        cpuMsPerImage: Object.fromEntries(Object.entries(cpu[i]).map(([role, seconds]) => [role, (seconds * 1000) / images(cell)])),
    }));
}
async function skopeoInspect(ctx, index) {
    const { reader, refs, digests } = ctx.images;
    const { stdout } = await (0, child_process_1.runCommand)('skopeo', ['inspect', '--no-tags', '--cert-dir', ctx.env.caDir, '--creds', `${reader.username}:${reader.password}`, `docker://${refs[index]}`], { timeoutMs: 60_000, env: { PATH: process.env.PATH, HOME: os.tmpdir() } });
    const digest = JSON.parse(stdout).Digest;
    if (digest !== digests[index])
        throw new Error(`skopeo inspect ${refs[index]} reported ${digest}, expected ${digests[index]}`);
}
async function createMany(ctx, orgId, images) {
    const result = await (0, load_1.runLoad)(ctx.layout.benchOutDir, {
        url: ctx.api.url,
        connections: 16,
        durationSec: 0,
        warmupSec: 0,
        headers: await (0, context_1.authHeaders)(ctx, orgId),
        scenario: {
            kind: 'create',
            collectionPath: (0, context_1.templatesPath)(orgId),
            bodies: images.map((image, i) => (0, context_1.templateBody)(ctx.images, image, `tpl-${i}`)),
        },
    });
    if (result.errors > 0 || result.requests !== images.length) {
        throw new Error(`creating ${images.length} templates: ${result.requests} answered, ${JSON.stringify(result.breakdown)}`);
    }
}
async function awaitAllFinished(ctx, orgId, expected, timeoutMs = 300_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const { rows } = await ctx.db.query(`SELECT count(*) FILTER (WHERE validation_state IN ('passed', 'failed'))::int AS finished,
              count(*) FILTER (WHERE validation_state = 'failed')::int AS failed
       FROM templates WHERE org_id = $1`, [orgId]);
        const { finished, failed } = rows[0];
        if (finished >= expected) {
            if (failed > 0) {
                const sample = await ctx.db.query('SELECT image, validation_error FROM templates WHERE org_id = $1 AND validation_state = $2 LIMIT 1', [orgId, 'failed']);
                ctx.log(`  ${failed} validations failed, e.g. ${JSON.stringify(sample.rows[0])}`);
            }
            return failed;
        }
        if (Date.now() > deadline)
            throw new Error(`only ${finished} of ${expected} validations of ${orgId} finished after ${timeoutMs} ms`);
        await (0, context_1.sleep)(10);
    }
}
async function rowLatencies(ctx, orgId) {
    const { rows } = await ctx.db.query(`SELECT created_at, validation_checked_at FROM templates WHERE org_id = $1 AND status = 'Active' ORDER BY created_at, id`, [orgId]);
    return rows.map((row) => ({
        createdAt: row.created_at.getTime(),
        checkedAt: row.validation_checked_at.getTime(),
        createToActiveMs: row.validation_checked_at.getTime() - row.created_at.getTime(),
    }));
}
