/**
 * Asynchronous child-process plumbing shared by the service starters.
 *
 * Everything here uses `spawn` and never a synchronous variant: the token issuer (and any mock
 * a test serves) lives in the same Node process, and a blocked event loop would stop it answering
 * the registry that is waiting on it.
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

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

/** Thrown when a server process could not bind the chosen port (the start is retried). */
export class PortInUseError extends Error {
  constructor(service: string, port: number) {
    super(`${service}: port ${port} was taken before the server could bind it`);
    this.name = 'PortInUseError';
  }
}

const PORT_IN_USE = /address already in use|could not bind|EADDRINUSE/i;

export interface ServerDefinition {
  name: string;
  /** The process to run for a port; called before every (re)start, e.g. to write a config file. */
  processFor(port: number): Promise<Omit<StartServiceOptions, 'name'>>;
  /** Resolves true once the server answers on the port. */
  isReady(port: number): Promise<boolean>;
  readyTimeoutMs?: number;
}

/** A server process on a fixed loopback port that can be stopped and started again. */
export interface ManagedServer {
  readonly port: number;
  /** pid of the running process, undefined while stopped. */
  pid(): number | undefined;
  /** Sends `signal` (default SIGTERM) and waits for the exit (SIGKILL after `timeoutMs`). */
  stop(options?: { signal?: NodeJS.Signals; timeoutMs?: number }): Promise<void>;
  /** Starts it again on the same port and waits until it is ready; no-op while running. */
  start(): Promise<void>;
}

/**
 * Starts a server on a free port and waits until `isReady`. If the process exits first, the
 * error carries its log tail; if the port was taken in between, another port is tried.
 */
export async function startManagedServer(definition: ServerDefinition): Promise<ManagedServer> {
  let current: ServiceProcess | undefined;
  const launch = async (port: number): Promise<void> => {
    const service = startServiceProcess({ name: definition.name, ...(await definition.processFor(port)) });
    current = service;
    let exitStatus: ExitStatus | undefined;
    void service.exited.then((status) => (exitStatus = status));
    try {
      await waitUntil(`${definition.name} on 127.0.0.1:${port}`, () => definition.isReady(port), {
        timeoutMs: definition.readyTimeoutMs ?? 15_000,
        abortIf: () => (exitStatus ? exitedBeforeReady(service, port, exitStatus) : undefined),
      });
    } catch (error) {
      await service.stop({ signal: 'SIGKILL' });
      throw error;
    }
  };

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await findFreePort();
    try {
      await launch(port);
      break;
    } catch (error) {
      if (!(error instanceof PortInUseError) || attempt >= 3) throw error;
    }
  }

  return {
    port,
    pid: () => (current?.isRunning() ? current.pid : undefined),
    async stop(options) {
      if (current?.isRunning()) await current.stop(options);
    },
    async start() {
      if (!current?.isRunning()) await launch(port);
    },
  };
}

function exitedBeforeReady(service: ServiceProcess, port: number, status: ExitStatus): Error {
  const tail = service.logTail();
  if (PORT_IN_USE.test(tail)) return new PortInUseError(service.name, port);
  const how = status.error ? status.error.message : status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
  return new Error(`${service.name} exited before it was ready (${how}); log ${service.logFile}:\n${tail}`);
}

const handedOutPorts = new Set<number>();

/** A port that is free on 127.0.0.1 now and was not handed out before by this process. */
export async function findFreePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address() as net.AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    if (!handedOutPorts.has(port)) {
      handedOutPorts.add(port);
      return port;
    }
  }
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before each probe; a returned message aborts the wait (e.g. "the process exited"). */
  abortIf?: () => Error | undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, with a deadline.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 20, abortIf }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    const abort = abortIf?.();
    if (abort) throw abort;
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Executables the environment needs, with the Debian package that provides each. */
export const REQUIRED_EXECUTABLES = {
  'redis-server': 'redis-server',
  'docker-registry': 'docker-registry',
  skopeo: 'skopeo',
  openssl: 'openssl',
} as const;

export class MissingExecutableError extends Error {
  constructor(executable: string, debianPackage: string, detail = '') {
    super(
      `Missing executable "${executable}"${detail}: install the Debian package with ` +
        `\`apt-get install -y ${debianPackage}\``,
    );
    this.name = 'MissingExecutableError';
  }
}

/** Resolves an executable on PATH (or an absolute path), throwing a MissingExecutableError. */
export async function requireExecutable(executable: string, debianPackage: string): Promise<string> {
  const candidates = executable.includes('/')
    ? [executable]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').map((dir) => path.join(dir, executable));
  for (const candidate of candidates) {
    try {
      await fs.access(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next PATH entry
    }
  }
  throw new MissingExecutableError(executable, debianPackage);
}

export interface LedgerEntry {
  name: string;
  pid: number;
  /** Path or name of the binary, checked against /proc/<pid>/cmdline before a reaper kills. */
  executable: string;
  signal: NodeJS.Signals;
}

/**
 * The pids of the servers started for one environment, mirrored to a JSON file so that a
 * detached reaper process (see environment.ts) can kill them if the test runner is killed.
 */
export class ProcessLedger {
  private readonly entries = new Map<number, LedgerEntry>();

  constructor(readonly file: string) {
    this.flush();
  }

  add(entry: LedgerEntry): void {
    this.entries.set(entry.pid, entry);
    this.flush();
  }

  remove(pid: number): void {
    if (this.entries.delete(pid)) this.flush();
  }

  list(): LedgerEntry[] {
    return [...this.entries.values()];
  }

  /** Last-resort synchronous kill, used from a process 'exit' handler. */
  killAll(): void {
    for (const entry of this.entries.values()) {
      try {
        process.kill(entry.pid, entry.signal);
      } catch {
        // already gone
      }
    }
  }

  private flush(): void {
    try {
      writeFileSync(this.file, JSON.stringify(this.list()));
    } catch {
      // the base dir is being removed during teardown
    }
  }
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
