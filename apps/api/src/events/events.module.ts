import { Module } from '@nestjs/common';
import { AuthModule, RATE_LIMIT_REDIS, RateLimitGuard } from '@app/common';
import { DbModule } from '@app/db';
import { PRODUCER_REDIS, QueueModule } from '@app/queue';
import { EventStreamHub } from './event-stream.hub';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  imports: [AuthModule, DbModule, QueueModule],
  controllers: [EventsController],
  providers: [EventsService, EventStreamHub, RateLimitGuard, { provide: RATE_LIMIT_REDIS, useExisting: PRODUCER_REDIS }],
})
export class EventsModule {}
