import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { TemplateRepository } from '@app/db';
import { PRODUCER_REDIS, ValidationQueueProducer } from '@app/queue';
import { PeriodicTask } from '../periodic-task';

const SWEEP_LOCK_KEY = 'airuntime-templates:sweep-lock';
const BATCH = 500;

/**
 * The outbox sweep: the template row is the record of pending work, so any template whose
 * validation is pending or running but has no live job (the enqueue failed while Redis was
 * down, Redis lost its data, a job was removed or died) is enqueued again. Job ids are the
 * template ids, so a job that does exist is never doubled; a short Redis lock keeps several
 * workers from sweeping at the same moment.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    private readonly templates: TemplateRepository,
    private readonly producer: ValidationQueueProducer,
  ) {
    // Postgres or Redis away: a failed sweep is logged and the next tick tries again.
    this.task = new PeriodicTask('outbox-sweep', logger, () => this.sweepOnce());
  }

  onApplicationBootstrap(): void {
    const { sweepIntervalMs } = this.config.validation;
    this.task.start(sweepIntervalMs, Math.min(1000, sweepIntervalMs));
  }

  /** One pass; returns how many templates were enqueued again. */
  async sweepOnce(): Promise<number> {
    const { sweepIntervalMs, sweepMinAgeMs } = this.config.validation;
    const lock = await this.redis.set(SWEEP_LOCK_KEY, randomUUID(), 'PX', Math.max(500, sweepIntervalMs - 100), 'NX');
    if (lock !== 'OK') return 0;
    const queue = this.producer.bullQueue;
    let enqueued = 0;
    const queuedBefore = new Date(Date.now() - sweepMinAgeMs);
    for (;;) {
      const ids = await this.templates.findUnfinishedValidations(queuedBefore, BATCH);
      if (ids.length === 0) break;
      const states = await Promise.all(ids.map((id) => queue.getJobState(id)));
      const orphans = ids.filter((_, index) => states[index] === 'unknown' || states[index] === 'completed' || states[index] === 'failed');
      if (orphans.length) {
        for (const id of orphans) await queue.remove(id); // a finished job record would block the job id
        if ((await this.producer.enqueueMany(orphans)) === 0) throw new Error('Redis refused the re-enqueue');
        enqueued += orphans.length;
      }
      await this.templates.markQueued(ids);
      if (ids.length < BATCH) break;
    }
    if (enqueued > 0) {
      this.metrics.sweepReenqueued.inc(enqueued);
      this.logger.info({ enqueued }, 'outbox sweep enqueued templates without a live job');
    }
    return enqueued;
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
