/** The background-work section of a run (workloads/background.ts): its targets and its Markdown. */
import type { BackgroundQuery, BackgroundResults } from '../workloads/background';
import type { TargetCheck } from './results';
import type { Spread } from './stats';

const num = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const fmt = (s: Spread, digits: number, suffix = '') =>
  s.runs.length === 1 ? `${num(s.median, digits)}${suffix}` : `${num(s.median, digits)}${suffix} (${num(s.min, digits)}–${num(s.max, digits)})`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

/** "Flat or logarithmic": from the smallest to the largest table, at most 2× (or under 1 ms more). */
export const TICK_GROWTH_LIMIT = { ratio: 2, absoluteMs: 1 };

const OURS: BackgroundQuery[] = ['sweep', 'scheduler', 'scheduler, batch 200', 'scheduler, nothing due'];

export function backgroundTargets(background: BackgroundResults | undefined): TargetCheck[] {
  if (!background) {
    return [{ target: 'sweep and scheduler read through an index at 10k, 100k and 1M templates', measured: 'not measured', met: null }];
  }
  const { sizes, queries, ticks } = background;
  const small = Math.min(...sizes);
  const large = Math.max(...sizes);
  const scans = queries.filter((q) => OURS.includes(q.query) && q.seqScan);
  const at = (name: BackgroundQuery, size: number) => queries.find((q) => q.query === name && q.size === size)!.clientMs.median;
  const grows = (name: BackgroundQuery) => {
    const a = at(name, small);
    const b = at(name, large);
    return { a, b, ok: b <= a * TICK_GROWTH_LIMIT.ratio || b - a < TICK_GROWTH_LIMIT.absoluteMs };
  };
  // Compared at one batch: the paced tick's batch grows with the population by design.
  const scheduler = grows('scheduler, batch 200');
  const idle = grows('scheduler, nothing due');
  const sweep = grows('sweep');
  const perTemplate = (size: number) => ticks.find((t) => t.size === size)!;
  const paced = `${num(perTemplate(small).schedulerTickMs.median / perTemplate(small).batch, 3)} → ${num(perTemplate(large).schedulerTickMs.median / perTemplate(large).batch, 3)} ms per claimed template`;
  const range = `${num(small)} → ${num(large)} templates`;
  return [
    {
      target: `sweep and scheduler never scan the table sequentially (${sizes.map((s) => num(s)).join(', ')} templates)`,
      measured: scans.length ? `Seq Scan in ${scans.map((q) => `${q.query} at ${num(q.size)}`).join(', ')}` : 'index scans at every size',
      met: scans.length === 0,
    },
    {
      target: `sweep and scheduler, at one batch, flat or logarithmic in the table size (≤ ${TICK_GROWTH_LIMIT.ratio}× or < ${TICK_GROWTH_LIMIT.absoluteMs} ms more)`,
      measured:
        `scheduler claim of 200 ${num(scheduler.a, 2)} → ${num(scheduler.b, 2)} ms, with nothing due ${num(idle.a, 2)} → ${num(idle.b, 2)} ms, ` +
        `sweep (500) ${num(sweep.a, 2)} → ${num(sweep.b, 2)} ms (${range}); paced tick ${paced}`,
      met: scheduler.ok && idle.ok && sweep.ok,
    },
  ];
}

export function renderBackground(background: BackgroundResults): string[] {
  const lines: string[] = [];
  const { sizes, queries, ticks, scaling } = background;
  lines.push(
    `### Background work (the worker's own SQL, libs/db/src/outbox-queries.ts; table seeded with SQL across ${num(background.orgs)} orgs: ` +
      '93 % Active checked evenly over the last 24 h, 2 % of all overdue, 2 % failed, 5 % pending with no job (the sweep reads a full ' +
      'batch of 500 and a claim of 200 a full batch at every size); claims rolled back after each execution)',
    '',
  );
  lines.push(
    ...header([
      'templates seeded (rows in the table)',
      'scheduler tick: batch, ms',
      'ms per claimed template',
      'sweep tick (500) ms',
      'scheduler claim of 200 ms',
      'before: claim of 200 ms',
      'nothing due: scheduler ms',
      'nothing due: before ms',
    ]),
  );
  const query = (name: BackgroundQuery, size: number) => queries.find((q) => q.query === name && q.size === size)!;
  for (const size of sizes) {
    const t = ticks.find((x) => x.size === size)!;
    lines.push(
      row([
        `${num(size)} (${num(t.tableRows)})`,
        `${t.batch}, ${fmt(t.schedulerTickMs, 2)}`,
        num(t.schedulerTickMs.median / t.batch, 3),
        fmt(t.sweepTickMs, 2),
        fmt(query('scheduler, batch 200', size).clientMs, 2),
        fmt(query('scheduler before', size).clientMs, 2),
        fmt(query('scheduler, nothing due', size).clientMs, 2),
        fmt(query('scheduler before, nothing due', size).clientMs, 2),
      ]),
    );
  }
  const small = Math.min(...sizes);
  const large = Math.max(...sizes);
  const ratio = (name: BackgroundQuery) => query(name, large).executionMs.median / query(name, small).executionMs.median;
  lines.push(
    '',
    `Tick = the tick's database work as the worker does it (population estimate + claim at the paced batch for the scheduler, ` +
      `the unfinished-validations query for the sweep), round trip included, median of the executions. The paced batch is the ` +
      `population's share of a 10 s tick (every template is re-checked once per 24 h), so the tick grows with it and the cost ` +
      `per claimed template is what stays flat. At one batch, from ${num(small)} to ${num(large)} seeded templates Postgres' ` +
      `execution time changes ${num(ratio('scheduler, batch 200'), 1)}× for the claim of 200 and ${num(ratio('sweep'), 1)}× for the ` +
      `sweep; with nothing due (the tick between bursts) ${num(ratio('scheduler, nothing due'), 1)}× for the claim, against ` +
      `${num(ratio('scheduler before, nothing due'), 1)}× for the claim before the change, whose due time, stretched by a hash of ` +
      'the id, bounds no index range: while fewer than a batch are due it reads every Active template.',
    '',
    "In Postgres (EXPLAIN ANALYZE; execution time in ms, rows the range scan read → rows returned, shared buffers):",
    '',
  );
  const names: BackgroundQuery[] = ['sweep', 'scheduler', 'scheduler, batch 200', 'scheduler before', 'scheduler, nothing due', 'scheduler before, nothing due'];
  lines.push(...header(['templates', ...names]));
  for (const size of sizes) {
    lines.push(
      row([
        num(size),
        ...names.map((name) => {
          const q = query(name, size);
          return `${num(q.executionMs.median, 3)}, ${num(q.rowsScanned)} → ${num(q.rowsReturned)}, ${num(q.sharedBuffers)}`;
        }),
      ]),
    );
  }
  lines.push('');
  for (const name of names) {
    const plans = new Map<string, number[]>();
    for (const q of queries.filter((x) => x.query === name)) plans.set(q.plan, [...(plans.get(q.plan) ?? []), q.size]);
    for (const [plan, at] of plans) lines.push(`- ${name}${plans.size > 1 ? ` (${at.map((n) => num(n)).join(', ')})` : ''}: ${plan}`);
  }
  lines.push('');

  if (scaling.length) {
    const roles = ['workers', 'docker-registry', 'orchestrator + token issuer', 'postgres', 'redis-server', 'rest of the machine'];
    lines.push(
      `### Drain by several worker processes (${scaling[0].templates} queued, each its own image, one token-auth registry; ` +
        'rounds interleave the cells; speedup = validations/s over one worker at the same concurrency, per round)',
      '',
    );
    lines.push(...header(['workers × concurrency', 'validations/s', 'speedup over 1', 'per worker', 'failed', ...roles.map((r) => `cores: ${r}`), 'cores in all']));
    for (const s of scaling) {
      const total = Object.values(s.coresByRole).reduce((a, b) => a + b, 0);
      lines.push(
        row([
          `${s.workers} × ${s.workerConcurrency}`,
          fmt(s.validationsPerSec, 0),
          fmt(s.speedup, 2, '×'),
          `${num(s.speedup.median / s.workers, 2)}×`,
          s.failed,
          ...roles.map((role) => num(s.coresByRole[role] ?? 0, 2)),
          num(total, 2),
        ]),
      );
    }
    lines.push('', ...header(['workers × concurrency', ...roles.map((r) => `CPU ms per validation: ${r}`), 'registry ceiling on 2 cores']));
    for (const s of scaling) {
      const registryMs = (s.cpuMsPerValidation['docker-registry'] ?? 0) + (s.cpuMsPerValidation['orchestrator + token issuer'] ?? 0);
      lines.push(
        row([
          `${s.workers} × ${s.workerConcurrency}`,
          ...roles.map((role) => num(s.cpuMsPerValidation[role] ?? 0, 1)),
          registryMs > 0 ? `${num(2000 / registryMs, 0)}/s` : '–',
        ]),
      );
    }
    lines.push(
      '',
      'Registry ceiling: validations/s the registry and its token server could serve with both cores to themselves ' +
        "(2,000 ms of CPU per second over their CPU ms per validation). Once the cores in all reach the machine's 2, more " +
        'workers add no throughput here: the limit is the machine the registry, Postgres and the workers share.',
      '',
    );
  }
  return lines;
}
