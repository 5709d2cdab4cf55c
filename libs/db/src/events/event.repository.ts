import { Injectable } from '@nestjs/common';
import { PrismaService } from '../prisma.service';
import { EventType, SubjectKind } from './event-types';
import { EventActor, EventQuery, EventRecord } from './event.types';

interface EventRow {
  org_id: string;
  seq: string;
  type: EventType;
  occurred_at: Date;
  subject_kind: SubjectKind;
  subject_id: string;
  actor_type: 'user' | 'system';
  actor_id: string | null;
  request_id: string | null;
  data: Record<string, unknown>;
}

/** `seq` comes out as text (a bigint); ORDER BY names `events.seq`, the column, not that text. */
const COLUMNS = 'org_id, seq::text AS seq, type, occurred_at, subject_kind, subject_id, actor_type, actor_id, request_id, data';

/**
 * Reads of the event log (the audit trail, streams catching up, webhook dispatch) and its
 * retention. Plain SQL on the pg pool: streams read after every notification.
 */
@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Newest first, before `beforeSeq`, filtered by a type (or dotted prefix), a subject and a start time. */
  async list(orgId: string, query: EventQuery): Promise<EventRecord[]> {
    const values: unknown[] = [orgId];
    const param = (value: unknown) => `$${values.push(value)}`;
    const filters = ['org_id = $1'];
    if (query.beforeSeq !== undefined) filters.push(`seq < ${param(query.beforeSeq.toString())}::bigint`);
    if (query.typePattern) filters.push(typeFilter(query.typePattern, param));
    if (query.subjectId) filters.push(`subject_id = ${param(query.subjectId)}`);
    if (query.since) filters.push(`occurred_at >= ${param(query.since)}::timestamptz`);
    const { rows } = await this.prisma.pool.query<EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE ${filters.join(' AND ')} ORDER BY events.seq DESC LIMIT ${param(query.limit)}`,
      values,
    );
    return rows.map(toEventRecord);
  }

  /** The org's events after position `afterSeq`, oldest first. */
  async after(orgId: string, afterSeq: bigint, limit: number): Promise<EventRecord[]> {
    // Named only with DATABASE_PREPARED_STATEMENTS: through a transaction-mode PgBouncer a
    // statement prepared on one server connection is missing on the next.
    const { rows } = await this.prisma.pool.query<EventRow>(
      this.prisma.statement(
        'events_after',
        `SELECT ${COLUMNS} FROM events WHERE org_id = $1 AND seq > $2::bigint ORDER BY events.seq LIMIT $3`,
        [orgId, afterSeq.toString(), limit],
      ),
    );
    return rows.map(toEventRecord);
  }

  /** The position of the org's latest event (0 when it has none). */
  async head(orgId: string): Promise<bigint> {
    const { rows } = await this.prisma.pool.query<{ last_seq: string }>(
      this.prisma.statement('event_head', 'SELECT last_seq::text AS last_seq FROM org_event_heads WHERE org_id = $1', [orgId]),
    );
    return rows.length ? BigInt(rows[0].last_seq) : 0n;
  }

  /** Deletes up to `batch` events older than `cutoff`; returns how many. */
  async trimOlderThan(cutoff: Date, batch: number): Promise<number> {
    const { rowCount } = await this.prisma.pool.query(
      `DELETE FROM events WHERE ctid = ANY(ARRAY(SELECT ctid FROM events WHERE occurred_at < $1::timestamptz LIMIT $2))`,
      [cutoff, batch],
    );
    return rowCount ?? 0;
  }
}

function typeFilter(pattern: string, param: (value: unknown) => string): string {
  if (!pattern.endsWith('.')) return `type = ${param(pattern)}`;
  return `type LIKE ${param(`${pattern.replace(/[\\%_]/g, (char) => `\\${char}`)}%`)}`;
}

export function toEventRecord(row: EventRow): EventRecord {
  const actor: EventActor = row.actor_type === 'user' ? { type: 'user', id: row.actor_id ?? '' } : { type: 'system' };
  return {
    orgId: row.org_id,
    seq: BigInt(row.seq),
    type: row.type,
    occurredAt: row.occurred_at,
    subject: { kind: row.subject_kind, id: row.subject_id },
    actor,
    requestId: row.request_id,
    data: row.data,
  };
}
