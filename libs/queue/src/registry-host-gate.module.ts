import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { createFailFastRedis } from './redis-connection';
import { RedisHostGate } from './registry-host-gate';

/** Injection token of the worker's registry `HostGate` (shared by every worker through Redis). */
export const REGISTRY_HOST_GATE = Symbol('REGISTRY_HOST_GATE');
const GATE_REDIS = Symbol('GATE_REDIS');

/**
 * The registry host gate of the worker, on a fail-fast Redis connection of its own (a
 * request never waits on a Redis that is away: the gate falls back to a limit per worker).
 */
@Module({
  providers: [
    {
      provide: GATE_REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createFailFastRedis(config.redis),
    },
    {
      provide: REGISTRY_HOST_GATE,
      inject: [APP_CONFIG, GATE_REDIS, LOGGER, METRICS],
      useFactory: (config: AppConfig, redis: IORedis, logger: Logger, metrics: ServiceMetrics) =>
        new RedisHostGate(
          redis,
          {
            maxPerHost: config.registry.maxConcurrencyPerHost,
            maxWaitMs: config.registry.permitTimeoutMs,
            leaseMs: config.registry.permitLeaseMs,
          },
          logger.child({ component: 'registry-host-gate' }),
          metrics,
        ),
    },
  ],
  exports: [REGISTRY_HOST_GATE],
})
export class RegistryHostGateModule implements OnApplicationShutdown {
  constructor(
    @Inject(REGISTRY_HOST_GATE) private readonly gate: RedisHostGate,
    @Inject(GATE_REDIS) private readonly redis: IORedis,
  ) {}

  /** After the validations drained (the consumer closes in onModuleDestroy). */
  onApplicationShutdown(): void {
    this.gate.close();
    this.redis.disconnect();
  }
}
