import { Prisma } from './generated/prisma/client';
import { AppSpec, TemplateRecord, TemplateStatus, ValidationErrorInfo, StoredValidationReport, ValidationState } from './template.types';

/**
 * The columns every read of a template returns: everything but the encrypted token itself.
 * The username is the inline one, or that of the registry credential the template uses
 * (`AWS` for an aws_ecr credential, as ECR's own passwords go with).
 */
export const PUBLIC_COLUMNS_SQL = `
  id, org_id, name, description, category, image, registry_credential_id,
  CASE WHEN templates.registry_credential_id IS NULL THEN templates.oci_registry_username ELSE (
    SELECT CASE WHEN c.kind = 'aws_ecr' THEN 'AWS' ELSE c.username END
    FROM registry_credentials c WHERE c.id = templates.registry_credential_id
  ) END AS oci_registry_username,
  (oci_registry_token_ciphertext IS NOT NULL) AS has_registry_token, status, apps, created_by,
  created_at, updated_at, spec_version, validation_state, validation_error, validation_report,
  validation_checked_at, validation_attempts`;

/** The same columns as a fragment of Prisma's tagged SQL. */
export const PUBLIC_COLUMNS = Prisma.raw(PUBLIC_COLUMNS_SQL);

/** A row of PUBLIC_COLUMNS as the driver returns it. */
export interface TemplateRow {
  id: string;
  org_id: string;
  name: string;
  description: string;
  category: string;
  image: string;
  registry_credential_id: string | null;
  oci_registry_username: string | null;
  has_registry_token: boolean;
  status: TemplateStatus;
  apps: AppSpec[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  spec_version: number;
  validation_state: ValidationState;
  validation_error: ValidationErrorInfo | null;
  validation_report: StoredValidationReport | null;
  validation_checked_at: Date | null;
  validation_attempts: number;
}

/** The one mapping from a row to the domain type the API turns into responses. */
export function toRecord(row: TemplateRow): TemplateRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    category: row.category,
    image: row.image,
    registryCredentialId: row.registry_credential_id,
    ociRegistryUsername: row.oci_registry_username,
    hasRegistryToken: row.has_registry_token,
    status: row.status,
    apps: row.apps ?? [],
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    specVersion: row.spec_version,
    validation: {
      state: row.validation_state,
      error: row.validation_error,
      report: row.validation_report,
      checkedAt: row.validation_checked_at,
      attempts: row.validation_attempts,
    },
  };
}
