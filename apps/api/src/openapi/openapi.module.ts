import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OpenApiController } from './openapi.controller';
import { OperationRegistry } from './operation-registry';

@Module({ imports: [DiscoveryModule], controllers: [OpenApiController], providers: [OperationRegistry] })
export class OpenApiModule {}
