/** A server process on a free loopback port that can be stopped and started again on that port. */
import { ExitStatus, ServiceProcess, StartServiceOptions, startServiceProcess } from './child-process';
import { findFreePort } from './free-port';
import { waitUntil } from './wait-until';

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
  /** A fixed port instead of a free one (not retried elsewhere when taken), e.g. the demo registry of `npm start`. */
  port?: number;
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

  let port = definition.port ?? 0;
  if (definition.port !== undefined) await launch(definition.port);
  for (let attempt = 1; definition.port === undefined; attempt++) {
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
