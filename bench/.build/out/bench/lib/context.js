"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.sleep = exports.newOrgId = exports.templatesPath = void 0;
exports.authHeaders = authHeaders;
exports.templateBody = templateBody;
exports.mapConcurrently = mapConcurrently;
const node_crypto_1 = require("node:crypto");
const templatesPath = (orgId) => `/api/v1beta1/orgs/${orgId}/airuntime-templates`;
exports.templatesPath = templatesPath;
const newOrgId = (label) => `bench-${label}-${(0, node_crypto_1.randomUUID)().slice(0, 8)}`;
exports.newOrgId = newOrgId;
async function authHeaders(ctx, orgId) {
    return { authorization: `Bearer ${await ctx.idp.token([orgId], { expiresIn: '2h' })}` };
}
function templateBody(images, image, name) {
    return {
        ...(name ? { name } : {}),
        description: 'Benchmark template',
        image,
        category: 'LLM',
        oci_registry_username: images.reader.username,
        oci_registry_token: images.reader.password,
    };
}
async function mapConcurrently(items, limit, work) {
    const results = new Array(items.length);
    let next = 0;
    const lane = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await work(items[index], index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
    return results;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
exports.sleep = sleep;
