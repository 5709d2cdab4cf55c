import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendEvents } from '../events/event-append';
import { toEventJson } from '../events/event-envelope';
import { toEventRecord } from '../events/event.repository';
import { EVENT_TYPES, matchesEventType } from '../events/event-types';
import { EventRecord, NewEvent, SYSTEM_ORIGIN } from '../events/event.types';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { AttemptResult, DeliveryForAttempt, WebhookDisabledReason } from './webhook.types';
import { EventCommits } from '../events/event-commits';

const INSERT_CHUNK = 1000;

/** What a dispatch pass did for one org. */
export interface DispatchResult {
  /** The deliveries it created (to enqueue). */
  deliveryIds: string[];
  /** More events were waiting than one pass takes. */
  more: boolean;
}

interface DispatchTarget {
  id: string;
  event_types: string[];
  start_seq: string;
  enabled: boolean;
}

/**
 * The worker's side of webhooks: turning each org's event log into deliveries (in log order,
 * from a dispatch position per org that one worker at a time holds), and recording attempts.
 */
@Injectable()
export class WebhookDeliveryRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventCommits: EventCommits,
  ) {}

  /** Orgs whose log has grown past their dispatch position. */
  async orgsToDispatch(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ org_id: string }[]>`
      SELECT c.org_id FROM webhook_dispatch_cursors c JOIN org_event_heads h ON h.org_id = c.org_id
      WHERE h.last_seq > c.last_seq LIMIT ${limit}`;
    return rows.map((row) => row.org_id);
  }

  /**
   * One pass over the org's events after its dispatch position: a delivery for each webhook
   * each event is for, then the position moves on, in one transaction. The position row is
   * locked with SKIP LOCKED, so workers dispatching the same org at once never double up (the
   * one that skips finds nothing left, or the holder's next pass takes it).
   */
  async dispatchOrg(orgId: string, batch: number): Promise<DispatchResult> {
    return this.prisma.$transaction(async (tx) => {
      const cursor = await tx.$queryRaw<{ last_seq: string }[]>`
        SELECT last_seq::text AS last_seq FROM webhook_dispatch_cursors WHERE org_id = ${orgId} FOR UPDATE SKIP LOCKED`;
      if (cursor.length === 0) return { deliveryIds: [], more: false };
      const events = (
        await tx.$queryRaw<Parameters<typeof toEventRecord>[0][]>`
          SELECT org_id, seq::text AS seq, type, occurred_at, subject_kind, subject_id, actor_type, actor_id, request_id, data
          FROM events WHERE org_id = ${orgId} AND seq > ${cursor[0].last_seq}::bigint ORDER BY events.seq LIMIT ${batch}`
      ).map(toEventRecord);
      if (events.length === 0) return { deliveryIds: [], more: false };
      const webhooks = await tx.$queryRaw<DispatchTarget[]>`
        SELECT id, event_types, start_seq::text AS start_seq, enabled FROM webhooks WHERE org_id = ${orgId}`;
      const deliveries = events.flatMap((event) => targetsOf(event, webhooks).map((webhookId) => deliveryRow(event, webhookId)));
      const created: { id: string }[] = [];
      // 8 parameters a row: chunks stay far below Postgres' 65,535 parameters per statement.
      for (let start = 0; start < deliveries.length; start += INSERT_CHUNK) {
        created.push(
          ...(await tx.$queryRaw<{ id: string }[]>`
            INSERT INTO webhook_deliveries (id, webhook_id, org_id, event_seq, event_type, event_occurred_at, message_id, payload)
            VALUES ${Prisma.join(deliveries.slice(start, start + INSERT_CHUNK))}
            ON CONFLICT (webhook_id, event_seq) DO NOTHING RETURNING id`),
        );
      }
      await tx.$executeRaw`
        UPDATE webhook_dispatch_cursors SET last_seq = ${events[events.length - 1].seq.toString()}::bigint WHERE org_id = ${orgId}`;
      return { deliveryIds: created.map((row) => row.id), more: events.length === batch };
    });
  }

  async findForAttempt(id: string): Promise<DeliveryForAttempt | null> {
    const rows = await this.prisma.$queryRaw<DeliveryRow[]>`
      SELECT d.id, d.webhook_id, d.org_id, d.event_type, d.event_occurred_at, d.message_id, d.payload, d.state, d.attempts,
             w.url, w.enabled, w.secret_ciphertext
      FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ${id}::uuid`;
    if (rows.length === 0) return null;
    const row = rows[0];
    return {
      id: row.id,
      webhookId: row.webhook_id,
      orgId: row.org_id,
      eventType: row.event_type,
      eventOccurredAt: row.event_occurred_at,
      messageId: row.message_id,
      payload: row.payload,
      state: row.state,
      attempts: row.attempts,
      webhook: { url: row.url, enabled: row.enabled, secretCiphertext: row.secret_ciphertext },
    };
  }

  /**
   * Records one attempt: the attempt row, the delivery's state (`final` ends it: delivered on
   * success, else failed; otherwise it stays pending until `nextAttemptAt`), the webhook's last
   * delivery and failure clock. Disables the webhook, with a `webhook.disabled` event, on 410
   * Gone or when it has failed since longer than `disableAfterMs`. Returns why it was disabled.
   */
  async recordAttempt(
    delivery: DeliveryForAttempt,
    result: AttemptResult,
    next: { final: boolean; nextAttemptAt: Date | null; disableAfterMs: number },
  ): Promise<{ disabled: WebhookDisabledReason | null }> {
    const succeeded = result.outcome === 'succeeded';
    const state = succeeded ? 'delivered' : next.final ? 'failed' : 'pending';
    const disabledIn = await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`
        INSERT INTO webhook_delivery_attempts (id, delivery_id, webhook_id, attempt, attempted_at, outcome, http_status, error, duration_ms, response_excerpt)
        VALUES (${randomUUID()}::uuid, ${delivery.id}::uuid, ${delivery.webhookId}::uuid, ${delivery.attempts + 1}, now(), ${result.outcome},
                ${result.httpStatus}, ${result.error}, ${Math.round(result.durationMs)}, ${result.responseExcerpt})`;
      await tx.$executeRaw`
        UPDATE webhook_deliveries SET attempts = attempts + 1, state = ${state},
          next_attempt_at = coalesce(${next.nextAttemptAt}::timestamptz, next_attempt_at),
          finished_at = CASE WHEN ${state} = 'pending' THEN NULL ELSE now() END
        WHERE id = ${delivery.id}::uuid`;
      const webhook = await tx.$queryRaw<{ failing_for_ms: number | null }[]>`
        UPDATE webhooks SET last_delivery_status = ${succeeded ? 'succeeded' : 'failed'}, last_delivery_at = now(),
          last_delivery_http_status = ${result.httpStatus},
          failing_since = CASE WHEN ${succeeded} THEN NULL ELSE coalesce(failing_since, now()) END
        WHERE id = ${delivery.webhookId}::uuid
        RETURNING (extract(epoch FROM now() - failing_since) * 1000)::float8 AS failing_for_ms`;
      const failingFor = webhook[0]?.failing_for_ms;
      const reason: WebhookDisabledReason | null =
        result.outcome === 'gone' ? 'gone' : failingFor != null && failingFor >= next.disableAfterMs ? 'failing' : null;
      if (!reason) return null;
      const event: NewEvent = {
        type: 'webhook.disabled',
        subjectId: delivery.webhookId,
        data: Prisma.sql`jsonb_build_object('url', g.url, 'reason', ${reason}::text)`,
      };
      const changed = await tx.$queryRaw<{ changed: number; org_id: string | null }[]>`
        WITH changed AS (
          UPDATE webhooks SET enabled = false, disabled_reason = ${reason}, updated_at = now()
          WHERE id = ${delivery.webhookId}::uuid AND enabled RETURNING org_id, url
        ), ${appendEvents('changed', [event], SYSTEM_ORIGIN)}
        SELECT count(*)::int AS changed, min(org_id) AS org_id FROM changed`;
      return changed[0].changed > 0 ? { reason, orgId: changed[0].org_id! } : null;
    });
    if (disabledIn) this.eventCommits.committed(disabledIn.orgId, ['webhook.disabled']);
    const disabled = disabledIn?.reason ?? null;
    return { disabled };
  }

  /** Ends a delivery that will not be attempted (its webhook was disabled). */
  async cancel(id: string): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE webhook_deliveries SET state = 'cancelled', finished_at = now() WHERE id = ${id}::uuid AND state = 'pending'`;
  }

  /** Pending deliveries whose attempt was due before `dueBefore` (their job may be lost), oldest first. */
  async findOverdue(dueBefore: Date, limit: number): Promise<{ id: string; nextAttemptAt: Date }[]> {
    const rows = await this.prisma.$queryRaw<{ id: string; next_attempt_at: Date }[]>`
      SELECT id, next_attempt_at FROM webhook_deliveries
      WHERE state = 'pending' AND next_attempt_at < ${dueBefore}::timestamptz ORDER BY next_attempt_at LIMIT ${limit}`;
    return rows.map((row) => ({ id: row.id, nextAttemptAt: row.next_attempt_at }));
  }

  /** The sweep gave these a live job again: their next check is one grace period on. */
  async postpone(ids: readonly string[], until: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.prisma.$executeRaw`
      UPDATE webhook_deliveries SET next_attempt_at = ${until}::timestamptz WHERE id = ANY(${[...ids]}::uuid[]) AND state = 'pending'`;
  }

  /** Deletes up to `batch` deliveries (with their attempts) created before `cutoff`; returns how many. */
  async trimOlderThan(cutoff: Date, batch: number): Promise<number> {
    return this.prisma.$executeRaw`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries WHERE created_at < ${cutoff}::timestamptz AND state <> 'pending' LIMIT ${batch})`;
  }
}

/** Which webhooks an event goes to: subscribers created before it, or only its subject (`webhook.test`). */
function targetsOf(event: EventRecord, webhooks: readonly DispatchTarget[]): string[] {
  const definition = EVENT_TYPES[event.type];
  return webhooks
    .filter((webhook) => event.seq > BigInt(webhook.start_seq))
    .filter((webhook) =>
      'onlyToSubjectWebhook' in definition && definition.onlyToSubjectWebhook
        ? webhook.id === event.subject.id
        : webhook.enabled && matchesEventType(webhook.event_types, event.type),
    )
    .map((webhook) => webhook.id);
}

/** A Standard Webhooks message: `{type, timestamp, data}`, `data` the event as the API shows it. */
function deliveryRow(event: EventRecord, webhookId: string): Prisma.Sql {
  const payload = JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: toEventJson(event) });
  const id = randomUUID();
  return Prisma.sql`(${id}::uuid, ${webhookId}::uuid, ${event.orgId}, ${event.seq.toString()}::bigint, ${event.type},
    ${event.occurredAt}::timestamptz, ${`msg_${id.replace(/-/g, '')}`}, ${payload})`;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  org_id: string;
  event_type: string;
  event_occurred_at: Date;
  message_id: string;
  payload: string;
  state: DeliveryForAttempt['state'];
  attempts: number;
  url: string;
  enabled: boolean;
  secret_ciphertext: Uint8Array;
}
