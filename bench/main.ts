/**
 * `npm run bench [-- --quick] [--only api,validation,growth] [--profile] [--node-flags="…"]`:
 * starts Postgres, Redis and the TLS registries like the tests do (test/support), starts the
 * built API and worker in production mode, runs the workloads, and writes
 * bench/results/<timestamp>-<mode>.json and .md (and points latest.md at it), then prints the table.
 * bench/run.sh builds what is stale and calls this. See bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { ProcessLedger } from '../test/support/processes/process-ledger';
import { runCommand } from '../test/support/processes/child-process';
import { startTestEnvironment, TestEnvironment } from '../test/support/environment';
import { startReaper } from '../test/support/processes/reaper';
import { createIdentityProvider } from '../test/support/identity-provider';
import { BenchContext, newOrgId } from './lib/context';
import { cpuBetween, snapshotCpu } from './lib/cpu-accounting';
import { createAndAwaitActive } from './lib/fixtures';
import { stopLoadRunner } from './lib/load';
import { pushBenchImages } from './lib/images';
import { describeCode, describeMachine } from './lib/machine';
import { BenchOptions, FULL, QUICK } from './lib/options';
import { ProcessLayout } from './lib/processes';
import { ProductSettings, startApi, startWorker } from './lib/product';
import { writeLatestPointer } from './lib/latest';
import { renderMarkdown } from './lib/report';
import { BenchResults } from './lib/results';
import { checkTargets, memoryRows } from './lib/targets';
import { runApiWorkloads } from './workloads/api';
import { runBackgroundWorkloads } from './workloads/background';
import { runGrowthWorkloads } from './workloads/growth';
import { runProfiles } from './workloads/profiles';
import { runValidationWorkloads } from './workloads/validation';

const WORKLOADS = ['validation', 'api', 'growth', 'background'] as const;
type Workload = (typeof WORKLOADS)[number];

/** bench/.build/out/bench/main.js → the repository root. */
const REPO_ROOT = path.resolve(__dirname, '../../../..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'node-flags': { type: 'string', default: '' },
      'compare-build': { type: 'string' },
      // Only the dedicated create+delete rounds against --compare-build (an A/B of two builds in minutes).
      'compare-only': { type: 'boolean', default: false },
      // What the compared build is, in the report (bench/run.sh passes it for the events-off build).
      'compare-label': { type: 'string' },
    },
  });
  if (values['compare-only'] && !values['compare-build']) throw new Error('--compare-only needs --compare-build=<dist of the other build>');
  const base: BenchOptions = values.quick ? QUICK : FULL;
  const options: BenchOptions = values['compare-only'] ? { ...base, api: { ...base.api, matrix: [] } } : base;
  const selected = values['compare-only'] ? new Set<Workload>(['api']) : parseOnly(values.only);
  const started = new Date();
  const clock = performance.now();
  const log = (line: string) => process.stderr.write(`[${((performance.now() - clock) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);

  const productDir = path.join(REPO_ROOT, 'bench/.build/product');
  if (!existsSync(path.join(productDir, 'apps/api/src/main.js'))) {
    throw new Error(`${productDir} holds no build: run the benchmark through \`npm run bench\``);
  }
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'airt-bench-'));
  const ledger = new ProcessLedger(path.join(runDir, 'processes.json'));
  // If this process dies, the reaper kills the API, worker and baseline processes it started.
  const reaper = startReaper({ ownerPid: process.pid, ledgerFile: ledger.file, baseDir: runDir, removeBaseDir: false });
  process.once('exit', () => ledger.killAll());
  const layout: ProcessLayout = { productDir, benchOutDir: path.join(REPO_ROOT, 'bench/.build/out'), runDir, ledger };

  let environment: TestEnvironment | undefined;
  let db: Pool | undefined;
  let jwksDir: string | undefined;
  let succeeded = false;
  try {
    log(`${options.mode} run; logs in ${runDir}`);
    environment = await startTestEnvironment();
    const env = environment.description;
    log(`Postgres, Redis and registries up in ${(env.startupMs / 1000).toFixed(1)} s`);
    db = new Pool({ connectionString: env.postgresUrl, max: 4 });
    await runCommand(process.execPath, [path.join(layout.productDir, 'apps/cli/src/main.js'), 'migrate'], {
      env: { PATH: process.env.PATH, DATABASE_URL: env.postgresUrl },
    });
    const idp = await createIdentityProvider();
    jwksDir = path.dirname(idp.jwksFile);
    const token = env.registries.token;
    const settings: ProductSettings = {
      databaseUrl: env.postgresUrl,
      redisUrl: env.redisUrl,
      jwksFile: idp.jwksFile,
      issuer: idp.issuer,
      audience: idp.audience,
      encryptionKeys: `bench-key:${randomBytes(32).toString('base64')}`,
      allowedPrivateHosts: [token.host, new URL(token.realmUrl).host],
      caFile: env.caFile,
      dataDir: path.join(runDir, 'data'),
      nodeFlags: values['node-flags'].split(' ').filter(Boolean),
    };
    const v = options.validation;
    const imageCount = values['compare-only']
      ? 2
      : Math.max(v.isolatedSamples + v.templates, v.skopeoSequentialRefs, v.skopeoParallelRefs, options.background.drainTemplates);
    const images = await pushBenchImages(env, imageCount);
    log(`${imageCount} images pushed to the token registry`);
    const [machine, code] = await Promise.all([describeMachine(db, REPO_ROOT), describeCode(REPO_ROOT)]);
    const loadStart = os.loadavg();

    const [api, prototypeWorker] = await Promise.all([startApi(layout, settings), startWorker(layout, settings, v.defaultConcurrency)]);
    // A real end-to-end validation first: it proves the set-up, and seeded rows copy it.
    const prototype = await createAndAwaitActive({ api, db, idp, images }, newOrgId('prototype'), images.warmUp).finally(() =>
      prototypeWorker.stop(),
    );
    log(`API and worker up; a first template went Active in ${prototype.postToActiveMs.toFixed(0)} ms`);
    // --compare-build: the API of another build (its dist/), for cells interleaved with ours.
    const comparedDir = values['compare-build'] ? path.resolve(values['compare-build']) : undefined;
    const comparedApi = comparedDir ? await startApi({ ...layout, productDir: comparedDir }, settings, { name: 'api-compared' }) : undefined;
    if (comparedDir) log(`Compared build's API up (${comparedDir})`);
    const comparedLabel = comparedDir ? (values['compare-label'] ?? comparedDir) : undefined;
    const ctx: BenchContext = { options, env, layout, settings, db, idp, images, api, comparedApi, comparedLabel, prototypeId: prototype.id, log };

    if (values.profile) {
      const stamp = started.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
      const outDir = path.join(REPO_ROOT, 'bench/.build/profiles', stamp);
      mkdirSync(outDir, { recursive: true });
      log(`Profiling; profiles go to ${path.relative(REPO_ROOT, outDir)}`);
      const summary = await runProfiles(ctx, outDir);
      writeFileSync(path.join(outDir, 'summary.md'), `${summary}\n`);
      process.stdout.write(`\n${summary}\nWritten: ${path.relative(REPO_ROOT, outDir)}/summary.md and *.cpuprofile\n`);
      await api.stop();
      succeeded = true;
      return;
    }

    const partial: Pick<BenchResults, 'api' | 'validation' | 'growth' | 'background'> = {};
    const cpuAtStart = snapshotCpu();
    if (selected.has('validation')) {
      log('Validation workloads');
      partial.validation = await runValidationWorkloads(ctx);
    }
    if (selected.has('api')) {
      log('API workloads');
      partial.api = await runApiWorkloads(ctx);
    }
    if (selected.has('growth')) {
      log('Growth workloads');
      partial.growth = await runGrowthWorkloads(ctx);
    }
    if (selected.has('background')) {
      // Last: it grows the table to a million rows.
      log('Background work: sweep and scheduler by table size, drains by 1, 2 and 4 workers');
      partial.background = await runBackgroundWorkloads(ctx);
    }
    const runCpu = cpuBetween(cpuAtStart, snapshotCpu(), { api: api.pid });
    await api.stop();
    await comparedApi?.stop();

    const memory = memoryRows(partial);
    const finished = new Date();
    const results: BenchResults = {
      version: 1,
      mode: options.mode,
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationSec: (finished.getTime() - started.getTime()) / 1000,
      machine,
      code,
      productNodeFlags: settings.nodeFlags,
      loadAverage: { start: loadStart, end: os.loadavg() },
      restOfMachineCores: runCpu.cpuSec['rest of the machine'] / runCpu.wallSec,
      options,
      ...partial,
      memory,
      targets: checkTargets({ ...partial, memory }),
    };
    const markdown = renderMarkdown(results);
    const resultsDir = path.join(REPO_ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const stamp = started.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
    const name = `${stamp}-${options.mode}${selected.size < WORKLOADS.length ? `-${[...selected].join('-')}` : ''}`;
    writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(path.join(resultsDir, `${name}.md`), `${markdown}\n`);
    // latest.md links to the newest complete full and quick runs (no second copy of a table).
    writeLatestPointer(resultsDir);
    process.stdout.write(`\n${markdown}\n\nWritten: bench/results/${name}.json and .md (latest.md points at the newest runs)\n`);
    succeeded = true;
  } finally {
    stopLoadRunner();
    await db?.end().catch(() => undefined);
    await environment?.stop().catch((error: Error) => log(`environment stop failed: ${error.message}`));
    ledger.killAll();
    reaper.stop();
    if (jwksDir) rmSync(jwksDir, { recursive: true, force: true });
    if (succeeded) rmSync(runDir, { recursive: true, force: true });
    else log(`process logs kept in ${runDir}`);
  }
}

function parseOnly(only: string | undefined): Set<Workload> {
  if (!only) return new Set(WORKLOADS);
  const names = only.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(WORKLOADS as readonly string[]).includes(name)) throw new Error(`--only takes ${WORKLOADS.join(', ')}; got "${name}"`);
  }
  return new Set(names as Workload[]);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Ctrl-C: the exit hooks (here and in the environment) stop every process started.
  process.once(signal, () => process.exit(130));
}

main().catch((error: Error) => {
  process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
