"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runGrowthWorkloads = runGrowthWorkloads;
const context_1 = require("../lib/context");
const fixtures_1 = require("../lib/fixtures");
const measure_1 = require("../lib/measure");
async function runGrowthWorkloads(ctx) {
    const { sizes, workloads, concurrency, durationSec, warmupSec } = ctx.options.growth;
    const orgs = sizes.map((size) => ({ size, orgId: (0, context_1.newOrgId)(`growth-${size}`) }));
    for (const { size, orgId } of orgs)
        await (0, fixtures_1.seedOrg)(ctx.db, orgId, size, ctx.prototypeId);
    await ctx.db.query('VACUUM ANALYZE templates');
    const tableRows = Number((await ctx.db.query('SELECT count(*) AS n FROM templates')).rows[0].n);
    const cells = [];
    for (const { size, orgId } of orgs) {
        const headers = await (0, context_1.authHeaders)(ctx, orgId);
        const list = (0, context_1.templatesPath)(orgId);
        const cell = (key, scenario) => ({
            key: `${key} n${size}`,
            server: ctx.api,
            connections: concurrency,
            durationSec,
            warmupSec,
            headers,
            scenario,
        });
        const ids = await (0, fixtures_1.templateIds)(ctx.db, orgId, 200);
        for (const workload of workloads) {
            if (workload === 'get')
                cells.push(cell('get', { kind: 'get', paths: ids.map((id) => `${list}/${id}`) }));
            if (workload === 'list')
                cells.push(cell('list', { kind: 'get', paths: [list] }));
            if (workload === 'list-middle') {
                const cursor = await cursorAt(ctx.api.url, list, headers, Math.floor(size / 2));
                cells.push(cell('list-middle', { kind: 'get', paths: [`${list}?cursor=${encodeURIComponent(cursor)}`] }));
            }
        }
    }
    ctx.log(`Growth: orgs of ${sizes.join(', ')} templates (${tableRows} rows in the table)`);
    const results = await (0, measure_1.measureCells)(ctx.layout.benchOutDir, cells, ctx.options.repetitions, ctx.log);
    const figures = [...results.values()];
    return { sizes, workloads, concurrency, tableRows, figures, apiPeakRssMB: Math.max(...figures.map((f) => f.serverPeakRssMB)) };
}
async function cursorAt(apiUrl, listPath, headers, position) {
    let cursor;
    for (let remaining = position; remaining > 0;) {
        const limit = Math.min(200, remaining);
        const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
        const response = await fetch(`${apiUrl}${listPath}?${query}`, { headers });
        if (response.status !== 200)
            throw new Error(`list answered ${response.status}: ${await response.text()}`);
        const page = (await response.json());
        if (!page.next_cursor)
            throw new Error(`list of ${listPath} ended before position ${position}`);
        cursor = page.next_cursor;
        remaining -= limit;
    }
    if (!cursor)
        throw new Error('position must be at least 1');
    return cursor;
}
