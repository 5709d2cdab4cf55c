/** What every workload gets: the services, the product's settings, a database pool, tokens. */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { TestEnvironmentDescription } from '../../test/support/environment';
import type { TestIdentityProvider } from '../../test/support/identity-provider';
import type { BenchImages } from './images';
import type { BenchOptions } from './options';
import type { ProcessLayout, RunningService } from './processes';
import type { ProductSettings } from './product';

export interface BenchContext {
  options: BenchOptions;
  env: TestEnvironmentDescription;
  layout: ProcessLayout;
  settings: ProductSettings;
  /** Direct access to the product's database: seeding, and polling for Active. */
  db: Pool;
  idp: TestIdentityProvider;
  images: BenchImages;
  /** The running API (started once; workloads reset its peak RSS). */
  api: RunningService;
  /** `--compare-build`: an API started from another build (same database and settings), for A/B cells. */
  comparedApi?: RunningService;
  /** What the compared build is, for the report (`--compare-label`, else its directory). */
  comparedLabel?: string;
  /** A template the worker validated for real: seeded rows copy its report and apps. */
  prototypeId: string;
  log(line: string): void;
}

export const templatesPath = (orgId: string): string => `/api/v1beta1/orgs/${orgId}/airuntime-templates`;

/** Every workload uses orgs of its own, so no figure reads another workload's rows. */
export const newOrgId = (label: string): string => `bench-${label}-${randomUUID().slice(0, 8)}`;

export async function authHeaders(ctx: Pick<BenchContext, 'idp'>, orgId: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await ctx.idp.token([orgId], { expiresIn: '2h' })}` };
}

/** A create body for a private image on the token registry, with the reader's credentials. */
export function templateBody(images: BenchImages, image: string, name?: string): Record<string, unknown> {
  return {
    ...(name ? { name } : {}),
    description: 'Benchmark template',
    image,
    category: 'LLM',
    oci_registry_username: images.reader.username,
    oci_registry_token: images.reader.password,
  };
}

/** Runs `work` over the items with at most `limit` in flight; results keep the input order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
