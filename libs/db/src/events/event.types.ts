import type { z } from 'zod';
import type { Prisma } from '../generated/prisma/client';
import { EVENT_TYPES, EventType, SubjectKind } from './event-types';

/** Who made a change: a caller (the access token's `sub`) or the service itself (the worker). */
export type EventActor = { type: 'user'; id: string } | { type: 'system' };

/** Where a change came from: its actor, and the API request id when there was one. */
export interface EventOrigin {
  actor: EventActor;
  requestId: string | null;
}

export const SYSTEM_ORIGIN: EventOrigin = { actor: { type: 'system' }, requestId: null };

/** An event as the log holds it. `seq` is its position in the org's log (1, 2, 3, … in commit order). */
export interface EventRecord {
  orgId: string;
  seq: bigint;
  type: EventType;
  occurredAt: Date;
  subject: { kind: SubjectKind; id: string };
  actor: EventActor;
  requestId: string | null;
  data: Record<string, unknown>;
}

/**
 * An event a change appends. `data` is checked against the type's schema when written; an SQL
 * expression instead reads fields of the row the statement changed (its gate row, `g`).
 */
export type NewEvent = {
  [T in EventType]: { type: T; subjectId: string; data: z.input<(typeof EVENT_TYPES)[T]['data']> | Prisma.Sql };
}[EventType];

/** Audit-trail filters: a type or dotted prefix, one subject, a start time; newest first before `beforeSeq`. */
export interface EventQuery {
  limit: number;
  beforeSeq?: bigint;
  typePattern?: string;
  subjectId?: string;
  since?: Date;
}
