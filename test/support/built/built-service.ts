/**
 * The built API and worker (dist/) as real child processes: a shared environment passed in
 * whole, every output line kept (for canary checks and for counting what each process did),
 * a wait on /readyz with a deadline, and stops by SIGTERM or SIGKILL.
 *
 * `npm test` builds dist/ first (scripts/build-if-stale.sh); when running a suite by hand,
 * run that script yourself.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ExitStatus, stopChild } from '../processes/child-process';
import { findFreePort } from '../processes/free-port';
import { waitUntil } from '../processes/wait-until';
import { httpRequest } from './api-client';

const REPO_ROOT = path.resolve(__dirname, '../../..');
export const BUILT_MAIN = {
  api: path.join(REPO_ROOT, 'dist/apps/api/src/main.js'),
  worker: path.join(REPO_ROOT, 'dist/apps/worker/src/main.js'),
} as const;

export type ServiceRole = keyof typeof BUILT_MAIN;
export type LogRecord = Record<string, unknown>;

/** One built process (API or worker) running as a child of the test. */
export interface SpawnedService {
  readonly role: ServiceRole;
  /** e.g. `worker-2`: unique within its ProcessSystem, used in diagnostics. */
  readonly name: string;
  readonly pid: number;
  /** The HTTP port: PORT for the API, WORKER_HTTP_PORT for the worker. */
  readonly port: number;
  readonly url: string;
  /** Every stdout and stderr line so far (kept after the process exited). */
  readonly lines: readonly string[];
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** The JSON (pino) lines parsed; other lines are left out. */
  logs(): LogRecord[];
  waitForLog(description: string, match: (record: LogRecord) => boolean, timeoutMs?: number): Promise<LogRecord>;
  /** Sends `signal` (default SIGTERM) and waits for the exit; SIGKILL after `timeoutMs`. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitStatus>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** If the jest worker exits without afterAll (a crash, a bail), take the children with it. */
function killChildrenOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

interface SpawnOptions {
  role: ServiceRole;
  name: string;
  /** The complete environment of the child (nothing is inherited). */
  env: Record<string, string>;
  readyTimeoutMs?: number;
  /** `ready` (default): /readyz answers 200 (Postgres and Redis reachable); `alive`: /healthz does. */
  waitFor?: 'ready' | 'alive';
}

/**
 * Spawns a built process on a free port and waits until its /readyz answers 200 (Postgres
 * and Redis reachable; or /healthz, with `waitFor: 'alive'`). If the port was taken in
 * between, it retries on another one.
 */
export async function spawnService(options: SpawnOptions): Promise<SpawnedService> {
  if (!existsSync(BUILT_MAIN[options.role])) {
    throw new Error(`${BUILT_MAIN[options.role]} is missing: run \`bash scripts/build-if-stale.sh\` (npm test does)`);
  }
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    const service = launch(options, port);
    const probe = options.waitFor === 'alive' ? '/healthz' : '/readyz';
    let lastAnswer = 'none';
    try {
      const answers200 = async (): Promise<boolean> => {
        const res = await httpRequest('GET', `${service.url}${probe}`, { timeoutMs: 3_000 });
        lastAnswer = `${res.status} ${res.text.slice(0, 300)}`;
        return res.status === 200;
      };
      await waitUntil(`${service.name} ${probe} on port ${port}`, answers200, {
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 50,
        lastSeen: () => `last answer: ${lastAnswer}; its output ends:\n${service.lines.slice(-10).join('\n')}`,
        abortIf: () =>
          service.isRunning()
            ? undefined
            : new Error(`${service.name} exited before it was ready:\n${service.lines.slice(-20).join('\n')}`),
      });
      return service;
    } catch (error) {
      await service.stop({ signal: 'SIGKILL' });
      if (attempt < 3 && service.lines.some((line) => line.includes('EADDRINUSE'))) continue;
      throw error;
    }
  }
}

function launch(options: SpawnOptions, port: number): SpawnedService {
  killChildrenOnExit();
  const portVariable = options.role === 'api' ? 'PORT' : 'WORKER_HTTP_PORT';
  const child = spawn(process.execPath, [BUILT_MAIN[options.role]], {
    cwd: REPO_ROOT,
    env: { ...options.env, [portVariable]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream }).on('line', (line) => lines.push(line));
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('error', (error) => {
      running = false;
      liveChildren.delete(child);
      resolve({ code: null, signal: null, error });
    });
    // 'close' (not 'exit'): by then stdout and stderr are drained, so `lines` is complete.
    child.once('close', (code, signal) => {
      running = false;
      liveChildren.delete(child);
      resolve({ code, signal });
    });
  });
  const logs = (): LogRecord[] => lines.flatMap((line) => parseJsonLine(line));
  return {
    role: options.role,
    name: options.name,
    pid: child.pid ?? -1,
    port,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    isRunning: () => running,
    logs,
    waitForLog: (description, match, timeoutMs = 30_000) =>
      waitUntil(`${options.name} to log ${description}`, async () => logs().find(match), { timeoutMs, intervalMs: 25 }),
    async stop({ signal = 'SIGTERM', timeoutMs = 15_000 } = {}) {
      if (!running) return exited;
      return stopChild(child, exited, signal, timeoutMs);
    },
  };
}

/** A pino JSON line parsed, or nothing for any other line. */
export function parseJsonLine(line: string): LogRecord[] {
  if (!line.startsWith('{')) return [];
  try {
    return [JSON.parse(line) as LogRecord];
  } catch {
    return [];
  }
}
