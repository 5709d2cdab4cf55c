/** Raised by `withTimeout` when the work did not settle in time. */
export class TimeoutError extends Error {
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
    this.name = 'TimeoutError';
  }
}

/**
 * Settles like `work`, or rejects with a TimeoutError (`<what> did not answer within N ms`)
 * after `timeoutMs`. The work itself is not cancelled: use it for calls that cannot be.
 */
export function withTimeout<T>(work: PromiseLike<T>, timeoutMs: number, what = 'The operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${timeoutMs} ms`, timeoutMs)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
