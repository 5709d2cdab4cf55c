import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import {
  createWorkerRedis,
  ValidationJobData,
  ValidationJobName,
  ValidationJobPayloads,
  ValidationJobResult,
  ValidationQueueProducer,
  VALIDATION_QUEUE,
} from '@app/queue';
import { RetryableValidationError, TemplateValidationService } from './template-validation.service';

type Handlers = { [Name in ValidationJobName]: (data: ValidationJobPayloads[Name], job: Job) => Promise<ValidationJobResult> };

/** Longest Retry-After we honour; a registry asking for more is retried after this. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * The BullMQ worker of the validation queue. It only routes jobs to the service; errors
 * are never swallowed here, because a swallowed error defeats the queue's retries.
 */
@Injectable()
export class TemplateValidationProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker<ValidationJobData, ValidationJobResult, ValidationJobName>;
  private connection?: IORedis;
  private readonly handlers: Handlers;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly validation: TemplateValidationService,
    private readonly producer: ValidationQueueProducer,
  ) {
    this.handlers = {
      [ValidationJobName.ValidateTemplate]: (data, job) =>
        this.validation.validate(data.templateId, { jobId: String(job.id), number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 }),
    };
    const missing = Object.values(ValidationJobName).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`No handler for validation job(s): ${missing.join(', ')}`);
  }

  onApplicationBootstrap(): void {
    const { concurrency, stalledIntervalMs, backoffMs } = this.config.validation;
    this.worker = new Worker(VALIDATION_QUEUE, (job) => this.handlers[job.name](job.data, job), {
      connection: (this.connection = createWorkerRedis(this.config.redis.url)),
      concurrency,
      // A worker killed mid-job stops renewing its lock; after this long the job is taken again.
      lockDuration: stalledIntervalMs,
      stalledInterval: stalledIntervalMs,
      maxStalledCount: 3,
      settings: {
        // Exponential backoff that waits at least as long as the registry's Retry-After.
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => {
          const exponential = backoffMs * 2 ** Math.max(0, attemptsMade - 1);
          const retryAfter = error instanceof RetryableValidationError ? (error.retryAfterMs ?? 0) : 0;
          return Math.min(Math.max(exponential, retryAfter), MAX_RETRY_AFTER_MS);
        },
      },
    });
    this.worker.on('completed', (job, result) => this.afterCompleted(job.data.templateId, result));
    this.worker.on('failed', (job, error) => {
      if (error instanceof RetryableValidationError) return; // recorded and logged by the service
      this.logger.error({ templateId: job?.data.templateId, err: error }, 'validation job failed unexpectedly');
    });
    this.worker.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'validation worker error'));
    this.logger.info({ concurrency }, 'validation worker started');
  }

  /**
   * A job that found its template changed mid-validation ends without writing; the job id is
   * free again once it completes, so queue a validation of the new values now.
   */
  private afterCompleted(templateId: string, result: ValidationJobResult): void {
    if (result.outcome === 'skipped' && result.reason === 'stale') void this.producer.enqueue(templateId);
  }

  /**
   * Lets in-flight validations finish. Runs in the first shutdown phase (onModuleDestroy);
   * the database, Redis and registry connections they use close in the last one
   * (onApplicationShutdown).
   */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.connection?.disconnect(); // BullMQ leaves a connection it was given open
  }

}
