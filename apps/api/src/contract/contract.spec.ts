import { z } from 'zod';
import { DomainError } from '@app/common';
import { buildOpenApiDocument } from './openapi-document';
import { defineOperation } from './operation';
import { SchemaPipe } from './schema-pipe';
import { boundedString, OrgPathParams, queryInteger, requiredString } from './common.schemas';

const info = { title: 't', version: '1', description: 'd', servers: [] };
const failure = (run: () => unknown): DomainError => {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a failure');
};

describe('SchemaPipe', () => {
  const Body = z.strictObject({ name: boundedString(3, 10), tags: z.array(z.strictObject({ key: requiredString() })).optional() });
  const pipe = new SchemaPipe(Body, 'body', { readOnlyKeys: new Set(['id']) });

  it('returns the parsed value', () => {
    expect(pipe.transform({ name: 'abc' })).toEqual({ name: 'abc' });
  });

  it('names the field first, with nested paths written as callers write them', () => {
    expect(failure(() => pipe.transform({ name: 'ab' })).message).toBe('name: must be 3 to 10 characters long');
    expect(failure(() => pipe.transform({ name: 'abc', tags: [{ key: 'a' }, {}] })).message).toBe('tags[1].key: is required');
    expect(failure(() => pipe.transform({})).message).toBe('name: is required');
  });

  it('refuses unknown keys before anything else, and read-only ones as such', () => {
    expect(failure(() => pipe.transform({ name: 'x', extra: 1 })).message).toBe('extra: is not a known field');
    expect(failure(() => pipe.transform({ name: 'x', id: 'y' })).message).toBe('id: is read-only and cannot be set');
    expect(failure(() => pipe.transform({ name: 'abc', ['k'.repeat(100)]: 1 })).message).toMatch(/^k{64}…: is not a known field$/);
    expect(failure(() => pipe.transform({ name: 'abc', tags: [{ key: 'a', extra: 1 }] })).message).toBe('tags[0].extra: is not a known field');
    expect(failure(() => pipe.transform({ name: 'abc', tags: [{ key: 'a', id: 1 }] })).message).toBe('tags[0].id: is read-only and cannot be set');
  });

  it('says what the body should be when it is not an object, and names a header by its name', () => {
    expect(failure(() => pipe.transform([1])).message).toBe('body: must be a JSON object');
    const header = new SchemaPipe(z.string().regex(/^a+$/, 'must be a run of a'), 'header', { field: 'X-Thing' });
    expect(failure(() => header.transform('b')).message).toBe('X-Thing: must be a run of a');
    expect(failure(() => header.transform('b')).code).toBe('validation_error');
  });

  it('takes query integers from digits only', () => {
    const query = new SchemaPipe(z.strictObject({ limit: queryInteger(1, 5).optional() }), 'query');
    expect(query.transform({ limit: '3' })).toEqual({ limit: 3 });
    expect(failure(() => query.transform({ limit: '3.0' })).message).toBe('limit: must be a whole number from 1 to 5');
    expect(failure(() => query.transform({ limit: ['1', '2'] })).message).toBe('limit: must be given once');
    expect(failure(() => query.transform({ other: '1' })).message).toBe('other: is not a known query parameter');
  });
});

describe('buildOpenApiDocument', () => {
  const Thing = z.object({ id: z.string() }).meta({ id: 'Thing' });
  const operation = (overrides: Partial<Parameters<typeof defineOperation>[0]> = {}) =>
    defineOperation({
      method: 'get',
      path: '/api/orgs/{org_id}/things',
      operationId: 'listThings',
      tags: [{ name: 'Things', description: 'things' }],
      summary: 's',
      description: 'd',
      params: OrgPathParams,
      success: { status: 200, description: 'ok', schema: Thing },
      errors: { 404: 'missing' },
      ...overrides,
    });

  it('documents components by id, standard errors, the request id and a body limit for bodies', () => {
    const NewThing = z.strictObject({ id: z.string() }).meta({ id: 'NewThing' });
    const document = buildOpenApiDocument(info, [operation(), operation({ method: 'post', operationId: 'addThing', body: { schema: NewThing } })]) as any;
    expect(document.components.schemas.Thing).toEqual({ type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false });
    const list = document.paths['/api/orgs/{org_id}/things'].get;
    expect(Object.keys(list.responses)).toEqual(['200', '401', '403', '404', '429', '500', '503']);
    expect(list.responses['200'].headers['x-request-id']).toBeDefined();
    expect(Object.keys(document.paths['/api/orgs/{org_id}/things'].post.responses)).toContain('413');
  });

  it('refuses what would make the document lie or be ambiguous', () => {
    expect(() => buildOpenApiDocument(info, [operation(), operation()])).toThrow(/two operations/);
    expect(() => buildOpenApiDocument(info, [operation(), operation({ method: 'post' })])).toThrow(/operationId used twice/);
    const nullableRef = operation({ success: { status: 200, description: 'ok', schema: z.object({ thing: Thing.nullable() }) } });
    expect(() => buildOpenApiDocument(info, [nullableRef])).toThrow(/nullable/);
    expect(() => operation({ path: '/api/orgs/{org_id}/things/{thing_id}' })).toThrow(/path parameters/);
    // z.object strips unknown keys on output but accepts them on input: one id cannot describe both.
    const sameIdBothWays = operation({ method: 'post', operationId: 'addThing', body: { schema: Thing } });
    expect(() => buildOpenApiDocument(info, [operation(), sameIdBothWays])).toThrow(/differs between its uses/);
  });
});
