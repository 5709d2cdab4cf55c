import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { ImagePolicyController } from './image-policy.controller';
import { ImagePolicyService } from './image-policy.service';

@Module({
  imports: [AuthModule, DbModule, QueueModule],
  controllers: [ImagePolicyController],
  providers: [
    ImagePolicyService,
    RateLimitGuard,
    // the producer's fail-fast connection, as for the templates resource
    { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS },
  ],
})
export class ImagePolicyModule {}
