import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { HealthModule, ObservabilityModule, ServiceMetrics } from '@app/common';
import { DatabaseHealth, DbModule } from '@app/db';
import { QueueModule, RedisHealth, ValidationQueueProducer } from '@app/queue';
import { ImagePolicyModule } from './image-policy/image-policy.module';
import { EventsModule } from './events/events.module';
import { OpenApiModule } from './openapi/openapi.module';
import { RegistryCredentialsModule } from './registry-credentials/registry-credentials.module';
import { TemplatesModule } from './templates/templates.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ServiceMetrics): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot('api', config),
        ObservabilityModule.forRoot(logger, metrics),
        HealthModule.forRoot({ imports: [DbModule, QueueModule], probes: [DatabaseHealth, RedisHealth], metricsSources: [ValidationQueueProducer] }),
        OpenApiModule,
        TemplatesModule,
        RegistryCredentialsModule,
        ImagePolicyModule,
        EventsModule,
        WebhooksModule,
      ],
    };
  }
}
