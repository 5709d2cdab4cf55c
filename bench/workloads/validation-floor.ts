/**
 * The validation floor (baseline/validation-floor.ts), run in the same rounds as the drains:
 * the bare HTTP exchanges of one validation against the same registry, the same images, at
 * the worker's concurrency. The drain is reported as a ratio of it, per round, then the median.
 * The drain with a signature policy is compared with the floor that also fetches the signatures.
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
  /** The cosign signature exchanges (`.sig` manifest and payload) as well. */
  signatures?: boolean;
  concurrency: number;
  templates: number;
  validationsPerSec: Spread;
  requestsPerValidation: number;
}

export interface FloorRatio {
  workerConcurrency: number;
  /** The drain under an org policy requiring signatures (signed images), against the floors with the signature exchanges. */
  signatures?: boolean;
  /** Drain validations/s over the floor's, per round. */
  vsFloor: Spread;
  vsFloorWithTokens: Spread;
}

interface FloorVariant {
  tokenFetch: boolean;
  signatures: boolean;
}

const key = (variant: FloorVariant) => `${variant.signatures ? 'signed' : 'bare'}-${variant.tokenFetch ? 'tokens' : 'no-tokens'}`;

/** One measured run of the floor in a process of its own. */
export async function runFloor(ctx: BenchContext, references: string[], concurrency: number, variant: FloorVariant): Promise<FloorResult> {
  const token = ctx.env.registries.token;
  const host = `${token.host}/`;
  const spec: FloorSpec = {
    registryUrl: token.url,
    caFile: ctx.env.caFile,
    references: references.map((ref) => ref.slice(host.length)),
    warmUp: ctx.images.warmUp.slice(host.length),
    concurrency,
    token: { realm: token.realmUrl, service: token.service, ...ctx.images.reader },
    ...variant,
  };
  const specFile = path.join(ctx.layout.benchOutDir, `floor-spec-${key(variant)}.json`);
  await writeFile(specFile, JSON.stringify(spec));
  const { stdout } = await runCommand(process.execPath, [path.join(ctx.layout.benchOutDir, 'bench/baseline/validation-floor.js'), specFile], {
    timeoutMs: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as FloorResult;
}

export class FloorRecorder {
  private readonly variants: FloorVariant[];
  private readonly runs = new Map<string, FloorResult[]>();

  constructor(
    private readonly ctx: BenchContext,
    private readonly references: string[],
    private readonly concurrency: number,
    /** Also measure the floors with the signature exchanges (the images are signed). */
    withSignatures: boolean,
  ) {
    this.variants = [false, ...(withSignatures ? [true] : [])].flatMap((signatures) => [false, true].map((tokenFetch) => ({ tokenFetch, signatures })));
    for (const variant of this.variants) this.runs.set(key(variant), []);
  }

  /** Every floor, one run each (call once per round, next to the drains of that round). */
  async measureRound(round: number): Promise<void> {
    // The first pass over these images meets the registry's caches cold (its blob descriptor
    // cache, the file system): an untimed pass first, so neither the floor nor the drain pays it.
    if (round === 1) await runFloor(this.ctx, this.references, this.concurrency, this.variants[this.variants.length - 1]);
    for (const variant of this.variants) {
      const result = await runFloor(this.ctx, this.references, this.concurrency, variant);
      this.runs.get(key(variant))!.push(result);
      this.ctx.log(
        `  ${label(variant)} c${this.concurrency} round ${round}: ${result.validations} in ${result.seconds.toFixed(2)} s = ${result.validationsPerSec.toFixed(0)}/s`,
      );
    }
  }

  results(): FloorResults[] {
    return this.variants.map((variant) => {
      const runs = this.runs.get(key(variant))!;
      return {
        label: label(variant),
        ...variant,
        concurrency: this.concurrency,
        templates: this.references.length,
        validationsPerSec: spread(runs.map((r) => r.validationsPerSec)),
        requestsPerValidation: runs.length ? runs[0].requests / runs[0].validations : 0,
      };
    });
  }

  /** The drain's rate per round over the same round's floors (with or without the signature exchanges). */
  ratio(workerConcurrency: number, drainRates: number[], signatures = false): FloorRatio {
    const per = (tokenFetch: boolean) =>
      spread(
        drainRates
          .map((rate, i) => rate / (this.runs.get(key({ tokenFetch, signatures }))?.[i]?.validationsPerSec ?? Number.NaN))
          .filter(Number.isFinite),
      );
    return { workerConcurrency, ...(signatures ? { signatures } : {}), vsFloor: per(false), vsFloorWithTokens: per(true) };
  }
}

function label(variant: FloorVariant): string {
  const parts = [variant.signatures ? 'signature exchanges' : '', variant.tokenFetch ? 'token requests' : ''].filter(Boolean);
  return parts.length ? `floor with ${parts.join(' and ')}` : 'floor';
}
