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
exports.runProfiles = runProfiles;
const bullmq_1 = require("bullmq");
const ioredis_1 = __importDefault(require("ioredis"));
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const validation_queue_1 = require("../../libs/queue/src/validation-queue");
const context_1 = require("../lib/context");
const cpu_profile_1 = require("../lib/cpu-profile");
const fixtures_1 = require("../lib/fixtures");
const load_1 = require("../lib/load");
const product_1 = require("../lib/product");
const validation_1 = require("./validation");
async function runProfiles(ctx, outDir) {
    const sections = [`## CPU profiles (${ctx.options.mode} settings)`, ''];
    const memory = ['| process | when | RSS MB | JS heap used MB | heap total MB | external MB | array buffers MB |', '| --- | --- | --- | --- | --- | --- | --- |'];
    const profiled = (name) => ({
        profileHooks: true,
        extraEnv: { BENCH_CPU_PROFILE: path.join(outDir, `${name}.cpuprofile`), BENCH_MEMORY_REPORT: path.join(outDir, `${name}.memory.json`) },
    });
    const finish = async (service, name, title, when) => {
        const rss = service.rssMB();
        await service.stop();
        const report = JSON.parse((0, node_fs_1.readFileSync)(path.join(outDir, `${name}.memory.json`), 'utf8'));
        const mb = (bytes) => (bytes / 1e6).toFixed(0);
        const u = report.memoryUsage;
        memory.push(`| ${title} | ${when} | ${rss.toFixed(0)} | ${mb(u.heapUsed)} | ${mb(u.heapTotal)} | ${mb(u.external)} | ${mb(u.arrayBuffers)} |`);
        if (when !== 'idle after boot')
            sections.push((0, cpu_profile_1.renderProfileSummary)(`${title}: ${when}`, (0, cpu_profile_1.summarizeProfile)(path.join(outDir, `${name}.cpuprofile`))));
    };
    await finish(await (0, product_1.startApi)(ctx.layout, ctx.settings, profiled('api-idle')), 'api-idle', 'API', 'idle after boot');
    await finish(await (0, product_1.startWorker)(ctx.layout, ctx.settings, 16, profiled('worker-idle')), 'worker-idle', 'worker c16', 'idle after boot');
    const orgId = (0, context_1.newOrgId)('profile');
    await (0, fixtures_1.seedOrg)(ctx.db, orgId, 100, ctx.prototypeId);
    await ctx.db.query('ANALYZE templates');
    const headers = await (0, context_1.authHeaders)(ctx, orgId);
    const ids = await (0, fixtures_1.templateIds)(ctx.db, orgId, 100);
    const cycleOrg = (0, context_1.newOrgId)('profile-cd');
    const loads = [
        { name: 'api-get', title: 'API GET one', scenario: { kind: 'get', paths: ids.map((id) => `${(0, context_1.templatesPath)(orgId)}/${id}`) }, headers },
        { name: 'api-list', title: 'API list', scenario: { kind: 'get', paths: [(0, context_1.templatesPath)(orgId)] }, headers },
        {
            name: 'api-create-delete',
            title: 'API create + delete',
            scenario: { kind: 'create-delete', collectionPath: (0, context_1.templatesPath)(cycleOrg), body: (0, context_1.templateBody)(ctx.images, ctx.images.refs[0]) },
            headers: await (0, context_1.authHeaders)(ctx, cycleOrg),
        },
    ];
    for (const load of loads) {
        const api = await (0, product_1.startApi)(ctx.layout, ctx.settings, profiled(load.name));
        api.startProfiling();
        const result = await (0, load_1.runLoad)(ctx.layout.benchOutDir, {
            url: api.url,
            connections: 16,
            durationSec: Math.max(5, ctx.options.api.durationSec * 2),
            warmupSec: 0,
            headers: load.headers,
            scenario: load.scenario,
        });
        ctx.log(`  profiled ${load.title}: ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.latencyMs.p99.toFixed(1)} ms`);
        await finish(api, load.name, load.title, `16 clients, ${result.requestsPerSec.toFixed(0)} req/s`);
    }
    const redis = new ioredis_1.default(ctx.settings.redisUrl, { maxRetriesPerRequest: null });
    const queue = new bullmq_1.Queue(validation_queue_1.VALIDATION_QUEUE, { connection: redis });
    try {
        for (const concurrency of [1, 16]) {
            const name = `worker-drain-c${concurrency}`;
            const drainOrg = (0, context_1.newOrgId)('profile-drain');
            const images = ctx.images.refs.slice(0, ctx.options.validation.templates);
            await queue.drain(true);
            await queue.pause();
            await (0, validation_1.createMany)(ctx, drainOrg, images);
            const worker = await (0, product_1.startWorker)(ctx.layout, ctx.settings, concurrency, profiled(name));
            worker.startProfiling();
            const started = performance.now();
            await queue.resume();
            await (0, validation_1.awaitAllFinished)(ctx, drainOrg, images.length);
            const rate = images.length / ((performance.now() - started) / 1000);
            ctx.log(`  profiled drain c${concurrency}: ${rate.toFixed(0)} validations/s`);
            await finish(worker, name, `worker c${concurrency}`, `drain of ${images.length}, ${rate.toFixed(0)} validations/s`);
        }
    }
    finally {
        await queue.close();
        redis.disconnect();
    }
    return [...sections, '#### Memory (process.memoryUsage() at exit; RSS from /proc just before)', '', ...memory, ''].join('\n');
}
