import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccessTokenVerifier, JWKS_SOURCE, JwksSource } from './access-token-verifier';
import { AuthGuard } from './auth.guard';
import { ensureDevAuthKeys } from './dev-auth-keys';

@Module({
  providers: [
    {
      provide: JWKS_SOURCE,
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<JwksSource> => {
        const { jwksUrl, jwksFile } = config.auth;
        if (jwksUrl || jwksFile) return { jwksUrl, jwksFile };
        // Config validation already refused production without a JWKS; this is dev mode.
        return { jwksFile: (await ensureDevAuthKeys(config.dataDir)).jwksFile };
      },
    },
    AccessTokenVerifier,
    AuthGuard,
  ],
  exports: [AccessTokenVerifier, AuthGuard],
})
export class AuthModule {}
