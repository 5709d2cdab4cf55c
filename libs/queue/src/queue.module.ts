import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { EVENT_ANNOUNCER } from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EventAnnouncementListener, RedisEventAnnouncer } from './event-announcements';
import { EventStreamSlots } from './event-stream-slots';
import { createFailFastRedis } from './redis-connection';
import { RedisHealth } from './redis-health';
import { ValidationQueueConsumer } from './validation-queue.consumer';
import { PRODUCER_REDIS, ValidationQueueProducer } from './validation-queue.producer';
import { WebhookDeliveryConsumer } from './webhook-delivery.consumer';
import { WebhookDeliveryProducer } from './webhook-delivery.producer';

const SERVICES = [
  ValidationQueueProducer,
  ValidationQueueConsumer,
  RedisHealth,
  EventStreamSlots,
  RedisEventAnnouncer,
  EventAnnouncementListener,
  WebhookDeliveryProducer,
  WebhookDeliveryConsumer,
];

/**
 * Redis and BullMQ: every connection and queue object is created here. The consumer opens
 * its own (blocking) connection only when a worker starts it.
 *
 * Global so that EVENT_ANNOUNCER (Redis pub/sub) reaches libs/db's EventCommits, which
 * announces every commit that appended events, without libs/db importing this library. A
 * process without this module (the CLI) announces nothing: streams find its events at their
 * next heartbeat.
 */
@Global()
@Module({
  providers: [
    {
      provide: PRODUCER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createFailFastRedis(config.redis),
    },
    ...SERVICES,
    { provide: EVENT_ANNOUNCER, useExisting: RedisEventAnnouncer },
  ],
  exports: [...SERVICES, PRODUCER_REDIS, EVENT_ANNOUNCER],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
