/**
 * API workloads at each client concurrency: GET one template (cycling through an org's
 * 100), list that org (first page, default limit 50), and create+delete cycles (with registry
 * credentials, so each create encrypts a token). The worker is not running: these figures are
 * the API's alone. The baselines answer the same GET, interleaved with ours in every round.
 */
import { isDeepStrictEqual } from 'node:util';
import { BenchContext, authHeaders, newOrgId, templateBody, templatesPath } from '../lib/context';
import { seedOrg, templateIds } from '../lib/fixtures';
import { LoadCell, LoadFigure, measureCells, throughputRatio } from '../lib/measure';
import { ApiWorkload } from '../lib/options';
import { PRODUCT_NODE_FLAGS, startApi, startBaseline } from '../lib/product';
import { Spread } from '../lib/stats';

export interface ApiResults {
  orgSize: number;
  figures: LoadFigure[];
  /** Per concurrency: ours / bare Fastify+pg, ours / Fastify+pg+JWT (GET req/s, per round). */
  ratios: { connections: number; oursVsBaseline: Spread; oursVsBaselineWithJwt?: Spread }[];
  /** The product's node flags against none, same rounds, 16 clients: figure keys and the req/s ratio (with / without). */
  nodeFlags?: { flags: readonly string[]; pairs: { workload: string; withFlags: string; withoutFlags: string; throughput: Spread }[] };
}

/**
 * The workloads measured once more on two fresh API processes started together, one with the
 * product's node flags and one without, each pair one right after the other in every round.
 */
const FLAG_COMPARISON: readonly ApiWorkload[] = ['get', 'list', 'create-delete'];
const FLAG_COMPARISON_CLIENTS = 16;
const withFlags = (key: string) => `${key} (flags)`;
const withoutFlags = (key: string) => `${key} (no flags)`;

export async function runApiWorkloads(ctx: BenchContext): Promise<ApiResults> {
  const { matrix, durationSec, warmupRequests, orgSize } = ctx.options.api;
  const orgId = newOrgId('api');
  await seedOrg(ctx.db, orgId, orgSize, ctx.prototypeId);
  await ctx.db.query('ANALYZE templates');
  const getPaths = (await templateIds(ctx.db, orgId, orgSize)).map((id) => `${templatesPath(orgId)}/${id}`);
  const headers = await authHeaders(ctx, orgId);
  const cycleOrg = newOrgId('create-delete');
  const cycleHeaders = await authHeaders(ctx, cycleOrg);

  const baseline = await startBaseline(ctx.layout, ctx.settings, { verifyJwt: false });
  const baselineJwt = await startBaseline(ctx.layout, ctx.settings, { verifyJwt: true });
  const [flagged, noFlags] = PRODUCT_NODE_FLAGS.api.length
    ? await Promise.all([startApi(ctx.layout, ctx.settings, { name: 'api-flags' }), startApi(ctx.layout, ctx.settings, { withoutProductFlags: true })])
    : [];
  try {
    await checkSameAnswer([ctx.api.url, baseline.url, baselineJwt.url], getPaths[0], headers);
    const figures: LoadFigure[] = [];
    const ratios: ApiResults['ratios'] = [];
    const pairs: NonNullable<ApiResults['nodeFlags']>['pairs'] = [];
    for (const { connections, workloads } of matrix) {
      const cell = (key: string, server: LoadCell['server'], scenario: LoadCell['scenario'], cellHeaders = headers): LoadCell => ({
        key: `${key} c${connections}`,
        server,
        connections,
        durationSec,
        warmupRequests,
        headers: cellHeaders,
        scenario,
      });
      ctx.log(`API workloads at concurrency ${connections}`);
      const all: Record<ApiWorkload, LoadCell> = {
        get: cell('get', ctx.api, { kind: 'get', paths: getPaths }),
        'baseline-get': cell('baseline-get', baseline, { kind: 'get', paths: getPaths }),
        'baseline-jwt-get': cell('baseline-jwt-get', baselineJwt, { kind: 'get', paths: getPaths }),
        list: cell('list', ctx.api, { kind: 'get', paths: [templatesPath(orgId)] }),
        'create-delete': cell(
          'create-delete',
          ctx.api,
          { kind: 'create-delete', collectionPath: templatesPath(cycleOrg), body: templateBody(ctx.images, ctx.images.refs[0]) },
          cycleHeaders,
        ),
      };
      const compared = flagged && noFlags && connections === FLAG_COMPARISON_CLIENTS ? FLAG_COMPARISON.filter((w) => workloads.includes(w)) : [];
      const cells = workloads.flatMap((workload) =>
        compared.includes(workload)
          ? [
              all[workload],
              { ...all[workload], key: withFlags(all[workload].key), server: flagged! },
              { ...all[workload], key: withoutFlags(all[workload].key), server: noFlags! },
            ]
          : [all[workload]],
      );
      const results = await measureCells(ctx.layout.benchOutDir, cells, ctx.options.repetitions, ctx.log);
      figures.push(...results.values());
      for (const workload of compared) {
        const key = all[workload].key;
        pairs.push({
          workload,
          withFlags: withFlags(key),
          withoutFlags: withoutFlags(key),
          throughput: throughputRatio(results.get(withFlags(key))!, results.get(withoutFlags(key))!),
        });
      }
      const ours = results.get(`get c${connections}`);
      const bare = results.get(`baseline-get c${connections}`);
      const withJwt = results.get(`baseline-jwt-get c${connections}`);
      if (ours && bare) {
        ratios.push({
          connections,
          oursVsBaseline: throughputRatio(ours, bare),
          ...(withJwt ? { oursVsBaselineWithJwt: throughputRatio(ours, withJwt) } : {}),
        });
      }
    }
    return { orgSize, figures, ratios, ...(noFlags ? { nodeFlags: { flags: PRODUCT_NODE_FLAGS.api, pairs } } : {}) };
  } finally {
    await Promise.all([baseline.stop(), baselineJwt.stop(), flagged?.stop(), noFlags?.stop()]);
  }
}

/** The baselines must answer the same request with the same body, or the ratio means nothing. */
async function checkSameAnswer(urls: string[], path: string, headers: Record<string, string>): Promise<void> {
  const bodies = await Promise.all(
    urls.map(async (url) => {
      const response = await fetch(`${url}${path}`, { headers });
      if (response.status !== 200) throw new Error(`GET ${url}${path} answered ${response.status}: ${await response.text()}`);
      return response.json();
    }),
  );
  for (const [i, body] of bodies.entries()) {
    if (!isDeepStrictEqual(body, bodies[0])) {
      throw new Error(`${urls[i]} answers GET with a different body than the API:\n${JSON.stringify(body)}\nvs\n${JSON.stringify(bodies[0])}`);
    }
  }
}
