import { Module } from '@nestjs/common';
import { ResourceModule } from '../resource.module';
import { TemplatesController } from './templates.controller';
import { IdempotencyService } from './idempotency.service';
import { TemplatesService } from './templates.service';

@Module({
  imports: [ResourceModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, IdempotencyService],
})
export class TemplatesModule {}
