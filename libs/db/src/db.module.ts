import { Module } from '@nestjs/common';
import { IdempotencyRepository } from './idempotency.repository';
import { PrismaService } from './prisma.service';
import { TemplateRepository } from './template.repository';

@Module({
  providers: [PrismaService, TemplateRepository, IdempotencyRepository],
  exports: [PrismaService, TemplateRepository, IdempotencyRepository],
})
export class DbModule {}
