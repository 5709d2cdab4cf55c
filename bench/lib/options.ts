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
    /** Also drain them under an org policy that requires their cosign signatures (and run the floors with the signature exchanges). */
    signatureDrain: boolean;
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
  /** The worker's sweep and scheduler at table sizes, and drains by several workers (workloads/background.ts). */
  background: {
    /** Templates in the table (across 10,000 orgs), each measured in turn as the table grows. */
    sizes: number[];
    /** Executions of each statement per size (median and spread). */
    executions: number;
    workerCounts: number[];
    /** VALIDATION_CONCURRENCY of each worker in the drains: one that leaves a single worker waiting on the registry, and the default. */
    workerConcurrencies: number[];
    /** Templates per drain, each its own image. */
    drainTemplates: number;
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
    signatureDrain: true,
    defaultConcurrency: 16,
    skopeoSequentialRefs: 30,
    skopeoParallelRefs: 96,
    skopeoParallelism: 16,
  },
  growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list', 'list-middle'], concurrency: 16, durationSec: 3, warmupRequests: 300 },
  background: { sizes: [10_000, 100_000, 1_000_000], executions: 9, workerCounts: [1, 2, 4], workerConcurrencies: [2, 16], drainTemplates: 300 },
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
    templates: 100,
    isolatedSamples: 6,
    drainConcurrencies: [1, 16, 64],
    sameImageDrain: false,
    signatureDrain: true,
    defaultConcurrency: 16,
    skopeoSequentialRefs: 5,
    skopeoParallelRefs: 16,
    skopeoParallelism: 16,
  },
  growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list'], concurrency: 16, durationSec: 0.8, warmupRequests: 100 },
  background: { sizes: [10_000, 100_000], executions: 5, workerCounts: [1, 2, 4], workerConcurrencies: [2, 16], drainTemplates: 36 },
};
