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
exports.runLoad = runLoad;
exports.stopLoadRunner = stopLoadRunner;
const node_child_process_1 = require("node:child_process");
const path = __importStar(require("node:path"));
const node_readline_1 = require("node:readline");
let runner;
let queue = Promise.resolve();
function startRunner(benchOutDir) {
    const child = (0, node_child_process_1.spawn)(process.execPath, [path.join(benchOutDir, 'bench/load-runner.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stderr = [];
    child.stderr.on('data', (chunk) => stderr.push(chunk.toString('utf8')));
    const reader = (0, node_readline_1.createInterface)({ input: child.stdout, crlfDelay: Infinity });
    child.once('exit', () => (runner = undefined));
    return { child, lines: reader[Symbol.asyncIterator](), stderr };
}
function runLoad(benchOutDir, spec) {
    const next = queue.then(async () => {
        runner ??= startRunner(benchOutDir);
        const current = runner;
        current.child.stdin.write(`${JSON.stringify(spec)}\n`);
        const line = await current.lines.next();
        if (line.done)
            throw new Error(`load runner exited: ${current.stderr.join('')}`);
        const answer = JSON.parse(line.value);
        if (!answer.result)
            throw new Error(`load runner failed: ${answer.error}`);
        return answer.result;
    });
    queue = next.catch(() => undefined);
    return next;
}
function stopLoadRunner() {
    runner?.child.stdin.end();
    runner = undefined;
}
