/**
 * The seed contract (the project's copy in spec/) as a response checker: suites that want to
 * show a response is exactly what the contract promises call `expectMatchesResponse`. It
 * checks with ajv (./contract/openapi-validator.ts). Every response is also checked against
 * the full generated document automatically (./contract/response-contract.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenApiValidator } from './contract/openapi-validator';

export const SPEC_FILE = path.resolve(__dirname, '../../spec/custom-airuntime-templates.openapi.json');
export const LIST_PATH = '/api/v1beta1/orgs/{org_id}/airuntime-templates';
export const ITEM_PATH = '/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}';

let seed: OpenApiValidator | undefined;

/** Throws with every problem listed when `body` is not what the seed contract documents for that response. */
export function expectMatchesResponse(body: unknown, pathKey: string, method: string, status: number): void {
  seed ??= new OpenApiValidator(JSON.parse(readFileSync(SPEC_FILE, 'utf8')) as Record<string, unknown>);
  const problems = seed.check({ method, path: pathKey, status, contentType: 'application/json', body: JSON.stringify(body) });
  if (problems.length) throw new Error(`response does not match the spec:\n${problems.join('\n')}`);
}
