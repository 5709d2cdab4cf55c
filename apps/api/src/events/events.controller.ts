import { Controller, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuthGuard, Caller, CurrentCaller, RateLimitGuard } from '@app/common';
import { Endpoint } from '../contract/operation';
import { header, query, RequestHeader } from '../contract/schema-pipe';
import { EventOperations as Op } from './event.operations';
import { EventListResponse, LastEventIdSchema, ListEventsQuery, ListEventsQuerySchema, StreamEventsQuery, StreamEventsQuerySchema } from './event.schemas';
import { EventStreamHub } from './event-stream.hub';
import { EventsService } from './events.service';

@Controller()
@UseGuards(AuthGuard, RateLimitGuard)
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly streams: EventStreamHub,
  ) {}

  @Endpoint(Op.list)
  list(@Param('org_id') orgId: string, @Query(query(ListEventsQuerySchema)) request: ListEventsQuery): Promise<EventListResponse> {
    return this.events.list(orgId, request);
  }

  /** The reply is hijacked: the hub writes the stream on the raw response. */
  @Endpoint(Op.stream)
  stream(
    @Param('org_id') orgId: string,
    @CurrentCaller() caller: Caller,
    @Query(query(StreamEventsQuerySchema)) filter: StreamEventsQuery,
    @RequestHeader('last-event-id', header(LastEventIdSchema, 'Last-Event-ID')) lastEventId: bigint | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.streams.open({ orgId, caller, filter, lastEventId, reply });
  }
}
