import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { HealthModule, ObservabilityModule, ServiceMetrics } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DatabaseHealth, DbModule } from '@app/db';
import { QueueModule, RedisHealth, RegistryHostGateModule, ValidationQueueProducer, WebhookDeliveryProducer } from '@app/queue';
import { ecrMinterProvider } from './credentials/ecr-minter.provider';
import { EcrPasswordCache } from './credentials/ecr-password-cache';
import { RegistryCredentialResolver } from './credentials/registry-credential-resolver';
import { EventRetention } from './events/event-retention';
import { RevalidationScheduler } from './revalidation/revalidation-scheduler';
import { OutboxSweeper } from './sweep/outbox-sweeper';
import { registryClientProvider } from './validation/registry-client.provider';
import { TemplateValidationProcessor } from './validation/template-validation.processor';
import { TemplateValidationService } from './validation/template-validation.service';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { WebhookDeliveryService } from './webhooks/webhook-delivery.service';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { WebhookSender } from './webhooks/webhook-sender';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ServiceMetrics): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot('worker', config),
        ObservabilityModule.forRoot(logger, metrics),
        CryptoModule,
        DbModule,
        QueueModule,
        RegistryHostGateModule,
        // The worker's only HTTP surface, the same endpoints as the API's.
        HealthModule.forRoot({
          imports: [DbModule, QueueModule],
          probes: [DatabaseHealth, RedisHealth],
          metricsSources: [ValidationQueueProducer, WebhookDeliveryProducer],
        }),
      ],
      providers: [
        registryClientProvider,
        ecrMinterProvider,
        EcrPasswordCache,
        RegistryCredentialResolver,
        TemplateValidationService,
        TemplateValidationProcessor,
        OutboxSweeper,
        RevalidationScheduler,
        EventRetention,
        WebhookSender,
        WebhookDeliveryService,
        WebhookDeliveryProcessor,
        WebhookDispatcher,
      ],
    };
  }
}
