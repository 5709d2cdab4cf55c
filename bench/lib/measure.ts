/**
 * Repeated HTTP load measurements. Cells that are compared with each other (ours vs the
 * baseline, one org size vs another) are interleaved: each round runs every cell once (in
 * reverse order every other round), so drift in the machine's load (it is shared) falls on all
 * of them alike, and ratios are taken per round.
 */
import * as os from 'node:os';
import { cpuBetween, snapshotCpu } from './cpu-accounting';
import { LoadResult, LoadScenario, runLoad } from './load';
import type { RunningService } from './processes';
import { Spread, spread } from './stats';

export interface LoadCell {
  key: string;
  server: RunningService;
  connections: number;
  durationSec: number;
  warmupRequests: number;
  headers: Record<string, string>;
  scenario: LoadScenario;
}

export interface LoadFigure {
  key: string;
  server: string;
  connections: number;
  requestsPerSec: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Summed over all runs: connection errors, timeouts and non-2xx answers. */
  errors: number;
  /** Highest VmHWM of the server process over the runs of this cell (reset before each run). */
  serverPeakRssMB: number;
  /** 1-minute load average just before each run. */
  loadAverage: number[];
  /** Mean CPU cores used during the runs (warm-up included), by process role; see lib/cpu-accounting.ts. */
  cpuCores: Record<string, number>;
  /** CPU milliseconds per request (warm-up requests included), by process role. */
  cpuMsPerRequest: Record<string, number>;
  runs: LoadResult[];
}

export async function measureCells(
  benchOutDir: string,
  cells: LoadCell[],
  rounds: number,
  log: (line: string) => void,
): Promise<Map<string, LoadFigure>> {
  const runs = new Map<string, { results: LoadResult[]; peaks: number[]; load: number[]; cpu: Record<string, number>; wall: number }>(
    cells.map((cell) => [cell.key, { results: [], peaks: [], load: [], cpu: {}, wall: 0 }]),
  );
  const roles = Object.fromEntries(cells.map((cell) => [cell.server.name, cell.server.pid]));
  for (let round = 1; round <= rounds; round++) {
    // Every other round runs the cells in reverse, so neither side of a comparison always goes first.
    for (const cell of round % 2 === 1 ? cells : [...cells].reverse()) {
      const record = runs.get(cell.key)!;
      record.load.push(os.loadavg()[0]);
      cell.server.resetPeak();
      const before = snapshotCpu();
      const result = await runLoad(benchOutDir, {
        url: cell.server.url,
        connections: cell.connections,
        durationSec: cell.durationSec,
        warmupRequests: cell.warmupRequests,
        headers: cell.headers,
        scenario: cell.scenario,
      });
      const cpu = cpuBetween(before, snapshotCpu(), roles);
      record.wall += cpu.wallSec;
      for (const [role, seconds] of Object.entries(cpu.cpuSec)) record.cpu[role] = (record.cpu[role] ?? 0) + seconds;
      record.peaks.push(cell.server.peakRssMB());
      record.results.push(result);
      log(
        `  ${cell.key} round ${round}: ${result.requestsPerSec.toFixed(0)} req/s, ` +
          `p50 ${result.latencyMs.p50.toFixed(2)} ms, p99 ${result.latencyMs.p99.toFixed(2)} ms, errors ${result.errors}`,
      );
    }
  }
  return new Map(
    cells.map((cell) => {
      const { results, peaks, load, cpu, wall } = runs.get(cell.key)!;
      return [
        cell.key,
        {
          key: cell.key,
          server: cell.server.name,
          connections: cell.connections,
          requestsPerSec: spread(results.map((r) => r.requestsPerSec)),
          p50Ms: spread(results.map((r) => r.latencyMs.p50)),
          p99Ms: spread(results.map((r) => r.latencyMs.p99)),
          errors: results.reduce((sum, r) => sum + r.errors, 0),
          serverPeakRssMB: Math.max(...peaks),
          loadAverage: load,
          cpuCores: Object.fromEntries(Object.entries(cpu).map(([role, seconds]) => [role, seconds / wall])),
          cpuMsPerRequest: Object.fromEntries(
            Object.entries(cpu).map(([role, seconds]) => [
              role,
              (seconds * 1000) / (results.reduce((sum, r) => sum + r.requests, 0) + cell.warmupRequests * rounds),
            ]),
          ),
          runs: results,
        },
      ];
    }),
  );
}

/** Per-round ratio of two interleaved cells' throughput (a / b). */
export function throughputRatio(a: LoadFigure, b: LoadFigure): Spread {
  return spread(a.runs.map((run, i) => run.requestsPerSec / b.runs[i].requestsPerSec));
}
