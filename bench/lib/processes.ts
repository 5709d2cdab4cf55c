/**
 * The processes under test, started as production would start them: `node dist/…/main.js`
 * with NODE_ENV=production, one process each, configured only through the environment.
 * Also the baseline server, and per-process peak memory from the kernel.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ManagedServer, startManagedServer } from '../../test/support/processes/managed-server';
import { ProcessLedger } from '../../test/support/processes/process-ledger';

export interface ProcessLayout {
  /** Snapshot of dist/ taken when the run started (others may rebuild dist/ meanwhile). */
  productDir: string;
  /** Compiled bench code (bench/.build/out). */
  benchOutDir: string;
  /** Logs of every process started here. */
  runDir: string;
  ledger: ProcessLedger;
}

export interface RunningService {
  name: string;
  port: number;
  url: string;
  pid: number;
  /** Starts a fresh peak (the kernel's VmHWM) for this process; false if the kernel refused. */
  resetPeak(): boolean;
  /** Peak resident set size since start or the last resetPeak, in MB (10^6 bytes). */
  peakRssMB(): number;
  /** Current resident set size, in MB. */
  rssMB(): number;
  /** With StartOptions.profileHooks: starts the CPU profiler (written when stop() is called). */
  startProfiling(): void;
  /** SIGTERM and a graceful exit; `{ kill: true }` (SIGKILL) once nothing is in flight and the exit is not being measured. */
  stop(options?: { kill?: boolean }): Promise<void>;
}

export interface StartOptions {
  /** Extra node flags, e.g. ['--max-semi-space-size=8']. */
  nodeFlags?: string[];
  /** Preloads lib/profile-hooks: SIGWINCH starts the CPU profiler, SIGVTALRM writes it and exits. */
  profileHooks?: boolean;
  extraEnv?: Record<string, string>;
}

let started = 0;

export async function startNodeService(
  layout: ProcessLayout,
  name: string,
  script: string,
  env: (port: number) => Record<string, string>,
  readyPath: string,
  options: StartOptions = {},
): Promise<RunningService> {
  const logFile = path.join(layout.runDir, `${String(++started).padStart(2, '0')}-${name}.log`);
  const preload = options.profileHooks ? ['-r', path.join(layout.benchOutDir, 'bench/lib/profile-hooks.js')] : [];
  const server: ManagedServer = await startManagedServer({
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
  if (pid === undefined) throw new Error(`${name} is not running after start`);
  return {
    name,
    port: server.port,
    url: `http://127.0.0.1:${server.port}`,
    pid,
    resetPeak: () => resetPeak(pid),
    peakRssMB: () => statusMB(pid, 'VmHWM'),
    rssMB: () => statusMB(pid, 'VmRSS'),
    startProfiling: () => {
      if (!options.profileHooks) throw new Error(`${name} was started without profile hooks`);
      process.kill(pid, 'SIGWINCH');
    },
    stop: async ({ kill = false } = {}) => {
      if (options.profileHooks) {
        process.kill(pid, 'SIGVTALRM');
        await waitForExit(pid, 15_000);
      }
      await server.stop({ signal: kill ? 'SIGKILL' : 'SIGTERM', timeoutMs: 15_000 });
    },
  };
}

/** `echo 5 > /proc/PID/clear_refs` resets VmHWM to the current RSS (Linux ≥ 4.0). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function statusMB(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return (Number(match[1]) * 1024) / 1e6;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
