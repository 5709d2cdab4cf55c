import type { Logger } from 'pino';

/**
 * Runs `work` every `intervalMs` (measured from the end of one run to the start of the next,
 * so runs never overlap). A failed run is logged and the next one tries again: these tasks
 * re-derive their work from Postgres each time, so nothing is lost by a failed tick.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly logger: Logger,
    private readonly work: () => Promise<unknown>,
  ) {}

  start(intervalMs: number, firstDelayMs = intervalMs): void {
    const tick = () => {
      this.running = this.work()
        .then(() => undefined)
        .catch((error: Error) => {
          this.logger.warn({ task: this.name, err: { message: error.message } }, 'periodic task failed; will retry');
        })
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, firstDelayMs);
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
