export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Checked before each probe; a returned message aborts the wait (e.g. "the process exited"). */
  abortIf?: () => Error | undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined/false, with a deadline.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 15_000, intervalMs = 20, abortIf }: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
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
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
