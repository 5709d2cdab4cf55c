import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER, METRICS, ServiceMetrics } from '@app/common';
import { IdempotencyRepository, ValidationOutboxRepository } from '@app/db';
import { ValidationQueueProducer } from '@app/queue';
import { PeriodicTask } from '../periodic-task';

const BATCH = 200;
const MAX_TICK_MS = 60_000;

/**
 * Re-validates Active templates every REVALIDATE_INTERVAL (drift and expiry): a tag that now
 * points elsewhere is recorded in the report, a permanent failure sends the template back to
 * Inactive. Due times are spread by template id; each tick takes a bounded batch, so a large
 * backlog drains gradually instead of all at once. Also purges expired Idempotency-Keys.
 */
@Injectable()
export class RevalidationScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS) private readonly metrics: ServiceMetrics,
    private readonly outbox: ValidationOutboxRepository,
    private readonly idempotencyKeys: IdempotencyRepository,
    private readonly producer: ValidationQueueProducer,
  ) {
    // Postgres or Redis away: a failed tick is logged, the next one tries again, and the
    // outbox sweep covers jobs that were not added.
    this.task = new PeriodicTask('revalidation', logger, () => this.runOnce());
  }

  private get tickMs(): number {
    return Math.min(MAX_TICK_MS, Math.max(1000, this.config.validation.revalidateIntervalMs / 20));
  }

  onApplicationBootstrap(): void {
    this.task.start(this.tickMs);
  }

  /** One tick; returns how many templates were queued for re-validation. */
  async runOnce(): Promise<number> {
    const ids = await this.outbox.claimDueRevalidations(this.config.validation.revalidateIntervalMs, BATCH);
    if (ids.length) {
      await this.producer.enqueueMany(ids);
      this.metrics.revalidationsScheduled.inc(ids.length);
      this.logger.info({ count: ids.length }, 'queued periodic re-validations');
    }
    await this.idempotencyKeys.purgeExpired();
    return ids.length;
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
