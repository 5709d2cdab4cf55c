import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, ServiceMetrics } from '@app/common';
import { ValidationJobData, ValidationJobName, VALIDATION_QUEUE } from './validation-queue';

export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');

/**
 * The one place validation jobs are added. Job options (de-duplication by template id,
 * attempts, backoff, clean-up) are set here and nowhere else.
 *
 * Enqueueing is best effort by design: the template row is the record of pending work, and
 * the worker's outbox sweep re-enqueues anything whose job was never added or was lost.
 */
@Injectable()
export class ValidationQueueProducer implements OnApplicationShutdown {
  private readonly queue: Queue<ValidationJobData, unknown, ValidationJobName>;
  private readonly jobOptions: JobsOptions;
  private readonly timeoutMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PRODUCER_REDIS) connection: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue(VALIDATION_QUEUE, { connection });
    this.queue.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'validation queue error'));
    this.timeoutMs = config.redis.commandTimeoutMs;
    this.jobOptions = {
      attempts: config.validation.attempts,
      // Exponential, computed by the worker's backoffStrategy so that Retry-After is honoured.
      backoff: { type: 'registry-aware', delay: config.validation.backoffMs },
      removeOnComplete: true,
      // Outcomes are recorded on the template row; a kept failed job would block re-validation
      // with the same job id.
      removeOnFail: true,
    };
  }

  /** Adds the template's validation job unless one is already waiting, delayed or active. */
  async enqueue(templateId: string): Promise<boolean> {
    return this.enqueueMany([templateId]).then((added) => added > 0);
  }

  /** Returns how many were handed to Redis; 0 (logged) when Redis is unreachable. */
  async enqueueMany(templateIds: readonly string[]): Promise<number> {
    if (templateIds.length === 0) return 0;
    const jobs = templateIds.map((templateId) => ({
      name: ValidationJobName.ValidateTemplate,
      data: { templateId },
      opts: { ...this.jobOptions, jobId: templateId },
    }));
    try {
      await this.withTimeout(this.queue.addBulk(jobs));
      return templateIds.length;
    } catch (error) {
      this.logger.warn(
        { err: { message: (error as Error).message }, count: templateIds.length },
        'could not enqueue validation; the outbox sweep will retry',
      );
      return 0;
    }
  }

  /** Removes a waiting or delayed job (an active one finishes and finds the row gone). */
  async remove(templateId: string): Promise<void> {
    try {
      await this.withTimeout(this.queue.remove(templateId));
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message }, templateId }, 'could not remove validation job');
    }
  }

  /** Sets the queue-depth gauge from Redis (at scrape time); leaves it untouched if Redis is away. */
  async recordQueueDepth(metrics: ServiceMetrics): Promise<void> {
    try {
      const counts = await this.withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed'));
      for (const [state, count] of Object.entries(counts)) metrics.queueJobs.set({ state }, count);
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'queue depth unavailable');
    }
  }

  get bullQueue(): Queue<ValidationJobData, unknown, ValidationJobName> {
    return this.queue;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
