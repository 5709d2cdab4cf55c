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
  | { kind: 'create'; collectionPath: string; bodies: Record<string, unknown>[] }
  /**
   * GETs taking turns between groups (e.g. one org size each), latencies kept per group: every
   * group is measured in the same moments, so the machine's ups and downs fall on all alike.
   */
  | { kind: 'get-groups'; groups: { name: string; paths: string[] }[] };

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds of measured load; ignored when the scenario has a fixed amount. */
  durationSec: number;
  /** Requests of the same load before measuring, discarded. */
  warmupRequests: number;
  headers: Record<string, string>;
  scenario: LoadScenario;
}

export interface LoadResult {
  connections: number;
  durationSec: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: Latency;
  /** Connection errors + timeouts + non-2xx answers. */
  errors: number;
  breakdown: { connectionErrors: number; timeouts: number; non2xx: number; statusCodes: Record<string, number> };
  /** get-groups only: per group, its answers' latency and its non-2xx count. */
  groups?: Record<string, { requests: number; latencyMs: Latency; non2xx: number }>;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

function summarize(values: number[]): Latency {
  values.sort((a, b) => a - b);
  return {
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    max: values[values.length - 1] ?? 0,
    mean: values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length),
  };
}

/** Which group the response being reported belongs to (onResponse runs just before the 'response' event). */
let answeredGroup: string | undefined;

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
    case 'get-groups': {
      let next = 0;
      return [
        {
          method: 'GET',
          setupRequest: (request, context) => {
            const turn = next++;
            const group = scenario.groups[turn % scenario.groups.length];
            context.group = group.name;
            return { ...request, path: group.paths[Math.floor(turn / scenario.groups.length) % group.paths.length] };
          },
          onResponse: (status, _body, context) => {
            answeredGroup = String(context.group);
            if (status < 200 || status > 299) groupNon2xx.set(answeredGroup, (groupNon2xx.get(answeredGroup) ?? 0) + 1);
          },
        },
      ];
    }
  }
}

const groupNon2xx = new Map<string, number>();

function run(spec: LoadSpec, limit: { durationSec: number } | { amount: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  const byGroup = new Map<string, number[]>();
  groupNon2xx.clear();
  const fixedAmount = spec.scenario.kind === 'create' ? spec.scenario.bodies.length : 'amount' in limit ? limit.amount : undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        pipelining: 1,
        timeout: 10,
        // autocannon ends a run on its next sample tick after the time or amount is reached.
        sampleInt: 100,
        headers: spec.headers,
        requests: requestsFor(spec.scenario),
        ...(fixedAmount ? { amount: fixedAmount } : { duration: 'durationSec' in limit ? limit.durationSec : 1 }),
      },
      (error, result) => {
        if (error) return reject(error);
        const requests = latencies.length;
        const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
        const seconds = result.duration;
        resolve({
          connections: spec.connections,
          durationSec: seconds,
          requests,
          requestsPerSec: requests / seconds,
          latencyMs: summarize(latencies),
          errors: result.errors + result.timeouts + result.non2xx,
          breakdown: { connectionErrors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, statusCodes },
          ...(byGroup.size
            ? {
                groups: Object.fromEntries(
                  [...byGroup].map(([name, values]) => [
                    name,
                    { requests: values.length, latencyMs: summarize(values), non2xx: groupNon2xx.get(name) ?? 0 },
                  ]),
                ),
              }
            : {}),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      latencies.push(responseTimeMs);
      if (answeredGroup !== undefined) {
        const values = byGroup.get(answeredGroup) ?? [];
        values.push(responseTimeMs);
        byGroup.set(answeredGroup, values);
        answeredGroup = undefined;
      }
    });
  });
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    try {
      const spec = JSON.parse(line) as LoadSpec;
      if (spec.warmupRequests > 0 && spec.scenario.kind !== 'create') {
        await run(spec, { amount: Math.max(spec.warmupRequests, 2 * spec.connections) });
      }
      process.stdout.write(`${JSON.stringify({ result: await run(spec, { durationSec: spec.durationSec }) })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ error: (error as Error).stack ?? String(error) })}\n`);
    }
  }
}

void main();
