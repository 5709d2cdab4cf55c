import { Module } from '@nestjs/common';
import { ResourceModule } from '../resource.module';
import { EventStreamHub } from './event-stream.hub';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  imports: [ResourceModule],
  controllers: [EventsController],
  providers: [EventsService, EventStreamHub],
})
export class EventsModule {}
