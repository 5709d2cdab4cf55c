import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@app/common';
import { appendEvents } from '../events/event-append';
import { WebhookEventFields } from '../events/event-types';
import { EventOrigin, NewEvent } from '../events/event.types';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma.service';
import { toWebhookRecord, WEBHOOK_COLUMNS, webhookFields, WebhookRow, webhookSets, webhookUpdated } from './webhook-row';
import { AttemptPageQuery, DeliveryAttemptRecord, NewWebhook, WebhookChange, WebhookPageQuery, WebhookRecord } from './webhook.types';
import { EventCommits } from '../events/event-commits';

/**
 * The API's reads and writes of webhooks. Each write appends its event in the same statement
 * (the lock order of events/event-append.ts); the secret column is written, never read here.
 */
@Injectable()
export class WebhookRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly eventCommits: EventCommits,
  ) {}

  /**
   * Inserts the webhook, takes a unit of the org's webhook quota and appends `webhook.created`
   * in one statement. It receives the events after its own `webhook.created`; the org's
   * dispatch position is created with it when it is the org's first.
   */
  async create(webhook: NewWebhook, quota: number, origin: EventOrigin): Promise<WebhookRecord> {
    const created: NewEvent = { type: 'webhook.created', subjectId: webhook.id, data: webhookFields(webhook) };
    const rows = await this.prisma.$queryRaw<WebhookRow[]>`
      WITH quota AS (
        INSERT INTO org_webhook_counts AS c (org_id, count) VALUES (${webhook.orgId}, 1)
        ON CONFLICT (org_id) DO UPDATE SET count = c.count + 1 WHERE c.count < ${quota}
        RETURNING org_id
      ), ${appendEvents('quota', [created], origin)},
      inserted AS (
        INSERT INTO webhooks (id, org_id, url, event_types, enabled, description, secret_ciphertext, start_seq)
        SELECT ${webhook.id}::uuid, ${webhook.orgId}, ${webhook.url}, ${webhook.eventTypes}::text[], ${webhook.enabled},
               ${webhook.description}, ${webhook.secretCiphertext}, h.head_seq
        FROM event_head h
        RETURNING ${WEBHOOK_COLUMNS}, start_seq
      ), dispatch_cursor AS (
        INSERT INTO webhook_dispatch_cursors (org_id, last_seq) SELECT org_id, start_seq FROM inserted
        ON CONFLICT (org_id) DO NOTHING
      )
      SELECT ${WEBHOOK_COLUMNS} FROM inserted`;
    if (rows.length === 0) {
      throw new DomainError(ErrorCode.QuotaExceeded, `This organization has reached its limit of ${quota} webhooks; delete one to create another`);
    }
    this.eventCommits.committed(webhook.orgId, [created.type]);
    return toWebhookRecord(rows[0]);
  }

  async find(orgId: string, id: string): Promise<WebhookRecord | null> {
    const rows = await this.prisma.$queryRaw<WebhookRow[]>`
      SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE id = ${id}::uuid AND org_id = ${orgId}`;
    return rows.length ? toWebhookRecord(rows[0]) : null;
  }

  /** Newest first, keyset pages. */
  async list(orgId: string, query: WebhookPageQuery): Promise<WebhookRecord[]> {
    const after = query.after
      ? Prisma.sql`AND (created_at, id) < (${query.after.createdAt}::timestamptz, ${query.after.id}::uuid)`
      : Prisma.empty;
    const rows = await this.prisma.$queryRaw<WebhookRow[]>`
      SELECT ${WEBHOOK_COLUMNS} FROM webhooks WHERE org_id = ${orgId} ${after}
      ORDER BY created_at DESC, id DESC LIMIT ${query.limit}`;
    return rows.map(toWebhookRecord);
  }

  /** Applies a PATCH under the row lock, appending `webhook.updated` when something changed; null when not found. */
  async update(orgId: string, id: string, change: WebhookChange, origin: EventOrigin): Promise<WebhookRecord | null> {
    const result = await this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<WebhookEventFields[]>`
        SELECT url, event_types, enabled, description FROM webhooks WHERE id = ${id}::uuid AND org_id = ${orgId} FOR UPDATE`;
      if (rows.length === 0) return null;
      const sets = Prisma.join(webhookSets(rows[0], change), ', ');
      const event = webhookUpdated(id, rows[0], change);
      const updated = event
        ? await tx.$queryRaw<WebhookRow[]>`
            WITH target AS (SELECT ${orgId}::text AS org_id), ${appendEvents('target', [event], origin)}
            UPDATE webhooks SET ${sets} FROM event_head WHERE id = ${id}::uuid RETURNING ${WEBHOOK_COLUMNS}`
        : await tx.$queryRaw<WebhookRow[]>`UPDATE webhooks SET ${sets} WHERE id = ${id}::uuid RETURNING ${WEBHOOK_COLUMNS}`;
      return { webhook: toWebhookRecord(updated[0]), event: event?.type };
    });
    if (result?.event) this.eventCommits.committed(orgId, [result.event]);
    return result?.webhook ?? null;
  }

  /** Deletes the webhook (its deliveries with it), gives back its quota unit and appends `webhook.deleted`. */
  async delete(orgId: string, id: string, origin: EventOrigin): Promise<boolean> {
    const deletedEvent: NewEvent = { type: 'webhook.deleted', subjectId: id, data: Prisma.sql`jsonb_build_object('url', g.url)` };
    const rows = await this.prisma.$queryRaw<{ deleted: number }[]>`
      WITH deleted AS (
        DELETE FROM webhooks WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING org_id, url
      ), released AS (
        UPDATE org_webhook_counts c SET count = c.count - 1 FROM deleted d WHERE c.org_id = d.org_id RETURNING d.org_id, d.url
      ), ${appendEvents('released', [deletedEvent], origin)}
      SELECT count(*)::int AS deleted FROM deleted`;
    if (rows[0].deleted === 0) return false;
    this.eventCommits.committed(orgId, [deletedEvent.type]);
    return true;
  }

  /** Replaces the encrypted secret and appends `webhook.secret_rotated`; null when not found. */
  async replaceSecret(orgId: string, id: string, secretCiphertext: Buffer, origin: EventOrigin): Promise<WebhookRecord | null> {
    const rotated: NewEvent = { type: 'webhook.secret_rotated', subjectId: id, data: {} };
    const rows = await this.prisma.$queryRaw<WebhookRow[]>`
      WITH changed AS (
        UPDATE webhooks SET secret_ciphertext = ${secretCiphertext}, updated_at = now()
        WHERE id = ${id}::uuid AND org_id = ${orgId} RETURNING ${WEBHOOK_COLUMNS}
      ), ${appendEvents('changed', [rotated], origin)}
      SELECT * FROM changed`;
    if (rows.length === 0) return null;
    this.eventCommits.committed(orgId, [rotated.type]);
    return toWebhookRecord(rows[0]);
  }

  /** Appends `webhook.test` (delivered to this webhook only); its event id, or null when not found. */
  async appendTest(orgId: string, id: string, origin: EventOrigin): Promise<bigint | null> {
    const test: NewEvent = { type: 'webhook.test', subjectId: id, data: {} };
    const rows = await this.prisma.$queryRaw<{ seq: string }[]>`
      WITH target AS (SELECT org_id FROM webhooks WHERE id = ${id}::uuid AND org_id = ${orgId}), ${appendEvents('target', [test], origin)}
      SELECT seq::text AS seq FROM appended_events`;
    if (rows.length === 0) return null;
    this.eventCommits.committed(orgId, [test.type]);
    return BigInt(rows[0].seq);
  }

  /** The webhook's delivery attempts, newest first. */
  async listAttempts(orgId: string, webhookId: string, query: AttemptPageQuery): Promise<DeliveryAttemptRecord[]> {
    const after = query.after
      ? Prisma.sql`AND (a.attempted_at, a.id) < (${query.after.createdAt}::timestamptz, ${query.after.id}::uuid)`
      : Prisma.empty;
    const rows = await this.prisma.$queryRaw<AttemptRow[]>`
      SELECT a.id, a.delivery_id, d.message_id, d.event_seq::text AS event_seq, d.event_type, a.attempt, a.attempted_at,
             a.outcome, a.http_status, a.error, a.duration_ms, a.response_excerpt, d.state
      FROM webhook_delivery_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id
      WHERE a.webhook_id = ${webhookId}::uuid AND d.org_id = ${orgId} ${after}
      ORDER BY a.attempted_at DESC, a.id DESC LIMIT ${query.limit}`;
    return rows.map((row) => ({
      id: row.id,
      deliveryId: row.delivery_id,
      messageId: row.message_id,
      eventId: BigInt(row.event_seq),
      eventType: row.event_type,
      attempt: row.attempt,
      attemptedAt: row.attempted_at,
      outcome: row.outcome,
      httpStatus: row.http_status,
      error: row.error,
      durationMs: row.duration_ms,
      responseExcerpt: row.response_excerpt,
      deliveryState: row.state,
    }));
  }
}

interface AttemptRow {
  id: string;
  delivery_id: string;
  message_id: string;
  event_seq: string;
  event_type: string;
  attempt: number;
  attempted_at: Date;
  outcome: DeliveryAttemptRecord['outcome'];
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  response_excerpt: string | null;
  state: DeliveryAttemptRecord['deliveryState'];
}
