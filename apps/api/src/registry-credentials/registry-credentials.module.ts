import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { RegistryCredentialsController } from './registry-credentials.controller';
import { RegistryCredentialsService } from './registry-credentials.service';

@Module({
  imports: [AuthModule, CryptoModule, DbModule, QueueModule],
  controllers: [RegistryCredentialsController],
  providers: [
    RegistryCredentialsService,
    RateLimitGuard,
    // the producer's fail-fast connection, as for templates
    { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS },
  ],
})
export class RegistryCredentialsModule {}
