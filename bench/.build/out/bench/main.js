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
Object.defineProperty(exports, "__esModule", { value: true });
const node_fs_1 = require("node:fs");
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const node_util_1 = require("node:util");
const node_crypto_1 = require("node:crypto");
const pg_1 = require("pg");
const child_process_1 = require("../test/support/child-process");
const environment_1 = require("../test/support/environment");
const reaper_1 = require("../test/support/reaper");
const auth_keys_1 = require("../test/helpers/auth-keys");
const context_1 = require("./lib/context");
const cpu_accounting_1 = require("./lib/cpu-accounting");
const fixtures_1 = require("./lib/fixtures");
const load_1 = require("./lib/load");
const images_1 = require("./lib/images");
const machine_1 = require("./lib/machine");
const options_1 = require("./lib/options");
const product_1 = require("./lib/product");
const report_1 = require("./lib/report");
const targets_1 = require("./lib/targets");
const api_1 = require("./workloads/api");
const growth_1 = require("./workloads/growth");
const profiles_1 = require("./workloads/profiles");
const validation_1 = require("./workloads/validation");
const WORKLOADS = ['validation', 'api', 'growth'];
const REPO_ROOT = path.resolve(__dirname, '../../../..');
async function main() {
    const { values } = (0, node_util_1.parseArgs)({
        options: {
            quick: { type: 'boolean', default: false },
            only: { type: 'string' },
            profile: { type: 'boolean', default: false },
            'node-flags': { type: 'string', default: '' },
        },
    });
    const options = values.quick ? options_1.QUICK : options_1.FULL;
    const selected = parseOnly(values.only);
    const started = new Date();
    const clock = performance.now();
    const log = (line) => process.stderr.write(`[${((performance.now() - clock) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
    const runDir = (0, node_fs_1.mkdtempSync)(path.join(os.tmpdir(), 'airt-bench-'));
    const ledger = new child_process_1.ProcessLedger(path.join(runDir, 'processes.json'));
    const reaper = (0, reaper_1.startReaper)({ ownerPid: process.pid, ledgerFile: ledger.file, baseDir: runDir, removeBaseDir: false });
    process.once('exit', () => ledger.killAll());
    const layout = {
        productDir: path.join(REPO_ROOT, 'bench/.build/product'),
        benchOutDir: path.join(REPO_ROOT, 'bench/.build/out'),
        runDir,
        ledger,
    };
    if (!(0, node_fs_1.existsSync)(path.join(layout.productDir, 'apps/api/src/main.js'))) {
        throw new Error(`${layout.productDir} holds no build: run the benchmark through \`npm run bench\``);
    }
    let environment;
    let db;
    let succeeded = false;
    try {
        log(`${options.mode} run; logs in ${runDir}`);
        environment = await (0, environment_1.startTestEnvironment)();
        const env = environment.description;
        log(`Postgres, Redis and registries up in ${(env.startupMs / 1000).toFixed(1)} s`);
        db = new pg_1.Pool({ connectionString: env.postgresUrl, max: 4 });
        await (0, child_process_1.runCommand)(process.execPath, [path.join(layout.productDir, 'apps/cli/src/main.js'), 'migrate'], {
            env: { PATH: process.env.PATH, DATABASE_URL: env.postgresUrl },
        });
        const idp = await (0, auth_keys_1.createIdentityProvider)();
        const token = env.registries.token;
        const settings = {
            databaseUrl: env.postgresUrl,
            redisUrl: env.redisUrl,
            jwksFile: idp.jwksFile,
            issuer: idp.issuer,
            audience: idp.audience,
            encryptionKeys: `bench-key:${(0, node_crypto_1.randomBytes)(32).toString('base64')}`,
            allowedPrivateHosts: [token.host, new URL(token.realmUrl).host],
            caFile: env.caFile,
            dataDir: path.join(runDir, 'data'),
            nodeFlags: values['node-flags'].split(' ').filter(Boolean),
        };
        const v = options.validation;
        const imageCount = Math.max(v.templates, v.isolatedSamples, v.skopeoSequentialRefs, v.skopeoParallelRefs);
        const images = await (0, images_1.pushBenchImages)(env, imageCount);
        log(`${imageCount} images pushed to the token registry`);
        const [machine, code] = await Promise.all([(0, machine_1.describeMachine)(db, REPO_ROOT), (0, machine_1.describeCode)(REPO_ROOT)]);
        const loadStart = os.loadavg();
        const api = await (0, product_1.startApi)(layout, settings);
        const prototypeWorker = await (0, product_1.startWorker)(layout, settings, v.defaultConcurrency);
        const prototype = await (0, fixtures_1.createAndAwaitActive)({ api, db, idp, images }, (0, context_1.newOrgId)('prototype'), images.refs[0]).finally(() => prototypeWorker.stop());
        log(`API and worker up; a first template went Active in ${prototype.postToActiveMs.toFixed(0)} ms`);
        const ctx = { options, env, layout, settings, db, idp, images, api, prototypeId: prototype.id, log };
        if (values.profile) {
            const stamp = started.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
            const outDir = path.join(REPO_ROOT, 'bench/.build/profiles', stamp);
            (0, node_fs_1.mkdirSync)(outDir, { recursive: true });
            log(`Profiling; profiles go to ${path.relative(REPO_ROOT, outDir)}`);
            const summary = await (0, profiles_1.runProfiles)(ctx, outDir);
            (0, node_fs_1.writeFileSync)(path.join(outDir, 'summary.md'), `${summary}\n`);
            process.stdout.write(`\n${summary}\nWritten: ${path.relative(REPO_ROOT, outDir)}/summary.md and *.cpuprofile\n`);
            await api.stop();
            succeeded = true;
            return;
        }
        const partial = {};
        const cpuAtStart = (0, cpu_accounting_1.snapshotCpu)();
        if (selected.has('validation')) {
            log('Validation workloads');
            partial.validation = await (0, validation_1.runValidationWorkloads)(ctx);
        }
        if (selected.has('api')) {
            log('API workloads');
            partial.api = await (0, api_1.runApiWorkloads)(ctx);
        }
        if (selected.has('growth')) {
            log('Growth workloads');
            partial.growth = await (0, growth_1.runGrowthWorkloads)(ctx);
        }
        const runCpu = (0, cpu_accounting_1.cpuBetween)(cpuAtStart, (0, cpu_accounting_1.snapshotCpu)(), { api: api.pid });
        await api.stop();
        const memory = (0, targets_1.memoryRows)(partial);
        const finished = new Date();
        const results = {
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
            targets: (0, targets_1.checkTargets)({ ...partial, memory }),
        };
        const markdown = (0, report_1.renderMarkdown)(results);
        const resultsDir = path.join(REPO_ROOT, 'bench/results');
        (0, node_fs_1.mkdirSync)(resultsDir, { recursive: true });
        const stamp = started.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
        const name = `${stamp}-${options.mode}${selected.size < WORKLOADS.length ? `-${[...selected].join('-')}` : ''}`;
        (0, node_fs_1.writeFileSync)(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
        (0, node_fs_1.writeFileSync)(path.join(resultsDir, `${name}.md`), `${markdown}\n`);
        (0, node_fs_1.writeFileSync)(path.join(resultsDir, 'latest.md'), `${markdown}\n`);
        process.stdout.write(`\n${markdown}\n\nWritten: bench/results/${name}.json and .md (and latest.md)\n`);
        succeeded = true;
    }
    finally {
        (0, load_1.stopLoadRunner)();
        await db?.end().catch(() => undefined);
        await environment?.stop().catch((error) => log(`environment stop failed: ${error.message}`));
        ledger.killAll();
        reaper.stop();
        if (succeeded)
            (0, node_fs_1.rmSync)(runDir, { recursive: true, force: true });
        else
            log(`process logs kept in ${runDir}`);
    }
}
function parseOnly(only) {
    if (!only)
        return new Set(WORKLOADS);
    const names = only.split(',').map((name) => name.trim());
    for (const name of names) {
        if (!WORKLOADS.includes(name))
            throw new Error(`--only takes ${WORKLOADS.join(', ')}; got "${name}"`);
    }
    return new Set(names);
}
for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => process.exit(130));
}
main().catch((error) => {
    process.stderr.write(`benchmark failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
});
