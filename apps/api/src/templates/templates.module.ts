import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { TemplatesController } from './templates.controller';
import { IdempotencyService } from './idempotency.service';
import { TemplatesService } from './templates.service';

@Module({
  imports: [AuthModule, CryptoModule, DbModule, QueueModule],
  controllers: [TemplatesController],
  providers: [
    TemplatesService,
    IdempotencyService,
    RateLimitGuard,
    // the producer's fail-fast connection: a dead Redis costs a request nothing
    { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS },
  ],
})
export class TemplatesModule {}
