import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

@Module({
  imports: [AuthModule, CryptoModule, DbModule, QueueModule],
  controllers: [WebhooksController],
  providers: [WebhooksService, RateLimitGuard, { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS }],
})
export class WebhooksModule {}
