import { RegistryError, ValidationErrorCode } from './errors';

/**
 * An AbortSignal that fires after `ms` with a retryable `RegistryError` as its
 * reason, so requests cut off by the deadline surface as a typed error. It
 * also follows an optional caller signal (aborting with the caller's reason).
 * Call `clear()` when the work finishes, to drop the timer and the listener on
 * the caller's (possibly long-lived) signal.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly timer: NodeJS.Timeout;
  private readonly unlink: () => void;

  constructor(ms: number, what: string, parent?: AbortSignal) {
    const controller = new AbortController();
    this.timer = setTimeout(
      () => controller.abort(new RegistryError(ValidationErrorCode.RegistryUnreachable, `${what} did not finish within ${ms} ms.`, { retryable: true })),
      ms,
    );
    this.timer.unref();
    const onParentAbort = () => controller.abort(parent?.reason);
    if (parent?.aborted) onParentAbort();
    else parent?.addEventListener('abort', onParentAbort, { once: true });
    this.unlink = () => parent?.removeEventListener('abort', onParentAbort);
    this.signal = controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.unlink();
  }
}

/** The signal's abort reason as an Error. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('The operation was aborted.');
}

/** Settles like `promise`, but rejects as soon as `signal` aborts (for work that cannot be cancelled). */
export function raceWithSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
