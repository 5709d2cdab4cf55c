import { Prisma } from '../generated/prisma/client';
import { EVENT_TYPES } from './event-types';
import { EventOrigin, NewEvent } from './event.types';

/**
 * CTEs that append events to the org's log inside the very statement that makes the change,
 * so the change and its events commit (or roll back) together:
 *
 * - `event_head` takes the org's next sequence numbers from its `org_event_heads` row. That
 *   row's lock orders the org's events by commit: the next writer of the org waits until this
 *   transaction ends, so positions are gap-free and a reader that has seen event N never later
 *   finds an N-1 committing (streams and webhooks resume with "seq > last seen"). It returns
 *   `head_org_id` and `head_seq` (names no table of ours uses, so joins stay unambiguous).
 * - `appended_events` inserts the rows. The announcement that prompts the streams is sent
 *   after the commit by EventCommits (events/event-commits.ts), never from this statement.
 *
 * `gate` names a CTE of the statement with an `org_id` column: without a row there nothing is
 * appended and no lock is taken, so a conditional write that matched nothing writes no event.
 *
 * The same row holds the org's template count (the quota): a template create or delete
 * updates it anyway, so it advances the head in that update (`advanceEventHead`) and appends
 * with `appendEventsAtHead`, one row lock and one row update for both (half the Postgres
 * cost of its event, measured with pgbench).
 *
 * Lock order, in every statement that appends: the changed row (template, webhook, registry
 * credential) and any row it refers to by foreign key (a template's registry credential, taken
 * `FOR KEY SHARE` first), then the org's quota counter, then `event_head`, then new
 * unique-index entries. A statement that inserts a named row reads `event_head` before the
 * insert (the insert selects from it); one that changes existing rows gates on them.
 */
export function appendEvents(gate: string, events: readonly NewEvent[], origin: EventOrigin): Prisma.Sql {
  if (events.length === 0) throw new Error('appendEvents needs at least one event');
  return Prisma.sql`
    event_head AS (
      INSERT INTO org_event_heads AS h (org_id, last_seq)
      SELECT g.org_id, ${events.length}::bigint FROM ${Prisma.raw(gate)} g LIMIT 1
      ON CONFLICT (org_id) DO UPDATE SET last_seq = h.last_seq + EXCLUDED.last_seq
      RETURNING h.org_id AS head_org_id, h.last_seq AS head_seq
    ),
    ${insertEvents(Prisma.sql`event_head h CROSS JOIN (SELECT * FROM ${Prisma.raw(gate)} LIMIT 1) g`, 'h', events, origin)}`;
}

/**
 * The SET item that advances the head of the `org_event_heads` row aliased `alias` by
 * `count`, for a statement that updates that row anyway (see above) and then appends with
 * `appendEventsAtHead`.
 */
export function advanceEventHead(alias: string, count: number): Prisma.Sql {
  return Prisma.sql`last_seq = ${Prisma.raw(alias)}.last_seq + ${count}::bigint`;
}

/**
 * `appended_events` for a statement whose CTE `head` has already advanced the org's head
 * (`advanceEventHead`) and returns `head_org_id` and `head_seq`; event data written as SQL
 * reads that CTE's other columns as `g.*`.
 */
export function appendEventsAtHead(head: string, events: readonly NewEvent[], origin: EventOrigin): Prisma.Sql {
  if (events.length === 0) throw new Error('appendEventsAtHead needs at least one event');
  return insertEvents(Prisma.sql`${Prisma.raw(head)} g`, 'g', events, origin);
}

/** `appended_events`: the rows, numbered back from the head (`<head>.head_seq`) that `source` binds, as it binds `g`. */
function insertEvents(source: Prisma.Sql, head: 'g' | 'h', events: readonly NewEvent[], origin: EventOrigin): Prisma.Sql {
  const count = events.length;
  const rows = events.map((event, index) => {
    const definition = EVENT_TYPES[event.type];
    const data =
      event.data instanceof Prisma.Sql ? event.data : Prisma.sql`${JSON.stringify(definition.data.parse(event.data))}::jsonb`;
    return Prisma.sql`(${index + 1}::int, ${event.type}::text, ${definition.subject}::text, ${event.subjectId}::text, ${data})`;
  });
  const actorId = origin.actor.type === 'user' ? origin.actor.id : null;
  return Prisma.sql`
    appended_events AS (
      INSERT INTO events (org_id, seq, type, subject_kind, subject_id, actor_type, actor_id, request_id, data)
      SELECT ${Prisma.raw(head)}.head_org_id, ${Prisma.raw(head)}.head_seq - ${count}::bigint + e.ord, e.type, e.kind, e.subject_id,
             ${origin.actor.type}, ${actorId}, ${origin.requestId}, e.data
      FROM ${source}
      CROSS JOIN LATERAL (VALUES ${Prisma.join(rows)}) AS e(ord, type, kind, subject_id, data)
      RETURNING seq
    )`;
}

/**
 * Appends events about one org from a statement of their own, inside the caller's transaction:
 * for a change made of several statements (a credential rotation, a policy change) whose
 * event can only be written once the others have run. Call it last, after the changed rows are
 * locked (the lock order above).
 */
export async function appendEventsInTransaction(
  tx: Prisma.TransactionClient,
  orgId: string,
  events: readonly NewEvent[],
  origin: EventOrigin,
): Promise<void> {
  await tx.$executeRaw`
    WITH target AS (SELECT ${orgId}::text AS org_id), ${appendEvents('target', events, origin)}
    SELECT 1 FROM appended_events`;
}
