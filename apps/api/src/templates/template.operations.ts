import { z } from 'zod';
import { ApiTag, defineOperation } from '../contract/operation';
import { OrgPathParams } from '../contract/common.schemas';
import {
  DeleteTemplateResponseSchema,
  ListTemplatesQuerySchema,
  TemplateCreateRequestSchema,
  TemplateListResponseSchema,
  TemplatePathParams,
  TemplateResponseSchema,
  TemplateUpdateRequestSchema,
} from './template.schemas';

export const TEMPLATES_TAG: ApiTag = {
  name: 'Custom AIRuntime Templates',
  description:
    "Create and manage **Custom Templates** — organization-scoped container configurations built from your own private images. Custom templates let you standardize your team's GPU environment and reuse it across multiple GPU Instances.\n",
};
const COLLECTION = '/api/v1beta1/orgs/{org_id}/airuntime-templates';
const ITEM = `${COLLECTION}/{template_id}`;
const NOT_FOUND = 'Template not found.';
const NAME_TAKEN = 'A template with the same name already exists in this org.';

/** Visible ASCII, at most 255 characters: what a retry sends again unchanged. */
export const IdempotencyKeySchema = z
  .string({ error: 'must be 1 to 255 visible ASCII characters' })
  .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
  .optional()
  .meta({ maxLength: 255 });

/** The templates resource's operations: the seed's four, PATCH and validate. */
export const TemplateOperations = {
  list: defineOperation({
    method: 'get',
    path: COLLECTION,
    operationId: 'listOrgAIRuntimeTemplates',
    tags: [TEMPLATES_TAG],
    summary: 'List custom AIRuntime Templates',
    description: 'Retrieves a list of custom AIRuntime Templates for the organization.',
    params: OrgPathParams,
    query: ListTemplatesQuerySchema,
    success: { status: 200, description: 'A list of custom AIRuntime Templates.', schema: TemplateListResponseSchema },
    errors: { 400: 'Invalid query parameter.' },
  }),
  create: defineOperation({
    method: 'post',
    path: COLLECTION,
    operationId: 'createOrgAIRuntimeTemplate',
    tags: [TEMPLATES_TAG],
    summary: 'Create a custom AIRuntime Template',
    description:
      "Creates a new custom AIRuntime Template scoped to the organization. The image is validated asynchronously; the template starts as 'Inactive' and is only switched to 'Active' once validation passes.",
    params: OrgPathParams,
    headers: {
      'Idempotency-Key': {
        description:
          'A retry with the same key and body (same org and caller, within 24 h) returns the original response and creates nothing.',
        schema: IdempotencyKeySchema,
      },
    },
    body: { schema: TemplateCreateRequestSchema },
    success: {
      status: 201,
      description: 'The custom template was created and image validation has started.',
      schema: TemplateResponseSchema,
      headers: {
        'idempotent-replayed': {
          description: 'With an Idempotency-Key: `true` when this is the stored response of an earlier request.',
          schema: z.enum(['true', 'false']),
        },
      },
    },
    errors: {
      400: 'Invalid request (validation error or org quota exceeded).',
      404: 'The registry credential named by registry_credential_id does not exist in this org.',
      409: NAME_TAKEN,
      422: 'Idempotency-Key reused with a different request body.',
    },
  }),
  get: defineOperation({
    method: 'get',
    path: ITEM,
    operationId: 'getOrgAIRuntimeTemplate',
    tags: [TEMPLATES_TAG],
    summary: 'Get a custom AIRuntime Template',
    description: 'Retrieves the details of a specific custom AIRuntime Template.',
    params: TemplatePathParams,
    success: { status: 200, description: 'Detailed information about the custom template.', schema: TemplateResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  update: defineOperation({
    method: 'patch',
    path: ITEM,
    operationId: 'updateOrgAIRuntimeTemplate',
    tags: [TEMPLATES_TAG],
    summary: 'Update a custom AIRuntime Template',
    description:
      'Changes the given fields. A new image or new credentials send the template back to Inactive and start a new validation.',
    params: TemplatePathParams,
    body: { schema: TemplateUpdateRequestSchema },
    success: { status: 200, description: 'The updated template.', schema: TemplateResponseSchema },
    errors: { 400: 'Invalid request.', 404: NOT_FOUND, 409: NAME_TAKEN },
  }),
  validate: defineOperation({
    method: 'post',
    path: `${ITEM}/validate`,
    operationId: 'validateOrgAIRuntimeTemplate',
    tags: [TEMPLATES_TAG],
    summary: 'Validate a template again',
    description:
      'Queues a fresh validation of the image (useful after fixing something in the registry). Repeated calls while one is queued do not add jobs. The status changes only when the validation ends.',
    params: TemplatePathParams,
    success: { status: 202, description: 'Validation queued.', schema: TemplateResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  delete: defineOperation({
    method: 'delete',
    path: ITEM,
    operationId: 'deleteOrgAIRuntimeTemplate',
    tags: [TEMPLATES_TAG],
    summary: 'Delete a custom AIRuntime Template',
    description: 'Permanently deletes a custom AIRuntime Template.',
    params: TemplatePathParams,
    success: { status: 200, description: 'The template was deleted successfully.', schema: DeleteTemplateResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
};
