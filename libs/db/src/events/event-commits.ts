import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { EVENT_ANNOUNCER, EventAnnouncer, METRICS, ServiceMetrics } from '@app/common';
import { EventType } from './event-types';

/**
 * What happens once a transaction that appended events has committed: the events-written
 * metric, and an announcement (EVENT_ANNOUNCER: Redis pub/sub, from libs/queue) for the API
 * replicas that stream, which then read the log from where each stream is.
 *
 * Announced after the commit, never from the appending statement: a reader must find the
 * events when prompted. Orgs are gathered over one turn of the event loop and announced
 * together. A process that dies between its commit and the announcement, or one without an
 * announcer (the CLI), leaves the streams to find the events at their next heartbeat, which
 * reads the log again; webhooks never depended on it (the worker's dispatch polls).
 */
@Injectable()
export class EventCommits implements OnModuleDestroy {
  /** Orgs written since the last flush; a flush is scheduled whenever it is not empty. */
  private readonly pending = new Set<string>();
  private flushing?: Promise<void>;

  constructor(
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Optional() @Inject(EVENT_ANNOUNCER) private readonly announcer?: EventAnnouncer,
  ) {}

  /** Call after the transaction that appended `types` to the org's log has committed. */
  committed(orgId: string, types: readonly EventType[]): void {
    for (const type of types) this.metrics.eventsWritten.inc({ type });
    if (!this.announcer) return;
    const scheduled = this.pending.size > 0;
    this.pending.add(orgId);
    if (scheduled) return;
    setImmediate(() => {
      this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    const orgs = [...this.pending];
    this.pending.clear();
    await this.announcer?.announce(orgs);
  }

  /** Before Redis closes (onApplicationShutdown): send what is still pending. */
  async onModuleDestroy(): Promise<void> {
    await this.flushing;
    if (this.pending.size) await this.flush();
  }
}
