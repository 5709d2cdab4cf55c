export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before each probe; a returned message aborts the wait (e.g. "the process exited"). */
  abortIf?: () => Error | undefined;
  /** Called on timeout: what was last seen (e.g. the last answer), added to the error message. */
  lastSeen?: () => string | undefined;
}

/**
 * A pause between two probes longer than this beyond the interval asked for is taken for the
 * machine (or this process) not running, and is not charged to the deadline: a CI machine
 * that stalls for half a minute stalls the processes under test too, so the wait would
 * otherwise run out without them having had the time it grants.
 */
export const STALL_THRESHOLD_MS = 2_000;

/**
 * Polls `probe` until it returns a value other than undefined/false, within `timeoutMs` of
 * the test's running time (stalls of the machine excepted, see STALL_THRESHOLD_MS).
 * A probe that throws counts as "not yet"; its last error is reported on timeout, with
 * `lastSeen()`.
 */
export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 20, abortIf, lastSeen }: WaitOptions = {},
): Promise<T> {
  const budget = new WaitBudget(timeoutMs);
  let lastError: unknown;
  for (;;) {
    const abort = abortIf?.();
    if (abort) throw abort;
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (budget.spent()) {
      const detail = [
        lastError instanceof Error ? `last error: ${lastError.message}` : undefined,
        lastSeen?.(),
        budget.stalledMs > 0 ? `${budget.stalledMs} ms of machine stalls not counted` : undefined,
      ].filter(Boolean);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${detail.length ? `; ${detail.join('; ')}` : ''}`);
    }
    await budget.pause(intervalMs);
  }
}

/** The time a wait has used: probes count in full, the pauses between them as long as they were asked to be (plus slack). */
export class WaitBudget {
  private usedMs = 0;
  private mark = Date.now();
  /** Time not counted because a pause overran by more than STALL_THRESHOLD_MS. */
  stalledMs = 0;

  constructor(private readonly timeoutMs: number) {}

  /** True once the budget is used up; charges the time since the last mark (a probe) in full. */
  spent(now = Date.now()): boolean {
    this.usedMs += now - this.mark;
    this.mark = now;
    return this.usedMs >= this.timeoutMs;
  }

  /** Waits `ms`; charges at most `ms + STALL_THRESHOLD_MS` of it. */
  async pause(ms: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.charge(ms, Date.now());
  }

  /** Charges a pause of `ms` that ended at `now` (exposed for the unit spec). */
  charge(ms: number, now: number): void {
    const elapsed = now - this.mark;
    const charged = Math.min(elapsed, ms + STALL_THRESHOLD_MS);
    this.usedMs += charged;
    this.stalledMs += elapsed - charged;
    this.mark = now;
  }
}
