import { DomainError } from '@app/common';
import type { CurrentRegistryCredential, RegistryCredentialChange } from '@app/db';
import type { RegistryCredentialUpdateRequest } from './registry-credential.schemas';

const BASIC_FIELDS = ['username', 'secret'] as const;
const AWS_ECR_FIELDS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_region', 'aws_role_arn', 'aws_external_id'] as const;

/**
 * Resolves a PATCH against the locked current credential: fields of the other kind are
 * refused, the region of an ECR host cannot change, and an external id needs a role.
 * `secret` is the new secret already encrypted (when one was sent).
 */
export function planCredentialUpdate(
  request: RegistryCredentialUpdateRequest,
  current: CurrentRegistryCredential,
  secret: RegistryCredentialChange['secret'],
  hostRegion: string | undefined,
): RegistryCredentialChange {
  const otherKind = current.kind === 'basic' ? AWS_ECR_FIELDS : BASIC_FIELDS;
  for (const field of otherKind) {
    if (request[field] !== undefined) throw DomainError.validation(field, `does not apply to ${current.kind} credentials`);
  }
  const change: RegistryCredentialChange = { name: request.name };
  if (current.kind === 'basic') return { ...change, username: request.username, secret };

  if (request.aws_region !== undefined) {
    if (hostRegion && request.aws_region !== hostRegion) {
      throw DomainError.validation('aws_region', `must be ${hostRegion}, the region of the registry host`);
    }
    change.awsRegion = request.aws_region;
  }
  if (request.aws_access_key_id !== undefined) {
    change.awsAccessKeyId = request.aws_access_key_id;
    change.secret = secret;
  }
  if (request.aws_role_arn === null) {
    if (request.aws_external_id) throw DomainError.validation('aws_external_id', 'is only used with aws_role_arn');
    // No role, no external id (the table's check says the same).
    return { ...change, awsRoleArn: null, awsExternalId: null };
  }
  if (request.aws_role_arn !== undefined) change.awsRoleArn = request.aws_role_arn;
  if (request.aws_external_id !== undefined) {
    if (request.aws_external_id !== null && !(request.aws_role_arn ?? current.awsRoleArn)) {
      throw DomainError.validation('aws_external_id', 'is only used with aws_role_arn');
    }
    change.awsExternalId = request.aws_external_id;
  }
  return change;
}
