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
exports.startNodeService = startNodeService;
const node_fs_1 = require("node:fs");
const path = __importStar(require("node:path"));
const child_process_1 = require("../../test/support/child-process");
let started = 0;
async function startNodeService(layout, name, script, env, readyPath, options = {}) {
    const logFile = path.join(layout.runDir, `${String(++started).padStart(2, '0')}-${name}.log`);
    const preload = options.profileHooks ? ['-r', path.join(layout.benchOutDir, 'bench/lib/profile-hooks.js')] : [];
    const server = await (0, child_process_1.startManagedServer)({
        name,
        readyTimeoutMs: 30_000,
        isReady: async (port) => (await fetch(`http://127.0.0.1:${port}${readyPath}`, { signal: AbortSignal.timeout(2000) })).ok,
        processFor: async (port) => ({
            command: process.execPath,
            args: [...(options.nodeFlags ?? []), ...preload, script],
            logFile,
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env(port), ...options.extraEnv },
            ledger: layout.ledger,
        }),
    });
    const pid = server.pid();
    if (pid === undefined)
        throw new Error(`${name} is not running after start`);
    return {
        name,
        port: server.port,
        url: `http://127.0.0.1:${server.port}`,
        pid,
        resetPeak: () => resetPeak(pid),
        peakRssMB: () => statusMB(pid, 'VmHWM'),
        rssMB: () => statusMB(pid, 'VmRSS'),
        startProfiling: () => {
            if (!options.profileHooks)
                throw new Error(`${name} was started without profile hooks`);
            process.kill(pid, 'SIGWINCH');
        },
        stop: async () => {
            if (options.profileHooks) {
                process.kill(pid, 'SIGVTALRM');
                await waitForExit(pid, 15_000);
            }
            await server.stop({ signal: 'SIGTERM', timeoutMs: 15_000 });
        },
    };
}
function resetPeak(pid) {
    try {
        (0, node_fs_1.writeFileSync)(`/proc/${pid}/clear_refs`, '5');
        return true;
    }
    catch {
        return false;
    }
}
function statusMB(pid, field) {
    const status = (0, node_fs_1.readFileSync)(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    if (!match)
        throw new Error(`no ${field} in /proc/${pid}/status`);
    return (Number(match[1]) * 1024) / 1e6;
}
async function waitForExit(pid, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        try {
            process.kill(pid, 0);
        }
        catch {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
}
