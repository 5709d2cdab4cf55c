import { Injectable } from '@nestjs/common';
import { EventRepository, toEventJson } from '@app/db';
import { EventListResponse, ListEventsQuery } from './event.schemas';

@Injectable()
export class EventsService {
  constructor(private readonly events: EventRepository) {}

  /** Newest first; `next_cursor` is the id of the page's last event (the page after starts before it). */
  async list(orgId: string, query: ListEventsQuery): Promise<EventListResponse> {
    const page = await this.events.list(orgId, { ...query, limit: query.limit + 1 });
    const hasMore = page.length > query.limit;
    const items = hasMore ? page.slice(0, query.limit) : page;
    const last = items[items.length - 1];
    return { data: items.map(toEventJson), next_cursor: hasMore && last ? last.seq.toString() : null };
  }
}
