import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';

/** What a listener hears: an org's log grew to `seq`, or the connection came back (anything may have been missed). */
export interface EventNotificationHandlers {
  appended(orgId: string, seq: bigint): void;
  resynced(): void;
}

const CHANNEL = 'org_events';
const MAX_RECONNECT_DELAY_MS = 5_000;
const PING_INTERVAL_MS = 30_000;

/**
 * LISTEN on `org_events` (appending an event NOTIFYs it, delivered on commit), on a session
 * connection of its own to DATABASE_DIRECT_URL: LISTEN does not survive a transaction-mode
 * pooler such as PgBouncer. A lost connection is opened again with backoff, and `resynced`
 * tells the handlers to catch up from the log, which stays the source of truth: a
 * notification is only a prompt to read it. Nothing connects until `start`.
 */
@Injectable()
export class EventNotificationListener implements OnApplicationShutdown {
  private client?: Client;
  private handlers?: EventNotificationHandlers;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private pingTimer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(handlers: EventNotificationHandlers): void {
    if (this.handlers) throw new Error('The event notification listener is already started');
    this.handlers = handlers;
    void this.connect();
  }

  /** True while LISTEN is in place. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.config.database.directUrl,
      connectionTimeoutMillis: this.config.database.connectTimeoutMs,
      keepAlive: true,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    client.on('notification', (message) => this.notified(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.scheduleReconnect(error as Error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.failures > 0) this.logger.info('event notifications listening again');
    this.failures = 0;
    this.pingTimer = setInterval(() => {
      client.query('SELECT 1').catch((error: Error) => this.lost(client, error));
    }, PING_INTERVAL_MS);
    this.handlers?.resynced();
  }

  /** `<org_id> <seq>` (an org id may hold spaces; the position is after the last one). */
  private notified(payload: string | undefined): void {
    const split = payload?.lastIndexOf(' ') ?? -1;
    const seq = split > 0 ? payload!.slice(split + 1) : '';
    if (!/^\d{1,19}$/.test(seq)) {
      this.logger.warn('ignored a malformed event notification');
      return;
    }
    this.handlers?.appended(payload!.slice(0, split), BigInt(seq));
  }

  private lost(client: Client, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.pingTimer);
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
    this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: Error): void {
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(MAX_RECONNECT_DELAY_MS, 250 * 2 ** Math.min(this.failures - 1, 5));
    if (this.failures === 1 || this.failures % 10 === 0) {
      this.logger.warn({ err: { message: error.message }, retryInMs: delay }, 'event notifications unavailable; reconnecting');
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
