import { z } from 'zod';
import { AppSpecSchema, TemplateWarningCode, ImageReference, InvalidImageReferenceError } from '@app/oci';
import { StoredValidationReportSchema, TemplateStatusSchema, ValidationErrorInfoSchema, ValidationStateSchema } from '@app/db';
import { boundedString, CONTROL_CHARACTERS, MessageResponse, MessageResponseSchema, OrgPathParams, pathString, queryString, requiredString, timestamp, uuidString } from '../contract/common.schemas';
import { keysetCursor, nextCursor, pageLimit } from '../contract/pagination';

/**
 * The templates resource, defined once: each schema gives the runtime validation (with the
 * messages callers see), the TypeScript type the controller and service use, and the
 * schema of /openapi.json. Descriptions of the seed's fields are the seed's own texts.
 */

export const NAME_PATTERN = /^[A-Za-z0-9_-](?:[A-Za-z0-9 _-]*[A-Za-z0-9_-])?$/;
export const MAX_DESCRIPTION_LENGTH = 2000;
export const MAX_CATEGORY_LENGTH = 64;
export const MAX_USERNAME_LENGTH = 255;
export const MAX_TOKEN_LENGTH = 16 * 1024;

// ---- fields, shared by create and update -------------------------------------------------

/** A resource name (templates, and every named resource after them): 3–100 of letters, digits, spaces, `-`, `_`. */
export const resourceName = (description: string) =>
  boundedString(3, 100)
    .refine((name) => name === name.trim(), 'must not start or end with a space')
    .regex(NAME_PATTERN, 'may contain only letters, digits, spaces, hyphens and underscores')
    .meta({ description });

const name = resourceName(
  'Unique name within the organization (3–100 chars). Letters, numbers, spaces, hyphens, underscores allowed.',
);

const description = boundedString(0, MAX_DESCRIPTION_LENGTH).meta({ description: 'Human-readable description of the template.' });

const category = boundedString(1, MAX_CATEGORY_LENGTH)
  .refine((value) => value.trim().length > 0, `must be 1 to ${MAX_CATEGORY_LENGTH} characters long`)
  .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters')
  .meta({ description: 'Category to classify the template (e.g. LLM, Diffusion, Vision).' });

/** Parsed by `ImageReference.parse`; its message says how to write the reference instead. */
const image = requiredString()
  .transform((value, context) => {
    try {
      return ImageReference.parse(value);
    } catch (error) {
      if (!(error instanceof InvalidImageReferenceError)) throw error;
      context.issues.push({ code: 'custom', message: error.message, input: value });
      return z.NEVER;
    }
  })
  .meta({ description: 'Fully-qualified OCI image reference including a mandatory tag or digest (e.g. ghcr.io/org/image:v1).' });

/** A registry username (Basic auth), for templates and registry credentials alike. */
export const registryUsername = () =>
  z
    .string({ error: 'must be a string' })
    .min(1, `must be 1 to ${MAX_USERNAME_LENGTH} characters long`)
    .max(MAX_USERNAME_LENGTH, `must be 1 to ${MAX_USERNAME_LENGTH} characters long`)
    // Basic authentication joins user and password with a colon (RFC 7617).
    .refine((value) => !value.includes(':'), 'must not contain a colon')
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters');

/** A registry token or secret, for templates and registry credentials alike. Messages here never quote it. */
export const registrySecret = () =>
  z
    .string({ error: 'must be a string' })
    .min(1, `must be 1 to ${MAX_TOKEN_LENGTH} characters long`)
    .max(MAX_TOKEN_LENGTH, `must be 1 to ${MAX_TOKEN_LENGTH} characters long`)
    .refine((value) => !CONTROL_CHARACTERS.test(value), 'must not contain control characters or line breaks');

/** Any string: an id that is not a UUID names nothing, and is answered 404 like a missing one (by the service). */
const registryCredentialId = z.string({ error: 'must be a string' }).meta({ format: 'uuid' });
const REGISTRY_CREDENTIAL_DESCRIPTION =
  "The id of one of the org's registry credentials, instead of oci_registry_username and oci_registry_token. Its registry must be the image's.";
const BOTH_KINDS = 'cannot be combined with oci_registry_username or oci_registry_token: use one or the other';

const USERNAME_DESCRIPTION = 'Registry username for private registries (optional).';
const TOKEN_DESCRIPTION = 'Access token for private registries. Never returned in any API response.';

// ---- requests ------------------------------------------------------------------------------

/** The spec's `CustomTemplateRequest`. Username and token: both or neither (null counts as absent). */
export const TemplateCreateRequestSchema = z
  .strictObject({
    name,
    description,
    image,
    oci_registry_username: registryUsername().nullish().meta({ description: USERNAME_DESCRIPTION }),
    oci_registry_token: registrySecret().nullish().meta({ writeOnly: true, description: TOKEN_DESCRIPTION }),
    category,
    registry_credential_id: registryCredentialId.nullish().meta({ description: REGISTRY_CREDENTIAL_DESCRIPTION }),
  })
  .superRefine((body, context) => {
    const hasUsername = body.oci_registry_username != null;
    const hasToken = body.oci_registry_token != null;
    if (body.registry_credential_id != null && (hasUsername || hasToken)) {
      context.addIssue({ code: 'custom', path: ['registry_credential_id'], message: BOTH_KINDS });
    } else if (hasUsername && !hasToken) {
      context.addIssue({ code: 'custom', path: ['oci_registry_token'], message: 'is required when oci_registry_username is set' });
    } else if (hasToken && !hasUsername) {
      context.addIssue({ code: 'custom', path: ['oci_registry_username'], message: 'is required when oci_registry_token is set' });
    }
  })
  .transform(({ oci_registry_username: user, oci_registry_token: secret, registry_credential_id: credentialId, ...fields }) => ({
    ...fields,
    credentials: user != null && secret != null ? { username: user, token: secret } : null,
    registryCredentialId: credentialId ?? null,
  }))
  .meta({ id: 'CustomTemplateRequest', description: 'Request body for creating a custom AIRuntime Template.' });

export type TemplateCreateRequest = z.output<typeof TemplateCreateRequestSchema>;
export type RegistryCredentialsInput = NonNullable<TemplateCreateRequest['credentials']>;

/**
 * PATCH: every field optional, same rules as create. For the credentials, absent leaves them
 * as they are, null for both removes them, and a value replaces them (a username alone keeps
 * the stored token; a token alone keeps the username).
 */
export const TemplateUpdateRequestSchema = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    image: image.optional(),
    oci_registry_username: registryUsername().nullable().optional().meta({ description: 'New registry username; null (with a null token) removes the credentials.' }),
    oci_registry_token: registrySecret().nullable().optional().meta({ writeOnly: true, description: 'New registry token; never returned.' }),
    category: category.optional(),
    registry_credential_id: registryCredentialId
      .nullable()
      .optional()
      .meta({ description: 'Use this registry credential instead (the inline token is dropped); null stops using one.' }),
  })
  .superRefine((body, context) => {
    if (Object.keys(body).length === 0) context.addIssue({ code: 'custom', path: [], message: 'must contain at least one field to change' });
    const { oci_registry_username: user, oci_registry_token: secret } = body;
    if (body.registry_credential_id != null && (user != null || secret != null)) {
      context.addIssue({ code: 'custom', path: ['registry_credential_id'], message: BOTH_KINDS });
    } else if ((user === null && secret != null) || (secret === null && user != null)) {
      context.addIssue({
        code: 'custom',
        path: ['oci_registry_token'],
        message: 'null removes the credentials: send null for both, or values for both',
      });
    }
  })
  .transform(({ oci_registry_username: user, oci_registry_token: secret, registry_credential_id: credentialId, ...fields }) => {
    const removed = user === null || secret === null;
    return { ...fields, username: removed ? null : user, token: removed ? null : secret, registryCredentialId: credentialId };
  })
  .meta({
    id: 'CustomTemplateUpdateRequest',
    description:
      'Changes some fields. A new image or new credentials send the template back to Inactive and validate again. `null` for both credential fields removes them (a registry credential too); a username alone keeps the stored token and a token alone keeps the username. `registry_credential_id` switches to a registry credential and drops the inline token; inline credentials switch away from one.',
    minProperties: 1,
  });

export type TemplateUpdateRequest = z.output<typeof TemplateUpdateRequestSchema>;

export const TemplatePathParams = OrgPathParams.extend({ template_id: pathString('The unique identifier of the template.') });

export const ListTemplatesQuerySchema = z
  .strictObject({
    limit: pageLimit(),
    cursor: keysetCursor(),
    status: z
      .enum(TemplateStatusSchema.options, { error: (issue) => (Array.isArray(issue.input) ? 'must be given once' : 'must be Inactive or Active') })
      .optional()
      .meta({ description: 'Only templates with this status.' }),
    category: queryString('must be a string')
      .min(1, 'must be 1 to 64 characters long')
      .max(64, 'must be 1 to 64 characters long')
      .optional()
      .meta({ description: 'Only templates of this category (exact).' }),
    name_prefix: queryString('must be a string')
      .min(1, 'must be 1 to 100 characters long')
      .max(100, 'must be 1 to 100 characters long')
      .optional()
      .meta({ description: 'Only templates whose name starts with this (case-insensitive).' }),
  })
  .transform(({ limit, cursor, status, category: exact, name_prefix }) => ({
    limit,
    after: cursor,
    status,
    category: exact,
    namePrefix: name_prefix,
  }));

export type ListTemplatesQuery = z.output<typeof ListTemplatesQuerySchema>;

// ---- responses -----------------------------------------------------------------------------

export const WarningSchema = z
  .object({
    code: z.enum(TemplateWarningCode),
    message: z.string(),
  })
  .meta({ id: 'Warning', description: 'Advice about registry conventions, returned by create and update; never a refusal.' });

export const ValidationViewSchema = z
  .object({
    state: ValidationStateSchema.meta({
      description: 'pending until a worker picks it up, running while it checks, then passed or failed.',
    }),
    error: ValidationErrorInfoSchema.nullable(),
    checked_at: timestamp().nullable(),
    attempts: z.int32().meta({ format: 'int32', description: 'Registry checks made for the current image and credentials.' }),
    report: StoredValidationReportSchema.nullable(),
  })
  .meta({ id: 'Validation', description: 'The image validation the worker runs against the registry.' });

/** The spec's `CustomTemplateResponse`, plus `status`'s values, `validation`, `updated_at` and `warnings`. */
export const TemplateResponseSchema = z
  .object({
    id: z.string().meta({ readOnly: true, description: 'Unique identifier for the template.' }),
    name: z.string().meta({ description: 'Name of the template.' }),
    description: z.string().meta({ description: 'Human-readable description.' }),
    image: z.string().meta({ description: 'Container image reference.' }),
    // The seed's description; with a registry credential it is the credential's username (`AWS` for aws_ecr).
    oci_registry_username: z.string().nullable().meta({ description: 'Registry username (if set).' }),
    apps: z.array(AppSpecSchema).meta({ description: 'Exposed applications.' }),
    owner_org_id: z.string().meta({ description: 'Organization that owns this template.' }),
    created_by: uuidString()
      .nullable()
      .meta({ readOnly: true, description: 'UUID of the user who created the template.' }),
    category: z.string().nullable().meta({ description: 'Optional category classifying the template (e.g. LLM, Diffusion, Vision).' }),
    created_at: timestamp().meta({ readOnly: true, description: 'Creation timestamp.' }),
    status: TemplateStatusSchema.meta({
      readOnly: true,
      description: 'Inactive until the image has been validated against its registry, then Active.',
    }),
    updated_at: timestamp().meta({ readOnly: true, description: 'Last change.' }),
    registry_credential_id: uuidString()
      .nullable()
      .meta({ description: 'The registry credential the template uses; null for inline credentials or none.' }),
    resolved_image: z.string().nullable().meta({
      readOnly: true,
      description:
        'Once Active: `registry/repository@sha256:…` of the validated digest (the linux/amd64 manifest of an index), so a runtime pulls exactly what was checked; null otherwise.',
    }),
    validation: ValidationViewSchema,
    warnings: z
      .array(WarningSchema)
      .optional()
      .meta({ readOnly: true, description: 'Create and update only: advice about the registry credentials.' }),
  })
  .meta({
    id: 'CustomTemplateResponse',
    description: 'Represents a custom AIRuntime Template owned by an organization.',
    // The seed's `required` list, kept exactly as the contract states it; every field but
    // `warnings` is in fact always present (the TypeScript type says so).
    required: ['id', 'name', 'description', 'image', 'owner_org_id', 'status', 'created_at'],
  });

export type TemplateResponse = z.infer<typeof TemplateResponseSchema>;

export const TemplateListResponseSchema = z
  .object({ data: z.array(TemplateResponseSchema), next_cursor: nextCursor() })
  .meta({ id: 'CustomTemplateListResponse', description: 'List of custom AIRuntime Templates.' });

export type TemplateListResponse = z.infer<typeof TemplateListResponseSchema>;

/** Inline in the seed document (no component name). */
export const DeleteTemplateResponseSchema = MessageResponseSchema;
export type DeleteTemplateResponse = MessageResponse;

/** Keys of the resource a request may not set (answered "is read-only"), derived from the schemas. */
export const TEMPLATE_READ_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(TemplateResponseSchema.shape).filter((key) => !(key in TemplateUpdateRequestSchema.in.shape)),
);
