import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { JobsOptions, JobState, Queue } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, MetricsSource, ServiceMetrics, withTimeout } from '@app/common';
import { jobStatesOf, queueDepth, removeJobs } from './queue-jobs';
import { ValidationJobData, ValidationJobName, VALIDATION_QUEUE } from './validation-queue';

export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');

/** The name the consumer's backoff strategy answers to (see ValidationQueueConsumer). */
const VALIDATION_BACKOFF_TYPE = 'registry-aware';

/** What BullMQ knows of a template's job; `unknown` when there is none. */
export type ValidationJobState = JobState | 'unknown';

/** The background tasks of the workers that one worker at a time runs (see claimTurn). */
export type WorkerTurn = 'sweep' | 'revalidation';

const TURN_LOCK_KEYS: Record<WorkerTurn, string> = {
  sweep: 'airuntime-templates:sweep-lock',
  revalidation: 'airuntime-templates:revalidation-lock',
};

/**
 * The one place validation jobs are added. Job options (de-duplication by template id,
 * attempts, backoff, clean-up) are set here and nowhere else.
 *
 * Enqueueing is best effort by design: the template row is the record of pending work, and
 * the worker's outbox sweep re-enqueues anything whose job was never added or was lost.
 */
@Injectable()
export class ValidationQueueProducer implements MetricsSource, OnApplicationShutdown {
  private readonly queue: Queue<ValidationJobData, unknown, ValidationJobName>;
  private readonly jobOptions: JobsOptions;
  private readonly timeoutMs: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.queue = new Queue(VALIDATION_QUEUE, { connection: redis });
    this.queue.on('error', (error) => this.logger.warn({ err: { message: error.message } }, 'validation queue error'));
    this.timeoutMs = config.redis.commandTimeoutMs;
    this.jobOptions = {
      attempts: config.validation.attempts,
      // Exponential, computed by the consumer's backoff strategy so that Retry-After is honoured.
      backoff: { type: VALIDATION_BACKOFF_TYPE, delay: config.validation.backoffMs },
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
      await this.redisCall(this.queue.addBulk(jobs));
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
      await this.redisCall(this.queue.remove(templateId));
    } catch (error) {
      this.logger.warn({ err: { message: (error as Error).message }, templateId }, 'could not remove validation job');
    }
  }

  /**
   * The state of each template's job, in order. Throws when Redis cannot be asked (each
   * command is bounded by the connection's command timeout; a batch has no overall limit).
   */
  async jobStates(templateIds: readonly string[]): Promise<ValidationJobState[]> {
    return jobStatesOf(this.queue, templateIds);
  }

  /**
   * Enqueues again templates whose job is gone or finished: a finished job's record is
   * removed first, because it would block the job id. Returns how many were handed to Redis;
   * throws when a record could not be removed.
   */
  async requeue(templateIds: readonly string[]): Promise<number> {
    await removeJobs(this.queue, templateIds);
    return this.enqueueMany(templateIds);
  }

  /**
   * True for one caller per `ttlMs` among all workers (a short Redis lock, left to expire),
   * so several workers do not run `task` at the same moment (the sweep) or multiply its pace
   * (the re-validation scheduler). Throws when Redis cannot be asked.
   */
  async claimTurn(task: WorkerTurn, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(TURN_LOCK_KEYS[task], randomUUID(), 'PX', ttlMs, 'NX')) === 'OK';
  }

  /** Sets the queue-depth gauge from Redis (at scrape time); leaves it untouched if Redis is away. */
  async refreshMetrics(metrics: ServiceMetrics): Promise<void> {
    try {
      const counts = await queueDepth(this.queue, this.timeoutMs);
      for (const [state, count] of Object.entries(counts)) metrics.queueJobs.set({ state }, count);
    } catch (error) {
      this.logger.debug({ err: { message: (error as Error).message } }, 'queue depth unavailable');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }

  private redisCall<T>(work: Promise<T>): Promise<T> {
    return withTimeout(work, this.timeoutMs, 'Redis');
  }
}
