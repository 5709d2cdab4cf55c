import { Module } from '@nestjs/common';
import { DbModule } from '@app/db';
import { QueueModule } from '@app/queue';
import { HealthController } from './health.controller';

@Module({ imports: [DbModule, QueueModule], controllers: [HealthController] })
export class HealthModule {}
