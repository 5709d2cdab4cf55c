/**
 * A webhook receiver for the suites: a local HTTPS server (an outside service, so purpose-built
 * is allowed) with a certificate of its own CA (the worker trusts it through WEBHOOK_CA_FILE),
 * that verifies every delivery's signature with the `standardwebhooks` package, as a receiver
 * would, answers what the test tells it to, counts TCP connections, and can go down and come
 * back on the same port.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { waitUntil } from './processes/wait-until';
import { createTestCertificates } from './services/tls';

export interface ReceivedDelivery {
  path: string;
  headers: Record<string, string>;
  body: string;
  /** The parsed body when the signature verified with the endpoint's secret, else undefined. */
  verified?: { type: string; timestamp: string; data: any };
  verifyError?: string;
  /** What the endpoint answered (undefined while it hangs). */
  answered?: number;
}

/** What an endpoint answers; `hang` never answers (until the receiver goes down). */
export type ReceiverAnswer = { status: number; body?: string; headers?: Record<string, string> } | { hang: true };

/** One path of the receiver: what it verifies deliveries with, what it answers, what it got. */
export class ReceiverEndpoint {
  readonly deliveries: ReceivedDelivery[] = [];
  secret?: string;
  answer: (delivery: ReceivedDelivery) => ReceiverAnswer = () => ({ status: 204 });

  constructor(readonly url: string) {}

  /** The secret deliveries are verified with from now on (the webhook's `secret`). */
  verifyWith(secret: string): this {
    this.secret = secret;
    return this;
  }

  respond(answer: (delivery: ReceivedDelivery) => ReceiverAnswer): this {
    this.answer = answer;
    return this;
  }

  /** The verified deliveries' bodies (with `answered`: only those it answered so). */
  verifiedBodies(answered?: number): NonNullable<ReceivedDelivery['verified']>[] {
    return this.deliveries.flatMap((delivery) =>
      delivery.verified && (answered === undefined || delivery.answered === answered) ? [delivery.verified] : [],
    );
  }

  waitFor<T>(description: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    return waitUntil(`${this.url} to get ${description}`, async () => probe(), { timeoutMs, intervalMs: 20 });
  }
}

export class WebhookReceiver {
  connections = 0;
  private readonly endpoints = new Map<string, ReceiverEndpoint>();
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private paths = 0;

  private constructor(
    private readonly server: https.Server,
    private readonly dir: string,
    readonly caFile: string,
  ) {
    server.on('connection', (socket: Socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
        const delivery: ReceivedDelivery = { path: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') };
        const endpoint = this.endpoints.get(delivery.path);
        if (!endpoint) {
          res.writeHead(404).end();
          return;
        }
        verify(delivery, endpoint.secret);
        endpoint.deliveries.push(delivery);
        const answer = endpoint.answer(delivery);
        if ('hang' in answer) return;
        delivery.answered = answer.status;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end(answer.body ?? '');
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const dir = mkdtempSync(path.join(tmpdir(), 'airt-webhook-receiver-'));
    const certificates = await createTestCertificates(dir);
    const server = https.createServer({ cert: readFileSync(certificates.cert), key: readFileSync(certificates.key) });
    const receiver = new WebhookReceiver(server, dir, certificates.caCert);
    await receiver.listen(0);
    return receiver;
  }

  /** `127.0.0.1:PORT`, for WEBHOOK_ALLOWED_PRIVATE_HOSTS. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A new path of its own (one per webhook of a test). */
  endpoint(): ReceiverEndpoint {
    const pathname = `/hooks/${++this.paths}`;
    const endpoint = new ReceiverEndpoint(`https://${this.host}${pathname}`);
    this.endpoints.set(pathname, endpoint);
    return endpoint;
  }

  /** Down: the port refuses connections until `up()`. */
  async down(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  async up(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.down();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}

/** As a receiver verifies: `standardwebhooks` checks the signature and the timestamp's age. */
function verify(delivery: ReceivedDelivery, secret: string | undefined): void {
  if (!secret) return;
  try {
    delivery.verified = new Webhook(secret).verify(delivery.body, delivery.headers) as ReceivedDelivery['verified'];
  } catch (error) {
    delivery.verifyError = (error as Error).message;
  }
}
