import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { createWorkerRedis } from './redis-connection';
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
  private worker?: Worker<WebhookJobData, WebhookJobResult, WebhookJobName>;
  private connection?: IORedis;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  start(options: WebhookConsumerOptions): void {
    if (this.worker) throw new Error('The webhook delivery consumer is already started');
    const missing = Object.values(WebhookJobName).filter((name) => typeof options.handlers[name] !== 'function');
    if (missing.length) throw new Error(`No handler for webhook job(s): ${missing.join(', ')}`);
    const run = (job: Job<WebhookJobData, WebhookJobResult, WebhookJobName>) => options.handlers[job.name](job.data);
    this.worker = new Worker(WEBHOOK_DELIVERY_QUEUE, run, {
      connection: (this.connection = createWorkerRedis(this.config.redis)),
      concurrency: this.config.webhooks.concurrency,
      // One attempt is bounded by WEBHOOK_TIMEOUT; a worker that died holding a job loses it after this.
      lockDuration: Math.max(30_000, 3 * this.config.webhooks.timeoutMs),
      maxStalledCount: 3,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => options.retryDelayMs(attemptsMade, error),
      },
    });
    this.worker.on('failed', (job, error) => options.onFailed?.(job?.data, error));
    this.worker.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'webhook worker error'));
    this.logger.info({ concurrency: this.config.webhooks.concurrency }, 'webhook delivery worker started');
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect();
  }
}
