import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Caller, DomainError, ErrorCode, LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { EventRepository } from '@app/db';
import { EventAnnouncementListener, EventStreamSlots } from '@app/queue';
import { EventFilter, EventStream, OrgChannel, StreamEndReason } from './event-stream';
import { SseConnection } from './sse-connection';

/** A connection holding more than this unsent is ended at once (one page of events fits easily). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** The `retry:` the stream suggests to clients for reconnecting. */
const RETRY_MS = 1000;

export interface StreamRequest {
  orgId: string;
  caller: Caller;
  filter: EventFilter;
  lastEventId?: bigint;
  reply: FastifyReply;
}

/**
 * The event streams of this API replica. New events reach it as announcements on Redis
 * pub/sub (whichever replica or worker committed them; the replica subscribes only while it
 * holds streams); each org's channel then reads the log, which stays the source of truth: a
 * stream resumes from its Last-Event-ID, a replica whose subscription was re-established
 * catches every stream up, and every heartbeat reads once more in case an announcement was
 * lost. A client that stops reading is dropped one heartbeat after its
 * socket filled up; SIGTERM ends every stream cleanly so clients reconnect elsewhere.
 */
@Injectable()
export class EventStreamHub implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly channels = new Map<string, OrgChannel>();
  private heartbeat?: NodeJS.Timeout;
  private closing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly events: EventRepository,
    private readonly listener: EventAnnouncementListener,
    private readonly slots: EventStreamSlots,
  ) {}

  onApplicationBootstrap(): void {
    this.listener.start({
      appended: (orgId) => void this.channels.get(orgId)?.wake(),
      resynced: () => this.wakeAll(),
    });
    this.heartbeat = setInterval(() => this.beat(), this.config.events.heartbeatMs);
  }

  /** Opens a stream for the caller, or refuses it (429 too_many_streams) before anything is sent. */
  async open({ orgId, caller, filter, lastEventId, reply }: StreamRequest): Promise<void> {
    if (this.closing) throw new DomainError(ErrorCode.Unavailable, 'This server is shutting down; reconnect');
    const slot = { caller: caller.subject, streamId: randomUUID() };
    const limit = this.config.events.streamsPerCaller;
    if (!(await this.slots.acquire(slot))) {
      this.metrics.eventStreamsRefused.inc();
      throw new DomainError(ErrorCode.TooManyStreams, `At most ${limit} event streams may be open per caller; close one before opening another`);
    }
    let start: bigint;
    try {
      // A Last-Event-ID past the org's newest event is not one of ours: start from now.
      const head = await this.events.head(orgId);
      start = lastEventId !== undefined && lastEventId <= head ? lastEventId : head;
    } catch (error) {
      await this.slots.release(slot);
      throw error;
    }
    reply.hijack();
    const connection = new SseConnection(reply.raw, MAX_BUFFERED_BYTES);
    connection.open(headersOf(reply), RETRY_MS);
    this.add(new EventStream(slot.streamId, orgId, caller.subject, filter, connection, start));
  }

  private add(stream: EventStream): void {
    let channel = this.channels.get(stream.orgId);
    if (!channel) this.channels.set(stream.orgId, (channel = new OrgChannel(stream.orgId, this.events, this.logger)));
    channel.streams.add(stream);
    this.metrics.eventStreams.inc();
    this.listener.want(true);
    const wake = () => void channel.wake();
    stream.connection.onDrain(() => {
      stream.congestedSince = undefined;
      wake();
    });
    stream.connection.onClose(() => void this.closed(stream));
    // A client that went away while the stream was being set up: 'close' has already fired.
    if (stream.connection.isClosed) void this.closed(stream);
    else wake();
  }

  private async closed(stream: EventStream): Promise<void> {
    if (stream.ended) return;
    stream.ended = true;
    const channel = this.channels.get(stream.orgId);
    channel?.streams.delete(stream);
    if (channel?.streams.size === 0) this.channels.delete(stream.orgId);
    // No stream left: unsubscribe (and close the subscriber connection).
    if (this.channels.size === 0) this.listener.want(false);
    const reason: StreamEndReason = stream.endReason ?? (stream.connection.overflowed ? 'slow_reader' : 'client');
    this.metrics.eventStreams.dec();
    this.metrics.eventStreamsClosed.inc({ reason });
    this.logger.info(
      { orgId: stream.orgId, streamId: stream.id, reason, delivered: stream.delivered, durationMs: Date.now() - stream.openedAt },
      'event stream closed',
    );
    await this.slots.release({ caller: stream.caller, streamId: stream.id });
  }

  /** Every heartbeat: a comment on each stream, slow readers dropped, slots renewed, the log read again. */
  private beat(): void {
    const now = Date.now();
    const open = this.streams();
    for (const stream of open) {
      if (!stream.connection.congested) {
        stream.connection.comment('heartbeat');
      } else if (stream.congestedSince === undefined) {
        stream.congestedSince = now;
      } else if (now - stream.congestedSince >= this.config.events.heartbeatMs) {
        stream.endReason = 'slow_reader';
        stream.connection.destroy();
      }
    }
    void this.slots.refresh(open.map((stream) => ({ caller: stream.caller, streamId: stream.id })));
    this.wakeAll();
  }

  private wakeAll(): void {
    for (const channel of this.channels.values()) void channel.wake();
  }

  private streams(): EventStream[] {
    return [...this.channels.values()].flatMap((channel) => [...channel.streams]);
  }

  /**
   * First shutdown phase, before the HTTP server closes: end every stream so clients reconnect
   * elsewhere, and account for each (log line, metrics, slot) now rather than when its socket's
   * close event comes, which may be after the process has exited.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    const open = this.streams();
    for (const stream of open) {
      stream.endReason = 'shutdown';
      stream.connection.end('server shutting down; reconnect');
    }
    await Promise.all(open.map((stream) => this.closed(stream)));
  }
}

/** The headers Fastify would have sent (security headers, request id, rate limit). */
function headersOf(reply: FastifyReply): Record<string, string | string[] | number> {
  const headers: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) headers[name] = value;
  return headers;
}
