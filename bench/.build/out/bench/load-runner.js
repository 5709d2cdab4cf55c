"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const autocannon_1 = __importDefault(require("autocannon"));
const node_crypto_1 = require("node:crypto");
const node_readline_1 = require("node:readline");
const stats_1 = require("./lib/stats");
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
function requestsFor(scenario) {
    switch (scenario.kind) {
        case 'get': {
            let next = 0;
            return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: scenario.paths[next++ % scenario.paths.length] }) }];
        }
        case 'create-delete': {
            const prefix = (0, node_crypto_1.randomUUID)().slice(0, 8);
            let sequence = 0;
            return [
                {
                    method: 'POST',
                    path: scenario.collectionPath,
                    headers: { 'content-type': 'application/json' },
                    setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...scenario.body, name: `bench-${prefix}-${sequence++}` }) }),
                    onResponse: (status, body, context) => {
                        context.id = status === 201 ? JSON.parse(body).id : NIL_UUID;
                    },
                },
                {
                    method: 'DELETE',
                    setupRequest: (request, context) => ({ ...request, path: `${scenario.collectionPath}/${String(context.id ?? NIL_UUID)}` }),
                },
            ];
        }
        case 'create': {
            let next = 0;
            return [
                {
                    method: 'POST',
                    path: scenario.collectionPath,
                    headers: { 'content-type': 'application/json' },
                    setupRequest: (request) => ({ ...request, body: JSON.stringify(scenario.bodies[next++ % scenario.bodies.length]) }),
                },
            ];
        }
    }
}
function run(spec, durationSec) {
    const latencies = [];
    const fixedAmount = spec.scenario.kind === 'create' ? spec.scenario.bodies.length : undefined;
    return new Promise((resolve, reject) => {
        const instance = (0, autocannon_1.default)({
            url: spec.url,
            connections: spec.connections,
            pipelining: 1,
            timeout: 10,
            headers: spec.headers,
            requests: requestsFor(spec.scenario),
            ...(fixedAmount ? { amount: fixedAmount } : { duration: durationSec }),
        }, (error, result) => {
            if (error)
                return reject(error);
            latencies.sort((a, b) => a - b);
            const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
            const seconds = result.duration;
            resolve({
                connections: spec.connections,
                durationSec: seconds,
                requests: latencies.length,
                requestsPerSec: latencies.length / seconds,
                latencyMs: {
                    p50: (0, stats_1.percentile)(latencies, 50),
                    p90: (0, stats_1.percentile)(latencies, 90),
                    p99: (0, stats_1.percentile)(latencies, 99),
                    max: latencies[latencies.length - 1] ?? 0,
                    mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
                },
                errors: result.errors + result.timeouts + result.non2xx,
                breakdown: { connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodes },
            });
        });
        instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
            latencies.push(responseTimeMs);
        });
    });
}
async function main() {
    const lines = (0, node_readline_1.createInterface)({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
        if (!line.trim())
            continue;
        try {
            const spec = JSON.parse(line);
            if (spec.warmupSec > 0 && spec.scenario.kind !== 'create')
                await run(spec, spec.warmupSec);
            process.stdout.write(`${JSON.stringify({ result: await run(spec, spec.durationSec) })}\n`);
        }
        catch (error) {
            process.stdout.write(`${JSON.stringify({ error: error.stack ?? String(error) })}\n`);
        }
    }
}
void main();
