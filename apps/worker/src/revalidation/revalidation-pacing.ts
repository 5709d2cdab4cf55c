/**
 * The re-validation scheduler's pacing (RevalidationScheduler), without imports so that the
 * benchmark computes the same batch (bench/workloads/background.ts).
 */

/** A tick claims at least this many due templates (small populations need no spreading)… */
const MIN_BATCH = 10;
/** …and at most this many (one UPDATE, one addBulk). */
const MAX_BATCH = 1000;
/** Claims per tick, over the rate that re-checks everyone once per interval: catches up after a pause. */
const HEADROOM = 1.25;
/** Ticks are this share of REVALIDATE_INTERVAL, within 1–10 s (24 h: every 10 s). */
const TICKS_PER_INTERVAL = 8640;
/** Each worker's wait between ticks varies by this much, so replicas interleave. */
export const TICK_JITTER = 0.2;

export function revalidationTickMs(intervalMs: number): number {
  return Math.min(10_000, Math.max(1000, Math.round(intervalMs / TICKS_PER_INTERVAL)));
}

/**
 * How many due templates one tick may claim: the population's share of one tick, with
 * headroom, within [MIN_BATCH, MAX_BATCH]. Templates that come due together (a bulk import
 * validated in one go) are thereby re-checked at that steady pace, spread over most of an
 * interval instead of in one burst; their next checks stay spread.
 */
export function revalidationBatch(population: number, tickMs: number, intervalMs: number): number {
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.ceil(((population * tickMs) / intervalMs) * HEADROOM)));
}
