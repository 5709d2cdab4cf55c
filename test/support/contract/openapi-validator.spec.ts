import { OpenApiValidator } from './openapi-validator';

const document = {
  openapi: '3.0.3',
  components: {
    schemas: {
      Thing: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid' },
          note: { type: 'string', nullable: true },
          secret: { type: 'string', writeOnly: true },
          at: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
  paths: {
    '/api/things/{id}': {
      get: {
        responses: {
          '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
          '404': { description: 'missing', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
    '/api/things/special': { get: { responses: { '204': { description: 'nothing' } } } },
  },
};
const id = '7c0e2a4e-5a39-4c1e-9f64-0f3f3c1f6a2d';
const validator = new OpenApiValidator(document);
const get = (path: string, status: number, body: unknown, contentType = 'application/json') =>
  validator.check({ method: 'GET', path, status, contentType, body: body === undefined ? '' : JSON.stringify(body) });

describe('OpenApiValidator', () => {
  it('accepts what the document describes, nullable included', () => {
    expect(get(`/api/things/${id}`, 200, { id, note: null, at: '2026-12-01T10:00:00.000Z' })).toEqual([]);
    expect(get('/api/things/special', 204, undefined, '')).toEqual([]);
  });

  it('matches concrete paths and Fastify routes to the most specific template', () => {
    expect(validator.pathTemplate('/api/things/special')).toBe('/api/things/special');
    expect(validator.pathTemplate(`/api/things/${id}?x=1`)).toBe('/api/things/{id}');
    expect(validator.pathTemplate('/api/things/:id')).toBe('/api/things/{id}');
    expect(validator.pathTemplate('/elsewhere')).toBeUndefined();
  });

  it('refuses undocumented statuses, fields, formats, types and returned writeOnly fields', () => {
    expect(get(`/api/things/${id}`, 500, {})[0]).toMatch(/status not documented/);
    expect(get(`/api/things/${id}`, 200, { id, extra: 1 })[0]).toMatch(/additional/);
    expect(get(`/api/things/${id}`, 200, { id: 'not-a-uuid' })[0]).toMatch(/format/);
    expect(get(`/api/things/${id}`, 200, { id, note: 5 })[0]).toMatch(/must be string/);
    expect(get(`/api/things/${id}`, 200, { id, secret: 's3cret' }).join()).toMatch(/secret/);
    expect(get(`/api/things/${id}`, 200, { id }, 'text/plain')[0]).toMatch(/content-type/);
    expect(validator.check({ method: 'POST', path: `/api/things/${id}`, status: 200, contentType: 'application/json', body: '{}' })[0]).toMatch(
      /no such operation/,
    );
  });
});
