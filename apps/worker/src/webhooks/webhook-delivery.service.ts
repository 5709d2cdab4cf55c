import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { WebhookSecretCipher } from '@app/crypto';
import { AttemptResult, DeliveryForAttempt, WebhookDeliveryRepository } from '@app/db';
import { WebhookJobResult } from '@app/queue';
import { WebhookSender } from './webhook-sender';
import { signWebhook } from './webhook-signature';

/** A failed attempt with retries left: BullMQ tries again after `delayMs` (the retry schedule). */
export class RetryableDeliveryError extends Error {
  constructor(
    readonly delayMs: number,
    outcome: string,
  ) {
    super(`webhook delivery attempt failed (${outcome}); retrying in ${delayMs} ms`);
    this.name = 'RetryableDeliveryError';
  }
}

/**
 * One attempt of one delivery: sign the stored body (Standard Webhooks: the same webhook-id on
 * every attempt, a fresh timestamp and signature each time), send it, record the outcome. 2xx
 * delivers; 410 Gone disables the webhook; anything else is retried after the next delay of
 * WEBHOOK_RETRY_DELAYS until they run out, and a webhook that has failed for
 * WEBHOOK_DISABLE_AFTER without a success is disabled (with a `webhook.disabled` event).
 */
@Injectable()
export class WebhookDeliveryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly sender: WebhookSender,
  ) {}

  async deliver(deliveryId: string): Promise<WebhookJobResult> {
    const delivery = await this.deliveries.findForAttempt(deliveryId);
    if (!delivery || delivery.state !== 'pending') return { outcome: 'skipped' };
    // A test event goes out also while the webhook is disabled (to check an endpoint before enabling it).
    if (!delivery.webhook.enabled && delivery.eventType !== 'webhook.test') return this.cancel(delivery);
    const result = await this.attempt(delivery);
    const attempt = delivery.attempts + 1;
    const delays = this.config.webhooks.retryDelaysMs;
    const retry = result.outcome !== 'succeeded' && result.outcome !== 'gone' && attempt <= delays.length;
    const delayMs = retry ? delays[attempt - 1] : 0;
    const { disabled } = await this.deliveries.recordAttempt(delivery, result, {
      final: !retry,
      nextAttemptAt: retry ? new Date(Date.now() + delayMs) : null,
      disableAfterMs: this.config.webhooks.disableAfterMs,
    });
    this.metrics.webhookAttempts.inc({ outcome: result.outcome });
    this.metrics.webhookAttemptDuration.observe(result.durationMs / 1000);
    this.logger.info(
      {
        deliveryId,
        webhookId: delivery.webhookId,
        messageId: delivery.messageId,
        eventType: delivery.eventType,
        attempt,
        outcome: result.outcome,
        httpStatus: result.httpStatus,
        durationMs: Math.round(result.durationMs),
        ...(disabled ? { webhookDisabled: disabled } : {}),
      },
      'webhook delivery attempt',
    );
    if (result.outcome === 'succeeded') {
      this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      this.metrics.webhookDeliveryLatency.observe((Date.now() - delivery.eventOccurredAt.getTime()) / 1000);
      return { outcome: 'delivered' };
    }
    if (disabled && retry) return this.cancel(delivery);
    if (retry) throw new RetryableDeliveryError(delayMs, result.outcome);
    this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
    return { outcome: result.outcome === 'gone' ? 'gone' : 'failed' };
  }

  private async attempt(delivery: DeliveryForAttempt): Promise<AttemptResult> {
    // Decrypted for this attempt only, bound to this webhook's org and id.
    const secret = await this.cipher.decrypt(delivery.webhook.secretCiphertext, { orgId: delivery.orgId, webhookId: delivery.webhookId });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': delivery.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(secret, delivery.messageId, timestamp, delivery.payload),
    };
    return this.sender.send(delivery.webhook.url, headers, delivery.payload);
  }

  private async cancel(delivery: DeliveryForAttempt): Promise<WebhookJobResult> {
    await this.deliveries.cancel(delivery.id);
    this.metrics.webhookDeliveries.inc({ outcome: 'cancelled' });
    return { outcome: 'cancelled' };
  }
}
