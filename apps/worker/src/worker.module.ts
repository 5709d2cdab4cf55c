import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { ObservabilityModule, ServiceMetrics } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { WorkerHttpServer } from './http/worker-http-server';
import { RevalidationScheduler } from './revalidation/revalidation-scheduler';
import { OutboxSweeper } from './sweep/outbox-sweeper';
import { registryClientProvider } from './validation/registry-client.provider';
import { TemplateValidationProcessor } from './validation/template-validation.processor';
import { TemplateValidationService } from './validation/template-validation.service';

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger, metrics: ServiceMetrics): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot('worker', config), ObservabilityModule.forRoot(logger, metrics), CryptoModule, DbModule, QueueModule],
      providers: [registryClientProvider, TemplateValidationService, TemplateValidationProcessor, OutboxSweeper, RevalidationScheduler, WorkerHttpServer],
    };
  }
}
