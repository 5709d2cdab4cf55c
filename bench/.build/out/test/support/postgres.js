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
exports.TEST_DATABASE = void 0;
exports.startPostgres = startPostgres;
exports.findPostgresBinDir = findPostgresBinDir;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const pg_1 = require("pg");
const child_process_1 = require("./child-process");
exports.TEST_DATABASE = 'templates';
async function startPostgres(baseDir, options = {}) {
    const binDir = findPostgresBinDir();
    const runAs = postgresRunAs();
    const database = options.database ?? exports.TEST_DATABASE;
    const rootDir = path.join(baseDir, 'postgres');
    const dataDir = path.join(rootDir, 'data');
    const socketDir = path.join(rootDir, 'socket');
    const logFile = path.join(rootDir, 'postgres.log');
    await node_fs_1.promises.mkdir(socketDir, { recursive: true });
    if (runAs) {
        const baseMode = (await node_fs_1.promises.stat(baseDir)).mode & 0o777;
        await node_fs_1.promises.chmod(baseDir, baseMode | 0o011);
        await node_fs_1.promises.chown(rootDir, runAs.uid, runAs.gid);
        await node_fs_1.promises.chown(socketDir, runAs.uid, runAs.gid);
        await node_fs_1.promises.writeFile(logFile, '');
        await node_fs_1.promises.chown(logFile, runAs.uid, runAs.gid);
    }
    const env = { PATH: process.env.PATH, LC_ALL: 'C', TZ: 'UTC', HOME: rootDir };
    await (0, child_process_1.runCommand)(path.join(binDir, 'initdb'), ['-D', dataDir, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C', '--no-instructions'], { env, runAs: runAs ?? undefined, timeoutMs: 60_000 });
    const server = await (0, child_process_1.startManagedServer)({
        name: 'postgres',
        readyTimeoutMs: 30_000,
        isReady: (port) => canConnect(port, 'postgres'),
        processFor: async (port) => ({
            command: path.join(binDir, 'postgres'),
            args: [
                '-D', dataDir,
                '-c', `port=${port}`,
                '-c', 'listen_addresses=127.0.0.1',
                '-c', `unix_socket_directories=${socketDir}`,
                '-c', 'fsync=off',
                '-c', 'synchronous_commit=off',
                '-c', 'full_page_writes=off',
                '-c', `max_connections=${options.maxConnections ?? 200}`,
                '-c', 'timezone=UTC',
                '-c', 'jit=off',
                '-c', 'lc_messages=C',
            ],
            logFile,
            env,
            runAs: runAs ?? undefined,
            ledger: options.ledger,
            reapSignal: 'SIGQUIT',
        }),
    });
    const { port } = server;
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const admin = new pg_1.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
        await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    }
    finally {
        await admin.end();
    }
    const stopServer = ({ mode = 'fast' } = {}) => server.stop({ signal: mode === 'fast' ? 'SIGINT' : 'SIGQUIT', timeoutMs: 15_000 });
    return {
        url: `postgresql://postgres@127.0.0.1:${port}/${database}`,
        adminUrl,
        host: '127.0.0.1',
        port,
        database,
        dataDir,
        logFile,
        pid: server.pid,
        stopServer,
        startServer: server.start,
        stop: () => stopServer({ mode: 'immediate' }),
    };
}
async function canConnect(port, database) {
    const client = new pg_1.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
    }
    finally {
        await client.end().catch(() => undefined);
    }
}
function quoteIdentifier(name) {
    return `"${name.replace(/"/g, '""')}"`;
}
function findPostgresBinDir() {
    const fromEnv = process.env.POSTGRES_BIN_DIR;
    const candidates = fromEnv ? [fromEnv] : [];
    const debianRoot = '/usr/lib/postgresql';
    if ((0, node_fs_1.existsSync)(debianRoot)) {
        const versions = (0, node_fs_1.readdirSync)(debianRoot)
            .filter((entry) => /^\d+$/.test(entry))
            .sort((a, b) => Number(b) - Number(a));
        candidates.push(...versions.map((version) => path.join(debianRoot, version, 'bin')));
    }
    const found = candidates.find((dir) => (0, node_fs_1.existsSync)(path.join(dir, 'initdb')) && (0, node_fs_1.existsSync)(path.join(dir, 'postgres')));
    if (!found) {
        throw new child_process_1.MissingExecutableError('postgres/initdb', 'postgresql-15', ` (looked in ${candidates.length ? candidates.join(', ') : '/usr/lib/postgresql/*/bin'}; set POSTGRES_BIN_DIR to override)`);
    }
    return found;
}
function postgresRunAs() {
    if (process.getuid?.() !== 0)
        return null;
    const line = (0, node_fs_1.readFileSync)('/etc/passwd', 'utf8')
        .split('\n')
        .find((entry) => entry.startsWith('postgres:'));
    if (!line) {
        throw new child_process_1.MissingExecutableError('postgres (system user)', 'postgresql-15', ': running as root needs the postgres user');
    }
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
}
