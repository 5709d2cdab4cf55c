import { Prisma } from '../generated/prisma/client';
import { EventData, WebhookEventFields } from '../events/event-types';
import { NewEvent } from '../events/event.types';
import { WebhookChange, WebhookDisabledReason, WebhookRecord } from './webhook.types';
import { changedFields } from '../events/event-change';

/** The columns every read of a webhook returns: everything but the encrypted secret. */
export const WEBHOOK_COLUMNS = Prisma.raw(`
  id, org_id, url, event_types, enabled, description, created_at, updated_at, disabled_reason,
  last_delivery_status, last_delivery_at, last_delivery_http_status`);

export interface WebhookRow {
  id: string;
  org_id: string;
  url: string;
  event_types: string[];
  enabled: boolean;
  description: string;
  created_at: Date;
  updated_at: Date;
  disabled_reason: WebhookDisabledReason | null;
  last_delivery_status: 'succeeded' | 'failed' | null;
  last_delivery_at: Date | null;
  last_delivery_http_status: number | null;
}

export function toWebhookRecord(row: WebhookRow): WebhookRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    url: row.url,
    eventTypes: row.event_types,
    enabled: row.enabled,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledReason: row.disabled_reason,
    lastDelivery:
      row.last_delivery_status && row.last_delivery_at
        ? { status: row.last_delivery_status, at: row.last_delivery_at, httpStatus: row.last_delivery_http_status }
        : null,
  };
}

export function webhookFields(webhook: { url: string; eventTypes: string[]; enabled: boolean; description: string }): WebhookEventFields {
  return { url: webhook.url, event_types: webhook.eventTypes, enabled: webhook.enabled, description: webhook.description };
}

/** `webhook.updated` with the changed fields before and after; null when nothing changes. */
export function webhookUpdated(id: string, current: WebhookEventFields, change: WebhookChange): NewEvent | null {
  const after: WebhookEventFields = {
    url: change.url ?? current.url,
    event_types: change.eventTypes ?? current.event_types,
    enabled: change.enabled ?? current.enabled,
    description: change.description ?? current.description,
  };
  const data: EventData<'webhook.updated'> = changedFields(current, after);
  return Object.keys(data.after).length ? { type: 'webhook.updated', subjectId: id, data } : null;
}

/** The SET list of a PATCH. Enabling again (or a new URL) starts the failure clock over. */
export function webhookSets(current: WebhookEventFields, change: WebhookChange): Prisma.Sql[] {
  const sets: Prisma.Sql[] = [Prisma.sql`updated_at = now()`];
  if (change.url !== undefined) sets.push(Prisma.sql`url = ${change.url}`);
  if (change.eventTypes !== undefined) sets.push(Prisma.sql`event_types = ${change.eventTypes}::text[]`);
  if (change.description !== undefined) sets.push(Prisma.sql`description = ${change.description}`);
  if (change.enabled !== undefined) sets.push(Prisma.sql`enabled = ${change.enabled}`);
  if ((change.enabled === true && !current.enabled) || (change.url !== undefined && change.url !== current.url)) {
    sets.push(Prisma.sql`disabled_reason = NULL, failing_since = NULL`);
  }
  return sets;
}
