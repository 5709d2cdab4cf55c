import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { ErrorCode } from '@app/common';
import { TemplateWarningCode, ValidationErrorCode } from '@app/oci';
import { SPEC_FILE } from './support/openapi';

type Json = Record<string, any>;

/**
 * The served document contains the contract unchanged (every operation, parameter, response,
 * schema field, type, format, required flag and nullability), documents every extension, and
 * documents every route the server actually registers.
 */
describe('served OpenAPI document (e2e)', () => {
  const contract = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Json;
  let api: ApiHarness;
  let served: Json;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment());
    served = (await api.http.get('/openapi.json').expect(200)).body;
  });
  afterAll(() => api.close());

  it('is a valid OpenAPI 3.0 document (swagger-parser: schema and references)', async () => {
    expect(served.openapi).toBe('3.0.3');
    await expect(SwaggerParser.validate(structuredClone(served) as never)).resolves.toBeDefined();
    expect(served.components.securitySchemes).toEqual(contract.components.securitySchemes);
  });

  it('contains every schema of the contract unchanged', () => {
    for (const [name, schema] of Object.entries(contract.components.schemas as Json)) {
      expect({ name, problems: contains(served.components.schemas[name], schema, name) }).toEqual({ name, problems: [] });
    }
  });

  it('contains every operation of the contract with its parameters and responses', () => {
    for (const [path, operations] of Object.entries(contract.paths as Json)) {
      for (const [method, operation] of Object.entries(operations as Json)) {
        const mine = served.paths[path]?.[method];
        expect({ path, method, present: Boolean(mine) }).toEqual({ path, method, present: true });
        expect(mine.operationId).toBe(operation.operationId);
        for (const parameter of operation.parameters ?? []) {
          const match = mine.parameters.find((p: Json) => p.name === parameter.name && p.in === parameter.in);
          expect(contains(match, parameter, `${method} ${path} ${parameter.name}`)).toEqual([]);
        }
        expect(contains(mine.requestBody, operation.requestBody, `${method} ${path} body`)).toEqual([]);
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          expect(contains(mine.responses[status], response, `${method} ${path} ${status}`)).toEqual([]);
        }
      }
    }
  });

  it('documents the extensions', () => {
    const schemas = served.components.schemas;
    expect(schemas.CustomTemplateResponse.properties.status.enum).toEqual(['Inactive', 'Active']);
    expect(schemas.CustomTemplateResponse.properties.validation).toEqual({ $ref: '#/components/schemas/Validation' });
    expect(schemas.Validation.properties.state.enum).toEqual(['pending', 'running', 'passed', 'failed']);
    expect(schemas.Warning.required).toEqual(['code', 'message']);
    expect(schemas.CustomTemplateListResponse.properties.next_cursor.nullable).toBe(true);
    const list = served.paths['/api/v1beta1/orgs/{org_id}/airuntime-templates'].get;
    expect(list.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'status', 'category', 'name_prefix']));
    expect(served.paths['/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}'].patch).toBeDefined();
    expect(served.paths['/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}/validate'].post.responses['202']).toBeDefined();
    const create = served.paths['/api/v1beta1/orgs/{org_id}/airuntime-templates'].post;
    expect(create.parameters.map((p: Json) => p.name)).toContain('Idempotency-Key');
    expect(create.responses['422']).toBeDefined();
  });

  it('tells the truth about the server: every code as an enum, the headers it reads and sets', () => {
    const schemas = served.components.schemas;
    expect(schemas.ErrorResponse.properties.code.enum).toEqual(Object.values(ErrorCode));
    expect(schemas.Validation.properties.error.properties.code.enum).toEqual(Object.values(ValidationErrorCode));
    expect(schemas.Warning.properties.code.enum).toEqual(Object.values(TemplateWarningCode));
    expect(schemas.CustomTemplateResponse.properties.warnings.items).toEqual({ $ref: '#/components/schemas/Warning' });
    const create = served.paths['/api/v1beta1/orgs/{org_id}/airuntime-templates'].post;
    expect(create.parameters).toContainEqual(expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: false }));
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CustomTemplateResponse' });
    for (const [path, operations] of Object.entries(served.paths as Json)) {
      for (const [method, operation] of Object.entries(operations as Json)) {
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          expect({ at: `${method} ${path} ${status}`, requestId: Boolean(response.headers?.['x-request-id']) }).toEqual({
            at: `${method} ${path} ${status}`,
            requestId: true,
          });
        }
        expect(operation.responses['429'].headers['retry-after']).toBeDefined();
      }
    }
  });

  it('documents the registry credentials resource and the templates\' reference to it', () => {
    const schemas = served.components.schemas;
    const collection = served.paths['/api/v1beta1/orgs/{org_id}/registry-credentials'];
    const item = served.paths['/api/v1beta1/orgs/{org_id}/registry-credentials/{credential_id}'];
    expect(Object.keys(collection).sort()).toEqual(['get', 'post']);
    expect(Object.keys(item).sort()).toEqual(['delete', 'get', 'patch']);
    expect(item.delete.responses['409']).toBeDefined();
    expect(schemas.RegistryCredentialCreateRequest.oneOf).toHaveLength(2);
    expect(schemas.BasicRegistryCredentialRequest.properties.secret.writeOnly).toBe(true);
    expect(schemas.AwsEcrRegistryCredentialRequest.properties.aws_secret_access_key.writeOnly).toBe(true);
    expect(schemas.RegistryCredential.properties).not.toHaveProperty('secret');
    expect(schemas.RegistryCredential.properties).not.toHaveProperty('aws_secret_access_key');
    expect(schemas.CustomTemplateRequest.properties.registry_credential_id.format).toBe('uuid');
    expect(schemas.CustomTemplateResponse.properties.registry_credential_id.nullable).toBe(true);
    expect(schemas.ErrorResponse.properties.code.enum).toContain('credential_in_use');
    expect(schemas.Warning.properties.code.enum).toContain('credentials_expire_soon');
  });

  it('documents every API route the server registers, and nothing it does not', () => {
    const documented = Object.entries(served.paths as Json).flatMap(([path, operations]) =>
      Object.keys(operations as Json).map((method) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const apiRoutes = api.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'head').map((r) => `${r.method} ${r.url}`);
    expect([...new Set(apiRoutes)].sort()).toEqual([...documented].sort());
  });

  it('renders the document at /docs', async () => {
    const page = await api.http.get('/docs').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('/openapi.json');
    const bundle = await api.http.get('/docs/swagger-ui-bundle.js').expect(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    await api.http.get('/docs/../../package.json').expect(404);
  });
});

/** Every key of `expected` is in `actual` with an equal value (recursively); arrays must be equal. */
function contains(actual: unknown, expected: unknown, at: string): string[] {
  if (expected === undefined) return [];
  if (Array.isArray(expected)) {
    return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [`${at}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return [`${at}: missing`];
    return Object.entries(expected).flatMap(([key, value]) => contains((actual as Json)[key], value, `${at}.${key}`));
  }
  return actual === expected ? [] : [`${at}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`];
}
