import { Injectable } from '@nestjs/common';
import type { ReadinessProbe } from '@app/common';
import { PrismaService } from './prisma.service';

/** Readiness of Postgres for /readyz: one round trip through the same client the repositories use. */
@Injectable()
export class DatabaseHealth implements ReadinessProbe {
  readonly name = 'postgres';

  constructor(private readonly prisma: PrismaService) {}

  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
