/** The Markdown table of a run (bench/results/<timestamp>-<mode>.md, and the console). */
import { renderBackground } from './background-report';
import type { LoadFigure } from './measure';
import type { BenchResults } from './results';
import type { Spread } from './stats';
import type { RevalidationResults } from '../workloads/revalidation';
import { PRODUCT_NODE_FLAGS } from './product';
import { spread } from './stats';
import { FLAT_TOLERANCE, RSS_LIMIT_MB } from './targets';

const num = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const latencyDigits = (value: number) => (value < 10 ? 2 : 1);

/** `median (min–max)` */
function fmt(s: Spread, digits?: number, suffix = ''): string {
  const d = digits ?? latencyDigits(s.median);
  if (s.runs.length === 1) return `${num(s.median, d)}${suffix}`;
  return `${num(s.median, d)}${suffix} (${num(s.min, d)}–${num(s.max, d)})`;
}

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => [row(cells), row(cells.map(() => '---'))];

export function renderMarkdown(results: BenchResults): string {
  const { machine, code, options } = results;
  const lines: string[] = [];
  const runs = options.repetitions;
  lines.push(`## Benchmark results (${results.mode} run, ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC)`, '');
  lines.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB RAM; ${machine.os}, Linux ${machine.kernel}; ` +
      `Node ${machine.node}; PostgreSQL ${machine.postgres}; Redis ${machine.redis}; docker-registry ${machine.registry}; ` +
      `skopeo ${machine.skopeo}; autocannon ${machine.autocannon}.`,
  );
  lines.push(
    `Code: ${code.commit}${code.uncommittedChanges ? ' plus uncommitted changes' : ''}` +
      `${results.productNodeFlags.length ? ` (API and worker run with \`${results.productNodeFlags.join(' ')}\`)` : ''}. ` +
      `Run took ${num(results.durationSec / 60, 1)} min. While the workloads ran, other work on this machine used ` +
      `${num(results.restOfMachineCores, 2)} of its ${machine.cores} cores on average ` +
      `(load average ${num(results.loadAverage.start[0], 1)} at the start, ${num(results.loadAverage.end[0], 1)} at the end)` +
      `${results.restOfMachineCores > 0.2 ? ': absolute figures are pessimistic, ratios taken in the same rounds less so' : ''}.`,
  );
  lines.push(
    `Each figure is the median of ${runs} runs, with the lowest and highest run in brackets. ` +
      `The load generator, Postgres, Redis, the registry, the API and the worker all share these cores.`,
    '',
  );

  lines.push('### Targets', '');
  lines.push(...header(['target', 'measured', 'met']));
  for (const t of results.targets) lines.push(row([t.target, t.measured, t.met === null ? '–' : t.met ? 'yes' : '**no**']));
  lines.push('');

  if (results.api) {
    const api = results.api;
    lines.push(
      `### API (worker stopped; rate limiter on, with a limit the load never reaches; GET cycles through an org of ` +
        `${api.orgSize}; list = first page of 50; create+delete = 2 requests per cycle, with registry credentials)`,
      '',
    );
    lines.push(...header(['workload', 'clients', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'peak RSS MB']));
    const names: Record<string, string> = {
      get: 'GET one',
      'baseline-get': 'GET one: bare Fastify + pg',
      'baseline-jwt-get': 'GET one: Fastify + pg + JWT check',
      list: 'list (50 of 100)',
      'create-delete': 'create + delete',
      'create-delete-compared': 'create + delete: compared build',
    };
    // The node-flags pairs have a table of their own (below).
    const flagPairKeys = new Set(api.nodeFlags?.pairs.flatMap((pair) => [pair.withFlags, pair.withoutFlags]) ?? []);
    for (const name of Object.keys(names)) {
      for (const figure of api.figures.filter((f) => f.key.startsWith(`${name} c`) && !flagPairKeys.has(f.key))) lines.push(loadRow(names[name], figure));
    }
    lines.push('');
    lines.push(...header(['clients', 'GET req/s: ours / bare Fastify + pg', 'ours / Fastify + pg + JWT']));
    for (const r of api.ratios) {
      lines.push(row([r.connections, fmt(r.oursVsBaseline, 2, '×'), r.oursVsBaselineWithJwt ? fmt(r.oursVsBaselineWithJwt, 2, '×') : '–']));
    }
    lines.push('');
    if (api.compared) {
      lines.push(`This build against the compared build (\`--compare-build\`, ${api.compared.build}), interleaved in the same rounds:`, '');
      lines.push(...header(['workload', 'clients', 'req/s: this build / compared build']));
      for (const r of api.compared.ratios) lines.push(row([names[r.workload], r.connections, fmt(r.ratio, 3, '×')]));
      const dedicated = api.compared.createDelete;
      if (dedicated) {
        lines.push(
          row([
            `create + delete, ${dedicated.rounds} rounds of their own (${num(dedicated.ours.requestsPerSec.median)} vs ${num(dedicated.theirs.requestsPerSec.median)} req/s)`,
            16,
            fmt(dedicated.ratio, 3, '×'),
          ]),
        );
        const { ours, theirs } = dedicated.cpuMsPerRequest;
        lines.push(
          row([
            `CPU per request of API + Postgres + Redis in those rounds: ${num(ours, 3)} vs ${num(theirs, 3)} ms (cost on saturated cores)`,
            16,
            `${num(theirs / ours, 3)}×`,
          ]),
        );
      }
      lines.push('');
    }
  }

  if (results.validation) {
    const v = results.validation;
    lines.push('### Validation (token-auth TLS registry on loopback; every template its own image and repository; fresh worker per run)', '');
    lines.push(...header(['workload', 'figure', 'worker peak RSS MB']));
    lines.push(
      row([
        `one at a time (${v.isolated.samplesPerRun} per run, worker concurrency ${v.burst.workerConcurrency})`,
        `POST → Active p50 ${fmt(v.isolated.postToActiveP50Ms, undefined, ' ms')}, p99 ${fmt(v.isolated.postToActiveP99Ms, undefined, ' ms')}`,
        num(v.isolated.workerPeakRssMB),
      ]),
    );
    lines.push(
      row([
        `burst: ${v.burst.templates} created by 16 clients, worker concurrency ${v.burst.workerConcurrency}`,
        `all Active after ${fmt(v.burst.allActiveSec, 2, ' s')}; create → Active p50 ${fmt(v.burst.createToActiveP50Ms, 0, ' ms')}, ` +
          `p99 ${fmt(v.burst.createToActiveP99Ms, 0, ' ms')}; failed ${v.burst.failed}`,
        num(v.burst.workerPeakRssMB),
      ]),
    );
    for (const d of v.drains) {
      lines.push(
        row([
          `drain ${d.templates} queued, worker concurrency ${d.workerConcurrency}${d.distinctImages ? '' : ', all the same image'}${d.signatures ? ', signed images, org policy requiring the signature' : ''}${d.productFlags === false ? ', worker without the product\'s node flags' : ''}`,
          `${fmt(d.validationsPerSec, 0)} validations/s; failed ${d.failed}`,
          num(d.workerPeakRssMB),
        ]),
      );
    }
    for (const f of v.floors ?? []) {
      lines.push(
        row([
          `${f.label}: the bare HTTP exchanges of each validation (${f.requestsPerValidation.toFixed(0)} requests: ${f.tokenFetch ? 'token, ' : ''}manifest HEAD + GET, config GET, layer HEADs${f.signatures ? ', `.sig` manifest GET, payload GET' : ''}), ${f.templates} images, ${f.concurrency} at a time${f.tokenFetch ? '' : ', tokens fetched beforehand'}`,
          `${fmt(f.validationsPerSec, 0)} validations/s`,
          '–',
        ]),
      );
    }
    for (const s of v.skopeo) {
      lines.push(
        row([
          `baseline: skopeo inspect ${s.parallelism === 1 ? 'one after another' : `${s.parallelism} in parallel`} (${s.refs} refs)`,
          `${fmt(s.refsPerSec, 1)} images/s`,
          '–',
        ]),
      );
    }
    lines.push('');
    const seq = v.skopeo.find((s) => s.parallelism === 1);
    const par = v.skopeo.find((s) => s.parallelism > 1);
    if (seq && par) {
      lines.push(...header(['worker concurrency', 'drain / sequential skopeo', `drain / ${par.parallelism} parallel skopeo`]));
      for (const d of v.drains.filter((x) => x.distinctImages && x.productFlags !== false)) {
        const concurrency = `${d.workerConcurrency}${d.signatures ? ', signatures required' : ''}`;
        lines.push(row([concurrency, `${num(d.validationsPerSec.median / seq.refsPerSec.median, 1)}×`, `${num(d.validationsPerSec.median / par.refsPerSec.median, 1)}×`]));
      }
      lines.push('');
    }
    if (v.floorRatios?.length) {
      lines.push(...header(['drain, worker concurrency', 'drain / floor (tokens beforehand)', 'drain / floor with token requests']));
      for (const r of v.floorRatios) {
        const drain = r.signatures ? `${r.workerConcurrency}, signatures required (floors with the signature exchanges)` : `${r.workerConcurrency}`;
        lines.push(row([drain, fmt(r.vsFloor, 2, '×'), fmt(r.vsFloorWithTokens, 2, '×')]));
      }
      lines.push('', 'Ratios are taken per round (drain and floors in the same round), then the median.', '');
    }
  }

  if (results.validation?.revalidation) lines.push(...requestsSection(results.validation.revalidation));
  lines.push(...nodeFlagsSection(results));

  if (results.growth) {
    const g = results.growth;
    lines.push(
      `### Growth (${g.concurrency} clients; orgs seeded with SQL, ${num(g.tableRows)} rows in the table; the sizes take turns ` +
        `request by request within each load; list = first page of 50` +
        `${g.workloads.includes('list-middle') ? '; "middle page" = 50 templates from halfway through the org, by cursor' : ''})`,
      '',
    );
    const titles: Record<string, string> = { get: 'GET', list: 'list', 'list-middle': 'middle page' };
    lines.push(...header(['templates in org', ...g.workloads.map((w) => `${titles[w]} p50 / p99 ms`), 'errors']));
    for (const size of g.sizes) {
      const p = (w: string) => g.points.find((x) => x.workload === w && x.size === size)!;
      lines.push(
        row([
          num(size),
          ...g.workloads.map((w) => `${fmt(p(w).p50Ms)} / ${fmt(p(w).p99Ms)}`),
          g.workloads.reduce((sum, w) => sum + p(w).errors, 0),
        ]),
      );
    }
    lines.push(
      '',
      `Flat means the largest org's median p50 and p99 within ${Math.round((FLAT_TOLERANCE.ratio - 1) * 100)} % ` +
        `(or ${FLAT_TOLERANCE.absoluteMs} ms) of the smallest org's. List pages are compared from the smallest org whose page ` +
        'is full: an org of 10 lists 10 templates, not 50, and the cost of a list follows the page, not the org.',
      '',
      'In Postgres (EXPLAIN ANALYZE of the same queries, median of 7; execution time in ms, rows the scan returned, plan):',
      '',
    );
    const queries = [...new Set(g.queryPlans.map((q) => q.query))];
    lines.push(...header(['templates in org', ...queries.map((q) => `${titles[q]}: ms, rows`)]));
    for (const size of g.sizes) {
      const q = (name: string) => g.queryPlans.find((x) => x.query === name && x.size === size)!;
      lines.push(row([num(size), ...queries.map((name) => `${num(q(name).executionMs.median, 3)}, ${q(name).rowsRead}`)]));
    }
    lines.push('');
    for (const name of queries) {
      const plans = new Map<string, number[]>();
      for (const q of g.queryPlans.filter((x) => x.query === name)) plans.set(q.plan, [...(plans.get(q.plan) ?? []), q.size]);
      for (const [plan, planSizes] of plans) {
        lines.push(`- ${titles[name]}${plans.size > 1 ? ` (orgs of ${planSizes.map((n) => num(n)).join(', ')})` : ''}: ${plan}`);
      }
    }
    lines.push('');
  }

  if (results.background) lines.push(...renderBackground(results.background));

  lines.push(...cpuSection(results));

  if (results.memory.length) {
    lines.push(`### Peak RSS per process (kernel VmHWM, reset before each workload; target < ${RSS_LIMIT_MB} MB)`, '');
    lines.push(...header(['workload', 'API MB', 'worker MB']));
    for (const m of results.memory) lines.push(row([m.workload, m.apiMB === undefined ? '–' : num(m.apiMB), m.workerMB === undefined ? '–' : num(m.workerMB)]));
    lines.push('');
  }
  return lines.join('\n');
}

/** Where the CPU went: per validation in the drains, cores in use at 16 clients for the API. */
function cpuSection(results: BenchResults): string[] {
  const lines: string[] = [];
  const order = ['api', 'worker', 'baseline', 'baseline-jwt', 'postgres', 'redis-server', 'docker-registry', 'orchestrator + token issuer', 'load generator / skopeo', 'rest of the machine'];
  const columns = (records: Record<string, number>[]) => order.filter((role) => records.some((r) => (r[role] ?? 0) > 0.005));
  const perImage = [
    ...(results.validation?.drains ?? []).map((d) => ({ label: d.label, cpu: d.cpuMsPerValidation })),
    ...(results.validation?.skopeo ?? []).map((s) => ({ label: `skopeo inspect ×${s.parallelism}`, cpu: s.cpuMsPerImage })),
  ];
  if (perImage.length) {
    const roles = columns(perImage.map((p) => p.cpu));
    lines.push(
      '### CPU per image checked (ms of CPU, all runs; the orchestrator process hosts the registry\'s token server; ' +
        '"rest of the machine" = CPU used by anything else on this (shared) machine meanwhile)',
      '',
    );
    lines.push(...header(['workload', ...roles, 'total']));
    for (const p of perImage) {
      const total = Object.values(p.cpu).reduce((a, b) => a + b, 0);
      lines.push(row([p.label, ...roles.map((role) => num(p.cpu[role] ?? 0, 1)), num(total, 1)]));
    }
    lines.push('');
  }
  const figures = [...(results.api?.figures ?? []), ...(results.growth?.loads ?? [])].filter((f) => f.connections === 16);
  if (figures.length) {
    const roles = columns(figures.map((f) => f.cpuCores));
    lines.push('### CPU cores in use during the loads at 16 clients (of ' + results.machine.cores + ')', '');
    lines.push(...header(['workload', ...roles]));
    for (const f of figures) lines.push(row([f.key, ...roles.map((role) => num(f.cpuCores[role] ?? 0, 2))]));
    lines.push('');
  }
  return lines;
}

/** The product's node flags against none, measured in the same rounds: what they cost and what they save. */
function nodeFlagsSection(results: BenchResults): string[] {
  const api = results.api?.nodeFlags;
  const drains = results.validation?.drains ?? [];
  const withDrain = drains.find((d) => d.distinctImages && d.productFlags !== false && drains.some((x) => x.productFlags === false && x.workerConcurrency === d.workerConcurrency));
  const withoutDrain = withDrain && drains.find((d) => d.productFlags === false && d.workerConcurrency === withDrain.workerConcurrency);
  if (!api?.pairs.length && !withoutDrain) return [];
  const lines = [
    '### Node flags: the product\'s against none, in the same rounds (each pair measured one right after the other)',
    '',
    ...header(['workload', 'with the flags: req/s, p50 / p99 ms, peak RSS MB', 'without: req/s, p50 / p99 ms, peak RSS MB', 'throughput with / without']),
  ];
  const figure = (key: string) => [...(results.api?.figures ?? [])].find((f) => f.key === key)!;
  for (const pair of api?.pairs ?? []) {
    const a = figure(pair.withFlags);
    const b = figure(pair.withoutFlags);
    const cell = (f: LoadFigure) => `${fmt(f.requestsPerSec, 0)}, ${fmt(f.p50Ms)} / ${fmt(f.p99Ms)}, ${num(f.serverPeakRssMB)}`;
    lines.push(row([`API ${pair.workload}, ${a.connections} clients`, cell(a), cell(b), fmt(pair.throughput, 2, '×')]));
  }
  if (withDrain && withoutDrain) {
    const ratio = spread(withDrain.validationsPerSec.runs.map((rate, i) => rate / withoutDrain.validationsPerSec.runs[i]));
    const cell = (d: typeof withDrain) => `${fmt(d.validationsPerSec, 0)} validations/s, ${num(d.workerPeakRssMB)}`;
    lines.push(row([`worker drain of ${withDrain.templates}, concurrency ${withDrain.workerConcurrency}`, cell(withDrain), cell(withoutDrain), fmt(ratio, 2, '×')]));
  }
  lines.push('', `Flags: ${Object.entries(PRODUCT_NODE_FLAGS).map(([role, f]) => `${role} \`${f.join(' ') || '(none)'}\``).join(', ')}. Ratios per round, then the median.`, '');
  return lines;
}

/** Registry requests per validation, first and again (unchanged image, fresh worker). */
function requestsSection(r: RevalidationResults): string[] {
  const kinds = ['GET manifest', 'HEAD manifest', 'GET blob', 'HEAD blob', 'GET token', 'GET ping', 'GET referrers'];
  const other = (byKind: Record<string, number>) =>
    Object.entries(byKind).filter(([kind]) => !kinds.includes(kind)).reduce((sum, [, count]) => sum + count, 0);
  const lines = [
    `### Registry requests per validation (the worker's \`registry_requests_per_validation\`; ${r.templates} templates, each its own image; ` +
      `worker concurrency ${r.workerConcurrency}; the second pass on a fresh worker, so no cache of the first helps)`,
    '',
    ...header(['validation', 'requests', ...kinds, 'other', 'validations/s', 'failed']),
  ];
  for (const [label, cost] of [
    ['first validation', r.first],
    [`re-validation, image unchanged (${num(r.unchangedShare * 100)} % found unchanged)`, r.unchanged],
  ] as const) {
    lines.push(row([label, fmt(cost.total, 2), ...kinds.map((kind) => num(cost.byKind[kind] ?? 0, 2)), num(other(cost.byKind), 2), fmt(cost.validationsPerSec, 0), cost.failed]));
  }
  lines.push('', 'Ping and token requests are shared by the validations of one worker while cached (the ping per registry, a token per repository and credentials).', '');
  return lines;
}

function loadRow(name: string, f: LoadFigure): string {
  return row([name, f.connections, fmt(f.requestsPerSec, 0), fmt(f.p50Ms), fmt(f.p99Ms), f.errors, num(f.serverPeakRssMB)]);
}
