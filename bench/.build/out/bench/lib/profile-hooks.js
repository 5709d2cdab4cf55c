"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const node_fs_1 = require("node:fs");
const node_inspector_1 = require("node:inspector");
const node_v8_1 = require("node:v8");
const session = new node_inspector_1.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
let profiling = false;
process.on('SIGWINCH', () => {
    profiling = true;
    void post('Profiler.enable').then(() => post('Profiler.start'));
});
process.on('SIGVTALRM', () => {
    const memoryFile = process.env.BENCH_MEMORY_REPORT;
    if (memoryFile) {
        const heapSpaces = Object.fromEntries((0, node_v8_1.getHeapSpaceStatistics)().map((space) => [space.space_name, space.space_used_size]));
        (0, node_fs_1.writeFileSync)(memoryFile, JSON.stringify({ memoryUsage: process.memoryUsage(), heapSpaces }));
    }
    const profileFile = process.env.BENCH_CPU_PROFILE;
    if (!profiling || !profileFile)
        process.exit(0);
    post('Profiler.stop')
        .then(({ profile }) => (0, node_fs_1.writeFileSync)(profileFile, JSON.stringify(profile)))
        .finally(() => process.exit(0));
});
