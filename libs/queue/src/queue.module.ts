import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import { APP_CONFIG, AppConfig } from '@app/config';
import { createFailFastRedis } from './redis-connection';
import { PRODUCER_REDIS, ValidationQueueProducer } from './validation-queue.producer';

@Module({
  providers: [
    {
      provide: PRODUCER_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createFailFastRedis(config.redis.url, config.redis.commandTimeoutMs),
    },
    ValidationQueueProducer,
  ],
  exports: [ValidationQueueProducer, PRODUCER_REDIS],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis.disconnect();
  }
}
