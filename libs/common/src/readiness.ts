import { TimeoutError, withTimeout } from './timeout';

/** Runs dependency checks in parallel, each bounded in time, for /readyz. */
export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | string>;
}

export async function checkReadiness(
  checks: Record<string, () => PromiseLike<unknown>>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => outcome(checks[name], timeoutMs)));
  const report: ReadinessReport = { status: 'ok', checks: {} };
  names.forEach((name, index) => {
    report.checks[name] = results[index];
    if (results[index] !== 'ok') report.status = 'unavailable';
  });
  return report;
}

async function outcome(check: () => PromiseLike<unknown>, timeoutMs: number): Promise<string> {
  try {
    await withTimeout(check(), timeoutMs);
    return 'ok';
  } catch (error) {
    if (error instanceof TimeoutError) return `unreachable (no answer within ${timeoutMs} ms)`;
    return `unreachable (${String((error as Error)?.message ?? error).slice(0, 120)})`;
  }
}
