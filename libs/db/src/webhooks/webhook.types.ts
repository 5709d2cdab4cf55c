/** Webhooks as the repositories return them: never the secret, not even encrypted. */

export type WebhookDisabledReason = 'gone' | 'failing';
export type DeliveryAttemptOutcome = 'succeeded' | 'http_error' | 'gone' | 'network_error' | 'timeout' | 'blocked';

export interface WebhookRecord {
  id: string;
  orgId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  description: string;
  createdAt: Date;
  updatedAt: Date;
  disabledReason: WebhookDisabledReason | null;
  lastDelivery: { status: 'succeeded' | 'failed'; at: Date; httpStatus: number | null } | null;
}

export interface NewWebhook {
  id: string;
  orgId: string;
  url: string;
  eventTypes: string[];
  enabled: boolean;
  description: string;
  secretCiphertext: Buffer;
}

/** The fields PATCH may change. */
export interface WebhookChange {
  url?: string;
  eventTypes?: string[];
  enabled?: boolean;
  description?: string;
}

export interface WebhookPageQuery {
  limit: number;
  after?: { createdAt: Date; id: string };
}

/** One attempt of one delivery, as `GET …/webhooks/{id}/deliveries` lists them. */
export interface DeliveryAttemptRecord {
  id: string;
  deliveryId: string;
  messageId: string;
  eventId: bigint;
  eventType: string;
  attempt: number;
  attemptedAt: Date;
  outcome: DeliveryAttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
  /** The delivery's state now (pending while retries remain). */
  deliveryState: 'pending' | 'delivered' | 'failed' | 'cancelled';
}

export interface AttemptPageQuery {
  limit: number;
  after?: { createdAt: Date; id: string };
}

/** What the worker needs for one delivery attempt (the secret still encrypted). */
export interface DeliveryForAttempt {
  id: string;
  webhookId: string;
  orgId: string;
  eventType: string;
  eventOccurredAt: Date;
  messageId: string;
  payload: string;
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  attempts: number;
  webhook: { url: string; enabled: boolean; secretCiphertext: Uint8Array };
}

/** One attempt's result, to record. */
export interface AttemptResult {
  outcome: DeliveryAttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
  /** At most 1 KiB of the response body. */
  responseExcerpt: string | null;
}
