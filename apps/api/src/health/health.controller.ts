import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { checkReadiness, METRICS, ReadinessReport, ServiceMetrics } from '@app/common';
import { PrismaService } from '@app/db';
import { PRODUCER_REDIS, ValidationQueueProducer } from '@app/queue';

/** Liveness, readiness and metrics for load balancers, docker-compose and Prometheus; no authentication. */
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly validationQueue: ValidationQueueProducer,
  ) {}

  @Get('healthz')
  alive(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await checkReadiness(
      { postgres: () => this.prisma.$queryRaw`SELECT 1`, redis: () => this.redis.ping() },
      2000,
    );
    if (report.status !== 'ok') reply.code(503);
    return report;
  }

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    await this.validationQueue.recordQueueDepth(this.metrics);
    reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
