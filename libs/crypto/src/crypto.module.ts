import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { keyringFromConfig, RegistryTokenCipher, TOKEN_KEYRING } from './registry-token-cipher';

@Module({
  providers: [
    { provide: TOKEN_KEYRING, inject: [APP_CONFIG], useFactory: (config: AppConfig) => keyringFromConfig(config) },
    RegistryTokenCipher,
  ],
  exports: [RegistryTokenCipher],
})
export class CryptoModule {}
