import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '@app/config';
import { PinoNestLogger, ServiceMetrics } from '@app/common';
import { WorkerModule } from './worker.module';

/** Builds the worker (no HTTP API: a Nest application context), for main.ts and the e2e tests. */
export async function createWorkerApp(config: AppConfig, logger: Logger): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger, new ServiceMetrics('worker')), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
  });
  await app.init();
  return app;
}
