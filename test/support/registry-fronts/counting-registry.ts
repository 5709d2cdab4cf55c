import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import type { TestCertificates } from '../services/tls';
import { forwardRequest } from './forward-request';

/**
 * An HTTPS registry host standing in for a busy public registry: it serves the Docker token
 * flow itself (its `/token` realm is on the same host, so token requests count for it, as the
 * issue asks), forwards registry requests to a real test registry, and counts how many
 * requests are in flight at once, from arrival to the end of the answer. Each answer is held
 * for `delayMs`, so requests from several workers overlap. One request can be answered with
 * a 429 and Retry-After (`rateLimitNext`). Only for what a real registry cannot show on demand
 * (test/support/README.md).
 */
export interface CountingRegistry {
  /** `127.0.0.1:PORT`: the registry part of image references. */
  readonly host: string;
  /** Every request, in order of arrival (wall-clock ms), with the status it was answered. */
  readonly arrivals: ReadonlyArray<{ at: number; method: string; path: string; status?: number }>;
  /** The most requests that were in flight at the same moment (since the last reset). */
  mostInFlight(): number;
  resetMostInFlight(): void;
  /** Answers the next request whose path matches with 429 and this Retry-After; resolves with when it was sent. */
  rateLimitNext(path: RegExp, retryAfter: string): Promise<number>;
  /** Worker settings that let it reach this host (loopback) and trust its CA. */
  accessEnv(): Record<string, string>;
  close(): Promise<void>;
}

const TOKEN = 'counting-registry-token';

export async function startCountingRegistry(
  upstream: { url: string; caFile: string },
  certificates: TestCertificates,
  { delayMs }: { delayMs: number },
): Promise<CountingRegistry> {
  const upstreamAgent = new https.Agent({ ca: readFileSync(upstream.caFile), keepAlive: true });
  const arrivals: Array<{ at: number; method: string; path: string; status?: number }> = [];
  let inFlight = 0;
  let most = 0;
  let fault: { path: RegExp; retryAfter: string; sent: (at: number) => void } | undefined;
  const sockets = new Set<Socket>();
  let host = '';

  const challenge = (res: http.ServerResponse) =>
    res
      .writeHead(401, { 'WWW-Authenticate': `Bearer realm="https://${host}/token",service="counting-registry"`, 'Content-Type': 'application/json' })
      .end('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');

  // Its own token is not the upstream registry's business (the upstream is anonymous).
  const forward = (req: http.IncomingMessage, res: http.ServerResponse): void =>
    forwardRequest(upstream.url, upstreamAgent, req, res, Buffer.alloc(0), ['authorization']);

  const answer = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = req.url ?? '/';
    if (fault && fault.path.test(path)) {
      const { retryAfter, sent } = fault;
      fault = undefined;
      res.writeHead(429, { 'Retry-After': retryAfter, 'Content-Type': 'application/json' });
      // Before the answer leaves: no worker can know of the pause earlier than this.
      sent(Date.now());
      res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
      return;
    }
    if (path.startsWith('/token')) {
      // Any Basic credentials (or none) get the one token: this host is about counting, not auth.
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: TOKEN, expires_in: 300 }));
      return;
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      challenge(res);
      return;
    }
    forward(req, res);
  };

  const server = https.createServer({ key: readFileSync(certificates.key), cert: readFileSync(certificates.cert) }, (req, res) => {
    const arrival = { at: Date.now(), method: req.method ?? 'GET', path: req.url ?? '/' } as (typeof arrivals)[number];
    arrivals.push(arrival);
    most = Math.max(most, ++inFlight);
    // Out of flight as soon as the answer is complete on our side (res.end), which is before the
    // client can have read it and released its permit: the count never overstates the client's.
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      inFlight--;
      arrival.status = res.statusCode;
    };
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      done();
      return end(...args);
    }) as typeof res.end;
    res.once('close', done);
    req.resume();
    req.once('end', () => setTimeout(() => answer(req, res), delayMs));
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    host,
    arrivals,
    mostInFlight: () => most,
    resetMostInFlight: () => {
      most = inFlight;
    },
    rateLimitNext: (path, retryAfter) => new Promise<number>((sent) => (fault = { path, retryAfter, sent })),
    accessEnv: () => ({ REGISTRY_ALLOWED_PRIVATE_HOSTS: host, REGISTRY_CA_FILE: certificates.caCert }),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      upstreamAgent.destroy();
    },
  };
}
