/**
 * Test-only: an HTTP(S) server on loopback that records every request, and small helpers
 * for the RegistryClient unit specs. Not exported from the library.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly host: string | undefined;
}

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP(S) server on 127.0.0.1 that records every request it receives. */
export class TestServer {
  readonly requests: RecordedRequest[] = [];
  /** TCP connections accepted so far. */
  connections = 0;

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    readonly protocol: 'http' | 'https',
    private readonly listenHost: string,
  ) {}

  static async start(handler: RequestHandler, tls?: { key: string; cert: string }, listenHost = '127.0.0.1'): Promise<TestServer> {
    let instance: TestServer | undefined;
    const listener: RequestHandler = (req, res) => {
      instance?.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: req.headers.authorization,
        host: req.headers.host,
      });
      handler(req, res);
    };
    const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, listenHost, resolve));
    instance = new TestServer(server, (server.address() as AddressInfo).port, tls ? 'https' : 'http', listenHost);
    server.on('connection', () => instance && instance.connections++);
    return instance;
  }

  /** `127.0.0.1:<port>`, or `[::1]:<port>` when listening on IPv6 loopback. */
  get host(): string {
    return this.listenHost.includes(':') ? `[${this.listenHost}]:${this.port}` : `${this.listenHost}:${this.port}`;
  }

  requestsTo(pathPrefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sha256(content: Buffer | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
