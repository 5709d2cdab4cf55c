import { z } from 'zod';
import { EventSchema, eventTypePrefixes, isEventTypePattern } from '@app/db';
import { queryString } from '../contract/common.schemas';
import { nextCursor, pageLimit } from '../contract/pagination';

/**
 * The event log's API, defined once: the audit trail's query and page, and the stream's
 * filters. The event itself (one schema per type) is `EventSchema` of libs/db, which the
 * webhook deliveries share.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const NOT_AN_EVENT_TYPE = `must be an event type or a prefix of types ending in a dot (${eventTypePrefixes().join(', ')})`;
const NOT_OURS = 'is not a cursor returned by this API';
/** Positions are bigints; more than 18 digits is no position of ours. */
export const EVENT_POSITION = /^[1-9][0-9]{0,17}$/;

const typePattern = queryString(NOT_AN_EVENT_TYPE)
  .refine(isEventTypePattern, NOT_AN_EVENT_TYPE)
  .optional()
  .meta({ description: 'Only events of this type, or whose type starts with this prefix ending in a dot (`template.validation.`).' });

const subjectId = queryString('must be a UUID')
  .regex(UUID, 'must be a UUID')
  .transform((id) => id.toLowerCase())
  .optional()
  .meta({ description: 'Only events about this template or webhook.' });

export const ListEventsQuerySchema = z
  .strictObject({
    limit: pageLimit(),
    cursor: queryString(NOT_OURS)
      .regex(EVENT_POSITION, NOT_OURS)
      .transform((cursor) => BigInt(cursor))
      .optional()
      .meta({ description: '`next_cursor` of the previous page, or any event `id`: the events before it.' }),
    type: typePattern,
    subject_id: subjectId,
    since: queryString('must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z')
      .regex(RFC3339, 'must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z')
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an RFC 3339 date-time such as 2026-12-01T00:00:00Z')
      .transform((value) => new Date(value))
      .optional()
      .meta({ format: 'date-time', description: 'Only events that occurred at or after this time.' }),
  })
  .transform(({ limit, cursor, type, subject_id, since }) => ({ limit, beforeSeq: cursor, typePattern: type, subjectId: subject_id, since }));

export type ListEventsQuery = z.output<typeof ListEventsQuerySchema>;

export const StreamEventsQuerySchema = z
  .strictObject({ type: typePattern, subject_id: subjectId })
  .transform(({ type, subject_id }) => ({ typePattern: type, subjectId: subject_id }));

export type StreamEventsQuery = z.output<typeof StreamEventsQuerySchema>;

/**
 * `Last-Event-ID`: an event position of this org resumes after it. Anything else (not ours,
 * or past the org's newest event) starts from now, as the issue of a reconnecting client asks;
 * it is never an error.
 */
export const LastEventIdSchema = z
  .string()
  .optional()
  .transform((value) => (value !== undefined && EVENT_POSITION.test(value.trim()) ? BigInt(value.trim()) : undefined))
  .meta({ description: "The `id` of the last event received: the events after it are sent first. A value that is not one of this org's event ids starts from now." });

export const EventListResponseSchema = z
  .object({ data: z.array(EventSchema), next_cursor: nextCursor() })
  .meta({ id: 'EventListResponse', description: 'Events, newest first.' });

export type EventListResponse = z.infer<typeof EventListResponseSchema>;
