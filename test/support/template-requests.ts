/** What a suite sends the templates API: the collection path and a valid create body. */
import { randomUUID } from 'node:crypto';

export const TEMPLATES_PATH = (orgId: string) => `/api/v1beta1/orgs/${orgId}/airuntime-templates`;

export function validTemplateBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `tpl ${randomUUID().slice(0, 8)}`,
    description: 'A test template',
    image: 'ghcr.io/acme/llm-server:1.0',
    category: 'LLM',
    ...overrides,
  };
}
