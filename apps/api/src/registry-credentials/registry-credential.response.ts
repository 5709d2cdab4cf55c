import type { RegistryCredentialRecord } from '@app/db';
import type { RegistryCredentialResponse } from './registry-credential.schemas';

/** Only the last four characters of an access key id are shown (`****************WXYZ`). */
export function maskAccessKeyId(accessKeyId: string): string {
  return `${'*'.repeat(Math.max(0, accessKeyId.length - 4))}${accessKeyId.slice(-4)}`;
}

/**
 * The one mapping from stored credential to API shape (`RegistryCredentialResponseSchema`),
 * field by field; the record carries no secret, so none can be returned.
 */
export function toCredentialResponse(credential: RegistryCredentialRecord): RegistryCredentialResponse {
  return {
    id: credential.id,
    name: credential.name,
    registry: credential.registry,
    kind: credential.kind,
    username: credential.username,
    aws_access_key_id: credential.awsAccessKeyId ? maskAccessKeyId(credential.awsAccessKeyId) : null,
    aws_region: credential.awsRegion,
    aws_role_arn: credential.awsRoleArn,
    aws_external_id: credential.awsExternalId,
    created_at: credential.createdAt.toISOString(),
    updated_at: credential.updatedAt.toISOString(),
    created_by: credential.createdBy,
    templates_count: credential.templatesCount,
    expires_at: credential.expiresAt?.toISOString() ?? null,
    last_used_at: credential.lastUsedAt?.toISOString() ?? null,
    last_error: credential.lastError,
  };
}
