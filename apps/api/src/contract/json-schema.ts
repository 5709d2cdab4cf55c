import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const COMPONENT_REF = '#/components/schemas/';

/**
 * Turns zod schemas into OpenAPI 3.0 schemas (zod's own `toJSONSchema`, target openapi-3.0)
 * and collects every schema that has a `meta({id})` as a named component, referenced by
 * `$ref`. Requests are documented as the caller writes them (`io: 'input'`), responses as the
 * server writes them (`io: 'output'`); a component that would come out differently in the two
 * is refused at boot, so the document cannot silently describe one of them wrongly.
 */
export class SchemaCollector {
  readonly components: Record<string, JsonSchema> = {};

  schema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const { definitions, ...top } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'throw' }) as JsonSchema & {
      definitions?: Record<string, JsonSchema>;
    };
    for (const [name, definition] of Object.entries(definitions ?? {})) this.addComponent(name, definition);
    return clean(top);
  }

  private addComponent(name: string, definition: JsonSchema): void {
    const schema = clean(definition);
    const existing = this.components[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`OpenAPI component ${name} differs between its uses (a request and a response?): give each its own id`);
    }
    this.components[name] = schema;
  }
}

/** Refs point at components; zod's `$id`/`$schema` bookkeeping is dropped. */
function clean(node: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(node), (key, value: unknown) => {
    if (key === '$ref' && typeof value === 'string') return value.replace(/^#\/definitions\//, COMPONENT_REF);
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const { $id: _id, $schema: _schema, ...rest } = value as JsonSchema;
      // OpenAPI 3.0.3: `nullable` only counts next to `type`; a nullable $ref would document null as invalid.
      if (rest.nullable && !rest.type) throw new Error('a nullable schema without a type (a nullable component?): inline it instead');
      return rest;
    }
    return value;
  }) as JsonSchema;
}

/** The object schema under a query/body schema that may be wrapped in a transform. */
export function objectOf(schema: z.ZodType): z.ZodObject {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodPipe) current = current.in as z.ZodType;
  if (!(current instanceof z.ZodObject)) throw new Error('expected an object schema');
  return current;
}
