/**
 * The baseline for the API's GET: what a minimal server needs to answer the same request
 * from the same table of the same Postgres. Fastify 5 and a `pg` pool of 10 (the API's default
 * DATABASE_POOL_SIZE), one named prepared statement selecting the same columns, and the same
 * JSON shape. No Nest, no Prisma, no logging, no metrics.
 *
 * VERIFY_JWT=1 adds what the API must do on every request: verify the RS256 bearer token
 * against the JWKS file (jose, as the API does) and check the org claim. Comparing the two
 * shows how much of the gap is authentication rather than the framework.
 *
 * It lives here, not in the product, on purpose; the mapping is written out again rather
 * than imported so that the baseline does not move when the product does.
 */
import Fastify, { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, JSONWebKeySet, jwtVerify } from 'jose';
import { Pool } from 'pg';

const env = process.env;
const pool = new Pool({ connectionString: env.DATABASE_URL, max: 10 });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SELECT_ONE = `
  SELECT id, org_id, name, description, category, image, oci_registry_username,
         (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
         created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
         validation_checked_at, validation_attempts, registry_credential_id
  FROM templates WHERE id = $1::uuid AND org_id = $2`;

interface Row {
  id: string;
  org_id: string;
  name: string;
  description: string;
  category: string;
  image: string;
  oci_registry_username: string | null;
  status: string;
  apps: unknown[] | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  validation_state: string;
  validation_error: unknown;
  validation_report: unknown;
  validation_checked_at: Date | null;
  validation_attempts: number;
  registry_credential_id: string | null;
}

const keySet = env.VERIFY_JWT === '1' ? createLocalJWKSet(JSON.parse(readFileSync(env.AUTH_JWKS_FILE ?? '', 'utf8')) as JSONWebKeySet) : null;

async function authorize(request: FastifyRequest<{ Params: { org_id: string } }>, reply: FastifyReply): Promise<boolean> {
  if (!keySet) return true;
  const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  try {
    if (!token) throw new Error('no token');
    const { payload } = await jwtVerify(token, keySet, { algorithms: ['RS256'], issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE });
    const orgs = (payload as { orgs?: unknown }).orgs;
    if (Array.isArray(orgs) && orgs.includes(request.params.org_id)) return true;
    reply.code(403).send({ code: 'forbidden', message: 'Not a member of this organization' });
  } catch {
    reply.code(401).send({ code: 'unauthorized', message: 'Access token is invalid' });
  }
  return false;
}

/** As the API pins it: `registry/repository@<platform digest>` of an Active template (the stored image is canonical). */
function resolvedImage(row: Row): string | null {
  const digest = (row.validation_report as { platform_digest?: string } | null)?.platform_digest;
  if (row.status !== 'Active' || !digest) return null;
  const name = row.image.split('@')[0];
  const lastSlash = name.lastIndexOf('/');
  const tagAt = name.indexOf(':', lastSlash);
  return `${tagAt > lastSlash ? name.slice(0, tagAt) : name}@${digest}`;
}

const app = Fastify({ logger: false });

app.get('/healthz', async () => ({ status: 'ok' }));

app.get<{ Params: { org_id: string; template_id: string } }>(
  '/api/v1beta1/orgs/:org_id/airuntime-templates/:template_id',
  async (request, reply) => {
    if (!(await authorize(request, reply))) return reply;
    const { org_id: orgId, template_id: templateId } = request.params;
    const rows = UUID.test(templateId)
      ? (await pool.query<Row>({ name: 'select-template', text: SELECT_ONE, values: [templateId, orgId] })).rows
      : [];
    if (rows.length === 0) return reply.code(404).send({ code: 'not_found', message: 'Template not found' });
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
      registry_credential_id: row.registry_credential_id,
      status: row.status,
      resolved_image: resolvedImage(row),
      validation: {
        state: row.validation_state,
        error: row.validation_error,
        checked_at: row.validation_checked_at?.toISOString() ?? null,
        attempts: row.validation_attempts,
        report: row.validation_report,
      },
    };
  },
);

app.listen({ port: Number(env.PORT ?? 3100), host: '127.0.0.1' }).catch((error: Error) => {
  process.stderr.write(`baseline failed to start: ${error.message}\n`);
  process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}
