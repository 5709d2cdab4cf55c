"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.QUICK = exports.FULL = void 0;
const ALL_API = ['get', 'baseline-get', 'baseline-jwt-get', 'list', 'create-delete'];
exports.FULL = {
    mode: 'full',
    repetitions: 3,
    api: {
        matrix: [1, 16, 64].map((connections) => ({ connections, workloads: ALL_API })),
        durationSec: 4,
        warmupSec: 1,
        orgSize: 100,
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
    growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list', 'list-middle'], concurrency: 16, durationSec: 3, warmupSec: 0.5 },
};
exports.QUICK = {
    mode: 'quick',
    repetitions: 2,
    api: {
        matrix: [
            { connections: 1, workloads: ['get', 'baseline-get'] },
            { connections: 16, workloads: ALL_API },
            { connections: 64, workloads: ['get', 'baseline-get'] },
        ],
        durationSec: 1,
        warmupSec: 0.3,
        orgSize: 100,
    },
    validation: {
        templates: 60,
        isolatedSamples: 10,
        drainConcurrencies: [1, 16, 64],
        sameImageDrain: false,
        defaultConcurrency: 16,
        skopeoSequentialRefs: 6,
        skopeoParallelRefs: 32,
        skopeoParallelism: 16,
    },
    growth: { sizes: [10, 100, 1_000, 10_000], workloads: ['get', 'list'], concurrency: 16, durationSec: 1, warmupSec: 0.3 },
};
