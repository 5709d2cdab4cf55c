import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The contract, from the copy kept in the project (spec/). */
export const SPEC_FILE = path.resolve(__dirname, '../../spec/custom-airuntime-templates.openapi.json');
type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  writeOnly?: boolean;
};

const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Returns the list of violations of `value` against `schema` (empty when it conforms). */
export function violations(value: unknown, schema: Schema, at = '$'): string[] {
  if (schema.$ref) return violations(value, resolve(schema.$ref), at);
  if (value === null) return schema.nullable ? [] : [`${at} is null but not nullable`];
  const problems: string[] = [];
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at} is not an object`];
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in record)) problems.push(`${at}.${key} is required`);
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (!(key in record)) continue;
        if (child.writeOnly) problems.push(`${at}.${key} is writeOnly and must not be returned`);
        problems.push(...violations(record[key], child, `${at}.${key}`));
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at} is not an array`];
      value.forEach((item, index) => problems.push(...violations(item, schema.items ?? {}, `${at}[${index}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') return [`${at} is not a string`];
      if (schema.format === 'uuid' && !UUID.test(value)) problems.push(`${at} is not a uuid`);
      if (schema.format === 'date-time' && !DATE_TIME.test(value)) problems.push(`${at} is not a date-time`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) return [`${at} is not an integer`];
      if (schema.format === 'int32' && ((value as number) < -(2 ** 31) || (value as number) >= 2 ** 31)) problems.push(`${at} exceeds int32`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${at} is not a boolean`];
      break;
    default:
      break;
  }
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${at} is not one of ${schema.enum.join(', ')}`);
  return problems;
}

export function componentSchema(name: string): Schema {
  return resolve(`#/components/schemas/${name}`);
}

/** The schema of one documented response, e.g. responseSchema('/…/{template_id}', 'get', '200'). */
export function responseSchema(pathKey: string, method: string, status: string): Schema {
  const response = spec.paths[pathKey]?.[method]?.responses?.[status];
  if (!response) throw new Error(`spec has no ${method.toUpperCase()} ${pathKey} ${status}`);
  const schema = response.content?.['application/json']?.schema;
  if (!schema) throw new Error(`spec response ${method} ${pathKey} ${status} has no JSON schema`);
  return schema;
}

export const LIST_PATH = '/api/v1beta1/orgs/{org_id}/airuntime-templates';
export const ITEM_PATH = '/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}';

/** Jest-friendly: throws with every violation listed. */
export function expectMatchesResponse(body: unknown, pathKey: string, method: string, status: number): void {
  const problems = violations(body, responseSchema(pathKey, method, String(status)));
  if (problems.length) throw new Error(`response does not match the spec:\n${problems.join('\n')}`);
}

function resolve(ref: string): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = spec.components.schemas[name];
  if (!schema) throw new Error(`unknown schema ${ref}`);
  return schema;
}
