/**
 * The webhook delivery queue's names and payloads, in one place. The payload is the delivery
 * id only: the body, the URL and the (encrypted) signing secret stay in Postgres.
 */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

export enum WebhookJobName {
  DeliverWebhook = 'deliver-webhook',
}

export interface WebhookJobPayloads {
  [WebhookJobName.DeliverWebhook]: { deliveryId: string };
}

export type WebhookJobData = WebhookJobPayloads[WebhookJobName];

/** How a delivery job ended (a failed attempt with retries left is thrown instead, for BullMQ to retry). */
export type WebhookJobResult = { outcome: 'delivered' | 'failed' | 'gone' | 'cancelled' | 'skipped' };
