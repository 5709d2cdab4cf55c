/** Longest wait we report from Retry-After; anything longer is clamped. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^[0-9]+$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP-date always names the weekday and month (RFC 9110 section 5.6.7).
    const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}
