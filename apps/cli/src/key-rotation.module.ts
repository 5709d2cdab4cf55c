import { DynamicModule, Module } from '@nestjs/common';
import pino from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { ObservabilityModule, ServiceMetrics } from '@app/common';
import { CryptoModule } from '@app/crypto';
import { DbModule } from '@app/db';

/** Just what key rotation needs: the database and the token keyrings. */
@Module({})
export class KeyRotationModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: KeyRotationModule,
      imports: [
        ConfigModule.forRoot('rotate-keys', config),
        ObservabilityModule.forRoot(pino({ level: 'warn' }), new ServiceMetrics('cli')),
        CryptoModule,
        DbModule,
      ],
    };
  }
}
