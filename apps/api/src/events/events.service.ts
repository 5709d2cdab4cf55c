import { Injectable } from '@nestjs/common';
import { EventRepository, toEventJson } from '@app/db';
import { toPage } from '../contract/pagination';
import { EventListResponse, ListEventsQuery } from './event.schemas';

@Injectable()
export class EventsService {
  constructor(private readonly events: EventRepository) {}

  /** Newest first; `next_cursor` is the id of the page's last event (the page after starts before it). */
  async list(orgId: string, query: ListEventsQuery): Promise<EventListResponse> {
    const rows = await this.events.list(orgId, { ...query, limit: query.limit + 1 });
    return toPage(rows, query.limit, toEventJson, (last) => last.seq.toString());
  }
}
