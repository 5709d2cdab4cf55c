/** Runs dependency checks in parallel, each bounded in time, for /readyz. */
export interface ReadinessReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | string>;
}

export async function checkReadiness(
  checks: Record<string, () => Promise<unknown>>,
  timeoutMs: number,
): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => withTimeout(checks[name](), timeoutMs)));
  const report: ReadinessReport = { status: 'ok', checks: {} };
  names.forEach((name, index) => {
    report.checks[name] = results[index];
    if (results[index] !== 'ok') report.status = 'unavailable';
  });
  return report;
}

async function withTimeout(check: Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`unreachable (no answer within ${timeoutMs} ms)`), timeoutMs);
  });
  try {
    return await Promise.race([check.then(() => 'ok'), timeout]);
  } catch (error) {
    return `unreachable (${String((error as Error)?.message ?? error).slice(0, 120)})`;
  } finally {
    clearTimeout(timer);
  }
}
