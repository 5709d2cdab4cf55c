import { Inject, Injectable, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EventAnnouncementHandlers, EventAnnouncer, LOGGER } from '@app/common';
import { createSubscriberRedis } from './redis-connection';
import { PRODUCER_REDIS } from './validation-queue.producer';

/**
 * The channel, per Redis database: pub/sub channels are shared by every database of a
 * server, and two deployments on one server (or two test suites) should not prompt each
 * other's streams. A message is one org id.
 */
const channelOf = (redis: IORedis): string => `events:appended:${redis.options.db ?? 0}`;

/**
 * How often each announcing process asks Redis whether any replica subscribes (PUBSUB
 * NUMSUB). A replica that has just subscribed may miss what is committed until then, so it
 * reads its streams' logs again over the next CATCH_UP_MS (EventAnnouncementListener).
 */
const SUBSCRIBER_LOOK_MS = 500;
const CATCH_UP_MS = [250, 500, 750, 1000, 1500];

/**
 * Announces committed events with Redis PUBLISH, after the commit (EventCommits in libs/db
 * calls it), and only while some replica subscribes: without open streams, writing an event
 * costs no announcement at all. Not Postgres NOTIFY: a NOTIFY is a transaction of its own
 * that takes Postgres' notification queue lock at commit and writes the queue whether anyone
 * listens or not; it cost Postgres about 0.15 ms per write (pgbench, the create+delete cycle
 * at one client: 2,107 cycles/s without, 1,272 with), where a PUBLISH costs Redis a few
 * microseconds and reaches only the replicas that subscribed.
 */
@Injectable()
export class RedisEventAnnouncer implements EventAnnouncer, OnModuleDestroy {
  private readonly channel: string;
  /** Whether a replica subscribed at the last look; true until known (and while Redis cannot say). */
  private subscribers = true;
  private looking?: NodeJS.Timeout;

  constructor(
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.channel = channelOf(redis);
  }

  async announce(orgIds: readonly string[]): Promise<void> {
    if (!this.looking) this.startLooking();
    if (!this.subscribers) return;
    try {
      // One PUBLISH per org (ioredis writes them together); each answers how many received it.
      const received = await Promise.all(orgIds.map((orgId) => this.redis.publish(this.channel, orgId)));
      this.subscribers = received.some((count) => count > 0);
    } catch (error) {
      // The log has the events; streams read it again at their next heartbeat.
      this.logger.warn({ err: { message: (error as Error).message }, orgs: orgIds.length }, 'event announcement not sent');
    }
  }

  /** From the first announcement on, every SUBSCRIBER_LOOK_MS: is anyone subscribed? */
  private startLooking(): void {
    const look = async (): Promise<void> => {
      try {
        const [, count] = (await this.redis.pubsub('NUMSUB', this.channel)) as [string, number];
        this.subscribers = Number(count) > 0;
      } catch {
        this.subscribers = true; // cannot tell: announce (a failing PUBLISH is only logged)
      }
    };
    void look();
    this.looking = setInterval(() => void look(), SUBSCRIBER_LOOK_MS);
    this.looking.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.looking);
  }
}

/**
 * Subscribes to the announcements while wanted (`want(true)`: this API replica holds streams),
 * on a subscriber connection of its own. Every (re)subscription calls `resynced` at once and
 * again over the next CATCH_UP_MS, so the streams catch up from the log on whatever was
 * announced while the connection was down (a Redis restart or a Sentinel failover) and on
 * whatever writers did not announce before their next look found this subscriber.
 */
@Injectable()
export class EventAnnouncementListener implements OnApplicationShutdown {
  private subscriber?: IORedis;
  private handlers?: EventAnnouncementHandlers;
  private stopped = false;
  private catchUps: NodeJS.Timeout[] = [];
  private failures = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(handlers: EventAnnouncementHandlers): void {
    if (this.handlers) throw new Error('The event announcement listener is already started');
    this.handlers = handlers;
  }

  /** Subscribe (connecting if needed) or stop (closing the connection). */
  want(listening: boolean): void {
    if (this.stopped || listening === (this.subscriber !== undefined)) return;
    if (!listening) {
      this.close();
      return;
    }
    const subscriber = createSubscriberRedis(this.config.redis);
    this.subscriber = subscriber;
    const channel = channelOf(subscriber);
    subscriber.on('message', (from: string, orgId: string) => {
      if (from === channel) this.handlers?.appended(orgId);
    });
    subscriber.on('ready', () => void this.subscribe(subscriber, channel));
    subscriber.on('error', (error: Error) => {
      this.failures++;
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.logger.warn({ err: { message: error.message } }, 'event announcements unavailable; reconnecting');
      }
    });
    subscriber.connect().catch(() => undefined); // failures reach 'error', and ioredis retries
  }

  private async subscribe(subscriber: IORedis, channel: string): Promise<void> {
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      // The connection dropped before SUBSCRIBE was answered: the next 'ready' tries again.
      this.logger.warn({ err: { message: (error as Error).message } }, 'event announcements: subscribe failed');
      return;
    }
    if (this.subscriber !== subscriber) return;
    // Once per subscription: when the replica takes its first stream, and after each reconnect.
    this.logger.info({ afterFailures: this.failures }, 'event announcements subscribed');
    this.failures = 0;
    this.handlers?.resynced();
    this.clearCatchUps();
    this.catchUps = CATCH_UP_MS.map((ms) => setTimeout(() => this.subscriber === subscriber && this.handlers?.resynced(), ms));
  }

  private clearCatchUps(): void {
    for (const timer of this.catchUps.splice(0)) clearTimeout(timer);
  }

  private close(): void {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.clearCatchUps();
    subscriber?.disconnect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.close();
  }
}
