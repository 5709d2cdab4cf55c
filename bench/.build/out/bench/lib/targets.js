"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FLAT_TOLERANCE = exports.RSS_LIMIT_MB = void 0;
exports.smallestComparable = smallestComparable;
exports.isFlat = isFlat;
exports.memoryRows = memoryRows;
exports.checkTargets = checkTargets;
const ms = (value) => `${value.toFixed(1)} ms`;
exports.RSS_LIMIT_MB = 200;
exports.FLAT_TOLERANCE = { ratio: 1.25, absoluteMs: 1 };
function smallestComparable(sizes, key) {
    if (key === 'get')
        return Math.min(...sizes);
    const full = sizes.filter((size) => (key === 'list' ? size >= PAGE_SIZE : size / 2 >= PAGE_SIZE));
    return Math.min(...(full.length ? full : sizes));
}
const PAGE_SIZE = 50;
function isFlat(small, large) {
    return large <= small * exports.FLAT_TOLERANCE.ratio || large - small <= exports.FLAT_TOLERANCE.absoluteMs;
}
function memoryRows(results) {
    const rows = [];
    for (const figure of results.api?.figures ?? []) {
        if (figure.server === 'api')
            rows.push({ workload: `API ${figure.key}`, apiMB: figure.serverPeakRssMB });
    }
    const validation = results.validation;
    if (validation) {
        rows.push({ workload: 'validation isolated', workerMB: validation.isolated.workerPeakRssMB });
        rows.push({ workload: `validation burst of ${validation.burst.templates}`, apiMB: validation.burst.apiPeakRssMB, workerMB: validation.burst.workerPeakRssMB });
        for (const drain of validation.drains)
            rows.push({ workload: `validation ${drain.label}`, workerMB: drain.workerPeakRssMB });
    }
    if (results.growth)
        rows.push({ workload: 'growth (all org sizes)', apiMB: results.growth.apiPeakRssMB });
    return rows;
}
function checkTargets(results) {
    const checks = [];
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
        measured: isolated ? `${ms(isolated.postToActiveP50Ms.median)} (one at a time); ${ms(validation.burst.createToActiveP50Ms.median)} in a burst of ${validation.burst.templates}` : 'not measured',
        met: isolated ? isolated.postToActiveP50Ms.median < 150 : null,
    });
    const drain = validation?.drains.find((d) => d.distinctImages && d.workerConcurrency === 16);
    const sequential = validation?.skopeo.find((s) => s.parallelism === 1);
    const parallel = validation?.skopeo.find((s) => s.parallelism > 1);
    checks.push({
        target: 'drain throughput ≥ 10× sequential skopeo inspect (worker concurrency 16)',
        measured: drain && sequential ? `${(drain.validationsPerSec.median / sequential.refsPerSec.median).toFixed(1)}×` : 'not measured',
        met: drain && sequential ? drain.validationsPerSec.median >= 10 * sequential.refsPerSec.median : null,
    });
    checks.push({
        target: 'drain throughput > 16 parallel skopeo inspect (worker concurrency 16)',
        measured: drain && parallel ? `${(drain.validationsPerSec.median / parallel.refsPerSec.median).toFixed(1)}×` : 'not measured',
        met: drain && parallel ? drain.validationsPerSec.median > parallel.refsPerSec.median : null,
    });
    const growth = results.growth;
    if (growth) {
        const large = Math.max(...growth.sizes);
        const figure = (key, size) => growth.figures.find((f) => f.key === `${key} n${size}`);
        const notes = [];
        let flat = true;
        for (const key of growth.workloads) {
            const small = smallestComparable(growth.sizes, key);
            for (const stat of ['p50Ms', 'p99Ms']) {
                const a = figure(key, small)[stat].median;
                const b = figure(key, large)[stat].median;
                if (!isFlat(a, b))
                    flat = false;
                notes.push(`${key} ${stat.slice(0, 3)} ${a.toFixed(1)} → ${b.toFixed(1)} ms (${small.toLocaleString('en-US')} → ${large.toLocaleString('en-US')})`);
            }
        }
        checks.push({
            target: `flat GET and list latency up to ${large.toLocaleString('en-US')} templates per org`,
            measured: notes.join('; '),
            met: flat,
        });
    }
    else {
        checks.push({ target: 'flat GET and list latency from 10 to 10,000 templates', measured: 'not measured', met: null });
    }
    const apiPeak = Math.max(0, ...results.memory.map((row) => row.apiMB ?? 0));
    const workerPeak = Math.max(0, ...results.memory.map((row) => row.workerMB ?? 0));
    checks.push({
        target: `peak RSS < ${exports.RSS_LIMIT_MB} MB per process`,
        measured: `API ${apiPeak.toFixed(0)} MB, worker ${workerPeak.toFixed(0)} MB`,
        met: results.memory.length ? apiPeak < exports.RSS_LIMIT_MB && workerPeak < exports.RSS_LIMIT_MB : null,
    });
    return checks;
}
