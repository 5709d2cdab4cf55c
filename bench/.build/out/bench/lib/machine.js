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
exports.describeMachine = describeMachine;
exports.describeCode = describeCode;
const node_fs_1 = require("node:fs");
const os = __importStar(require("node:os"));
const child_process_1 = require("../../test/support/child-process");
async function describeMachine(db, repoRoot) {
    const firstLine = async (command, args) => {
        try {
            return (await (0, child_process_1.runCommand)(command, args, { timeoutMs: 10_000 })).stdout.trim().split('\n')[0];
        }
        catch {
            return 'unknown';
        }
    };
    const osRelease = (() => {
        try {
            return /^PRETTY_NAME="?([^"\n]*)"?/m.exec((0, node_fs_1.readFileSync)('/etc/os-release', 'utf8'))?.[1] ?? os.type();
        }
        catch {
            return os.type();
        }
    })();
    const autocannon = JSON.parse((0, node_fs_1.readFileSync)(`${repoRoot}/node_modules/autocannon/package.json`, 'utf8'));
    return {
        cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
        cores: os.availableParallelism(),
        memoryGB: Math.round(os.totalmem() / 1e8) / 10,
        os: osRelease,
        kernel: os.release(),
        node: process.version,
        postgres: (await db.query("SELECT current_setting('server_version') AS v")).rows[0].v,
        redis: (await firstLine('redis-server', ['--version'])).replace(/^Redis server v=(\S+).*/, '$1'),
        registry: (await firstLine('docker-registry', ['--version'])).split(' ').pop() ?? 'unknown',
        skopeo: (await firstLine('skopeo', ['--version'])).replace(/^skopeo version /, ''),
        autocannon: autocannon.version,
    };
}
async function describeCode(repoRoot) {
    try {
        const commit = (await (0, child_process_1.runCommand)('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })).stdout.trim();
        const status = (await (0, child_process_1.runCommand)('git', ['status', '--porcelain', '--', 'apps', 'libs', 'prisma'], { cwd: repoRoot })).stdout;
        return { commit, uncommittedChanges: status.trim() !== '' };
    }
    catch {
        return { commit: 'unknown', uncommittedChanges: true };
    }
}
