import { ErrorCode } from '@app/common';
import { MAX_CATEGORY_LENGTH, MAX_DESCRIPTION_LENGTH, MAX_TOKEN_LENGTH, MAX_USERNAME_LENGTH } from '../templates/dto/create-template.request';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../templates/dto/list-templates.query';

/**
 * The OpenAPI 3 document of the whole API, served at /openapi.json. It is assembled here from
 * the limits and codes the request parsers use, and contains the contract document
 * (spec/custom-airuntime-templates.openapi.json) unchanged, plus the documented extensions:
 * status values, validation, warnings, pagination, PATCH and validate. A test compares both
 * and checks that every route the server registers is documented.
 */
type Schema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const orgId = { in: 'path', name: 'org_id', required: true, schema: { type: 'string' }, description: 'The organization identifier.' };
const templateId = {
  in: 'path',
  name: 'template_id',
  required: true,
  schema: { type: 'string' },
  description: 'The unique identifier of the template.',
};
const TAG = 'Custom AIRuntime Templates';

function errorResponse(description: string) {
  return { description, content: json(ref('ErrorResponse')) };
}
const unauthorized = errorResponse('Unauthorized.');
const forbidden = errorResponse('The caller is not a member of the organization (extension).');
const internal = errorResponse('Internal server error.');
const unavailable = errorResponse('A dependency (the database) is unavailable; retry later (extension).');
const rateLimited = errorResponse('Too many requests; retry after the number of seconds in Retry-After (extension).');
/** What every operation can answer besides its own outcomes. */
const STANDARD_ERRORS = { '401': unauthorized, '403': forbidden, '429': rateLimited, '500': internal, '503': unavailable };

const APP_SPEC: Schema = {
  type: 'object',
  description: 'Defines an application available in the template.',
  required: ['name', 'port', 'protocol', 'isUI'],
  properties: {
    name: { type: 'string', description: 'The name of the application.' },
    port: { type: 'integer', format: 'int32', description: 'The port number for the application.' },
    protocol: {
      type: 'string',
      enum: ['HTTP', 'TCP', 'UDP', 'WebSocket'],
      description: 'The network protocol used by the application.',
    },
    isUI: { type: 'boolean', description: 'Whether this application provides a user interface.' },
  },
};

const VALIDATION: Schema = {
  type: 'object',
  description:
    'Extension: the image validation the worker runs against the registry. `state` is pending until a worker picks it up, running while it checks, then passed or failed.',
  required: ['state', 'error', 'checked_at', 'attempts', 'report'],
  properties: {
    state: { type: 'string', enum: ['pending', 'running', 'passed', 'failed'] },
    error: {
      type: 'object',
      nullable: true,
      description: 'Why the last validation failed (null when it passed or has not finished).',
      required: ['code', 'message', 'retryable'],
      properties: {
        code: {
          type: 'string',
          description:
            'e.g. invalid_credentials, access_denied, repository_not_found, manifest_not_found, platform_unsupported, unsupported_manifest, digest_mismatch, manifest_too_large, registry_address_blocked, tls_error, registry_unreachable, rate_limited, credentials_unreadable',
        },
        message: { type: 'string', description: 'What to fix. Never contains the token.' },
        retryable: { type: 'boolean', description: 'True when the failure was transient (retried, then given up).' },
      },
    },
    checked_at: { type: 'string', format: 'date-time', nullable: true },
    attempts: { type: 'integer', format: 'int32', description: 'Registry checks made for the current image and credentials.' },
    report: {
      type: 'object',
      nullable: true,
      description: 'What the registry said about the image at the last successful check.',
      properties: {
        resolved_digest: { type: 'string' },
        media_type: { type: 'string' },
        platform: {
          type: 'object',
          properties: { os: { type: 'string' }, architecture: { type: 'string' }, variant: { type: 'string' } },
        },
        platform_digest: { type: 'string' },
        total_size_bytes: { type: 'integer', format: 'int64' },
        cuda_version: { type: 'string', nullable: true },
        apps: { type: 'array', items: ref('AppSpec') },
        previous_digest: { type: 'string', description: 'The digest the tag pointed at before it moved (drift).' },
        digest_changed_at: { type: 'string', format: 'date-time' },
      },
    },
  },
};

const TEMPLATE_RESPONSE: Schema = {
  type: 'object',
  description: 'Represents a custom AIRuntime Template owned by an organization.',
  required: ['id', 'name', 'description', 'image', 'owner_org_id', 'status', 'created_at'],
  properties: {
    id: { type: 'string', readOnly: true, description: 'Unique identifier for the template.' },
    name: { type: 'string', description: 'Name of the template.' },
    description: { type: 'string', description: 'Human-readable description.' },
    image: { type: 'string', description: 'Container image reference.' },
    oci_registry_username: { type: 'string', nullable: true, description: 'Registry username (if set).' },
    apps: { type: 'array', description: 'Exposed applications.', items: ref('AppSpec') },
    owner_org_id: { type: 'string', description: 'Organization that owns this template.' },
    created_by: {
      type: 'string',
      format: 'uuid',
      nullable: true,
      readOnly: true,
      description: 'UUID of the user who created the template.',
    },
    category: {
      type: 'string',
      nullable: true,
      description: 'Optional category classifying the template (e.g. LLM, Diffusion, Vision).',
    },
    created_at: { type: 'string', format: 'date-time', readOnly: true, description: 'Creation timestamp.' },
    status: {
      type: 'string',
      enum: ['Inactive', 'Active'],
      readOnly: true,
      description: 'Extension: Inactive until the image has been validated against its registry, then Active.',
    },
    updated_at: { type: 'string', format: 'date-time', readOnly: true, description: 'Extension: last change.' },
    validation: { ...ref('Validation') },
  },
};

const WARNING: Schema = {
  type: 'object',
  description: 'Extension: advice about registry conventions, returned by create and update; never a refusal.',
  required: ['code', 'message'],
  properties: {
    code: {
      type: 'string',
      description: 'nvcr_username, ghcr_fine_grained_token, ecr_token_expires, gcp_access_token_expires, docker_hub_address',
    },
    message: { type: 'string' },
  },
};

const TEMPLATE_REQUEST: Schema = {
  type: 'object',
  description: 'Request body for creating a custom AIRuntime Template.',
  required: ['name', 'description', 'image', 'category'],
  properties: {
    name: {
      type: 'string',
      description: 'Unique name within the organization (3–100 chars). Letters, numbers, spaces, hyphens, underscores allowed.',
      minLength: 3,
      maxLength: 100,
    },
    description: { type: 'string', description: 'Human-readable description of the template.', maxLength: MAX_DESCRIPTION_LENGTH },
    image: {
      type: 'string',
      description: 'Fully-qualified OCI image reference including a mandatory tag or digest (e.g. ghcr.io/org/image:v1).',
    },
    oci_registry_username: {
      type: 'string',
      description: 'Registry username for private registries (optional).',
      maxLength: MAX_USERNAME_LENGTH,
    },
    oci_registry_token: {
      type: 'string',
      writeOnly: true,
      description: 'Access token for private registries. Never returned in any API response.',
      maxLength: MAX_TOKEN_LENGTH,
    },
    category: {
      type: 'string',
      description: 'Category to classify the template (e.g. LLM, Diffusion, Vision).',
      minLength: 1,
      maxLength: MAX_CATEGORY_LENGTH,
    },
  },
};

const UPDATE_REQUEST: Schema = {
  type: 'object',
  description:
    'Extension: changes some fields. A new image or new credentials send the template back to Inactive and validate again. `null` for both credential fields removes them; a username alone keeps the stored token and a token alone keeps the username.',
  minProperties: 1,
  properties: {
    name: TEMPLATE_REQUEST.properties && (TEMPLATE_REQUEST.properties as Schema).name,
    description: (TEMPLATE_REQUEST.properties as Schema).description,
    image: (TEMPLATE_REQUEST.properties as Schema).image,
    category: (TEMPLATE_REQUEST.properties as Schema).category,
    oci_registry_username: { type: 'string', nullable: true, maxLength: MAX_USERNAME_LENGTH },
    oci_registry_token: { type: 'string', nullable: true, writeOnly: true, maxLength: MAX_TOKEN_LENGTH },
  },
};

export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'GPU Instance API',
      version: '0.1.0',
      description: `Custom AIRuntime Templates service. Error codes: ${Object.values(ErrorCode).join(', ')}.`,
    },
    tags: [
      {
        name: TAG,
        description:
          "Create and manage **Custom Templates** — organization-scoped container configurations built from your own private images. Custom templates let you standardize your team's GPU environment and reuse it across multiple GPU Instances.\n",
      },
    ],
    servers: [{ url: 'https://api.ai.neevcloud.com/gpu', description: 'Consolidated public API gateway' }],
    security: [{ BearerAuth: [] }],
    components: {
      securitySchemes: {
        BearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'Obtain an **`access_token`** from `POST /api/v1/auth/login` on the tenant API (same credentials as the console). In Authorize, paste **only that token** — do not prepend `Bearer`, and do not use inference keys (`sk-nc-*`).\n',
        },
      },
      schemas: {
        CustomTemplateListResponse: {
          type: 'object',
          description: 'List of custom AIRuntime Templates.',
          properties: {
            data: { type: 'array', items: ref('CustomTemplateResponse') },
            next_cursor: {
              type: 'string',
              nullable: true,
              description: 'Extension: pass as `cursor` for the next page; null on the last page.',
            },
          },
        },
        CustomTemplateResponse: TEMPLATE_RESPONSE,
        CustomTemplateWriteResponse: {
          description: 'Extension: a template as returned by create and update, with credential warnings.',
          allOf: [ref('CustomTemplateResponse'), { type: 'object', properties: { warnings: { type: 'array', items: ref('Warning') } } }],
        },
        AppSpec: APP_SPEC,
        ErrorResponse: {
          type: 'object',
          description: 'A standard format for error responses.',
          properties: {
            code: { type: 'string', description: 'A machine-readable error code.' },
            message: { type: 'string', description: 'A human-readable message providing details about the error.' },
          },
          required: ['code', 'message'],
        },
        CustomTemplateRequest: TEMPLATE_REQUEST,
        CustomTemplateUpdateRequest: UPDATE_REQUEST,
        Validation: VALIDATION,
        Warning: WARNING,
      },
    },
    paths: {
      '/api/v1beta1/orgs/{org_id}/airuntime-templates': {
        get: {
          tags: [TAG],
          summary: 'List custom AIRuntime Templates',
          description: 'Retrieves a list of custom AIRuntime Templates for the organization.',
          operationId: 'listOrgAIRuntimeTemplates',
          parameters: [
            orgId,
            {
              in: 'query',
              name: 'limit',
              schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
              description: 'Extension: page size.',
            },
            { in: 'query', name: 'cursor', schema: { type: 'string' }, description: 'Extension: next_cursor of the previous page.' },
            { in: 'query', name: 'status', schema: { type: 'string', enum: ['Inactive', 'Active'] }, description: 'Extension: filter.' },
            { in: 'query', name: 'category', schema: { type: 'string' }, description: 'Extension: filter (exact).' },
            { in: 'query', name: 'name_prefix', schema: { type: 'string' }, description: 'Extension: filter (case-insensitive prefix).' },
          ],
          responses: {
            '200': { description: 'A list of custom AIRuntime Templates.', content: json(ref('CustomTemplateListResponse')) },
            '400': errorResponse('Invalid query parameter (extension).'),
            ...STANDARD_ERRORS,
          },
        },
        post: {
          tags: [TAG],
          summary: 'Create a custom AIRuntime Template',
          description:
            "Creates a new custom AIRuntime Template scoped to the organization. The image is validated asynchronously; the template starts as 'Inactive' and is only switched to 'Active' once validation passes.",
          operationId: 'createOrgAIRuntimeTemplate',
          parameters: [
            orgId,
            {
              in: 'header',
              name: 'Idempotency-Key',
              schema: { type: 'string', maxLength: 255 },
              description:
                'Extension: a retry with the same key and body (same org and caller, within 24 h) returns the original response and creates nothing.',
            },
          ],
          requestBody: { required: true, content: json(ref('CustomTemplateRequest')) },
          responses: {
            '201': {
              description: 'The custom template was created and image validation has started.',
              content: json(ref('CustomTemplateResponse')),
            },
            '400': errorResponse('Invalid request (validation error or org quota exceeded).'),
            ...STANDARD_ERRORS,
            '409': errorResponse('A template with the same name already exists in this org.'),
            '413': errorResponse('Request body larger than 64 KiB (extension).'),
            '422': errorResponse('Idempotency-Key reused with a different request body (extension).'),
          },
        },
      },
      '/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}': {
        get: {
          tags: [TAG],
          summary: 'Get a custom AIRuntime Template',
          description: 'Retrieves the details of a specific custom AIRuntime Template.',
          operationId: 'getOrgAIRuntimeTemplate',
          parameters: [orgId, templateId],
          responses: {
            '200': { description: 'Detailed information about the custom template.', content: json(ref('CustomTemplateResponse')) },
            ...STANDARD_ERRORS,
            '404': errorResponse('Template not found.'),
          },
        },
        patch: {
          tags: [TAG],
          summary: 'Update a custom AIRuntime Template (extension)',
          operationId: 'updateOrgAIRuntimeTemplate',
          parameters: [orgId, templateId],
          requestBody: { required: true, content: json(ref('CustomTemplateUpdateRequest')) },
          responses: {
            '200': { description: 'The updated template.', content: json(ref('CustomTemplateWriteResponse')) },
            '400': errorResponse('Invalid request.'),
            ...STANDARD_ERRORS,
            '404': errorResponse('Template not found.'),
            '409': errorResponse('A template with the same name already exists in this org.'),
          },
        },
        delete: {
          tags: [TAG],
          summary: 'Delete a custom AIRuntime Template',
          description: 'Permanently deletes a custom AIRuntime Template.',
          operationId: 'deleteOrgAIRuntimeTemplate',
          parameters: [orgId, templateId],
          responses: {
            '200': {
              description: 'The template was deleted successfully.',
              content: json({ type: 'object', properties: { message: { type: 'string' } } }),
            },
            ...STANDARD_ERRORS,
            '404': errorResponse('Template not found.'),
          },
        },
      },
      '/api/v1beta1/orgs/{org_id}/airuntime-templates/{template_id}/validate': {
        post: {
          tags: [TAG],
          summary: 'Validate a template again (extension)',
          description:
            'Queues a fresh validation of the image (useful after fixing something in the registry). Repeated calls while one is queued do not add jobs. The status changes only when the validation ends.',
          operationId: 'validateOrgAIRuntimeTemplate',
          parameters: [orgId, templateId],
          responses: {
            '202': { description: 'Validation queued.', content: json(ref('CustomTemplateResponse')) },
            ...STANDARD_ERRORS,
            '404': errorResponse('Template not found.'),
          },
        },
      },
    },
  };
}
