/**
 * Checks responses against an OpenAPI 3.0 document with ajv: the document's schemas are
 * converted to JSON Schema by @openapi-contrib/openapi-schema-to-json-schema (nullable,
 * writeOnly properties removed from responses) and compiled once per (operation, status).
 */
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { openapiSchemaToJsonSchema } from '@openapi-contrib/openapi-schema-to-json-schema';

type Json = Record<string, any>;

export interface ObservedResponse {
  method: string;
  /** The concrete request path (`/api/v1beta1/orgs/o1/airuntime-templates/…`) or the route template. */
  path: string;
  status: number;
  contentType: string | undefined;
  /** The raw body text. */
  body: string;
}

const DOCUMENT_ID = 'openapi-document';

export class OpenApiValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; literals: number }[];

  constructor(private readonly document: Json) {
    addFormats(this.ajv);
    const schemas = Object.fromEntries(
      Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => [name, toJsonSchema(schema as Json)]),
    );
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas } });
    this.templates = Object.keys(document.paths ?? {}).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
      literals: template.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
    }));
  }

  /** The document's path template for a concrete path or a Fastify route (`:id`), or undefined. */
  pathTemplate(path: string): string | undefined {
    const bare = path.split('?')[0].replace(/:(\w+)/g, '{$1}');
    if (this.document.paths?.[bare]) return bare;
    const matches = this.templates.filter(({ pattern }) => pattern.test(bare)).sort((a, b) => b.literals - a.literals);
    return matches[0]?.template;
  }

  /** Problems with one response; [] when the document describes it. Paths outside the document are not checked. */
  check(response: ObservedResponse): string[] {
    const template = this.pathTemplate(response.path);
    if (!template) return [];
    const where = `${response.method.toUpperCase()} ${template} → ${response.status}`;
    const operation = this.document.paths[template]?.[response.method.toLowerCase()];
    if (!operation) return [`${where}: the document has no such operation`];
    const described = operation.responses?.[String(response.status)];
    if (!described) return [`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`];
    const mediaType = response.contentType?.split(';')[0].trim();
    if (!described.content) return response.body ? [`${where}: a body was sent but the document describes none`] : [];
    if (!mediaType || !described.content[mediaType]) return [`${where}: content-type ${mediaType} not documented`];
    if (mediaType !== 'application/json') return [];
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    const validate = this.validator(template, response.method.toLowerCase(), String(response.status), mediaType);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message} ${JSON.stringify(error.params)}`);
  }

  private validator(template: string, method: string, status: string, mediaType: string): ValidateFunction {
    const key = `${method} ${template} ${status}`;
    let validate = this.validators.get(key);
    if (!validate) {
      const schema = this.document.paths[template][method].responses[status].content[mediaType].schema as Json;
      validate = this.ajv.compile(toJsonSchema(schema));
      this.validators.set(key, validate);
    }
    return validate;
  }
}

/**
 * OpenAPI 3.0 schema → JSON Schema for a response; refs point into the registered document.
 * A writeOnly property must not appear in a response at all, so it becomes `not: {}`.
 */
function toJsonSchema(schema: Json): Json {
  const converted = openapiSchemaToJsonSchema(forbidWriteOnly(schema), { removeReadOnly: false }) as Json;
  delete converted.$schema;
  return JSON.parse(JSON.stringify(converted).replace(/"#\/components\/schemas\//g, `"${DOCUMENT_ID}#/components/schemas/`)) as Json;
}

function forbidWriteOnly(node: unknown): any {
  if (Array.isArray(node)) return node.map(forbidWriteOnly);
  if (!node || typeof node !== 'object') return node;
  const copy: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && value && typeof value === 'object') {
      copy.properties = Object.fromEntries(
        Object.entries(value as Json).map(([name, property]) => [name, (property as Json)?.writeOnly ? { not: {} } : forbidWriteOnly(property)]),
      );
    } else {
      copy[key] = forbidWriteOnly(value);
    }
  }
  return copy;
}
