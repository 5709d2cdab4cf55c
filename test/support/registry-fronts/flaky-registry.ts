import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

/** A scripted answer for the next matching request instead of forwarding it. */
export interface InjectedFault {
  /** Which requests: e.g. /\/manifests\// */
  path: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** How many matching requests get the fault (default 1). */
  times?: number;
}

/**
 * Plain-HTTP front for a real TLS registry that can be told to misbehave (503s, 429s with
 * Retry-After) for a number of requests, then forwards faithfully. Only for behaviour a
 * real registry cannot be made to show on demand.
 */
export class FlakyRegistry {
  private server?: Server;
  private faults: (InjectedFault & { remaining: number })[] = [];
  readonly seen: { method: string; path: string; status: number }[] = [];

  constructor(
    private readonly upstream: URL,
    private readonly caFile: string,
  ) {}

  async start(): Promise<string> {
    const ca = readFileSync(this.caFile);
    this.server = createServer((req, res) => this.handle(req, res, ca));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  inject(fault: InjectedFault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private handle(req: IncomingMessage, res: ServerResponse, ca: Buffer): void {
    const path = req.url ?? '/';
    const fault = this.faults.find((f) => f.remaining > 0 && f.path.test(path));
    if (fault) {
      fault.remaining--;
      this.seen.push({ method: req.method ?? 'GET', path, status: fault.status });
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers }).end(fault.body ?? '{"errors":[]}');
      return;
    }
    const forward = httpsRequest(
      { host: this.upstream.hostname, port: this.upstream.port, path, method: req.method, headers: { ...req.headers, host: this.upstream.host }, ca },
      (upstream) => {
        this.seen.push({ method: req.method ?? 'GET', path, status: upstream.statusCode ?? 0 });
        res.writeHead(upstream.statusCode ?? 502, upstream.headers);
        upstream.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  }
}
