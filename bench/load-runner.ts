/**
 * The load generator, run as its own process (`node load-runner.js`: one JSON spec per line on
 * stdin, one JSON result per line on stdout) so that it never shares an event loop with the
 * orchestrator, which also hosts the registry's token issuer. One process serves all runs.
 *
 * autocannon drives closed-loop HTTP/1.1 keep-alive connections. Latencies are recorded here
 * from autocannon's per-response timings (sub-millisecond), not from its histogram, which
 * keeps whole milliseconds.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { percentile } from './lib/stats';

export type LoadScenario =
  /** GETs cycling through these paths. */
  | { kind: 'get'; paths: string[] }
  /** POST a template (a fresh name each time), then DELETE it: two requests per cycle. */
  | { kind: 'create-delete'; collectionPath: string; body: Record<string, unknown> }
  /** POST each body once (amount = bodies.length). */
  | { kind: 'create'; collectionPath: string; bodies: Record<string, unknown>[] };

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds of measured load; ignored when the scenario has a fixed amount. */
  durationSec: number;
  /** Seconds of the same load before measuring, discarded. */
  warmupSec: number;
  headers: Record<string, string>;
  scenario: LoadScenario;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** Connection errors + timeouts + non-2xx answers. */
  errors: number;
  breakdown: { connectionErrors: number; timeouts: number; non2xx: number; statusCodes: Record<string, number> };
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';

function requestsFor(scenario: LoadScenario): autocannon.Request[] {
  switch (scenario.kind) {
    case 'get': {
      let next = 0;
      return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: scenario.paths[next++ % scenario.paths.length] }) }];
    }
    case 'create-delete': {
      const prefix = randomUUID().slice(0, 8);
      let sequence = 0;
      return [
        {
          method: 'POST',
          path: scenario.collectionPath,
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...scenario.body, name: `bench-${prefix}-${sequence++}` }) }),
          onResponse: (status, body, context) => {
            context.id = status === 201 ? (JSON.parse(body) as { id: string }).id : NIL_UUID;
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

function run(spec: LoadSpec, durationSec: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const fixedAmount = spec.scenario.kind === 'create' ? spec.scenario.bodies.length : undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        timeout: 10,
        headers: spec.headers,
        requests: requestsFor(spec.scenario),
        ...(fixedAmount ? { amount: fixedAmount } : { duration: durationSec }),
      },
      (error, result) => {
        if (error) return reject(error);
        latencies.sort((a, b) => a - b);
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
        const seconds = result.duration;
        resolve({
          connections: spec.connections,
          durationSec: seconds,
          requests: latencies.length,
          requestsPerSec: latencies.length / seconds,
          latencyMs: {
            p50: percentile(latencies, 50),
            p90: percentile(latencies, 90),
            p99: percentile(latencies, 99),
            max: latencies[latencies.length - 1] ?? 0,
            mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
          },
          errors: result.errors + result.timeouts + result.non2xx,
          breakdown: { connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodes },
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
    });
  });
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const spec = JSON.parse(line) as LoadSpec;
      if (spec.warmupSec > 0 && spec.scenario.kind !== 'create') await run(spec, spec.warmupSec);
      process.stdout.write(`${JSON.stringify({ result: await run(spec, spec.durationSec) })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: (error as Error).stack ?? String(error) })}\n`);
    }
  }
}

void main();
