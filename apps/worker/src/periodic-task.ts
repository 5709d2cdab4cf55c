import type { Logger } from 'pino';

export interface PeriodicTaskOptions {
  /**
   * Each wait is the interval times a random factor in [1 - jitter, 1 + jitter], so replicas
   * that started together do not keep ticking together. Default 0.
   */
  jitter?: number;
  /** Called with the duration of every run (failed ones included), e.g. for a histogram. */
  observeDuration?(ms: number): void;
}

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
    private readonly options: PeriodicTaskOptions = {},
  ) {}

  start(intervalMs: number, firstDelayMs = intervalMs): void {
    const jitter = this.options.jitter ?? 0;
    const nextDelay = () => Math.round(intervalMs * (1 + jitter * (2 * Math.random() - 1)));
    const tick = () => {
      const started = performance.now();
      this.running = this.work()
        .then(() => undefined)
        .catch((error: Error) => {
          this.logger.warn({ task: this.name, err: { message: error.message } }, 'periodic task failed; will retry');
        })
        .finally(() => {
          this.options.observeDuration?.(performance.now() - started);
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(tick, nextDelay());
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
