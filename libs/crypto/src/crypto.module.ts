import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { keyringsFromConfig, RegistryTokenCipher, TOKEN_KEYRINGS } from './registry-token-cipher';

@Module({
  providers: [
    { provide: TOKEN_KEYRINGS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => keyringsFromConfig(config) },
    RegistryTokenCipher,
  ],
  exports: [RegistryTokenCipher],
})
export class CryptoModule {}
