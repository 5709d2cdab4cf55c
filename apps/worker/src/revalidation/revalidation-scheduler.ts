import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { IdempotencyRepository, ValidationOutboxRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';
import { PeriodicTask } from '../periodic-task';
import { revalidationBatch, revalidationTickMs, TICK_JITTER } from './revalidation-pacing';

/**
 * Re-validates Active templates every REVALIDATE_INTERVAL (drift and expiry): a tag that now
 * points elsewhere is recorded in the report, a permanent failure sends the template back to
 * Inactive. Paced, not "everything due at once": every tick (jittered, one worker's turn at a
 * time through a Redis lock, so more replicas do not multiply the pace) claims a bounded
 * batch of the longest-unchecked due templates through the scheduler's index. Also purges
 * expired Idempotency-Keys.
 */
@Injectable()
export class RevalidationScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;
  private readonly tickMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly outbox: ValidationOutboxRepository,
    private readonly idempotencyKeys: IdempotencyRepository,
    private readonly producer: ValidationQueueProducer,
  ) {
    this.tickMs = revalidationTickMs(config.validation.revalidateIntervalMs);
    // Postgres or Redis away: a failed tick is logged, the next one tries again, and the
    // outbox sweep covers jobs that were not added.
    this.task = new PeriodicTask('revalidation', logger, () => this.tick(), {
      jitter: TICK_JITTER,
      observeDuration: (ms) => metrics.backgroundTaskDuration.observe({ task: 'revalidation' }, ms / 1000),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(this.tickMs);
  }

  /** A tick of this worker: runs only in the workers' turn (a lock a little shorter than a tick). */
  private async tick(): Promise<number> {
    if (!(await this.producer.claimTurn('revalidation', Math.round(this.tickMs * (1 - TICK_JITTER))))) return 0;
    return this.runOnce();
  }

  /** One batch; returns how many templates were queued for re-validation. */
  async runOnce(): Promise<number> {
    const intervalMs = this.config.validation.revalidateIntervalMs;
    const batch = revalidationBatch(await this.outbox.estimateRevalidationPopulation(), this.tickMs, intervalMs);
    const ids = await this.outbox.claimDueRevalidations(intervalMs, batch);
    if (ids.length) {
      await this.producer.enqueueMany(ids);
      this.metrics.revalidationsScheduled.inc(ids.length);
      this.logger.info({ count: ids.length, batch }, 'queued periodic re-validations');
    }
    await this.idempotencyKeys.purgeExpired();
    return ids.length;
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
