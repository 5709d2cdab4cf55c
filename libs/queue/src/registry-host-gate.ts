import { randomBytes } from 'node:crypto';
import type IORedis from 'ioredis';
import type { Logger } from 'pino';
import type { ServiceMetrics } from '@app/common';
import { HostBusyError, HostGate, LocalHostGate, PermitWaiter, queueForPermit, ReleasePermit, refuseWaitersBefore } from '@app/oci';
import { ACQUIRE_SCRIPT, hostKeys, LEAVE_SCRIPT, PAUSE_SCRIPT, RENEW_SCRIPT } from './registry-host-gate.scripts';

export interface RedisHostGateOptions {
  /** Requests in flight to one host from all workers together. */
  readonly maxPerHost: number;
  /** Longest wait for a permit, or for a pause to end, before the request fails (`HostBusyError`). */
  readonly maxWaitMs: number;
  /** A permit's lease: renewed while its request is in flight, so a crashed worker's permits lapse after this. */
  readonly leaseMs: number;
}

/** How long a Redis that failed is left alone (the local limit applies meanwhile). */
const REDIS_RETRY_AFTER_MS = 5_000;
/** How long a process's place in a host's queue lasts without a poll. */
const TICKET_MS = 2_000;
/** Polling for a permit another worker may have freed: a random delay in this range. */
const POLL_MIN_MS = 10;
const POLL_MAX_MS = 30;
/** While Redis is away, one warning per this long. */
const WARNING_INTERVAL_MS = 60_000;

interface Line {
  readonly waiters: PermitWaiter[];
  pumping: boolean;
  /** Known locally, so a request to a host paused for long fails without asking Redis. */
  pausedUntil: number;
  /** Cuts the pump's sleep short (a permit of this process was released, or a waiter arrived). */
  wake?: () => void;
}

type GateRedis = IORedis & {
  hostGateAcquire(leases: string, queue: string, alive: string, pause: string, seq: string, ...args: string[]): Promise<[number, number]>;
  hostGateRenew(leases: string, ...args: string[]): Promise<number>;
  hostGatePause(pause: string, forMs: string): Promise<number>;
  hostGateLeave(queue: string, alive: string, me: string): Promise<number>;
};

/**
 * The registry host gate shared by every worker: at most `maxPerHost` requests in flight to a
 * host from all of them (leases in Redis, renewed while in flight, expiring when a worker
 * dies), first come first served among the workers, and a pause on a 429 with Retry-After
 * that every worker keeps. A request waits at most `maxWaitMs`; then `HostBusyError`, which
 * the registry client turns into a transient `rate_limited` that the queue retries, so the gate
 * can delay a validation but never wedge it.
 *
 * When Redis cannot be reached the gate fails open to a limit per process (`LocalHostGate`):
 * validations go on, each worker keeping the limit by itself (counted in
 * `registry_gate_local_permits_total`, a warning a minute), and Redis is tried again after a
 * few seconds.
 */
export class RedisHostGate implements HostGate {
  private readonly redis: GateRedis;
  private readonly local: LocalHostGate;
  private readonly me = randomBytes(8).toString('hex');
  private readonly lines = new Map<string, Line>();
  private readonly held = new Map<string, Set<string>>();
  private readonly renewal: NodeJS.Timeout;
  private leaseCounter = 0;
  private redisAwayUntil = 0;
  private localSinceWarning = 0;
  private lastWarningAt = Number.NEGATIVE_INFINITY;

  constructor(
    redis: IORedis,
    private readonly options: RedisHostGateOptions,
    private readonly logger: Logger,
    private readonly metrics: ServiceMetrics,
  ) {
    redis.defineCommand('hostGateAcquire', { numberOfKeys: 5, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('hostGateRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    redis.defineCommand('hostGatePause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
    redis.defineCommand('hostGateLeave', { numberOfKeys: 2, lua: LEAVE_SCRIPT });
    this.redis = redis as GateRedis;
    this.local = new LocalHostGate({ maxPerHost: options.maxPerHost, maxWaitMs: options.maxWaitMs });
    this.renewal = setInterval(() => this.renewLeases(), Math.max(100, Math.floor(options.leaseMs / 3)));
    this.renewal.unref();
  }

  async acquire(host: string, signal: AbortSignal): Promise<ReleasePermit> {
    signal.throwIfAborted();
    const line = this.line(host);
    const now = Date.now();
    if (line.pausedUntil - now > this.options.maxWaitMs) throw new HostBusyError(host, 'paused', line.pausedUntil - now);
    if (now < this.redisAwayUntil) return this.acquireLocally(host, signal, now);
    const waiting = queueForPermit(line.waiters, host, signal, this.options.maxWaitMs, () => line.pausedUntil);
    this.pump(host, line);
    return waiting;
  }

  async pause(host: string, untilMs: number): Promise<void> {
    const forMs = Math.ceil(untilMs - Date.now());
    if (forMs <= 0) return;
    const line = this.line(host);
    line.pausedUntil = Math.max(line.pausedUntil, untilMs);
    await this.local.pause(host, untilMs);
    this.metrics.registryHostPauses.inc();
    this.logger.warn({ host, pausedForMs: forMs }, 'registry host answered 429 with Retry-After: requests to it are paused');
    try {
      await this.redis.hostGatePause(hostKeys(host).pause, String(forMs));
    } catch (error) {
      this.redisFailed(error as Error);
    }
  }

  /** Stops renewing leases (shutdown); permits still held lapse by themselves. */
  close(): void {
    clearInterval(this.renewal);
  }

  private line(host: string): Line {
    let line = this.lines.get(host);
    if (!line) this.lines.set(host, (line = { waiters: [], pumping: false, pausedUntil: 0 }));
    return line;
  }

  /** Grants permits to this host's waiters, oldest first, for as long as some wait. One pump per host at a time. */
  private pump(host: string, line: Line): void {
    if (line.pumping) {
      line.wake?.();
      return;
    }
    line.pumping = true;
    void this.serve(host, line).finally(() => {
      line.pumping = false;
      if (line.waiters.length > 0) this.pump(host, line);
      else if (line.pausedUntil <= Date.now() && !this.held.get(host)?.size) this.lines.delete(host);
    });
  }

  private async serve(host: string, line: Line): Promise<void> {
    const keys = hostKeys(host);
    let queued = false;
    while (line.waiters.length > 0) {
      const ids = line.waiters.map(() => `${this.me}:${++this.leaseCounter}`);
      let granted: number;
      let pausedForMs: number;
      try {
        const args = [String(this.options.maxPerHost), String(this.options.leaseMs), this.me, String(TICKET_MS), ...ids];
        [granted, pausedForMs] = await this.redis.hostGateAcquire(keys.leases, keys.queue, keys.alive, keys.pause, keys.seq, ...args);
      } catch (error) {
        this.redisFailed(error as Error);
        for (const waiter of line.waiters.splice(0)) this.handOverToLocal(host, waiter);
        return;
      }
      if (granted < 0) {
        line.pausedUntil = Math.max(line.pausedUntil, Date.now() + pausedForMs);
        refuseWaitersBefore(line.waiters, host, line.pausedUntil, Date.now());
        if (line.waiters.length > 0) await this.sleep(line, line.pausedUntil - Date.now(), false);
        continue;
      }
      queued = granted < ids.length;
      for (const id of ids.slice(0, granted)) {
        const waiter = line.waiters.shift();
        if (waiter) {
          waiter.dispose();
          this.metrics.registryPermitWait.observe((Date.now() - waiter.since) / 1000);
          waiter.resolve(this.permit(host, id));
        } else {
          this.releaseLease(host, id); // its waiter gave up meanwhile
        }
      }
      if (line.waiters.length > 0) await this.sleep(line, POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS), true);
    }
    if (queued) this.redis.hostGateLeave(keys.queue, keys.alive, this.me).catch(() => undefined);
  }

  /** Waits `ms`, or less when `wakeable` and a permit of this process is released. */
  private sleep(line: Line, ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      // Unreferenced: the waiters' own timers keep the process alive while any wait.
      const timer = setTimeout(done, Math.max(0, ms));
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        line.wake = undefined;
        resolve();
      }
      if (wakeable) line.wake = done;
    });
  }

  private permit(host: string, id: string): ReleasePermit {
    let ids = this.held.get(host);
    if (!ids) this.held.set(host, (ids = new Set()));
    ids.add(id);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.releaseLease(host, id);
      this.lines.get(host)?.wake?.();
    };
  }

  private releaseLease(host: string, id: string): void {
    const ids = this.held.get(host);
    ids?.delete(id);
    if (ids?.size === 0) this.held.delete(host);
    // A release that does not reach Redis lapses with its lease.
    this.redis.zrem(hostKeys(host).leases, id).catch(() => undefined);
  }

  private renewLeases(): void {
    const keepMs = String(Math.max(this.options.leaseMs, TICKET_MS) * 2);
    for (const [host, ids] of this.held) {
      if (ids.size === 0) continue;
      this.redis.hostGateRenew(hostKeys(host).leases, String(this.options.leaseMs), keepMs, ...ids).catch((error: Error) => {
        this.logger.debug({ err: { message: error.message }, host }, 'registry permit leases not renewed');
      });
    }
  }

  private acquireLocally(host: string, signal: AbortSignal, since: number): Promise<ReleasePermit> {
    return this.local.acquire(host, signal).then((release) => {
      this.countLocalPermit();
      this.metrics.registryPermitWait.observe((Date.now() - since) / 1000);
      return release;
    });
  }

  private handOverToLocal(host: string, waiter: PermitWaiter): void {
    waiter.dispose();
    if (waiter.signal.aborted) return waiter.reject(waiter.signal.reason instanceof Error ? waiter.signal.reason : new Error('aborted'));
    this.acquireLocally(host, waiter.signal, waiter.since).then(waiter.resolve, waiter.reject);
  }

  private redisFailed(error: Error): void {
    this.redisAwayUntil = Date.now() + REDIS_RETRY_AFTER_MS;
    this.logger.debug({ err: { message: error.message } }, 'registry host gate: Redis command failed');
  }

  private countLocalPermit(): void {
    this.metrics.registryGateLocalPermits.inc();
    this.localSinceWarning++;
    const now = Date.now();
    if (now - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.logger.warn(
      { permits: this.localSinceWarning, limitPerWorker: this.options.maxPerHost },
      'registry host gate cannot reach Redis: each worker limits requests per registry host by itself meanwhile',
    );
    this.lastWarningAt = now;
    this.localSinceWarning = 0;
  }
}
