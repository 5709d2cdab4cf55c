import type { Logger } from 'pino';
import { EventRecord, EventRepository, matchesEventType, toEventJson } from '@app/db';
import { SseConnection } from './sse-connection';

/** The stream's optional filters (the same as the audit trail's). */
export interface EventFilter {
  typePattern?: string;
  subjectId?: string;
}

/** Why a stream ended (the disconnect metric's label). */
export type StreamEndReason = 'client' | 'slow_reader' | 'shutdown' | 'error';

/** Events read from the log per query while a stream catches up. */
const PAGE = 200;

/**
 * One client's stream: its position in the org's log (`cursor`: the last event it was sent
 * or skipped by its filter) and its connection.
 */
export class EventStream {
  readonly openedAt = Date.now();
  /** When the connection was first seen congested (the heartbeat drops it one interval later). */
  congestedSince?: number;
  endReason?: StreamEndReason;
  /** Counted out of the hub (once). */
  ended = false;
  delivered = 0;

  constructor(
    /** Also the stream's slot in EventStreamSlots. */
    readonly id: string,
    readonly orgId: string,
    readonly caller: string,
    private readonly filter: EventFilter,
    readonly connection: SseConnection,
    public cursor: bigint,
  ) {}

  /** Sends the page's events after the cursor that pass the filter; stops when the connection is congested. */
  deliver(page: readonly EventRecord[]): void {
    for (const event of page) {
      if (event.seq <= this.cursor) continue;
      if (this.matches(event)) {
        const sent = this.connection.send({ id: event.seq.toString(), event: event.type, data: JSON.stringify(toEventJson(event)) });
        if (!sent) return;
        this.delivered++;
      }
      this.cursor = event.seq;
    }
  }

  get ready(): boolean {
    return !this.connection.isClosed && !this.connection.congested;
  }

  private matches(event: EventRecord): boolean {
    if (this.filter.subjectId && event.subject.id !== this.filter.subjectId) return false;
    return !this.filter.typePattern || matchesEventType([this.filter.typePattern], event.type);
  }
}

/**
 * The streams of one org on this replica, fed by one reader: on each wake it reads the log
 * after the lowest cursor of the streams that can take more, and hands every stream what it
 * has not seen. Reads never overlap (a wake during a read asks for one more round), so each
 * stream gets the org's events exactly once, in log order.
 */
export class OrgChannel {
  readonly streams = new Set<EventStream>();
  private reading?: Promise<void>;
  private again = false;

  constructor(
    readonly orgId: string,
    private readonly events: EventRepository,
    private readonly logger: Logger,
  ) {}

  /** Reads the log for the streams now (or once more after the read in progress); resolves when done. */
  wake(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read();
    return this.reading;
  }

  private async read(): Promise<void> {
    try {
      do {
        this.again = false;
        for (;;) {
          const ready = [...this.streams].filter((stream) => stream.ready);
          if (ready.length === 0) break;
          const from = ready.reduce((lowest, stream) => (stream.cursor < lowest ? stream.cursor : lowest), ready[0].cursor);
          const page = await this.events.after(this.orgId, from, PAGE);
          for (const stream of ready) stream.deliver(page);
          if (page.length < PAGE) break;
        }
      } while (this.again);
    } catch (error) {
      // The database is away: the streams stay open and the next heartbeat reads again.
      this.logger.warn({ orgId: this.orgId, err: { message: (error as Error).message } }, 'event stream could not read the log');
    } finally {
      // In the same synchronous step as the last check of `again`: no wake is lost in between.
      this.reading = undefined;
    }
  }
}
