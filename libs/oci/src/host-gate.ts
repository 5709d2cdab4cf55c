import { abortReason } from './deadline';

/**
 * Admission of registry requests per host. The transport asks for a permit before every
 * request it sends (to the registry, its token realm, blob storage behind a redirect: each
 * hop to its own host) and holds it until the response has been read; a `429` with
 * `Retry-After` pauses the host. `LocalHostGate` shares the limit within one process; the
 * worker supplies one shared by every worker (libs/queue's `RedisHostGate`).
 */
export interface HostGate {
  /**
   * Resolves, once a request to `host` (`hostname:port`) may be sent, with the function that
   * ends it (call it exactly once). Waits while every permit of the host is held or the host
   * is paused; rejects with `HostBusyError` when that would take too long, or with the
   * signal's reason when it aborts.
   */
  acquire(host: string, signal: AbortSignal): Promise<ReleasePermit>;
  /** Holds requests to `host` until `untilMs` (milliseconds since the epoch). Never rejects. */
  pause(host: string, untilMs: number): Promise<void>;
}

export type ReleasePermit = () => void;

/** A permit was not granted in time: the host stays paused, or its permits stayed taken. */
export class HostBusyError extends Error {
  override readonly name = 'HostBusyError';

  constructor(
    readonly host: string,
    readonly reason: 'paused' | 'busy',
    /** For a pause: how long it still lasts. */
    readonly retryAfterMs?: number,
  ) {
    super(reason === 'paused' ? `Requests to ${host} are paused (the host answered 429).` : `No request permit for ${host} became free in time.`);
  }
}

export interface LocalHostGateOptions {
  /** Requests in flight to one host at most. */
  readonly maxPerHost: number;
  /** Longest wait for a permit (or for a pause to end) before `HostBusyError`. */
  readonly maxWaitMs: number;
  readonly clock?: () => number;
}

/** One request waiting for a permit of its host (for gates: `queueForPermit` makes them). */
export interface PermitWaiter {
  readonly signal: AbortSignal;
  /** When it started waiting (ms since the epoch). */
  readonly since: number;
  /** When it gives up. */
  readonly deadline: number;
  readonly resolve: (release: ReleasePermit) => void;
  readonly reject: (error: Error) => void;
  /** Stops its timer and abort listener; call it when serving or refusing it. */
  readonly dispose: () => void;
}

/**
 * Puts a waiter at the end of `waiters`. It removes itself and rejects when `signal` aborts, or
 * after `maxWaitMs` with `HostBusyError` (paused while `pausedUntil()` is still ahead, else busy);
 * `onLeave` runs after such a removal.
 */
export function queueForPermit(
  waiters: PermitWaiter[],
  host: string,
  signal: AbortSignal,
  maxWaitMs: number,
  pausedUntil: () => number,
  clock: () => number = Date.now,
  onLeave?: () => void,
): Promise<ReleasePermit> {
  return new Promise<ReleasePermit>((resolve, reject) => {
    const since = clock();
    const leave = (error: Error) => {
      waiter.dispose();
      const at = waiters.indexOf(waiter);
      if (at >= 0) waiters.splice(at, 1);
      onLeave?.();
      reject(error);
    };
    const timer = setTimeout(() => {
      const left = pausedUntil() - clock();
      leave(left > 0 ? new HostBusyError(host, 'paused', left) : new HostBusyError(host, 'busy'));
    }, maxWaitMs);
    const onAbort = () => leave(abortReason(signal));
    const waiter: PermitWaiter = {
      signal,
      since,
      deadline: since + maxWaitMs,
      resolve,
      reject,
      dispose: () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
      },
    };
    signal.addEventListener('abort', onAbort, { once: true });
    waiters.push(waiter);
  });
}

/** Refuses, at once, the waiters whose time runs out before a pause ends, saying how long it lasts. */
export function refuseWaitersBefore(waiters: PermitWaiter[], host: string, pausedUntil: number, now: number): void {
  for (const waiter of waiters.filter((w) => w.deadline < pausedUntil)) {
    waiters.splice(waiters.indexOf(waiter), 1);
    waiter.dispose();
    waiter.reject(new HostBusyError(host, 'paused', pausedUntil - now));
  }
}

interface HostLine {
  active: number;
  readonly waiters: PermitWaiter[];
  pausedUntil: number;
  wake?: NodeJS.Timeout;
}

/** The limit and pauses kept in this process only (tests, tools, and the workers' fallback while Redis is away). */
export class LocalHostGate implements HostGate {
  private readonly lines = new Map<string, HostLine>();
  private readonly clock: () => number;

  constructor(private readonly options: LocalHostGateOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Requests in flight to `host` through this gate (for tests and metrics). */
  inFlight(host: string): number {
    return this.lines.get(host)?.active ?? 0;
  }

  async acquire(host: string, signal: AbortSignal): Promise<ReleasePermit> {
    if (signal.aborted) throw abortReason(signal);
    const line = this.line(host);
    const now = this.clock();
    const pausedFor = line.pausedUntil - now;
    if (pausedFor > this.options.maxWaitMs) throw new HostBusyError(host, 'paused', pausedFor);
    if (pausedFor <= 0 && line.waiters.length === 0 && line.active < this.options.maxPerHost) return this.grant(host, line);
    const waiting = queueForPermit(line.waiters, host, signal, this.options.maxWaitMs, () => line.pausedUntil, this.clock, () =>
      this.forgetIfIdle(host, line),
    );
    if (pausedFor > 0) this.wakeAt(host, line, line.pausedUntil);
    return waiting;
  }

  async pause(host: string, untilMs: number): Promise<void> {
    const line = this.line(host);
    if (untilMs <= line.pausedUntil) return;
    line.pausedUntil = untilMs;
    refuseWaitersBefore(line.waiters, host, untilMs, this.clock());
    this.wakeAt(host, line, untilMs);
  }

  private line(host: string): HostLine {
    let line = this.lines.get(host);
    if (!line) this.lines.set(host, (line = { active: 0, waiters: [], pausedUntil: 0 }));
    return line;
  }

  private grant(host: string, line: HostLine): ReleasePermit {
    line.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      line.active--;
      this.pump(host, line);
    };
  }

  private pump(host: string, line: HostLine): void {
    if (line.pausedUntil > this.clock()) {
      if (line.waiters.length > 0) this.wakeAt(host, line, line.pausedUntil);
      return;
    }
    while (line.active < this.options.maxPerHost && line.waiters.length > 0) {
      const waiter = line.waiters.shift()!;
      waiter.dispose();
      waiter.resolve(this.grant(host, line));
    }
    this.forgetIfIdle(host, line);
  }

  private wakeAt(host: string, line: HostLine, at: number): void {
    if (line.wake) clearTimeout(line.wake);
    line.wake = setTimeout(() => {
      line.wake = undefined;
      this.pump(host, line);
    }, Math.max(0, at - this.clock()));
    line.wake.unref();
  }

  private forgetIfIdle(host: string, line: HostLine): void {
    if (line.active === 0 && line.waiters.length === 0 && line.pausedUntil <= this.clock() && !line.wake) this.lines.delete(host);
  }
}
