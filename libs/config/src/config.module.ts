import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig, loadConfig, ProcessRole } from './app-config';

/** Injection token for the validated AppConfig object. */
export const APP_CONFIG = Symbol('APP_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  /** Validates the environment once at boot; pass `config` to skip the environment (tests). */
  static forRoot(role: ProcessRole, config?: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config ?? loadConfig(role) }],
      exports: [APP_CONFIG],
    };
  }
}
