import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { QueueWorker } from './queue-worker';
import { WEBHOOK_DELIVERY_QUEUE, WebhookJobData, WebhookJobName, WebhookJobPayloads, WebhookJobResult } from './webhook-delivery-queue';

export type WebhookJobHandlers = {
  [Name in WebhookJobName]: (data: WebhookJobPayloads[Name]) => Promise<WebhookJobResult>;
};

export interface WebhookConsumerOptions {
  handlers: WebhookJobHandlers;
  /** Delay before the next attempt; `error` is what the handler threw. */
  retryDelayMs(attemptsMade: number, error: Error | undefined): number;
  onFailed?(data: WebhookJobData | undefined, error: Error): void;
}

/**
 * The webhook delivery queue's BullMQ worker (WEBHOOK_CONCURRENCY at a time); the app supplies
 * the handler and the retry schedule.
 */
@Injectable()
export class WebhookDeliveryConsumer implements OnModuleDestroy {
  private worker?: QueueWorker<WebhookJobData, WebhookJobResult, WebhookJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(options: WebhookConsumerOptions): void {
    if (this.worker) throw new Error('The webhook delivery consumer is already started');
    const { handlers } = options;
    this.worker = new QueueWorker(this.config.redis, this.logger, {
      queue: WEBHOOK_DELIVERY_QUEUE,
      names: Object.values(WebhookJobName),
      handlers,
      process: (job) => handlers[job.name](job.data),
      retryDelayMs: options.retryDelayMs,
      onFailed: options.onFailed,
      // One attempt is bounded by WEBHOOK_TIMEOUT; a worker that died holding a job loses it after this.
      options: { concurrency: this.config.webhooks.concurrency, lockDuration: Math.max(30_000, 3 * this.config.webhooks.timeoutMs), maxStalledCount: 3 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
