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
exports.ProcessLedger = exports.MissingExecutableError = exports.REQUIRED_EXECUTABLES = exports.PortInUseError = exports.CommandFailedError = void 0;
exports.runCommand = runCommand;
exports.startServiceProcess = startServiceProcess;
exports.startManagedServer = startManagedServer;
exports.findFreePort = findFreePort;
exports.waitUntil = waitUntil;
exports.requireExecutable = requireExecutable;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const net = __importStar(require("node:net"));
const path = __importStar(require("node:path"));
class CommandFailedError extends Error {
    command;
    args;
    status;
    stdout;
    stderr;
    constructor(command, args, status, stdout, stderr) {
        const how = status.error
            ? status.error.message
            : status.signal
                ? `killed by ${status.signal}`
                : `exit code ${status.code}`;
        super(`${command} ${args.join(' ')} failed (${how})${stderr.trim() ? `:\n${stderr.trim()}` : ''}`);
        this.command = command;
        this.args = args;
        this.status = status;
        this.stdout = stdout;
        this.stderr = stderr;
        this.name = 'CommandFailedError';
    }
}
exports.CommandFailedError = CommandFailedError;
function runCommand(command, args, options = {}) {
    return new Promise((resolve, reject) => {
        const child = (0, node_child_process_1.spawn)(command, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ['ignore', 'pipe', 'pipe'],
            ...runAsOptions(options.runAs),
        });
        const stdout = [];
        const stderr = [];
        child.stdout.on('data', (chunk) => stdout.push(chunk));
        child.stderr.on('data', (chunk) => stderr.push(chunk));
        let spawnError;
        child.once('error', (error) => {
            spawnError = error;
        });
        const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
        child.once('close', (code, signal) => {
            if (timer)
                clearTimeout(timer);
            const out = Buffer.concat(stdout).toString('utf8');
            const err = Buffer.concat(stderr).toString('utf8');
            if (code === 0 && !spawnError)
                resolve({ stdout: out, stderr: err });
            else
                reject(new CommandFailedError(command, args, { code, signal, error: spawnError }, out, err));
        });
    });
}
function startServiceProcess(options) {
    const logFd = (0, node_fs_1.openSync)(options.logFile, 'a');
    let child;
    try {
        child = (0, node_child_process_1.spawn)(options.command, options.args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ['ignore', logFd, logFd],
            ...runAsOptions(options.runAs),
        });
    }
    finally {
        (0, node_fs_1.closeSync)(logFd);
    }
    let running = true;
    const exited = new Promise((resolve) => {
        child.once('error', (error) => {
            running = false;
            resolve({ code: null, signal: null, error });
        });
        child.once('exit', (code, signal) => {
            running = false;
            resolve({ code, signal });
        });
    });
    const pid = child.pid ?? -1;
    if (pid > 0 && options.ledger) {
        options.ledger.add({ name: options.name, pid, executable: options.command, signal: options.reapSignal ?? 'SIGTERM' });
        void exited.then(() => options.ledger?.remove(pid));
    }
    const logTail = (lines = 30) => {
        try {
            return (0, node_fs_1.readFileSync)(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
        }
        catch {
            return '';
        }
    };
    return {
        name: options.name,
        pid,
        logFile: options.logFile,
        exited,
        isRunning: () => running,
        logTail,
        async stop({ signal = 'SIGTERM', timeoutMs = 10_000 } = {}) {
            if (!running)
                return exited;
            child.kill(signal);
            let timer;
            const timedOut = new Promise((resolve) => {
                timer = setTimeout(() => resolve('timeout'), timeoutMs);
            });
            const first = await Promise.race([exited, timedOut]);
            clearTimeout(timer);
            if (first === 'timeout') {
                child.kill('SIGKILL');
                return exited;
            }
            return first;
        },
    };
}
class PortInUseError extends Error {
    constructor(service, port) {
        super(`${service}: port ${port} was taken before the server could bind it`);
        this.name = 'PortInUseError';
    }
}
exports.PortInUseError = PortInUseError;
const PORT_IN_USE = /address already in use|could not bind|EADDRINUSE/i;
async function startManagedServer(definition) {
    let current;
    const launch = async (port) => {
        const service = startServiceProcess({ name: definition.name, ...(await definition.processFor(port)) });
        current = service;
        let exitStatus;
        void service.exited.then((status) => (exitStatus = status));
        try {
            await waitUntil(`${definition.name} on 127.0.0.1:${port}`, () => definition.isReady(port), {
                timeoutMs: definition.readyTimeoutMs ?? 15_000,
                abortIf: () => (exitStatus ? exitedBeforeReady(service, port, exitStatus) : undefined),
            });
        }
        catch (error) {
            await service.stop({ signal: 'SIGKILL' });
            throw error;
        }
    };
    let port = 0;
    for (let attempt = 1;; attempt++) {
        port = await findFreePort();
        try {
            await launch(port);
            break;
        }
        catch (error) {
            if (!(error instanceof PortInUseError) || attempt >= 3)
                throw error;
        }
    }
    return {
        port,
        pid: () => (current?.isRunning() ? current.pid : undefined),
        async stop(options) {
            if (current?.isRunning())
                await current.stop(options);
        },
        async start() {
            if (!current?.isRunning())
                await launch(port);
        },
    };
}
function exitedBeforeReady(service, port, status) {
    const tail = service.logTail();
    if (PORT_IN_USE.test(tail))
        return new PortInUseError(service.name, port);
    const how = status.error ? status.error.message : status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    return new Error(`${service.name} exited before it was ready (${how}); log ${service.logFile}:\n${tail}`);
}
const handedOutPorts = new Set();
async function findFreePort() {
    for (;;) {
        const port = await new Promise((resolve, reject) => {
            const server = net.createServer();
            server.unref();
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => {
                const address = server.address();
                server.close(() => resolve(address.port));
            });
        });
        if (!handedOutPorts.has(port)) {
            handedOutPorts.add(port);
            return port;
        }
    }
}
async function waitUntil(description, probe, { timeoutMs = 15_000, intervalMs = 20, abortIf } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError;
    for (;;) {
        const abort = abortIf?.();
        if (abort)
            throw abort;
        try {
            const value = await probe();
            if (value !== undefined && value !== false)
                return value;
        }
        catch (error) {
            lastError = error;
        }
        if (Date.now() >= deadline) {
            const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
            throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
        }
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
exports.REQUIRED_EXECUTABLES = {
    'redis-server': 'redis-server',
    'docker-registry': 'docker-registry',
    skopeo: 'skopeo',
    openssl: 'openssl',
};
class MissingExecutableError extends Error {
    constructor(executable, debianPackage, detail = '') {
        super(`Missing executable "${executable}"${detail}: install the Debian package with ` +
            `\`apt-get install -y ${debianPackage}\``);
        this.name = 'MissingExecutableError';
    }
}
exports.MissingExecutableError = MissingExecutableError;
async function requireExecutable(executable, debianPackage) {
    const candidates = executable.includes('/')
        ? [executable]
        : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((dir) => path.join(dir, executable));
    for (const candidate of candidates) {
        try {
            await node_fs_1.promises.access(candidate, node_fs_1.constants.X_OK);
            return candidate;
        }
        catch {
        }
    }
    throw new MissingExecutableError(executable, debianPackage);
}
class ProcessLedger {
    file;
    entries = new Map();
    constructor(file) {
        this.file = file;
        this.flush();
    }
    add(entry) {
        this.entries.set(entry.pid, entry);
        this.flush();
    }
    remove(pid) {
        if (this.entries.delete(pid))
            this.flush();
    }
    list() {
        return [...this.entries.values()];
    }
    killAll() {
        for (const entry of this.entries.values()) {
            try {
                process.kill(entry.pid, entry.signal);
            }
            catch {
            }
        }
    }
    flush() {
        try {
            (0, node_fs_1.writeFileSync)(this.file, JSON.stringify(this.list()));
        }
        catch {
        }
    }
}
exports.ProcessLedger = ProcessLedger;
function runAsOptions(runAs) {
    if (!runAs || process.getuid?.() !== 0)
        return {};
    return { uid: runAs.uid, gid: runAs.gid };
}
