import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { QueueWorker } from './queue-worker';
import { ValidationJobData, ValidationJobName, ValidationJobPayloads, ValidationJobResult, VALIDATION_QUEUE } from './validation-queue';

/** Where a delivery stands: the job id and which attempt of how many this is. */
export interface ValidationJobDelivery {
  jobId: string;
  attempt: number;
  maxAttempts: number;
}

/** One handler per job name, typed by that job's payload. */
export type ValidationJobHandlers = {
  [Name in ValidationJobName]: (data: ValidationJobPayloads[Name], delivery: ValidationJobDelivery) => Promise<ValidationJobResult>;
};

export interface ValidationConsumerOptions {
  handlers: ValidationJobHandlers;
  /** Delay before the next attempt, after `attemptsMade` attempts; `error` is what the handler threw. */
  retryDelayMs(attemptsMade: number, error: Error | undefined): number;
  /** A job ended with a result. */
  onCompleted?(data: ValidationJobData, result: ValidationJobResult): void;
  /** An attempt threw (it is retried while attempts remain). */
  onFailed?(data: ValidationJobData | undefined, error: Error): void;
}

/**
 * The validation queue's BullMQ worker: concurrency, stalled-job recovery and the Redis
 * connection are set here from the config; the app supplies the handlers and the retry policy.
 */
@Injectable()
export class ValidationQueueConsumer implements OnModuleDestroy {
  private worker?: QueueWorker<ValidationJobData, ValidationJobResult, ValidationJobName>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts taking jobs. Throws, before connecting, when a job name has no handler. */
  start(options: ValidationConsumerOptions): void {
    if (this.worker) throw new Error('The validation queue consumer is already started');
    const { handlers } = options;
    const { concurrency, stalledIntervalMs } = this.config.validation;
    const delivery = (job: Job): ValidationJobDelivery => ({
      jobId: String(job.id),
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
    });
    this.worker = new QueueWorker(this.config.redis, this.logger, {
      queue: VALIDATION_QUEUE,
      names: Object.values(ValidationJobName),
      handlers,
      process: (job) => handlers[job.name](job.data, delivery(job)),
      retryDelayMs: options.retryDelayMs,
      onCompleted: options.onCompleted,
      onFailed: options.onFailed,
      // A worker killed mid-job stops renewing its lock; after this long the job is taken again.
      options: { concurrency, lockDuration: stalledIntervalMs, stalledInterval: stalledIntervalMs, maxStalledCount: 3 },
    });
  }

  /**
   * Lets in-flight jobs finish. Runs in the first shutdown phase (onModuleDestroy); the
   * database, Redis and registry connections they use close in the last one
   * (onApplicationShutdown).
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
