/** A throwaway Redis on 127.0.0.1 with persistence off, in a temp dir. */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { requireExecutable } from '../processes/executables';
import { startManagedServer } from '../processes/managed-server';
import type { ProcessLedger } from '../processes/process-ledger';

export interface RedisInstance {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  host: '127.0.0.1';
  port: number;
  logFile: string;
  pid(): number | undefined;
  /** Stops the server (SIGTERM; pass SIGKILL to simulate a crash). Data is not persisted. */
  stopServer(options?: { signal?: NodeJS.Signals }): Promise<void>;
  /** Starts it again on the same port (empty, since nothing is saved) and waits for PING. */
  startServer(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  ledger?: ProcessLedger;
  /** Directory under baseDir (default `redis`): several servers in one base dir need their own. */
  name?: string;
  /** More server arguments, e.g. `['--replicaof', '127.0.0.1', '6379']`. */
  extraArgs?: readonly string[];
}

/** Logical databases of a test Redis: db 0 is shared, the others are handed out one per suite. */
export const REDIS_DATABASES = 64;

export async function startRedis(baseDir: string, options: RedisOptions = {}): Promise<RedisInstance> {
  const executable = await requireExecutable('redis-server', 'redis-server');
  const dir = path.join(baseDir, options.name ?? 'redis');
  const logFile = path.join(dir, 'redis.log');
  await fs.mkdir(dir, { recursive: true });

  const server = await startManagedServer({
    name: 'redis-server',
    isReady: (port) => answersPing(port),
    processFor: async (port) => ({
      command: executable,
      // prettier-ignore
      args: [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--save', '',
        '--appendonly', 'no',
        '--dir', dir,
        '--daemonize', 'no',
        '--loglevel', 'warning',
        // Every suite that runs a worker takes a logical database of its own (isolated-stores.ts).
        '--databases', String(REDIS_DATABASES),
        ...(options.extraArgs ?? []),
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

/** Sends an inline PING and resolves true on `+PONG` (false on refusal or a LOADING error). */
export function answersPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}
