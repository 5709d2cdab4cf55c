import { ApiTag, defineOperation } from '../contract/operation';
import { OrgPathParams } from '../contract/common.schemas';
import { EventListResponseSchema, LastEventIdSchema, ListEventsQuerySchema, StreamEventsQuerySchema } from './event.schemas';

export const EVENTS_TAG: ApiTag = {
  name: 'Events',
  description:
    "The organization's event log: every change to its templates and webhooks, written in the same transaction as the change. Read it as an audit trail, follow it live as Server-Sent Events, or have it delivered by webhooks.\n",
};

const COLLECTION = '/api/v1beta1/orgs/{org_id}/events';

export const EventOperations = {
  list: defineOperation({
    method: 'get',
    path: COLLECTION,
    operationId: 'listOrgEvents',
    tags: [EVENTS_TAG],
    summary: 'List events (audit trail)',
    description: `Events of the organization, newest first, kept for EVENT_RETENTION (90 days by default): who created, changed or deleted what, and every validation outcome. Filter by type (or a prefix ending in a dot), subject and start time; page with \`cursor\`.`,
    params: OrgPathParams,
    query: ListEventsQuerySchema,
    success: { status: 200, description: 'A page of events, newest first.', schema: EventListResponseSchema },
    errors: { 400: 'Invalid query parameter.' },
  }),
  stream: defineOperation({
    method: 'get',
    path: `${COLLECTION}/stream`,
    operationId: 'streamOrgEvents',
    tags: [EVENTS_TAG],
    summary: 'Follow events live (Server-Sent Events)',
    description:
      'Answers `text/event-stream`: each event as `id:` (its position), `event:` (its type) and `data:` (the event JSON, as in the audit trail), and a comment line every 15 s. Reconnect with `Last-Event-ID` to get the events missed meanwhile first, from the log; any replica serves any stream. At most EVENT_STREAMS_PER_CALLER (default 5) streams per caller; a client that stops reading is disconnected.',
    params: OrgPathParams,
    query: StreamEventsQuerySchema,
    headers: { 'Last-Event-ID': { description: LastEventIdSchema.meta()?.description ?? '', schema: LastEventIdSchema } },
    success: {
      status: 200,
      description: 'The stream; it stays open until the client or the server (shutting down) ends it.',
      content: {
        mediaType: 'text/event-stream',
        description:
          'Server-Sent Events. Each message: `id: <event id>`, `event: <event type>`, `data: <Event JSON>` (one line), then a blank line. Lines starting with `:` are heartbeats.',
      },
    },
    errors: {
      400: 'Invalid query parameter.',
      429: 'Too many requests (`rate_limited`, with Retry-After), or the caller already has EVENT_STREAMS_PER_CALLER streams open (`too_many_streams`).',
    },
  }),
};
