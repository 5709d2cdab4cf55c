import { Inject, Injectable } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { ReadinessProbe } from '@app/common';
import { PRODUCER_REDIS } from './validation-queue.producer';

/** Readiness of Redis for /readyz: a PING on the producer's fail-fast connection. */
@Injectable()
export class RedisHealth implements ReadinessProbe {
  readonly name = 'redis';

  constructor(@Inject(PRODUCER_REDIS) private readonly redis: IORedis) {}

  async ping(): Promise<void> {
    await this.redis.ping();
  }
}
