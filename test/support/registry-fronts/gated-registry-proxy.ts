import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { TestEnvironmentDescription } from '../environment';
import { waitUntil } from '../processes/wait-until';
import { registryAccessEnv } from '../product-env';
import { forwardRequest } from './forward-request';

/**
 * A plain-HTTP reverse proxy in front of one of the test registries (real content, real auth:
 * the client fetches its bearer token from the registry's realm itself). After hold(), manifest
 * requests are held until release(), so a test can keep a validation in flight for as long
 * as it needs and let the registry answer when it chooses. List `host` in REGISTRY_INSECURE_HOSTS and
 * REGISTRY_ALLOWED_PRIVATE_HOSTS (`accessEnv()`).
 */
export interface GatedRegistryProxy {
  /** `127.0.0.1:PORT`: use it as the registry part of image references. */
  readonly host: string;
  /** Paths of the manifest requests received so far, held ones included, in order. */
  readonly manifestRequests: readonly string[];
  /** How many manifest requests are being held right now. */
  heldCount(): number;
  /** Waits until at least `count` manifest requests have arrived. */
  waitForManifestRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Holds manifest requests from now on (the gate starts open). */
  hold(): void;
  /** Lets the held requests go and every later one through, until the next hold(). */
  release(): void;
  /** Environment for the worker: plain HTTP to this host, allowed although it is loopback. */
  accessEnv(env: TestEnvironmentDescription): Record<string, string>;
  close(): Promise<void>;
}

export async function startGatedRegistryProxy(upstream: { url: string }, caFile: string): Promise<GatedRegistryProxy> {
  const upstreamAgent = new https.Agent({ ca: readFileSync(caFile), keepAlive: true });
  const manifestRequests: string[] = [];
  let held = 0;
  let gate = openableGate();
  gate.open();
  const sockets = new Set<Socket>();

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void =>
    forwardRequest(upstream.url, upstreamAgent, req, res, body);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => {
      const body = Buffer.concat(chunks);
      if (!/\/manifests\//.test(req.url ?? '')) return forward(req, res, body);
      manifestRequests.push(req.url ?? '');
      held++;
      void gate.opened.then(() => {
        held--;
        forward(req, res, body);
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    host,
    manifestRequests,
    heldCount: () => held,
    waitForManifestRequests: async (count, timeoutMs = 30_000) => {
      await waitUntil(`${count} manifest request(s) at the registry proxy`, async () => manifestRequests.length >= count, { timeoutMs });
    },
    hold: () => {
      if (gate.isOpen()) gate = openableGate();
    },
    release: () => gate.open(),
    accessEnv: (env) => ({
      REGISTRY_INSECURE_HOSTS: host,
      REGISTRY_ALLOWED_PRIVATE_HOSTS: `${registryAccessEnv(env).REGISTRY_ALLOWED_PRIVATE_HOSTS},${host}`,
    }),
    close: async () => {
      gate.open();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstreamAgent.destroy();
    },
  };
}

function openableGate(): { opened: Promise<void>; open(): void; isOpen(): boolean } {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((resolve) => {
    open = () => {
      isOpen = true;
      resolve();
    };
  });
  return { opened, open, isOpen: () => isOpen };
}
