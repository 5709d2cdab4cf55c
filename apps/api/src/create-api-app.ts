import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { AppConfig } from '@app/config';
import { HttpExceptionFilter, PinoNestLogger, registerRequestLogging, registerSecurityHeaders, requestIdFrom, ServiceMetrics } from '@app/common';
import { ApiModule } from './api.module';

/** Builds the HTTP application (used by main.ts and by the e2e tests). */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    genReqId: (request: { headers: Record<string, unknown> }) => requestIdFrom(request),
    logger: false,
    return503OnClosing: true,
  });
  const metrics = new ServiceMetrics('api');
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, logger, metrics), adapter, {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestLogging(fastify, logger, metrics);
  registerSecurityHeaders(fastify);
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.enableShutdownHooks();
  return app;
}
