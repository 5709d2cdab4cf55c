"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runApiWorkloads = runApiWorkloads;
const node_util_1 = require("node:util");
const context_1 = require("../lib/context");
const fixtures_1 = require("../lib/fixtures");
const measure_1 = require("../lib/measure");
const product_1 = require("../lib/product");
async function runApiWorkloads(ctx) {
    const { matrix, durationSec, warmupSec, orgSize } = ctx.options.api;
    const orgId = (0, context_1.newOrgId)('api');
    await (0, fixtures_1.seedOrg)(ctx.db, orgId, orgSize, ctx.prototypeId);
    await ctx.db.query('ANALYZE templates');
    const getPaths = (await (0, fixtures_1.templateIds)(ctx.db, orgId, orgSize)).map((id) => `${(0, context_1.templatesPath)(orgId)}/${id}`);
    const headers = await (0, context_1.authHeaders)(ctx, orgId);
    const cycleOrg = (0, context_1.newOrgId)('create-delete');
    const cycleHeaders = await (0, context_1.authHeaders)(ctx, cycleOrg);
    const baseline = await (0, product_1.startBaseline)(ctx.layout, ctx.settings, { verifyJwt: false });
    const baselineJwt = await (0, product_1.startBaseline)(ctx.layout, ctx.settings, { verifyJwt: true });
    try {
        await checkSameAnswer([ctx.api.url, baseline.url, baselineJwt.url], getPaths[0], headers);
        const figures = [];
        const ratios = [];
        for (const { connections, workloads } of matrix) {
            const cell = (key, server, scenario, cellHeaders = headers) => ({
                key: `${key} c${connections}`,
                server,
                connections,
                durationSec,
                warmupSec,
                headers: cellHeaders,
                scenario,
            });
            ctx.log(`API workloads at concurrency ${connections}`);
            const all = {
                get: cell('get', ctx.api, { kind: 'get', paths: getPaths }),
                'baseline-get': cell('baseline-get', baseline, { kind: 'get', paths: getPaths }),
                'baseline-jwt-get': cell('baseline-jwt-get', baselineJwt, { kind: 'get', paths: getPaths }),
                list: cell('list', ctx.api, { kind: 'get', paths: [(0, context_1.templatesPath)(orgId)] }),
                'create-delete': cell('create-delete', ctx.api, { kind: 'create-delete', collectionPath: (0, context_1.templatesPath)(cycleOrg), body: (0, context_1.templateBody)(ctx.images, ctx.images.refs[0]) }, cycleHeaders),
            };
            const results = await (0, measure_1.measureCells)(ctx.layout.benchOutDir, workloads.map((workload) => all[workload]), ctx.options.repetitions, ctx.log);
            figures.push(...results.values());
            const ours = results.get(`get c${connections}`);
            const bare = results.get(`baseline-get c${connections}`);
            const withJwt = results.get(`baseline-jwt-get c${connections}`);
            if (ours && bare) {
                ratios.push({
                    connections,
                    oursVsBaseline: (0, measure_1.throughputRatio)(ours, bare),
                    ...(withJwt ? { oursVsBaselineWithJwt: (0, measure_1.throughputRatio)(ours, withJwt) } : {}),
                });
            }
        }
        return { orgSize, figures, ratios };
    }
    finally {
        await Promise.all([baseline.stop(), baselineJwt.stop()]);
    }
}
async function checkSameAnswer(urls, path, headers) {
    const bodies = await Promise.all(urls.map(async (url) => {
        const response = await fetch(`${url}${path}`, { headers });
        if (response.status !== 200)
            throw new Error(`GET ${url}${path} answered ${response.status}: ${await response.text()}`);
        return response.json();
    }));
    for (const [i, body] of bodies.entries()) {
        if (!(0, node_util_1.isDeepStrictEqual)(body, bodies[0])) {
            throw new Error(`${urls[i]} answers GET with a different body than the API:\n${JSON.stringify(body)}\nvs\n${JSON.stringify(bodies[0])}`);
        }
    }
}
