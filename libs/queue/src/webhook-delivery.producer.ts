import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, MetricsSource, ServiceMetrics, withTimeout } from '@app/common';
import { PRODUCER_REDIS, ValidationJobState } from './validation-queue.producer';
import { jobStatesOf, queueDepth, removeJobs } from './queue-jobs';
import { WEBHOOK_DELIVERY_QUEUE, WebhookJobData, WebhookJobName } from './webhook-delivery-queue';

/** The name the consumer's backoff strategy answers to (see WebhookDeliveryConsumer). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook-schedule';

/**
 * The one place delivery jobs are added, with their options: job id = delivery id (one job
 * per delivery), one attempt per entry of WEBHOOK_RETRY_DELAYS plus the first, delays chosen
 * by the consumer's backoff strategy. Best effort, like validation jobs: the delivery row is the
 * record of the work, and the worker's sweep enqueues overdue deliveries again.
 */
@Injectable()
export class WebhookDeliveryProducer implements MetricsSource, OnApplicationShutdown {
  private readonly queue: Queue<WebhookJobData, unknown, WebhookJobName>;
  private readonly jobOptions: JobsOptions;
  private readonly timeoutMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PRODUCER_REDIS) redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue(WEBHOOK_DELIVERY_QUEUE, { connection: redis });
    this.queue.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'webhook delivery queue error'));
    this.timeoutMs = config.redis.commandTimeoutMs;
    this.jobOptions = {
      attempts: config.webhooks.retryDelaysMs.length + 1,
      backoff: { type: WEBHOOK_BACKOFF_TYPE },
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  /** Adds a job per delivery (after `delayMs`); returns how many Redis took, 0 (logged) when it is away. */
  async enqueue(deliveryIds: readonly string[], delayMs = 0): Promise<number> {
    if (deliveryIds.length === 0) return 0;
    const jobs = deliveryIds.map((deliveryId) => ({
      name: WebhookJobName.DeliverWebhook,
      data: { deliveryId },
      opts: { ...this.jobOptions, jobId: deliveryId, ...(delayMs > 0 ? { delay: delayMs } : {}) },
    }));
    try {
      await withTimeout(this.queue.addBulk(jobs), this.timeoutMs, 'Redis');
      return deliveryIds.length;
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message }, count: deliveryIds.length },
        'could not enqueue webhook deliveries; the delivery sweep will retry',
      );
      return 0;
    }
  }

  /** The state of each delivery's job, in order; throws when Redis cannot be asked. */
  async jobStates(deliveryIds: readonly string[]): Promise<ValidationJobState[]> {
    return jobStatesOf(this.queue, deliveryIds);
  }

  /** Enqueues again deliveries whose job is gone or finished (a finished job's record would block the id). */
  async requeue(deliveryIds: readonly string[]): Promise<number> {
    await removeJobs(this.queue, deliveryIds);
    return this.enqueue(deliveryIds);
  }

  async refreshMetrics(metrics: ServiceMetrics): Promise<void> {
    try {
      const counts = await queueDepth(this.queue, this.timeoutMs);
      for (const [state, count] of Object.entries(counts)) metrics.webhookQueueJobs.set({ state }, count);
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'webhook queue depth unavailable');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
