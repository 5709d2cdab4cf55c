import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
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
  WebhookDeliveryProducer,
  WebhookDeliveryConsumer,
];

/**
 * Redis and BullMQ: every connection and queue object is created here. The consumer opens
 * its own (blocking) connection only when a worker starts it.
 */
@Module({
  providers: [
    {
      provide: PRODUCER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createFailFastRedis(config.redis),
    },
    ...SERVICES,
  ],
  exports: [...SERVICES, PRODUCER_REDIS],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
