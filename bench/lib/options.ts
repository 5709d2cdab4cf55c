/** The two run lengths: `--quick` (under 2 minutes) and the full run (under 15). */
export type ApiWorkload = 'get' | 'baseline-get' | 'baseline-jwt-get' | 'list' | 'create-delete';
/** Cells run against the `--compare-build` API, next to their own build's cell in every round. */
export const COMPARED_WORKLOADS: readonly ApiWorkload[] = ['create-delete'];
export type GrowthWorkload = 'get' | 'list' | 'list-middle';

export interface BenchOptions {
  mode: 'quick' | 'full';
  /** Measured runs per figure; each figure reports their median and min–max. */
  repetitions: number;
  api: {
    /** Which workloads run at which client concurrency. */
    matrix: { connections: number; workloads: ApiWorkload[] }[];
    durationSec: number;
    /** Requests sent and discarded before each measured run. */
    warmupRequests: number;
    /** Templates in the org that GET and list read. */
    orgSize: number;
    /** With `--compare-build`: rounds of the dedicated create+delete comparison at 16 clients. */
    compareRounds: number;
  };
  validation: {
    /** Templates per burst and per drain; each has an image of its own (own repository). */
    templates: number;
    /** Templates created one at a time for the unloaded create→Active latency. */
    isolatedSamples: number;
    drainConcurrencies: number[];
    /** Also drain N templates that all name one image (what the worker's caches are worth). */
    sameImageDrain: boolean;
    /** Default VALIDATION_CONCURRENCY: the worker setting for the burst and isolated runs. */
    defaultConcurrency: number;
    skopeoSequentialRefs: number;
    skopeoParallelRefs: number;
    skopeoParallelism: number;
  };
  growth: {
    sizes: number[];
    workloads: GrowthWorkload[];
    concurrency: number;
    durationSec: number;
    warmupRequests: number;
  };
}

const ALL_API: ApiWorkload[] = ['get', 'baseline-get', 'baseline-jwt-get', 'list', 'create-delete'];

export const FULL: BenchOptions = {
  mode: 'full',
  repetitions: 3,
  api: {
    matrix: [1, 16, 64].map((connections) => ({ connections, workloads: ALL_API })),
    durationSec: 4,
    warmupRequests: 500,
    orgSize: 100,
    compareRounds: 10,
  },
  validation: {
    templates: 500,
    isolatedSamples: 40,
    drainConcurrencies: [1, 16, 64],
    sameImageDrain: true,
    defaultConcurrency: 16,
    skopeoSequentialRefs: 30,
    skopeoParallelRefs: 96,
    skopeoParallelism: 16,
  },
  growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list', 'list-middle'], concurrency: 16, durationSec: 3, warmupRequests: 300 },
};

/** Every section, fewer cells and shorter runs: a check, not the figures to quote. */
export const QUICK: BenchOptions = {
  mode: 'quick',
  repetitions: 2,
  api: {
    matrix: [
      { connections: 1, workloads: ['get', 'baseline-get'] },
      { connections: 16, workloads: ALL_API },
      { connections: 64, workloads: ['get', 'baseline-get'] },
    ],
    durationSec: 0.8,
    warmupRequests: 100,
    orgSize: 100,
    compareRounds: 4,
  },
  validation: {
    templates: 30,
    isolatedSamples: 6,
    drainConcurrencies: [1, 16, 64],
    sameImageDrain: false,
    defaultConcurrency: 16,
    skopeoSequentialRefs: 5,
    skopeoParallelRefs: 16,
    skopeoParallelism: 16,
  },
  growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list'], concurrency: 16, durationSec: 0.8, warmupRequests: 100 },
};
