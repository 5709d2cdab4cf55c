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
exports.startRedis = startRedis;
exports.answersPing = answersPing;
const node_fs_1 = require("node:fs");
const net = __importStar(require("node:net"));
const path = __importStar(require("node:path"));
const child_process_1 = require("./child-process");
async function startRedis(baseDir, options = {}) {
    const executable = await (0, child_process_1.requireExecutable)('redis-server', 'redis-server');
    const dir = path.join(baseDir, 'redis');
    const logFile = path.join(dir, 'redis.log');
    await node_fs_1.promises.mkdir(dir, { recursive: true });
    const server = await (0, child_process_1.startManagedServer)({
        name: 'redis-server',
        isReady: (port) => answersPing(port),
        processFor: async (port) => ({
            command: executable,
            args: [
                '--port', String(port),
                '--bind', '127.0.0.1',
                '--save', '',
                '--appendonly', 'no',
                '--dir', dir,
                '--daemonize', 'no',
                '--loglevel', 'warning',
            ],
            logFile,
            ledger: options.ledger,
        }),
    });
    return {
        url: `redis://127.0.0.1:${server.port}`,
        host: '127.0.0.1',
        port: server.port,
        logFile,
        pid: server.pid,
        stopServer: ({ signal = 'SIGTERM' } = {}) => server.stop({ signal }),
        startServer: server.start,
        stop: () => server.stop(),
    };
}
function answersPing(port, host = '127.0.0.1') {
    return new Promise((resolve) => {
        const socket = net.connect({ port, host });
        let reply = '';
        const finish = (ok) => {
            socket.destroy();
            resolve(ok);
        };
        socket.setTimeout(2_000, () => finish(false));
        socket.once('error', () => finish(false));
        socket.once('connect', () => socket.write('PING\r\n'));
        socket.on('data', (chunk) => {
            reply += chunk.toString('latin1');
            if (reply.includes('\r\n'))
                finish(reply.startsWith('+PONG'));
        });
    });
}
