import pino from 'pino';
import type { AppConfig } from '@app/config';
import { ServiceMetrics } from '@app/common';
import type { IdempotencyRepository, ValidationOutboxRepository } from '@app/db';
import type { ValidationQueueProducer } from '@app/queue';
import { revalidationBatch, revalidationTickMs } from './revalidation-pacing';
import { RevalidationScheduler } from './revalidation-scheduler';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('revalidation pacing', () => {
  it('ticks every 10 s for a 24 h interval, never faster than 1 s', () => {
    expect(revalidationTickMs(DAY)).toBe(10_000);
    expect(revalidationTickMs(60_000)).toBe(1000);
    expect(revalidationTickMs(7 * DAY)).toBe(10_000);
  });

  it('claims the population share of a tick with headroom, within bounds', () => {
    expect(revalidationBatch(1_000_000, 10_000, DAY)).toBe(Math.ceil((1_000_000 * 10_000 * 1.25) / DAY)); // 145
    expect(revalidationBatch(0, 10_000, DAY)).toBe(10);
    expect(revalidationBatch(1e9, 10_000, DAY)).toBe(1000);
  });
});

/**
 * The real scheduler over an in-memory outbox with a simulated clock: every claimed template is
 * checked at once (its check time becomes "now"), as a worker keeping up would do.
 */
class SimulatedOutbox {
  now = 0;
  readonly claimsPerTick: number[] = [];
  /** When each template was checked, in the order of the checks. */
  readonly checks: number[] = [];
  /** Check times, oldest first from `head` on (a check only moves a template to the end). */
  private readonly checkedAt: number[];
  private head = 0;

  constructor(readonly population: number, checkedAt: number) {
    this.checkedAt = Array.from({ length: population }, () => checkedAt);
  }

  async estimateRevalidationPopulation(): Promise<number> {
    return this.population;
  }

  async claimDueRevalidations(intervalMs: number, limit: number): Promise<string[]> {
    // Oldest check first, like the index scan.
    const due: string[] = [];
    while (due.length < limit && this.checkedAt[this.head] < this.now - intervalMs) {
      this.head++;
      this.checkedAt.push(this.now);
      this.checks.push(this.now);
      due.push(`t${this.checks.length}`);
    }
    this.claimsPerTick.push(due.length);
    return due;
  }
}

function schedulerOver(outbox: SimulatedOutbox, intervalMs: number): { scheduler: RevalidationScheduler; enqueued: string[][] } {
  const enqueued: string[][] = [];
  const producer = { enqueueMany: async (ids: string[]) => enqueued.push(ids), claimTurn: async () => true };
  const config = { validation: { revalidateIntervalMs: intervalMs } } as AppConfig;
  const scheduler = new RevalidationScheduler(
    config,
    pino({ level: 'silent' }),
    new ServiceMetrics('worker-spec'),
    outbox as unknown as ValidationOutboxRepository,
    { purgeExpired: async () => 0 } as unknown as IdempotencyRepository,
    producer as unknown as ValidationQueueProducer,
  );
  return { scheduler, enqueued };
}

describe('RevalidationScheduler', () => {
  it('spreads 100,000 templates validated at the same moment over the interval, and keeps them spread', async () => {
    const population = 100_000;
    const outbox = new SimulatedOutbox(population, 0);
    const { scheduler, enqueued } = schedulerOver(outbox, DAY);
    const tickMs = revalidationTickMs(DAY);
    const batch = revalidationBatch(population, tickMs, DAY);
    for (outbox.now = 0; outbox.now <= 3 * DAY; outbox.now += tickMs) await scheduler.runOnce();

    // Nothing before it is due, never more than one batch per tick, every claim handed to the queue.
    expect(Math.max(...outbox.claimsPerTick)).toBe(batch);
    expect(outbox.checks[0]).toBeGreaterThan(DAY);
    expect(enqueued.flat()).toHaveLength(outbox.checks.length);

    // First round: all re-checked within the interval after they came due, at a steady pace.
    const round = (from: number) => outbox.checks.filter((at) => at > from && at <= from + DAY);
    expect(round(DAY)).toHaveLength(population);
    const perHour = (checks: number[], from: number) =>
      Array.from({ length: 24 }, (_, hour) => checks.filter((at) => at > from + hour * HOUR && at <= from + (hour + 1) * HOUR).length);
    // The pace: about 1.25× (1.3× after rounding up to whole templates per tick) the rate that
    // checks every template once per interval, so a backlog drains; no hour gets more.
    const pacePerHour = (batch * HOUR) / tickMs;
    expect(pacePerHour / (population / 24)).toBeLessThan(1.3);
    expect(Math.max(...perHour(round(DAY), DAY))).toBeLessThanOrEqual(pacePerHour);
    // Second round: the same spread again, not a burst.
    expect(round(2 * DAY)).toHaveLength(population);
    expect(Math.max(...perHour(round(2 * DAY), 2 * DAY))).toBeLessThanOrEqual(pacePerHour);
    expect(perHour(round(2 * DAY), 2 * DAY).filter((count) => count > 0).length).toBeGreaterThanOrEqual(18);
  });

  it('claims nothing while nothing is due', async () => {
    const outbox = new SimulatedOutbox(50, 0);
    const { scheduler, enqueued } = schedulerOver(outbox, DAY);
    outbox.now = DAY - 1;
    expect(await scheduler.runOnce()).toBe(0);
    expect(enqueued).toEqual([]);
  });
});
