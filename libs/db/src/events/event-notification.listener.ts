import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';

/** What a listener hears: an org's log grew to `seq`, or LISTEN is (again) in place and anything may have been missed. */
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
 * pooler such as PgBouncer.
 *
 * Only while wanted (`want(true)`: the API replica holds streams). Postgres wakes every
 * listening backend for every notification of the database, so each listener costs every
 * write (measured: about 25 µs of Postgres CPU per event and listener); a replica without
 * streams does not listen. A lost connection is opened again with backoff, and `resynced`
 * tells the handlers to catch up from the log, which stays the source of truth: a notification
 * is only a prompt to read it.
 */
@Injectable()
export class EventNotificationListener implements OnApplicationShutdown {
  private client?: Client;
  private handlers?: EventNotificationHandlers;
  private wanted = false;
  private connecting = false;
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
  }

  /** Listen (connecting if needed) or stop listening (closing the connection). */
  want(listening: boolean): void {
    if (this.stopped || listening === this.wanted) return;
    this.wanted = listening;
    if (listening) {
      void this.connect();
      return;
    }
    clearTimeout(this.reconnectTimer);
    this.close();
  }

  /** True while LISTEN is in place. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.wanted || this.client || this.connecting) return;
    this.connecting = true;
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
      this.connecting = false;
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect(error as Error);
      return;
    }
    this.connecting = false;
    if (this.stopped || !this.wanted) {
      client.removeAllListeners('end');
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
    this.close();
    this.scheduleReconnect(error);
  }

  private close(): void {
    const client = this.client;
    this.client = undefined;
    clearInterval(this.pingTimer);
    if (!client) return;
    client.removeAllListeners('end');
    client.end().catch(() => undefined);
  }

  private scheduleReconnect(error: Error): void {
    if (this.stopped || !this.wanted) return;
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
    this.close();
  }
}
