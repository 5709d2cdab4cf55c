/**
 * Spawning child processes for the service starters: run a command to completion, or start a
 * long-running server with its output in a log file, and stop a child with a deadline.
 *
 * Everything here uses `spawn` and never a synchronous variant: the token issuer (and any mock
 * a test serves) lives in the same Node process, and a blocked event loop would stop it answering
 * the registry that is waiting on it.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import type { ProcessLedger } from './process-ledger';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: Error;
}

/** Run as another user: only honoured when this process is root. */
export interface RunAs {
  uid: number;
  gid: number;
}

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  runAs?: RunAs;
  timeoutMs?: number;
}

export class CommandFailedError extends Error {
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly status: ExitStatus,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    const how = status.error
      ? status.error.message
      : status.signal
        ? `killed by ${status.signal}`
        : `exit code ${status.code}`;
    super(`${command} ${args.join(' ')} failed (${how})${stderr.trim() ? `:\n${stderr.trim()}` : ''}`);
    this.name = 'CommandFailedError';
  }
}

/** Runs a command to completion and returns its output; rejects on a non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...runAsOptions(options.runAs),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let spawnError: Error | undefined;
    child.once('error', (error) => {
      spawnError = error;
    });
    const timer =
      options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (code === 0 && !spawnError) resolve({ stdout: out, stderr: err });
      else reject(new CommandFailedError(command, args, { code, signal, error: spawnError }, out, err));
    });
  });
}

export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves (never rejects) when the process has exited. */
  readonly exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /** Sends `signal` (default SIGTERM), waits up to `timeoutMs` for exit, then SIGKILLs. */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<ExitStatus>;
  /** The last lines of the process's combined stdout/stderr, for error messages. */
  logTail(lines?: number): string;
}

export interface StartServiceOptions {
  name: string;
  command: string;
  args: readonly string[];
  /** stdout and stderr are appended here (the child writes the file itself). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  runAs?: RunAs;
  /** Records the pid so that the environment's reaper can kill it if the test runner dies. */
  ledger?: ProcessLedger;
  /** Signal the reaper should use for this process (e.g. SIGQUIT for Postgres). */
  reapSignal?: NodeJS.Signals;
}

/** Starts a long-running server process with its output sent to a log file. */
export function startServiceProcess(options: StartServiceOptions): ServiceProcess {
  const logFd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', logFd, logFd],
      ...runAsOptions(options.runAs),
    });
  } finally {
    closeSync(logFd);
  }
  let running = true;
  const exited = new Promise<ExitStatus>((resolve) => {
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
  const logTail = (lines = 30): string => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
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
      if (!running) return exited;
      return stopChild(child, exited, signal, timeoutMs);
    },
  };
}

function runAsOptions(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  if (!runAs || process.getuid?.() !== 0) return {};
  return { uid: runAs.uid, gid: runAs.gid };
}

/** Sends `signal`, and SIGKILL if the child has not exited within `timeoutMs`; resolves with its exit. */
export async function stopChild<T>(
  child: { kill(signal: NodeJS.Signals): boolean },
  exited: Promise<T>,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<T> {
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const first = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  child.kill('SIGKILL');
  return exited;
}
