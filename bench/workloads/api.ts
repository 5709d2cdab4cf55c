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
import { ApiWorkload, COMPARED_WORKLOADS } from '../lib/options';
import { PRODUCT_NODE_FLAGS, startApi, startBaseline } from '../lib/product';
import { Spread } from '../lib/stats';

export interface ApiResults {
  orgSize: number;
  figures: LoadFigure[];
  /** Per concurrency: ours / bare Fastify+pg, ours / Fastify+pg+JWT (GET req/s, per round). */
  ratios: { connections: number; oursVsBaseline: Spread; oursVsBaselineWithJwt?: Spread }[];
  /** With `--compare-build`: per concurrency and workload, this build's throughput / the compared build's (per round). */
  compared?: {
    build: string;
    ratios: { connections: number; workload: ApiWorkload; ratio: Spread }[];
    /** The dedicated comparison: create+delete at 16 clients, `rounds` interleaved rounds. */
    createDelete?: {
      rounds: number;
      ours: LoadFigure;
      theirs: LoadFigure;
      ratio: Spread;
      /** CPU ms per request of the API, Postgres and Redis: what throughput on saturated cores follows. */
      cpuMsPerRequest: { ours: number; theirs: number };
    };
  };
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
  const comparedOrg = newOrgId('create-delete-compared');
  const comparedHeaders = await authHeaders(ctx, comparedOrg);
  const compared: NonNullable<ApiResults['compared']>['ratios'] = [];

  // `--compare-only` empties the matrix: only the dedicated comparison below runs, without baselines.
  if (matrix.length === 0 && ctx.comparedApi) {
    return { orgSize, figures: [], ratios: [], compared: { build: ctx.comparedLabel ?? ctx.comparedApi.name, ratios: [], createDelete: await compareCreateDelete(ctx, ctx.comparedApi) } };
  }
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
      const comparedApi = ctx.comparedApi;
      const comparedCells = comparedApi
        ? workloads
            .filter((workload) => COMPARED_WORKLOADS.includes(workload))
            .map((workload) => ({
              workload,
              cell: {
                ...all[workload],
                key: `${workload}-compared c${connections}`,
                server: comparedApi,
                headers: comparedHeaders,
                scenario: { ...all[workload].scenario, collectionPath: templatesPath(comparedOrg) } as LoadCell['scenario'],
              },
            }))
        : [];
      const flagWorkloads = flagged && noFlags && connections === FLAG_COMPARISON_CLIENTS ? FLAG_COMPARISON.filter((w) => workloads.includes(w)) : [];
      const flagCells = flagWorkloads.flatMap((workload) => [
        { ...all[workload], key: withFlags(all[workload].key), server: flagged! },
        { ...all[workload], key: withoutFlags(all[workload].key), server: noFlags! },
      ]);
      const results = await measureCells(
        ctx.layout.benchOutDir,
        [...workloads.map((workload) => all[workload]), ...flagCells, ...comparedCells.map(({ cell }) => cell)],
        ctx.options.repetitions,
        ctx.log,
      );
      for (const { workload, cell } of comparedCells) {
        const own = results.get(`${workload} c${connections}`);
        const other = results.get(cell.key);
        if (own && other) compared.push({ connections, workload, ratio: throughputRatio(own, other) });
      }
      figures.push(...results.values());
      for (const workload of flagWorkloads) {
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
    const createDelete = ctx.comparedApi ? await compareCreateDelete(ctx, ctx.comparedApi) : undefined;
    return {
      orgSize,
      figures,
      ratios,
      ...(ctx.comparedApi ? { compared: { build: ctx.comparedLabel ?? ctx.comparedApi.name, ratios: compared, createDelete } } : {}),
      ...(noFlags ? { nodeFlags: { flags: PRODUCT_NODE_FLAGS.api, pairs } } : {}),
    };
  } finally {
    await Promise.all([baseline.stop(), baselineJwt.stop(), flagged?.stop(), noFlags?.stop()]);
  }
}

/**
 * `--compare-build`: create+delete cycles at 16 clients against this build and the compared
 * one, alternately, for more rounds than the matrix gives (the ratio of one round is noisy).
 */
async function compareCreateDelete(ctx: BenchContext, comparedApi: BenchContext['api']): Promise<NonNullable<ApiResults['compared']>['createDelete']> {
  const rounds = ctx.options.api.compareRounds;
  const cell = async (key: string, server: BenchContext['api']): Promise<LoadCell> => {
    const org = newOrgId(key);
    return {
      key,
      server,
      connections: 16,
      durationSec: ctx.options.api.durationSec,
      warmupRequests: ctx.options.api.warmupRequests,
      headers: await authHeaders(ctx, org),
      scenario: { kind: 'create-delete', collectionPath: templatesPath(org), body: templateBody(ctx.images, ctx.images.refs[0]) },
    };
  };
  ctx.log(`create+delete, this build against the compared build, ${rounds} rounds`);
  const cells = [await cell('compare-ours', ctx.api), await cell('compare-theirs', comparedApi)];
  const results = await measureCells(ctx.layout.benchOutDir, cells, rounds, ctx.log);
  const ours = results.get('compare-ours')!;
  const theirs = results.get('compare-theirs')!;
  const serving = (figure: LoadFigure, api: string) =>
    (figure.cpuMsPerRequest[api] ?? 0) + (figure.cpuMsPerRequest.postgres ?? 0) + (figure.cpuMsPerRequest['redis-server'] ?? 0);
  return {
    rounds,
    ours,
    theirs,
    ratio: throughputRatio(ours, theirs),
    cpuMsPerRequest: { ours: serving(ours, ctx.api.name), theirs: serving(theirs, comparedApi.name) },
  };
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
