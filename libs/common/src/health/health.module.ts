import { DynamicModule, Module, ModuleMetadata, Type } from '@nestjs/common';
import { HealthController, METRICS_SOURCES, MetricsSource, READINESS_PROBES, ReadinessProbe } from './health.controller';

export interface HealthModuleOptions {
  /** The modules that provide the probes and sources. */
  imports: ModuleMetadata['imports'];
  /** Checked by /readyz, reported in this order. */
  probes: Type<ReadinessProbe>[];
  /** Asked to refresh their gauges before /metrics answers. */
  metricsSources?: Type<MetricsSource>[];
}

/** /healthz, /readyz and /metrics, the same code in every process that serves HTTP. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const sources = options.metricsSources ?? [];
    return {
      module: HealthModule,
      imports: options.imports,
      controllers: [HealthController],
      providers: [
        { provide: READINESS_PROBES, inject: options.probes, useFactory: (...probes: ReadinessProbe[]) => probes },
        { provide: METRICS_SOURCES, inject: sources, useFactory: (...found: MetricsSource[]) => found },
      ],
    };
  }
}
