/**
 * The validation floor (baseline/validation-floor.ts), run in the same rounds as the drains:
 * the bare HTTP exchanges of one validation against the same registry, the same images, at
 * the worker's concurrency. The drain is reported as a ratio of it, per round, then the median.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runCommand } from '../../test/support/processes/child-process';
import type { FloorResult, FloorSpec } from '../baseline/validation-floor';
import { BenchContext } from '../lib/context';
import { Spread, spread } from '../lib/stats';

export interface FloorResults {
  label: string;
  /** One token request per image inside the timed part (as the worker needs one per repository), or tokens fetched beforehand. */
  tokenFetch: boolean;
  concurrency: number;
  templates: number;
  validationsPerSec: Spread;
  requestsPerValidation: number;
}

export interface FloorRatio {
  workerConcurrency: number;
  /** Drain validations/s over the floor's, per round. */
  vsFloor: Spread;
  vsFloorWithTokens: Spread;
}

/** One measured run of the floor in a process of its own. */
export async function runFloor(ctx: BenchContext, references: string[], concurrency: number, tokenFetch: boolean): Promise<FloorResult> {
  const token = ctx.env.registries.token;
  const host = `${token.host}/`;
  const spec: FloorSpec = {
    registryUrl: token.url,
    caFile: ctx.env.caFile,
    references: references.map((ref) => ref.slice(host.length)),
    warmUp: ctx.images.warmUp.slice(host.length),
    concurrency,
    token: { realm: token.realmUrl, service: token.service, ...ctx.images.reader },
    tokenFetch,
  };
  const specFile = path.join(ctx.layout.benchOutDir, `floor-spec-${tokenFetch ? 'tokens' : 'bare'}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const { stdout } = await runCommand(process.execPath, [path.join(ctx.layout.benchOutDir, 'bench/baseline/validation-floor.js'), specFile], {
    timeoutMs: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as FloorResult;
}

export class FloorRecorder {
  private readonly runs = new Map<boolean, FloorResult[]>([
    [false, []],
    [true, []],
  ]);

  constructor(
    private readonly ctx: BenchContext,
    private readonly references: string[],
    private readonly concurrency: number,
  ) {}

  /** Both floors, one run each (call once per round, next to the drains of that round). */
  async measureRound(round: number): Promise<void> {
    // The first pass over these images meets the registry's caches cold (its blob descriptor
    // cache, the file system): an untimed pass first, so neither the floor nor the drain pays it.
    if (round === 1) await runFloor(this.ctx, this.references, this.concurrency, true);
    for (const tokenFetch of [false, true]) {
      const result = await runFloor(this.ctx, this.references, this.concurrency, tokenFetch);
      this.runs.get(tokenFetch)!.push(result);
      this.ctx.log(
        `  floor${tokenFetch ? ' with token requests' : ''} c${this.concurrency} round ${round}: ${result.validations} in ${result.seconds.toFixed(2)} s = ${result.validationsPerSec.toFixed(0)}/s`,
      );
    }
  }

  results(): FloorResults[] {
    return [false, true].map((tokenFetch) => {
      const runs = this.runs.get(tokenFetch)!;
      return {
        label: tokenFetch ? 'floor with token requests' : 'floor',
        tokenFetch,
        concurrency: this.concurrency,
        templates: this.references.length,
        validationsPerSec: spread(runs.map((r) => r.validationsPerSec)),
        requestsPerValidation: runs.length ? runs[0].requests / runs[0].validations : 0,
      };
    });
  }

  /** The drain's rate per round over the same round's floors. */
  ratio(workerConcurrency: number, drainRates: number[]): FloorRatio {
    const per = (tokenFetch: boolean) =>
      spread(drainRates.map((rate, i) => rate / (this.runs.get(tokenFetch)![i]?.validationsPerSec ?? Number.NaN)).filter(Number.isFinite));
    return { workerConcurrency, vsFloor: per(false), vsFloorWithTokens: per(true) };
  }
}
