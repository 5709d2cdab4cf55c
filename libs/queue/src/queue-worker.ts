import { Job, Worker, WorkerOptions } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { RedisConfig } from '@app/config';
import { createWorkerRedis } from './redis-connection';

/** What differs between the queues' BullMQ workers; the rest (connection, backoff, events, close) is here. */
export interface QueueWorkerSpec<Data, Result, Name extends string> {
  queue: string;
  /** The job names and the app's handlers: each name must have one, checked before connecting. */
  names: readonly Name[];
  handlers: Record<Name, unknown>;
  /** Runs a job with its name's handler. */
  process(job: Job<Data, Result, Name>): Promise<Result>;
  /** Delay before the next attempt, after `attemptsMade` attempts; `error` is what the handler threw. */
  retryDelayMs(attemptsMade: number, error: Error | undefined): number;
  onCompleted?(data: Data, result: Result): void;
  /** An attempt threw (it is retried while attempts remain). */
  onFailed?(data: Data | undefined, error: Error): void;
  /** Concurrency and lock settings of this queue. */
  options: Pick<WorkerOptions, 'concurrency' | 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;
}

/**
 * One queue's BullMQ worker on its own Redis connection (workers block on it), with the
 * retry schedule as BullMQ's custom backoff strategy. `close()` lets in-flight jobs finish,
 * then drops the connection (BullMQ leaves a connection it was given open).
 */
export class QueueWorker<Data, Result, Name extends string> {
  private readonly worker: Worker<Data, Result, Name>;
  private readonly connection: IORedis;

  constructor(redis: RedisConfig, logger: Logger, spec: QueueWorkerSpec<Data, Result, Name>) {
    const missing = spec.names.filter((name) => typeof spec.handlers[name] !== 'function');
    if (missing.length) throw new Error(`No handler for ${spec.queue} job(s): ${missing.join(', ')}`);
    this.connection = createWorkerRedis(redis);
    this.worker = new Worker<Data, Result, Name>(spec.queue, (job) => spec.process(job), {
      ...spec.options,
      connection: this.connection,
      settings: {
        // The producers' jobs ask for the custom backoff type, which BullMQ hands to this strategy.
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) => spec.retryDelayMs(attemptsMade, error),
      },
    });
    if (spec.onCompleted) this.worker.on('completed', (job, result) => spec.onCompleted!(job.data, result));
    this.worker.on('failed', (job, error) => spec.onFailed?.(job?.data, error));
    this.worker.on('error', (error) => logger.warn({ err: { message: error.message }, queue: spec.queue }, 'queue worker error'));
    logger.info({ queue: spec.queue, concurrency: spec.options.concurrency }, 'queue worker started');
  }

  async close(): Promise<void> {
    await this.worker.close();
    this.connection.disconnect();
  }
}
