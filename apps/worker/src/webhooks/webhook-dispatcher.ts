import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@app/config';
import { LOGGER } from '@app/common';
import { WebhookDeliveryRepository } from '@app/db';
import { WebhookDeliveryProducer } from '@app/queue';
import { PeriodicTask } from '../periodic-task';

/**
 * Every org with undispatched events is looked at this often. Polled rather than prompted by
 * the event announcements (Redis pub/sub, which the streams use): a poll cannot miss an
 * announcement lost with a dying process or a Redis failover, and webhooks promise no
 * latency below a second.
 */
const DISPATCH_INTERVAL_MS = 1000;
const EVENTS_PER_PASS = 500;
const ORGS_PER_PASS = 200;

/**
 * Turns the event log into webhook deliveries: whenever an org's log has grown past its
 * dispatch position (looked at every second, one query for all orgs), its new events
 * become deliveries for the webhooks they are for, and the deliveries are queued. Every
 * SWEEP_INTERVAL it also queues again pending deliveries whose job was lost (Redis away when
 * they were created, or its data lost): the delivery rows are the record of the work.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly dispatchTask: PeriodicTask;
  private readonly sweepTask: PeriodicTask;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly producer: WebhookDeliveryProducer,
  ) {
    this.dispatchTask = new PeriodicTask('webhook-dispatch', logger, () => this.dispatch());
    this.sweepTask = new PeriodicTask('webhook-delivery-sweep', logger, () => this.sweepOverdue());
  }

  onApplicationBootstrap(): void {
    this.dispatchTask.start(DISPATCH_INTERVAL_MS, 0);
    this.sweepTask.start(this.config.validation.sweepIntervalMs);
  }

  /** One pass over every org with undispatched events; returns how many deliveries it queued. */
  async dispatch(): Promise<number> {
    let queued = 0;
    for (const orgId of await this.deliveries.orgsToDispatch(ORGS_PER_PASS)) queued += await this.dispatchOrg(orgId);
    return queued;
  }

  private async dispatchOrg(orgId: string): Promise<number> {
    let queued = 0;
    for (;;) {
      const { deliveryIds, more } = await this.deliveries.dispatchOrg(orgId, EVENTS_PER_PASS);
      queued += await this.producer.enqueue(deliveryIds);
      if (!more) return queued;
    }
  }

  /** Pending deliveries overdue by a sweep interval with no live job are queued again. */
  async sweepOverdue(): Promise<number> {
    const grace = this.config.validation.sweepIntervalMs;
    const overdue = await this.deliveries.findOverdue(new Date(Date.now() - grace), 500);
    if (overdue.length === 0) return 0;
    const ids = overdue.map((delivery) => delivery.id);
    const states = await this.producer.jobStates(ids);
    const orphans = ids.filter((_, index) => ['unknown', 'completed', 'failed'].includes(states[index]));
    const requeued = orphans.length ? await this.producer.requeue(orphans) : 0;
    await this.deliveries.postpone(ids, new Date(Date.now() + grace));
    if (requeued) this.logger.info({ requeued }, 'webhook delivery sweep queued deliveries without a live job');
    return requeued;
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.dispatchTask.stop(), this.sweepTask.stop()]);
  }
}
