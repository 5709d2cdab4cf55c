import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { AppConfig } from '@app/config';
import { HttpExceptionFilter, PinoNestLogger, ServiceMetrics } from '@app/common';
import { WorkerModule } from './worker.module';

/**
 * Builds and starts the worker (for main.ts and the e2e tests): the validation consumer, the
 * sweep and the re-validation scheduler, with /healthz, /readyz and /metrics on
 * WORKER_HTTP_PORT (no other routes).
 */
export async function createWorkerApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    WorkerModule.forRoot(config, logger, new ServiceMetrics('worker')),
    new FastifyAdapter({ logger: false }),
    { logger: new PinoNestLogger(logger.child({ component: 'nest' })), bufferLogs: false },
  );
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  await app.listen(config.worker.httpPort, config.http.host);
  logger.info({ port: (app.getHttpServer().address() as AddressInfo).port }, 'worker health and metrics listening');
  return app;
}
