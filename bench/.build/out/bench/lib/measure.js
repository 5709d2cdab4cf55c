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
exports.measureCells = measureCells;
exports.throughputRatio = throughputRatio;
const os = __importStar(require("node:os"));
const cpu_accounting_1 = require("./cpu-accounting");
const load_1 = require("./load");
const stats_1 = require("./stats");
async function measureCells(benchOutDir, cells, rounds, log) {
    const runs = new Map(cells.map((cell) => [cell.key, { results: [], peaks: [], load: [], cpu: {}, wall: 0 }]));
    const roles = Object.fromEntries(cells.map((cell) => [cell.server.name, cell.server.pid]));
    for (let round = 1; round <= rounds; round++) {
        for (const cell of cells) {
            const record = runs.get(cell.key);
            record.load.push(os.loadavg()[0]);
            cell.server.resetPeak();
            const before = (0, cpu_accounting_1.snapshotCpu)();
            const result = await (0, load_1.runLoad)(benchOutDir, {
                url: cell.server.url,
                connections: cell.connections,
                durationSec: cell.durationSec,
                warmupSec: cell.warmupSec,
                headers: cell.headers,
                scenario: cell.scenario,
            });
            const cpu = (0, cpu_accounting_1.cpuBetween)(before, (0, cpu_accounting_1.snapshotCpu)(), roles);
            record.wall += cpu.wallSec;
            for (const [role, seconds] of Object.entries(cpu.cpuSec))
                record.cpu[role] = (record.cpu[role] ?? 0) + seconds;
            record.peaks.push(cell.server.peakRssMB());
            record.results.push(result);
            log(`  ${cell.key} round ${round}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
                `p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, errors ${result.errors}`);
        }
    }
    return new Map(cells.map((cell) => {
        const { results, peaks, load, cpu, wall } = runs.get(cell.key);
        return [
            cell.key,
            {
                key: cell.key,
                server: cell.server.name,
                connections: cell.connections,
                requestsPerSec: (0, stats_1.spread)(results.map((r) => r.requestsPerSec)),
                p50Ms: (0, stats_1.spread)(results.map((r) => r.latencyMs.p50)),
                p99Ms: (0, stats_1.spread)(results.map((r) => r.latencyMs.p99)),
                errors: results.reduce((sum, r) => sum + r.errors, 0),
                serverPeakRssMB: Math.max(...peaks),
                loadAverage: load,
                cpuCores: Object.fromEntries(Object.entries(cpu).map(([role, seconds]) => [role, seconds / wall])),
                runs: results,
            },
        ];
    }));
}
function throughputRatio(a, b) {
    return (0, stats_1.spread)(a.runs.map((run, i) => run.requestsPerSec / b.runs[i].requestsPerSec));
}
