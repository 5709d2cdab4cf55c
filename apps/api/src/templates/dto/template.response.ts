import type { AppSpec, TemplateRecord, TemplateStatus, ValidationErrorInfo, ValidationState } from '@app/db';

/** `CustomTemplateResponse` of the spec, plus `status`'s values, `validation` and `updated_at`. */
export interface TemplateResponse {
  id: string;
  name: string;
  description: string;
  image: string;
  oci_registry_username: string | null;
  apps: AppSpec[];
  owner_org_id: string;
  created_by: string | null;
  category: string | null;
  created_at: string;
  updated_at: string;
  status: TemplateStatus;
  validation: {
    state: ValidationState;
    error: ValidationErrorInfo | null;
    checked_at: string | null;
    attempts: number;
    report: Record<string, unknown> | null;
  };
}

/** Create and update also return advice about the registry credentials (never a refusal). */
export interface TemplateWriteResponse extends TemplateResponse {
  warnings: { code: string; message: string }[];
}

export interface TemplateListResponse {
  data: TemplateResponse[];
  next_cursor: string | null;
}

export interface DeleteTemplateResponse {
  message: string;
}

/**
 * The one mapping from stored template to API shape. Listing fields one by one keeps the
 * response from following the schema by accident; the encrypted token is not even read.
 */
export function toResponse(template: TemplateRecord): TemplateResponse {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    image: template.image,
    oci_registry_username: template.ociRegistryUsername,
    apps: template.apps,
    owner_org_id: template.orgId,
    created_by: template.createdBy,
    category: template.category,
    created_at: template.createdAt.toISOString(),
    updated_at: template.updatedAt.toISOString(),
    status: template.status,
    validation: {
      state: template.validation.state,
      error: template.validation.error,
      checked_at: template.validation.checkedAt?.toISOString() ?? null,
      attempts: template.validation.attempts,
      report: template.validation.report,
    },
  };
}
