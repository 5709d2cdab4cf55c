import { Module } from '@nestjs/common';
import { PrismaService } from './prisma.service';
import { TemplateRepository } from './template.repository';

@Module({
  providers: [PrismaService, TemplateRepository],
  exports: [PrismaService, TemplateRepository],
})
export class DbModule {}
