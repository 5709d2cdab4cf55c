import { Module } from '@nestjs/common';
import { AuthModule } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { TemplatesController } from './templates.controller';
import { IdempotencyService } from './idempotency.service';
import { TemplatesService } from './templates.service';

@Module({
  imports: [AuthModule, CryptoModule, DbModule, QueueModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, IdempotencyService],
})
export class TemplatesModule {}
