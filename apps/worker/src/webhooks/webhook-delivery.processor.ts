import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { WebhookDeliveryConsumer, WebhookJobName } from '@app/queue';
import { RetryableDeliveryError, WebhookDeliveryService } from './webhook-delivery.service';

/** The delivery queue's handler and retry schedule, handed to its consumer; errors are never swallowed here. */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deliveries: WebhookDeliveryService,
    private readonly consumer: WebhookDeliveryConsumer,
  ) {}

  onApplicationBootstrap(): void {
    const delays = this.config.webhooks.retryDelaysMs;
    this.consumer.start({
      handlers: { [WebhookJobName.DeliverWebhook]: (data) => this.deliveries.deliver(data.deliveryId) },
      // The schedule's delay for the attempt that failed (an unexpected error, e.g. a secret that
      // no longer decrypts, waits as long as a failed attempt would).
      retryDelayMs: (attemptsMade, error) =>
        error instanceof RetryableDeliveryError ? error.delayMs : (delays[Math.min(attemptsMade, delays.length) - 1] ?? 1000),
      onFailed: (data, error) => {
        if (error instanceof RetryableDeliveryError) return; // recorded and logged by the service
        this.logger.error({ deliveryId: data?.deliveryId, err: error }, 'webhook delivery job failed unexpectedly');
      },
    });
  }
}
