import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { ValidationOutboxRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';
import { PeriodicTask } from '../periodic-task';

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
    private readonly outbox: ValidationOutboxRepository,
    private readonly producer: ValidationQueueProducer,
  ) {
    // Postgres or Redis away: a failed sweep is logged and the next tick tries again.
    this.task = new PeriodicTask('outbox-sweep', logger, () => this.sweepOnce(), {
      observeDuration: (ms) => metrics.backgroundTaskDuration.observe({ task: 'outbox-sweep' }, ms / 1000),
    });
  }

  onApplicationBootstrap(): void {
    const { sweepIntervalMs } = this.config.validation;
    this.task.start(sweepIntervalMs, Math.min(1000, sweepIntervalMs));
  }

  /** One pass; returns how many templates were enqueued again. */
  async sweepOnce(): Promise<number> {
    const { sweepIntervalMs, sweepMinAgeMs } = this.config.validation;
    if (!(await this.producer.claimTurn('sweep', Math.max(500, sweepIntervalMs - 100)))) return 0;
    let enqueued = 0;
    const queuedBefore = new Date(Date.now() - sweepMinAgeMs);
    for (;;) {
      const ids = await this.outbox.findUnfinishedValidations(queuedBefore, BATCH);
      if (ids.length === 0) break;
      const states = await this.producer.jobStates(ids);
      const orphans = ids.filter((_, index) => states[index] === 'unknown' || states[index] === 'completed' || states[index] === 'failed');
      if (orphans.length) {
        if ((await this.producer.requeue(orphans)) === 0) throw new Error('Redis refused the re-enqueue');
        enqueued += orphans.length;
      }
      await this.outbox.markQueued(ids);
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
