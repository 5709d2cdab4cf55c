/** The targets, checked against a run's medians. */
import { backgroundTargets } from './background-report';
import type { BenchResults, MemoryRow, TargetCheck } from './results';

const ms = (value: number) => `${value.toFixed(1)} ms`;

export const RSS_LIMIT_MB = 200;
/** "Flat": the largest org's median within 25 % (or 1 ms) of the smallest org's. */
export const FLAT_TOLERANCE = { ratio: 1.25, absoluteMs: 1 };

/**
 * The smallest org a figure is compared from: any for GET; for list pages, the smallest whose
 * page is full (an org of 10 lists 10 templates, not 50, and list cost follows the page).
 */
export function smallestComparable(sizes: number[], key: string): number {
  if (key === 'get') return Math.min(...sizes);
  const full = sizes.filter((size) => (key === 'list' ? size >= PAGE_SIZE : size / 2 >= PAGE_SIZE));
  return Math.min(...(full.length ? full : sizes));
}

const PAGE_SIZE = 50;

export function isFlat(small: number, large: number): boolean {
  return large <= small * FLAT_TOLERANCE.ratio || large - small <= FLAT_TOLERANCE.absoluteMs;
}

export function memoryRows(results: Pick<BenchResults, 'api' | 'validation' | 'growth'>): MemoryRow[] {
  const rows: MemoryRow[] = [];
  for (const figure of results.api?.figures ?? []) {
    if (figure.server === 'api') rows.push({ workload: `API ${figure.key}`, apiMB: figure.serverPeakRssMB });
  }
  const validation = results.validation;
  if (validation) {
    rows.push({ workload: 'validation isolated', workerMB: validation.isolated.workerPeakRssMB });
    rows.push({ workload: `validation burst of ${validation.burst.templates}`, apiMB: validation.burst.apiPeakRssMB, workerMB: validation.burst.workerPeakRssMB });
    for (const drain of validation.drains.filter((d) => d.productFlags !== false)) rows.push({ workload: `validation ${drain.label}`, workerMB: drain.workerPeakRssMB });
  }
  if (results.growth) rows.push({ workload: 'growth (all org sizes)', apiMB: results.growth.apiPeakRssMB });
  return rows;
}

export function checkTargets(results: Pick<BenchResults, 'api' | 'validation' | 'growth' | 'background' | 'memory'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const api = results.api;
  const get16 = api?.figures.find((f) => f.key === 'get c16');
  const ratio16 = api?.ratios.find((r) => r.connections === 16);
  checks.push({
    target: 'API GET p99 < 10 ms at 16 clients',
    measured: get16 ? ms(get16.p99Ms.median) : 'not measured',
    met: get16 ? get16.p99Ms.median < 10 : null,
  });
  checks.push({
    target: 'API GET throughput ≥ 60 % of bare Fastify + pg (16 clients)',
    measured: ratio16 ? `${(ratio16.oursVsBaseline.median * 100).toFixed(0)} %` : 'not measured',
    met: ratio16 ? ratio16.oursVsBaseline.median >= 0.6 : null,
  });

  const validation = results.validation;
  const isolated = validation?.isolated;
  checks.push({
    target: 'create → Active p50 < 150 ms (local registry)',
    measured: isolated ? `${ms(isolated.postToActiveP50Ms.median)} (one at a time); ${ms(validation!.burst.createToActiveP50Ms.median)} in a burst of ${validation!.burst.templates}` : 'not measured',
    met: isolated ? isolated.postToActiveP50Ms.median < 150 : null,
  });
  const drain = validation?.drains.find((d) => d.distinctImages && !d.signatures && d.productFlags !== false && d.workerConcurrency === 16);
  const signedDrain = validation?.drains.find((d) => d.signatures && d.productFlags !== false && d.workerConcurrency === 16);
  const sequential = validation?.skopeo.find((s) => s.parallelism === 1);
  const parallel = validation?.skopeo.find((s) => s.parallelism > 1);
  checks.push({
    target: 'drain throughput ≥ 10× sequential skopeo inspect (worker concurrency 16)',
    measured: drain && sequential ? `${(drain.validationsPerSec.median / sequential.refsPerSec.median).toFixed(1)}×` : 'not measured',
    met: drain && sequential ? drain.validationsPerSec.median >= 10 * sequential.refsPerSec.median : null,
  });
  const floorRatio = validation?.floorRatios?.find((r) => !r.signatures && r.workerConcurrency === 16);
  const signedRatio = validation?.floorRatios?.find((r) => r.signatures && r.workerConcurrency === 16);
  checks.push({
    target: 'drain throughput ≥ 0.6× the bare HTTP exchanges of its validations (worker concurrency 16, all checks on)',
    measured: floorRatio ? `${floorRatio.vsFloor.median.toFixed(2)}× (${floorRatio.vsFloorWithTokens.median.toFixed(2)}× of the floor with token requests)` : 'not measured',
    met: floorRatio ? floorRatio.vsFloor.median >= 0.6 : null,
  });
  checks.push({
    target: 'drain throughput > 16 parallel skopeo inspect (worker concurrency 16)',
    measured: drain && parallel ? `${(drain.validationsPerSec.median / parallel.refsPerSec.median).toFixed(1)}×` : 'not measured',
    met: drain && parallel ? drain.validationsPerSec.median > parallel.refsPerSec.median : null,
  });
  checks.push({
    target: 'signed images, org policy requiring the signature: drain ≥ 0.6× the floor with the signature exchanges (worker concurrency 16)',
    measured: signedRatio
      ? `${signedRatio.vsFloor.median.toFixed(2)}× (${signedRatio.vsFloorWithTokens.median.toFixed(2)}× of that floor with token requests)`
      : 'not measured',
    met: signedRatio ? signedRatio.vsFloor.median >= 0.6 : null,
  });
  checks.push({
    target: 'signed images, signatures required: drain > 16 parallel skopeo inspect (worker concurrency 16)',
    measured: signedDrain && parallel ? `${(signedDrain.validationsPerSec.median / parallel.refsPerSec.median).toFixed(1)}×` : 'not measured',
    met: signedDrain && parallel ? signedDrain.validationsPerSec.median > parallel.refsPerSec.median : null,
  });

  const again = validation?.revalidation;
  checks.push({
    target: 're-validation of an unchanged image: one manifest HEAD, no manifest GET (fresh worker)',
    measured: again
      ? `${(again.unchanged.byKind['HEAD manifest'] ?? 0).toFixed(2)} HEAD, ${(again.unchanged.byKind['GET manifest'] ?? 0).toFixed(2)} GET of manifests per re-validation; ${again.unchanged.total.median.toFixed(1)} requests in all (first validation ${again.first.total.median.toFixed(1)})`
      : 'not measured',
    met: again ? (again.unchanged.byKind['GET manifest'] ?? 0) === 0 && again.unchanged.byKind['HEAD manifest'] === 1 : null,
  });

  const growth = results.growth;
  if (growth) {
    const large = Math.max(...growth.sizes);
    const point = (workload: string, size: number) => growth.points.find((p) => p.workload === workload && p.size === size)!;
    const notes: string[] = [];
    let flat = true;
    for (const workload of growth.workloads) {
      const small = smallestComparable(growth.sizes, workload);
      const parts: string[] = [];
      for (const stat of ['p50Ms', 'p99Ms'] as const) {
        const a = point(workload, small)[stat].median;
        const b = point(workload, large)[stat].median;
        if (!isFlat(a, b)) flat = false;
        parts.push(`${stat.slice(0, 3)} ${a.toFixed(1)} → ${b.toFixed(1)}`);
      }
      notes.push(`${workload} ${parts.join(', ')} ms (${small.toLocaleString('en-US')} → ${large.toLocaleString('en-US')})`);
    }
    checks.push({
      target: `flat GET and list latency up to ${large.toLocaleString('en-US')} templates per org`,
      measured: notes.join('; '),
      met: flat,
    });
  } else {
    checks.push({ target: 'flat GET and list latency from 10 to 10,000 templates', measured: 'not measured', met: null });
  }

  checks.push(...backgroundTargets(results.background));

  const apiPeak = Math.max(0, ...results.memory.map((row) => row.apiMB ?? 0));
  const workerPeak = Math.max(0, ...results.memory.map((row) => row.workerMB ?? 0));
  checks.push({
    target: `peak RSS < ${RSS_LIMIT_MB} MB per process`,
    measured: `API ${apiPeak.toFixed(0)} MB, worker ${workerPeak.toFixed(0)} MB`,
    met: results.memory.length ? apiPeak < RSS_LIMIT_MB && workerPeak < RSS_LIMIT_MB : null,
  });
  return checks;
}
