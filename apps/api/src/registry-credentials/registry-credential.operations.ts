import { ApiTag, defineOperation } from '../contract/operation';
import { MessageResponseSchema, OrgPathParams } from '../contract/common.schemas';
import {
  ListRegistryCredentialsQuerySchema,
  RegistryCredentialCreateRequestSchema,
  RegistryCredentialListResponseSchema,
  RegistryCredentialPathParams,
  RegistryCredentialResponseSchema,
  RegistryCredentialUpdateRequestSchema,
} from './registry-credential.schemas';

export const REGISTRY_CREDENTIALS_TAG: ApiTag = {
  name: 'Registry credentials',
  description:
    "An organization's credentials for its registries, kept in one place: templates refer to one by `registry_credential_id` instead of carrying a token each, a credential is only ever sent to its own registry, rotating it re-validates every template that uses it, and `aws_ecr` credentials mint a fresh Amazon ECR password for each validation.",
};
const COLLECTION = '/api/v1beta1/orgs/{org_id}/registry-credentials';
const ITEM = `${COLLECTION}/{credential_id}`;
const NOT_FOUND = 'Registry credential not found.';
const NAME_TAKEN = 'A registry credential with the same name (ignoring case) already exists in this org.';

/** The registry credentials resource: list, create, get, PATCH, delete. */
export const RegistryCredentialOperations = {
  list: defineOperation({
    method: 'get',
    path: COLLECTION,
    operationId: 'listOrgRegistryCredentials',
    tags: [REGISTRY_CREDENTIALS_TAG],
    summary: 'List registry credentials',
    description: "The organization's registry credentials, newest first, without their secrets.",
    params: OrgPathParams,
    query: ListRegistryCredentialsQuerySchema,
    success: { status: 200, description: 'A page of registry credentials.', schema: RegistryCredentialListResponseSchema },
    errors: { 400: 'Invalid query parameter.' },
  }),
  create: defineOperation({
    method: 'post',
    path: COLLECTION,
    operationId: 'createOrgRegistryCredential',
    tags: [REGISTRY_CREDENTIALS_TAG],
    summary: 'Create a registry credential',
    description:
      'Stores a credential for one registry, its secret encrypted. Nothing is sent anywhere until a template that uses it is validated. `warnings` says when the secret expires within 7 days.',
    params: OrgPathParams,
    body: { schema: RegistryCredentialCreateRequestSchema },
    success: { status: 201, description: 'The credential was created.', schema: RegistryCredentialResponseSchema },
    errors: { 400: 'Invalid request (validation error or org quota exceeded).', 409: NAME_TAKEN },
  }),
  get: defineOperation({
    method: 'get',
    path: ITEM,
    operationId: 'getOrgRegistryCredential',
    tags: [REGISTRY_CREDENTIALS_TAG],
    summary: 'Get a registry credential',
    description: 'One registry credential, without its secret, with how many templates use it and what their last validation said.',
    params: RegistryCredentialPathParams,
    success: { status: 200, description: 'The registry credential.', schema: RegistryCredentialResponseSchema },
    errors: { 404: NOT_FOUND },
  }),
  update: defineOperation({
    method: 'patch',
    path: ITEM,
    operationId: 'updateOrgRegistryCredential',
    tags: [REGISTRY_CREDENTIALS_TAG],
    summary: 'Update or rotate a registry credential',
    description:
      'Changes the given fields. A new secret (or new AWS keys, or anything else that is sent) is a rotation: it is re-encrypted and every template that uses the credential is queued for a fresh validation, each once (`templates_queued`); templates that failed for their credentials turn Active again when the new secret works. Safe to repeat.',
    params: RegistryCredentialPathParams,
    body: { schema: RegistryCredentialUpdateRequestSchema },
    success: { status: 200, description: 'The updated credential.', schema: RegistryCredentialResponseSchema },
    errors: { 400: 'Invalid request.', 404: NOT_FOUND, 409: NAME_TAKEN },
  }),
  delete: defineOperation({
    method: 'delete',
    path: ITEM,
    operationId: 'deleteOrgRegistryCredential',
    tags: [REGISTRY_CREDENTIALS_TAG],
    summary: 'Delete a registry credential',
    description: 'Deletes the credential and its encrypted secret for good. Refused while templates use it (`credential_in_use`, naming how many).',
    params: RegistryCredentialPathParams,
    success: { status: 200, description: 'The credential was deleted.', schema: MessageResponseSchema },
    errors: { 404: NOT_FOUND, 409: 'Templates still use this credential (credential_in_use).' },
  }),
};
