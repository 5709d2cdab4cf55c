import type { DeliveryAttemptRecord, WebhookRecord } from '@app/db';
import type { DeliveryAttemptListResponse, WebhookResponse } from './webhook.schemas';

/** The one mapping from a stored webhook to its API shape; the secret is never read from the row. */
export function toWebhookResponse(webhook: WebhookRecord): WebhookResponse {
  return {
    id: webhook.id,
    url: webhook.url,
    event_types: webhook.eventTypes,
    enabled: webhook.enabled,
    description: webhook.description,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
    disabled_reason: webhook.disabledReason,
    last_delivery: webhook.lastDelivery
      ? { status: webhook.lastDelivery.status, at: webhook.lastDelivery.at.toISOString(), http_status: webhook.lastDelivery.httpStatus }
      : null,
  };
}

export function toAttemptResponse(attempt: DeliveryAttemptRecord): DeliveryAttemptListResponse['data'][number] {
  return {
    id: attempt.id,
    message_id: attempt.messageId,
    event_id: attempt.eventId.toString(),
    event_type: attempt.eventType,
    attempt: attempt.attempt,
    attempted_at: attempt.attemptedAt.toISOString(),
    outcome: attempt.outcome,
    http_status: attempt.httpStatus,
    error: attempt.error,
    duration_ms: attempt.durationMs,
    response_body: attempt.responseExcerpt,
    delivery_state: attempt.deliveryState,
  };
}
