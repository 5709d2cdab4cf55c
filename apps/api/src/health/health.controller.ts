import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type IORedis from 'ioredis';
import { checkReadiness, ReadinessReport } from '@app/common';
import { PrismaService } from '@app/db';
import { PRODUCER_REDIS } from '@app/queue';

/** Liveness and readiness for load balancers and docker-compose; no authentication. */
@Controller()
export class HealthController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
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
}
