import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { ObservabilityModule, ServiceMetrics } from '@app/common';
import { HealthModule } from './health/health.module';
import { OpenApiModule } from './openapi/openapi.module';
import { TemplatesModule } from './templates/templates.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ServiceMetrics): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot('api', config), ObservabilityModule.forRoot(logger, metrics), HealthModule, OpenApiModule, TemplatesModule],
    };
  }
}
