import { z } from 'zod';
import { ErrorResponseSchema } from './common.schemas';
import { JsonSchema, objectOf, SchemaCollector } from './json-schema';
import { ApiTag, HeaderDefinition, OperationDefinition } from './operation';

/**
 * Generates the OpenAPI 3.0 document of the API from its operation definitions (collected
 * from the registered `@Endpoint`s at boot). Nothing here describes a resource: the texts
 * below are the seed document's own (title, server, security scheme) and what every
 * operation shares (authentication errors, request id, rate-limit headers).
 */

const SECURITY_SCHEMES = {
  BearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      'Obtain an **`access_token`** from `POST /api/v1/auth/login` on the tenant API (same credentials as the console). In Authorize, paste **only that token** — do not prepend `Bearer`, and do not use inference keys (`sk-nc-*`).\n',
  },
};

const REQUEST_ID: HeaderDefinition = {
  description: "The request id: the caller's `x-request-id` when it is sane, else a fresh one. Quote it when reporting a problem.",
  schema: z.string(),
};
const RETRY_AFTER: HeaderDefinition = { description: 'Seconds to wait before retrying.', schema: z.string() };
const RATE_LIMIT_HEADERS: Record<string, HeaderDefinition> = {
  'ratelimit-limit': { description: 'Requests allowed per caller per window (absent while the limiter is unavailable).', schema: z.string() },
  'ratelimit-remaining': { description: 'Requests left in the current window.', schema: z.string() },
};

/** What every authenticated operation can answer besides its own outcomes. */
const STANDARD_ERRORS: Record<number, { description: string; headers?: Record<string, HeaderDefinition> }> = {
  401: { description: 'Unauthorized.' },
  403: { description: 'The caller is not a member of the organization.' },
  429: { description: 'Too many requests; retry after the number of seconds in Retry-After.', headers: { 'retry-after': RETRY_AFTER } },
  500: { description: 'Internal server error.' },
  503: { description: 'A dependency is unavailable; retry later.', headers: { 'retry-after': RETRY_AFTER } },
};
const BODY_TOO_LARGE = 'Request body larger than 64 KiB.';

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
  servers: { url: string; description: string }[];
}

export function buildOpenApiDocument(info: DocumentInfo, operations: readonly OperationDefinition[]): JsonSchema {
  const schemas = new SchemaCollector();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Map<string, ApiTag>();
  for (const operation of operations) {
    const item = (paths[operation.path] ??= {});
    if (item[operation.method]) throw new Error(`two operations for ${operation.method.toUpperCase()} ${operation.path}`);
    item[operation.method] = describeOperation(operation, schemas);
    for (const tag of operation.tags) tags.set(tag.name, tag);
  }
  const ids = operations.map((operation) => operation.operationId);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (repeated.length) throw new Error(`operationId used twice: ${repeated.join(', ')}`);
  return {
    openapi: '3.0.3',
    info: { title: info.title, version: info.version, description: info.description },
    tags: [...tags.values()],
    servers: info.servers,
    security: [{ BearerAuth: [] }],
    components: { securitySchemes: SECURITY_SCHEMES, schemas: schemas.components },
    paths,
  };
}

function describeOperation(operation: OperationDefinition, schemas: SchemaCollector): JsonSchema {
  const parameters = [
    ...objectParameters('path', operation.params, schemas),
    ...(operation.query ? objectParameters('query', objectOf(operation.query), schemas) : []),
    ...Object.entries(operation.headers ?? {}).map(([name, header]) => ({
      in: 'header',
      name,
      required: !header.schema.safeParse(undefined).success,
      schema: schemas.schema(header.schema, 'input'),
      description: header.description,
    })),
  ];
  const described: JsonSchema = {
    tags: operation.tags.map((tag) => tag.name),
    summary: operation.summary,
    description: operation.description,
    operationId: operation.operationId,
    parameters,
  };
  if (operation.body) {
    described.requestBody = {
      required: true,
      ...(operation.body.description ? { description: operation.body.description } : {}),
      content: { 'application/json': { schema: schemas.schema(operation.body.schema, 'input') } },
    };
  }
  if (operation.authenticated === false) described.security = [];
  described.responses = describeResponses(operation, schemas);
  return described;
}

function describeResponses(operation: OperationDefinition, schemas: SchemaCollector): Record<string, JsonSchema> {
  const authenticated = operation.authenticated !== false;
  const common = authenticated ? RATE_LIMIT_HEADERS : {};
  const { status, description, schema, content, headers } = operation.success;
  const responses: Record<string, JsonSchema> = {
    [status]: {
      description,
      headers: describeHeaders({ ...headers, ...common, 'x-request-id': REQUEST_ID }, schemas),
      ...(schema ? { content: { 'application/json': { schema: schemas.schema(schema, 'output') } } } : {}),
      ...(content ? { content: { [content.mediaType]: { schema: { type: 'string', description: content.description } } } } : {}),
    },
  };
  const errors: Record<number, { description: string; headers?: Record<string, HeaderDefinition> }> = {
    ...(authenticated ? STANDARD_ERRORS : { 500: STANDARD_ERRORS[500] }),
  };
  if (operation.body) errors[413] = { description: BODY_TOO_LARGE };
  for (const [code, text] of Object.entries(operation.errors)) errors[Number(code)] = { ...errors[Number(code)], description: text };
  const errorBody = { 'application/json': { schema: schemas.schema(ErrorResponseSchema, 'output') } };
  for (const code of Object.keys(errors).map(Number).sort((a, b) => a - b)) {
    responses[code] = {
      description: errors[code].description,
      headers: describeHeaders({ ...errors[code].headers, 'x-request-id': REQUEST_ID }, schemas),
      content: errorBody,
    };
  }
  return responses;
}

function objectParameters(location: 'path' | 'query', object: z.ZodObject, schemas: SchemaCollector): JsonSchema[] {
  const json = schemas.schema(object, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...schema } = property;
    return {
      in: location,
      name,
      ...(location === 'path' || json.required?.includes(name) ? { required: true } : {}),
      schema,
      ...(description ? { description } : {}),
    };
  });
}

function describeHeaders(headers: Record<string, HeaderDefinition>, schemas: SchemaCollector): JsonSchema {
  return Object.fromEntries(
    Object.entries(headers).map(([name, header]) => [name, { description: header.description, schema: schemas.schema(header.schema, 'output') }]),
  );
}
