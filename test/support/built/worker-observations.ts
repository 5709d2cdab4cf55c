/** What the worker processes did, from their log lines and their /metrics pages. */
import { httpRequest } from './api-client';
import { LogRecord, parseJsonLine, SpawnedService } from './built-service';

/** A `validation finished` or `validation skipped` log line of a worker. */
export interface ValidationEvent {
  service: string;
  templateId: string;
  outcome: string;
  reason?: string;
  code?: string | null;
}

export function validationEvents(services: readonly SpawnedService[], templateId?: string): ValidationEvent[] {
  return services.flatMap((service) =>
    service
      .logs()
      .filter((record) => record.msg === 'validation finished' || record.msg === 'validation skipped')
      .filter((record) => templateId === undefined || record.templateId === templateId)
      .map((record) => ({
        service: service.name,
        templateId: String(record.templateId),
        outcome: String(record.outcome),
        ...(record.reason === undefined ? {} : { reason: String(record.reason) }),
        ...(record.code === undefined ? {} : { code: record.code as string | null }),
      })),
  );
}

/** How many times each template was reported `passed`, over all these processes. */
export function passedCounts(services: readonly SpawnedService[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of validationEvents(services)) {
    if (event.outcome === 'passed') counts.set(event.templateId, (counts.get(event.templateId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Log lines at error level (pino 50) or above, from line `fromLine` on (e.g. the length of
 * `lines` when a test began), except access-log lines (`request`): a 5xx answer is logged at
 * error level, and a test asserts statuses itself (/readyz answers 503 while a process boots).
 */
export function errorLines(service: SpawnedService, fromLine = 0): LogRecord[] {
  return service.lines
    .slice(fromLine)
    .flatMap((line) => parseJsonLine(line))
    .filter((record) => typeof record.level === 'number' && record.level >= 50 && record.msg !== 'request');
}

/** Sum of a Prometheus metric's series whose labels include `labels`, from /metrics. */
export async function metricValue(service: SpawnedService, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await httpRequest('GET', `${service.url}/metrics`);
  if (res.status !== 200) throw new Error(`${service.name} /metrics answered ${res.status}`);
  let sum = 0;
  for (const line of res.text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const series = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => series[key] === value)) sum += Number(match[3]);
  }
  return sum;
}
