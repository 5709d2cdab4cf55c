import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { EventRepository, WebhookDeliveryRepository } from '@app/db';
import { PeriodicTask } from '../periodic-task';

const BATCH = 5000;
/** Batches per tick, so a large backlog is trimmed over several ticks instead of in one long burst. */
const MAX_BATCHES = 20;
const TICK_MS = 10 * 60_000;
/** Finished webhook deliveries (and their attempts) are kept this long. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60_000;

/** Trims events older than EVENT_RETENTION, and finished webhook deliveries older than 30 days, in batches. */
@Injectable()
export class EventRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly events: EventRepository,
    private readonly deliveries: WebhookDeliveryRepository,
  ) {
    this.task = new PeriodicTask('event-retention', logger, () => this.runOnce());
  }

  onApplicationBootstrap(): void {
    this.task.start(TICK_MS, 5_000);
  }

  /** One tick; returns how many events it deleted. */
  async runOnce(): Promise<number> {
    const now = Date.now();
    const events = await this.trim((batch) => this.events.trimOlderThan(new Date(now - this.config.events.retentionMs), batch));
    const deliveries = await this.trim((batch) => this.deliveries.trimOlderThan(new Date(now - DELIVERY_RETENTION_MS), batch));
    if (events || deliveries) this.logger.info({ events, deliveries }, 'trimmed the event log and webhook deliveries');
    return events;
  }

  private async trim(deleteBatch: (batch: number) => Promise<number>): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const count = await deleteBatch(BATCH);
      deleted += count;
      if (count < BATCH) break;
    }
    return deleted;
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}
