/**
 * `npm run bench -- --profile`: the evidence behind a missed target. Runs the API's GET,
 * list and create+delete at 16 clients, and worker drains at concurrency 1 and 16, each in a
 * process of its own, profiled from just before the load so that boot is left out (see
 * lib/profile-hooks.ts); writes the .cpuprofile files (open them in
 * Chrome DevTools or speedscope) and a summary of where the CPU went, plus each process's
 * memory split (JS heap vs the rest) when idle after boot and after the workload.
 */
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VALIDATION_QUEUE } from '../../libs/queue/src/validation-queue';
import { BenchContext, authHeaders, newOrgId, templateBody, templatesPath } from '../lib/context';
import { renderProfileSummary, summarizeProfile } from '../lib/cpu-profile';
import { seedOrg, templateIds } from '../lib/fixtures';
import { runLoad } from '../lib/load';
import { RunningService, StartOptions } from '../lib/processes';
import { startApi, startWorker } from '../lib/product';
import { awaitAllFinished, createMany } from './validation';

interface MemoryReport {
  memoryUsage: NodeJS.MemoryUsage;
  heapSpaces: Record<string, number>;
}

export async function runProfiles(ctx: BenchContext, outDir: string): Promise<string> {
  const sections: string[] = [`## CPU profiles (${ctx.options.mode} settings)`, ''];
  const memory: string[] = ['| process | when | RSS MB | JS heap used MB | heap total MB | external MB | array buffers MB |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const profiled = (name: string): StartOptions => ({
    profileHooks: true,
    extraEnv: { BENCH_CPU_PROFILE: path.join(outDir, `${name}.cpuprofile`), BENCH_MEMORY_REPORT: path.join(outDir, `${name}.memory.json`) },
  });
  const finish = async (service: RunningService, name: string, title: string, when: string) => {
    const rss = service.rssMB();
    await service.stop();
    const report = JSON.parse(readFileSync(path.join(outDir, `${name}.memory.json`), 'utf8')) as MemoryReport;
    const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
    const u = report.memoryUsage;
    memory.push(`| ${title} | ${when} | ${rss.toFixed(0)} | ${mb(u.heapUsed)} | ${mb(u.heapTotal)} | ${mb(u.external)} | ${mb(u.arrayBuffers)} |`);
    if (when !== 'idle after boot') sections.push(renderProfileSummary(`${title}: ${when}`, summarizeProfile(path.join(outDir, `${name}.cpuprofile`))));
  };

  // Idle processes: what boot alone costs.
  await finish(await startApi(ctx.layout, ctx.settings, profiled('api-idle')), 'api-idle', 'API', 'idle after boot');
  await finish(await startWorker(ctx.layout, ctx.settings, 16, profiled('worker-idle')), 'worker-idle', 'worker c16', 'idle after boot');

  // API under load, one process per workload.
  const orgId = newOrgId('profile');
  await seedOrg(ctx.db, orgId, 100, ctx.prototypeId);
  await ctx.db.query('ANALYZE templates');
  const headers = await authHeaders(ctx, orgId);
  const ids = await templateIds(ctx.db, orgId, 100);
  const cycleOrg = newOrgId('profile-cd');
  const loads = [
    { name: 'api-get', title: 'API GET one', scenario: { kind: 'get' as const, paths: ids.map((id) => `${templatesPath(orgId)}/${id}`) }, headers },
    { name: 'api-list', title: 'API list', scenario: { kind: 'get' as const, paths: [templatesPath(orgId)] }, headers },
    {
      name: 'api-create-delete',
      title: 'API create + delete',
      scenario: { kind: 'create-delete' as const, collectionPath: templatesPath(cycleOrg), body: templateBody(ctx.images, ctx.images.refs[0]) },
      headers: await authHeaders(ctx, cycleOrg),
    },
  ];
  for (const load of loads) {
    const api = await startApi(ctx.layout, ctx.settings, profiled(load.name));
    api.startProfiling();
    const result = await runLoad(ctx.layout.benchOutDir, {
      url: api.url,
      connections: 16,
      durationSec: Math.max(5, ctx.options.api.durationSec * 2),
      warmupRequests: 0,
      headers: load.headers,
      scenario: load.scenario,
    });
    ctx.log(`  profiled ${load.title}: ${result.requestsPerSec.toFixed(0)} req/s, p99 ${result.latencyMs.p99.toFixed(1)} ms`);
    await finish(api, load.name, load.title, `16 clients, ${result.requestsPerSec.toFixed(0)} req/s`);
  }

  // Worker drains.
  const redis = new IORedis(ctx.settings.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(VALIDATION_QUEUE, { connection: redis });
  try {
    for (const concurrency of [1, 16]) {
      const name = `worker-drain-c${concurrency}`;
      const drainOrg = newOrgId('profile-drain');
      const images = ctx.images.refs.slice(0, ctx.options.validation.templates);
      await queue.drain(true); // jobs left by the create+delete profile (a create whose delete never ran)
      await queue.pause();
      await createMany(ctx, drainOrg, images);
      const worker = await startWorker(ctx.layout, ctx.settings, concurrency, profiled(name));
      worker.startProfiling();
      const started = performance.now();
      await queue.resume();
      await awaitAllFinished(ctx, drainOrg, images.length);
      const rate = images.length / ((performance.now() - started) / 1000);
      ctx.log(`  profiled drain c${concurrency}: ${rate.toFixed(0)} validations/s`);
      await finish(worker, name, `worker c${concurrency}`, `drain of ${images.length}, ${rate.toFixed(0)} validations/s`);
    }
  } finally {
    await queue.close();
    redis.disconnect();
  }
  return [...sections, '#### Memory (process.memoryUsage() at exit; RSS from /proc just before)', '', ...memory, ''].join('\n');
}
