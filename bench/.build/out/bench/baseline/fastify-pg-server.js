"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const fastify_1 = __importDefault(require("fastify"));
const node_fs_1 = require("node:fs");
const jose_1 = require("jose");
const pg_1 = require("pg");
const env = process.env;
const pool = new pg_1.Pool({ connectionString: env.DATABASE_URL, max: 10 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SELECT_ONE = `
  SELECT id, org_id, name, description, category, image, oci_registry_username,
         (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
         created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
         validation_checked_at, validation_attempts
  FROM templates WHERE id = $1::uuid AND org_id = $2`;
const keySet = env.VERIFY_JWT === '1' ? (0, jose_1.createLocalJWKSet)(JSON.parse((0, node_fs_1.readFileSync)(env.AUTH_JWKS_FILE ?? '', 'utf8'))) : null;
async function authorize(request, reply) {
    if (!keySet)
        return true;
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    try {
        if (!token)
            throw new Error('no token');
        const { payload } = await (0, jose_1.jwtVerify)(token, keySet, { algorithms: ['RS256'], issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE });
        const orgs = payload.orgs;
        if (Array.isArray(orgs) && orgs.includes(request.params.org_id))
            return true;
        reply.code(403).send({ code: 'forbidden', message: 'Not a member of this organization' });
    }
    catch {
        reply.code(401).send({ code: 'unauthorized', message: 'Access token is invalid' });
    }
    return false;
}
const app = (0, fastify_1.default)({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.get('/api/v1beta1/orgs/:org_id/airuntime-templates/:template_id', async (request, reply) => {
    if (!(await authorize(request, reply)))
        return reply;
    const { org_id: orgId, template_id: templateId } = request.params;
    const rows = UUID.test(templateId)
        ? (await pool.query({ name: 'select-template', text: SELECT_ONE, values: [templateId, orgId] })).rows
        : [];
    if (rows.length === 0)
        return reply.code(404).send({ code: 'not_found', message: 'Template not found' });
    const row = rows[0];
    return {
        id: row.id,
        name: row.name,
        description: row.description,
        image: row.image,
        oci_registry_username: row.oci_registry_username,
        apps: row.apps ?? [],
        owner_org_id: row.org_id,
        created_by: row.created_by,
        category: row.category,
        created_at: row.created_at.toISOString(),
        updated_at: row.updated_at.toISOString(),
        status: row.status,
        validation: {
            state: row.validation_state,
            error: row.validation_error,
            checked_at: row.validation_checked_at?.toISOString() ?? null,
            attempts: row.validation_attempts,
            report: row.validation_report,
        },
    };
});
app.listen({ port: Number(env.PORT ?? 3100), host: '127.0.0.1' }).catch((error) => {
    process.stderr.write(`baseline failed to start: ${error.message}\n`);
    process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
    process.once(signal, () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}
