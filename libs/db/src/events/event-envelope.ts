import { z } from 'zod';
import { EVENT_TYPE_NAMES, EVENT_TYPES, EventType } from './event-types';
import { EventRecord } from './event.types';

/**
 * An event as every consumer sees it: an item of the audit trail, the `data:` of a stream
 * message, and the `data` of a webhook delivery. One schema per type (a component each, named
 * after the type), discriminated by `type`.
 */

export const EventActorSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('user'), id: z.string().meta({ description: "The caller's access-token `sub`." }) }),
    z.object({ type: z.literal('system') }),
  ])
  .meta({ id: 'EventActor', description: 'Who made the change: a caller of the API, or the service (the validation worker).' });

const common = {
  id: z
    .string()
    .regex(/^[1-9][0-9]*$/)
    .meta({
      description:
        "The event's position in its organization's log (1, 2, 3, … in commit order): a cursor for the audit trail and the stream's `id`/`Last-Event-ID`.",
    }),
  org_id: z.string(),
  occurred_at: z.string().meta({ format: 'date-time', description: 'When the change was made (the start of its transaction).' }),
  actor: EventActorSchema,
  request_id: z.string().nullable().meta({ description: 'The `x-request-id` of the API request that made the change; null for the worker.' }),
};

const componentName = (type: string) =>
  `${type
    .split(/[._]/)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')}Event`;

const eventSchemaOf = (type: EventType) => {
  const definition = EVENT_TYPES[type];
  return z
    .object({
      ...common,
      type: z.literal(type),
      subject: z
        .object({ kind: z.literal(definition.subject), id: z.string().meta({ description: `The ${definition.subject}'s id.` }) })
        .meta({ description: 'What the event is about.' }),
      data: definition.data,
    })
    .meta({ id: componentName(type), description: definition.description });
};

const [first, ...rest] = EVENT_TYPE_NAMES.map(eventSchemaOf);
export const EventSchema = z
  .discriminatedUnion('type', [first, ...rest])
  .meta({ id: 'Event', description: 'One change, as the event log recorded it; `data` depends on `type`.' });
export type EventJson = z.infer<typeof EventSchema>;

/** The one mapping from a stored event to its JSON. */
export function toEventJson(event: EventRecord): EventJson {
  return {
    id: event.seq.toString(),
    type: event.type,
    org_id: event.orgId,
    occurred_at: event.occurredAt.toISOString(),
    subject: event.subject,
    actor: event.actor,
    request_id: event.requestId,
    data: event.data,
  } as EventJson;
}
