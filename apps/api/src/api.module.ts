import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '@app/config';
import { LoggingModule } from '@app/common';
import { HealthModule } from './health/health.module';
import { TemplatesModule } from './templates/templates.module';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ApiModule,
      imports: [ConfigModule.forRoot('api', config), LoggingModule.forRoot(logger), HealthModule, TemplatesModule],
    };
  }
}
