"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.percentile = percentile;
exports.ascending = ascending;
exports.spread = spread;
function percentile(sorted, p) {
    if (sorted.length === 0)
        return 0;
    const rank = Math.ceil((p / 100) * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
function ascending(values) {
    return [...values].sort((a, b) => a - b);
}
function spread(runs) {
    const sorted = ascending(runs);
    const n = sorted.length;
    const median = n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    return { median, min: sorted[0] ?? NaN, max: sorted[n - 1] ?? NaN, runs: [...runs] };
}
