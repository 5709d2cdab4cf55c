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
exports.TEST_ENV_FILE_VARIABLE = void 0;
exports.startTestEnvironment = startTestEnvironment;
exports.loadTestEnvironment = loadTestEnvironment;
exports.registryTarget = registryTarget;
const node_fs_1 = require("node:fs");
const os = __importStar(require("node:os"));
const path = __importStar(require("node:path"));
const child_process_1 = require("./child-process");
const images_1 = require("./images");
const postgres_1 = require("./postgres");
const reaper_1 = require("./reaper");
const redis_1 = require("./redis");
const registry_1 = require("./registry");
const tls_1 = require("./tls");
exports.TEST_ENV_FILE_VARIABLE = 'TEST_ENV_FILE';
async function startTestEnvironment(options = {}) {
    const startedAt = Date.now();
    await requireAllExecutables();
    const ownsBaseDir = options.baseDir === undefined;
    const baseDir = options.baseDir ?? (await node_fs_1.promises.mkdtemp(path.join(tempRoot(), 'airt-test-env-')));
    const ledger = new child_process_1.ProcessLedger(path.join(baseDir, 'processes.json'));
    const reaper = (0, reaper_1.startReaper)({ ownerPid: process.pid, ledgerFile: ledger.file, baseDir, removeBaseDir: ownsBaseDir });
    const killOnExit = () => ledger.killAll();
    process.once('exit', killOnExit);
    const stoppers = [];
    let stopped = false;
    const stop = async () => {
        if (stopped)
            return;
        stopped = true;
        const results = await Promise.allSettled(stoppers.map((stopOne) => stopOne()));
        process.off('exit', killOnExit);
        ledger.killAll();
        reaper.stop();
        if (ownsBaseDir)
            await node_fs_1.promises.rm(baseDir, { recursive: true, force: true });
        const failure = results.find((result) => result.status === 'rejected');
        if (failure)
            throw failure.reason;
    };
    try {
        const certificatesStarted = (0, tls_1.createTestCertificates)(baseDir);
        const registryWithImages = async (start) => {
            const registry = await start();
            stoppers.push(() => registry.stop());
            const images = await (0, images_1.pushStandardImages)(registryTarget(registry));
            return { registry, images };
        };
        const registriesStarted = certificatesStarted.then((certificates) => settleAll([
            registryWithImages(() => (0, registry_1.startRegistry)(baseDir, { certificates, ledger, auth: { mode: 'anonymous' } })),
            registryWithImages(() => (0, registry_1.startRegistry)(baseDir, { certificates, ledger, auth: { mode: 'basic', users: registry_1.DEFAULT_BASIC_USERS } })),
            registryWithImages(() => (0, registry_1.startRegistry)(baseDir, {
                certificates,
                ledger,
                auth: { mode: 'token', users: registry_1.DEFAULT_TOKEN_USERS, anonymousGrants: registry_1.DEFAULT_ANONYMOUS_GRANTS },
            })),
        ]));
        const [postgres, redis, certificates, [anonymous, basic, token]] = await settleAll([
            (0, postgres_1.startPostgres)(baseDir, { ledger }).then((instance) => {
                stoppers.push(() => instance.stop());
                return instance;
            }),
            (0, redis_1.startRedis)(baseDir, { ledger }).then((instance) => {
                stoppers.push(() => instance.stop());
                return instance;
            }),
            certificatesStarted,
            registriesStarted,
        ]);
        for (const other of [basic, token]) {
            if (JSON.stringify(other.images) !== JSON.stringify(anonymous.images)) {
                throw new Error(`images pushed to ${other.registry.name} differ from those in the anonymous registry`);
            }
        }
        const issuer = token.registry.tokenIssuer;
        if (!issuer)
            throw new Error('token registry started without its issuer');
        const basicUser = registry_1.DEFAULT_BASIC_USERS[0];
        const description = {
            version: 1,
            baseDir,
            postgresUrl: postgres.url,
            postgresAdminUrl: postgres.adminUrl,
            redisUrl: redis.url,
            caFile: certificates.caCert,
            caDir: certificates.dir,
            registries: {
                anonymous: registryDescription(anonymous.registry),
                basic: { ...registryDescription(basic.registry), username: basicUser.username, password: basicUser.password },
                token: {
                    ...registryDescription(token.registry),
                    realmUrl: issuer.realmUrl,
                    service: issuer.service,
                    issuer: issuer.issuer,
                    users: Object.fromEntries(registry_1.DEFAULT_TOKEN_USERS.map((user) => [user.username, user])),
                    anonymousGrants: registry_1.DEFAULT_ANONYMOUS_GRANTS,
                    adminUrl: issuer.adminUrl,
                    adminSecret: issuer.adminSecret,
                },
            },
            images: anonymous.images,
            processes: ledger.list(),
            ownerPid: process.pid,
            startupMs: Date.now() - startedAt,
        };
        return { description, stop };
    }
    catch (error) {
        await stop().catch(() => undefined);
        throw error;
    }
}
async function requireAllExecutables() {
    const checks = await Promise.allSettled([
        ...Object.entries(child_process_1.REQUIRED_EXECUTABLES).map(([executable, pkg]) => (0, child_process_1.requireExecutable)(executable, pkg)),
        Promise.resolve().then(postgres_1.findPostgresBinDir),
    ]);
    const missing = checks
        .filter((check) => check.status === 'rejected')
        .map((check) => (check.reason instanceof Error ? check.reason.message : String(check.reason)));
    if (missing.length > 0) {
        throw new Error(`The integration-test environment cannot start:\n  ${missing.join('\n  ')}`);
    }
}
function loadTestEnvironment() {
    const file = process.env[exports.TEST_ENV_FILE_VARIABLE];
    if (!file) {
        throw new Error(`${exports.TEST_ENV_FILE_VARIABLE} is not set: run this suite through a jest config whose globalSetup is ` +
            'test/support/globalSetup.ts (or start one with startTestEnvironment()).');
    }
    return JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'));
}
function registryTarget(registry) {
    return { url: registry.url, caFile: registry.caFile, credentials: registry.pushCredentials };
}
function registryDescription(registry) {
    return { host: registry.host, url: registry.url, caFile: registry.caFile, pushCredentials: registry.pushCredentials };
}
async function settleAll(promises) {
    const results = await Promise.allSettled(promises);
    const failures = results.filter((result) => result.status === 'rejected');
    if (failures.length === 1)
        throw failures[0].reason;
    if (failures.length > 1) {
        throw new AggregateError(failures.map((failure) => failure.reason), failures.map(({ reason }) => (reason instanceof Error ? reason.message : String(reason))).join('\n'));
    }
    return results.map((result) => result.value);
}
function tempRoot() {
    const configured = process.env.TEST_ENV_TMPDIR;
    if (configured)
        return configured;
    try {
        (0, node_fs_1.accessSync)('/dev/shm', node_fs_1.constants.W_OK);
        const stats = (0, node_fs_1.statfsSync)('/dev/shm');
        if (stats.bavail * stats.bsize > 1024 ** 3)
            return '/dev/shm';
    }
    catch {
    }
    return os.tmpdir();
}
