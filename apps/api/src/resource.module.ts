import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { ValidationHandover } from './validation/validation-handover';

/**
 * What every resource module of the API uses: authentication, the per-caller rate limit (on
 * the producer's fail-fast Redis connection: a dead Redis costs a request nothing), the
 * database, the queue, the cipher, and the hand-over of templates to the validation worker.
 */
@Module({
  imports: [AuthModule, CryptoModule, DbModule, QueueModule],
  providers: [RateLimitGuard, { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS }, ValidationHandover],
  exports: [AuthModule, CryptoModule, DbModule, QueueModule, RateLimitGuard, RATE_LIMIT_REDIS, ValidationHandover],
})
export class ResourceModule {}
