import { Module } from '@nestjs/common';
import { ResourceModule } from '../resource.module';
import { RegistryCredentialsController } from './registry-credentials.controller';
import { RegistryCredentialsService } from './registry-credentials.service';

@Module({
  imports: [ResourceModule],
  controllers: [RegistryCredentialsController],
  providers: [RegistryCredentialsService],
})
export class RegistryCredentialsModule {}
