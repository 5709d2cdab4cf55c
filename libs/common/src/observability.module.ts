import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from './logging';
import { METRICS, ServiceMetrics } from './metrics';

/** Makes the process's pino logger (LOGGER) and Prometheus metrics (METRICS) injectable. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(logger: Logger, metrics: ServiceMetrics): DynamicModule {
    return {
      module: ObservabilityModule,
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: METRICS, useValue: metrics },
      ],
      exports: [LOGGER, METRICS],
    };
  }
}
