import { Prisma } from './generated/prisma/client';
import { CredentialLastError, RegistryCredentialKind, RegistryCredentialRecord } from './registry-credential.types';

/**
 * The columns every API read of a credential returns: everything but the secret, plus the
 * number of templates that use it (an index lookup per credential).
 */
export const CREDENTIAL_COLUMNS_SQL = `
  registry_credentials.id, registry_credentials.org_id, registry_credentials.name, registry_credentials.registry,
  registry_credentials.kind, registry_credentials.username, registry_credentials.aws_access_key_id,
  registry_credentials.aws_region, registry_credentials.aws_role_arn, registry_credentials.aws_external_id,
  registry_credentials.expires_at, registry_credentials.last_used_at, registry_credentials.last_error,
  registry_credentials.created_by, registry_credentials.created_at, registry_credentials.updated_at,
  (SELECT count(*)::int FROM templates t WHERE t.registry_credential_id = registry_credentials.id) AS templates_count`;

export const CREDENTIAL_COLUMNS = Prisma.raw(CREDENTIAL_COLUMNS_SQL);

export interface RegistryCredentialRow {
  id: string;
  org_id: string;
  name: string;
  registry: string;
  kind: RegistryCredentialKind;
  username: string | null;
  aws_access_key_id: string | null;
  aws_region: string | null;
  aws_role_arn: string | null;
  aws_external_id: string | null;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_error: CredentialLastError | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  templates_count: number;
}

/** The one mapping from a row to the domain type the API turns into responses. */
export function toCredentialRecord(row: RegistryCredentialRow): RegistryCredentialRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    registry: row.registry,
    kind: row.kind,
    username: row.username,
    awsAccessKeyId: row.aws_access_key_id,
    awsRegion: row.aws_region,
    awsRoleArn: row.aws_role_arn,
    awsExternalId: row.aws_external_id,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    lastError: row.last_error,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    templatesCount: row.templates_count,
  };
}
