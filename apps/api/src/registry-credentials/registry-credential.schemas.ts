import { z } from 'zod';
import { ecrRegistryRegion, InvalidRegistryHostError, parseRegistryHost } from '@app/oci';
import { CredentialLastErrorSchema, RegistryCredentialKindSchema } from '@app/db';
import { boundedString, OrgPathParams, pathString, timestamp, uuidString } from '../contract/common.schemas';
import { keysetCursor, nextCursor, pageLimit } from '../contract/pagination';
import { registrySecret, registryUsername, resourceName, WarningSchema } from '../templates/template.schemas';

/**
 * The registry credentials resource, defined once (as the templates resource): runtime
 * validation with the messages callers see, the types, and the document's schemas.
 */

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** An IAM user's long-term access key id. Temporary (ASIA…) keys need a session token, which would expire. */
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{16}$/;
const SECRET_ACCESS_KEY = /^[A-Za-z0-9+/]{40}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

// ---- fields -----------------------------------------------------------------------------

const name = resourceName('Unique name within the organization (3–100 chars), ignoring case. Letters, numbers, spaces, hyphens, underscores.');

/** `host[:port]`, stored canonical (lowercased, Docker Hub as docker.io). */
const registry = boundedString(1, 255)
  .transform((value, context) => {
    try {
      return parseRegistryHost(value);
    } catch (error) {
      if (!(error instanceof InvalidRegistryHostError)) throw error;
      context.issues.push({ code: 'custom', message: error.message, input: value });
      return z.NEVER;
    }
  })
  .meta({
    description:
      'The registry host (with port if any) the credential is for, e.g. `ghcr.io`, `nvcr.io`, `123456789012.dkr.ecr.eu-west-1.amazonaws.com`; Docker Hub is `docker.io`. The credential is only ever sent to this registry (and the token service it names).',
  });

const username = registryUsername().meta({ description: 'Registry username (Basic authentication).' });
const secret = registrySecret().meta({ writeOnly: true, description: 'Password or access token. Write-only: never returned.' });

const awsAccessKeyId = z
  .string({ error: 'must be a string' })
  .regex(ACCESS_KEY_ID, 'must be an IAM access key id: AKIA followed by 16 capital letters or digits')
  .meta({ description: 'An IAM access key id (AKIA…) allowed to call ecr:GetAuthorizationToken (or to assume `aws_role_arn`). Returned masked.' });
const awsSecretAccessKey = z
  .string({ error: 'must be a string' })
  .regex(SECRET_ACCESS_KEY, 'must be the 40-character secret access key of the access key')
  .meta({ writeOnly: true, description: 'The secret access key. Write-only: never returned.' });
const awsRegion = z
  .string({ error: 'must be a string' })
  .regex(AWS_REGION, 'must be an AWS region such as eu-west-1')
  .meta({ description: 'AWS region of the registry. Taken from an ECR host name; required for any other host (e.g. a pull-through proxy).' });
const awsRoleArn = z
  .string({ error: 'must be a string' })
  .max(2048, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/ecr-reader')
  .regex(ROLE_ARN, 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/ecr-reader')
  .meta({ description: 'A role to assume (STS AssumeRole) before asking ECR for a password, for cross-account access.' });
const awsExternalId = z
  .string({ error: 'must be a string' })
  .regex(EXTERNAL_ID, 'must be 2 to 1224 letters, digits or +=,.@:/-')
  .meta({ description: 'The external id the role requires, if it does (only with aws_role_arn).' });

// ---- requests ---------------------------------------------------------------------------

const BasicCreateSchema = z
  .strictObject({ name, registry, kind: z.literal('basic'), username, secret })
  .meta({ id: 'BasicRegistryCredentialRequest', description: 'A username and password or token, sent with Basic authentication (or to the registry\'s token service).' });

const AwsEcrCreateSchema = z
  .strictObject({
    name,
    registry,
    kind: z.literal('aws_ecr'),
    aws_access_key_id: awsAccessKeyId,
    aws_secret_access_key: awsSecretAccessKey,
    aws_region: awsRegion.optional(),
    aws_role_arn: awsRoleArn.optional(),
    aws_external_id: awsExternalId.optional(),
  })
  .superRefine((body, context) => {
    const hostRegion = ecrRegistryRegion(body.registry);
    if (!hostRegion && body.aws_region === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['aws_region'],
        message: 'is required when the registry is not an Amazon ECR host (<account>.dkr.ecr.<region>.amazonaws.com)',
      });
    } else if (hostRegion && body.aws_region !== undefined && body.aws_region !== hostRegion) {
      context.addIssue({ code: 'custom', path: ['aws_region'], message: `must be ${hostRegion}, the region of the registry host (or left out)` });
    }
    if (body.aws_external_id !== undefined && body.aws_role_arn === undefined) {
      context.addIssue({ code: 'custom', path: ['aws_external_id'], message: 'is only used with aws_role_arn' });
    }
  })
  .transform((body) => ({ ...body, aws_region: body.aws_region ?? (ecrRegistryRegion(body.registry) as string) }))
  .meta({
    id: 'AwsEcrRegistryCredentialRequest',
    description:
      'AWS keys from which the worker mints a fresh Amazon ECR password (GetAuthorizationToken, after AssumeRole when a role is given) for each validation that needs one. Create does not call AWS.',
  });

export const RegistryCredentialCreateRequestSchema = z
  .discriminatedUnion('kind', [BasicCreateSchema, AwsEcrCreateSchema], {
    error: (issue) =>
      issue.code === 'invalid_union' ? ((issue.input as { kind?: unknown } | undefined)?.kind === undefined ? 'is required' : 'must be "basic" or "aws_ecr"') : undefined,
  })
  .meta({ id: 'RegistryCredentialCreateRequest', description: 'A registry credential: `kind` says which fields it has.' });

export type RegistryCredentialCreateRequest = z.output<typeof RegistryCredentialCreateRequestSchema>;

/**
 * PATCH: every field optional. Fields of the other kind are refused by the service (it knows
 * the stored kind). A new secret, new AWS keys (both), or any other change of what is sent is a
 * rotation: every template that uses the credential is validated again.
 */
export const RegistryCredentialUpdateRequestSchema = z
  .strictObject({
    name: name.optional(),
    username: username.optional(),
    secret: secret.optional(),
    aws_access_key_id: awsAccessKeyId.optional(),
    aws_secret_access_key: awsSecretAccessKey.optional(),
    aws_region: awsRegion.optional(),
    aws_role_arn: awsRoleArn.nullable().optional().meta({ description: 'A new role to assume; null removes the role (and the external id).' }),
    aws_external_id: awsExternalId.nullable().optional().meta({ description: 'A new external id; null removes it.' }),
  })
  .superRefine((body, context) => {
    if (Object.keys(body).length === 0) context.addIssue({ code: 'custom', path: [], message: 'must contain at least one field to change' });
    if ((body.aws_access_key_id === undefined) !== (body.aws_secret_access_key === undefined)) {
      const missing = body.aws_access_key_id === undefined ? 'aws_access_key_id' : 'aws_secret_access_key';
      context.addIssue({ code: 'custom', path: [missing], message: 'is required with the other AWS key: new keys are sent together' });
    }
  })
  .meta({
    id: 'RegistryCredentialUpdateRequest',
    description:
      'Changes some fields. A new secret, new AWS keys (both together) or any other change of what is sent re-encrypts the credential and queues a fresh validation of every template that uses it (`templates_queued`).',
    minProperties: 1,
  });

export type RegistryCredentialUpdateRequest = z.output<typeof RegistryCredentialUpdateRequestSchema>;

export const RegistryCredentialPathParams = OrgPathParams.extend({
  credential_id: pathString('The unique identifier of the registry credential.'),
});

export const ListRegistryCredentialsQuerySchema = z
  .strictObject({ limit: pageLimit(), cursor: keysetCursor() })
  .transform(({ limit, cursor }) => ({ limit, after: cursor }));

export type ListRegistryCredentialsQuery = z.output<typeof ListRegistryCredentialsQuerySchema>;

// ---- responses --------------------------------------------------------------------------

const nullableString = (description: string) => z.string().nullable().meta({ description });

export const RegistryCredentialResponseSchema = z
  .object({
    id: uuidString('Unique identifier of the credential.').meta({ readOnly: true }),
    name: z.string().meta({ description: 'Name of the credential.' }),
    registry: z.string().meta({ description: 'The registry host (with port if any) the credential is for.' }),
    kind: RegistryCredentialKindSchema.meta({ description: '`basic` (username and secret) or `aws_ecr` (AWS keys; passwords minted per validation).' }),
    username: nullableString('basic: the registry username; null for aws_ecr.'),
    aws_access_key_id: nullableString('aws_ecr: the access key id, masked to its last four characters; null for basic.'),
    aws_region: nullableString('aws_ecr: the AWS region; null for basic.'),
    aws_role_arn: nullableString('aws_ecr: the role assumed before minting, or null.'),
    aws_external_id: nullableString('aws_ecr: the external id sent with AssumeRole, or null.'),
    created_at: timestamp('Creation timestamp.').meta({ readOnly: true }),
    updated_at: timestamp('Last change.').meta({ readOnly: true }),
    created_by: uuidString().nullable().meta({ readOnly: true, description: 'UUID of the user who created the credential.' }),
    templates_count: z.int32().meta({ readOnly: true, format: 'int32', description: 'Templates that use this credential.' }),
    expires_at: timestamp()
      .nullable()
      .meta({ readOnly: true, description: "When the secret expires, where it says so itself (a JWT's exp, an ECR password's expiration); null when unknown, and always for aws_ecr." }),
    last_used_at: timestamp().nullable().meta({ readOnly: true, description: 'When the last validation that used the credential ended.' }),
    last_error: CredentialLastErrorSchema.nullable().meta({ readOnly: true }),
    warnings: z
      .array(WarningSchema)
      .optional()
      .meta({ readOnly: true, description: 'Create and update only: advice about the secret (e.g. it expires within 7 days).' }),
    templates_queued: z
      .int32()
      .optional()
      .meta({ readOnly: true, format: 'int32', description: 'Update only: how many templates were queued for a fresh validation (a rotation).' }),
  })
  .meta({ id: 'RegistryCredential', description: "An organization's credential for one registry, referred to by templates. Its secret is never returned." });

export type RegistryCredentialResponse = z.infer<typeof RegistryCredentialResponseSchema>;

export const RegistryCredentialListResponseSchema = z
  .object({ data: z.array(RegistryCredentialResponseSchema), next_cursor: nextCursor() })
  .meta({ id: 'RegistryCredentialListResponse', description: 'A page of registry credentials, newest first.' });

export type RegistryCredentialListResponse = z.infer<typeof RegistryCredentialListResponseSchema>;

const requestKeys = (schema: z.ZodObject) => Object.keys(schema.shape);

/** Keys of the resource a create may not set (answered "is read-only"). */
export const CREDENTIAL_CREATE_READ_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(RegistryCredentialResponseSchema.shape).filter(
    (key) => !requestKeys(BasicCreateSchema).includes(key) && !requestKeys(AwsEcrCreateSchema.in as z.ZodObject).includes(key),
  ),
);

/** Keys of the resource a PATCH may not set: the read-only ones, and `registry` and `kind`, which never change. */
export const CREDENTIAL_UPDATE_READ_ONLY_KEYS: ReadonlySet<string> = new Set(
  Object.keys(RegistryCredentialResponseSchema.shape).filter((key) => !(key in RegistryCredentialUpdateRequestSchema.shape)),
);
