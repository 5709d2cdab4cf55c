import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { keyringsFromConfig, TOKEN_KEYRINGS } from './keyrings';
import { RegistryTokenCipher } from './registry-token-cipher';
import { WebhookSecretCipher } from './webhook-secret-cipher';

@Module({
  providers: [
    { provide: TOKEN_KEYRINGS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => keyringsFromConfig(config) },
    RegistryTokenCipher,
    WebhookSecretCipher,
  ],
  exports: [RegistryTokenCipher, WebhookSecretCipher],
})
export class CryptoModule {}
