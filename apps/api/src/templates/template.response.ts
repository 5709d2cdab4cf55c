import type { TemplateRecord } from '@app/db';
import { ImageReference } from '@app/oci';
import type { TemplateResponse } from './template.schemas';

/**
 * The one mapping from stored template to API shape (`TemplateResponseSchema`). Listing fields
 * one by one keeps the response from following the table by accident; the encrypted token is
 * not even read.
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
    registry_credential_id: template.registryCredentialId,
    status: template.status,
    resolved_image: resolvedImage(template),
    validation: {
      state: template.validation.state,
      error: template.validation.error,
      checked_at: template.validation.checkedAt?.toISOString() ?? null,
      attempts: template.validation.attempts,
      report: template.validation.report,
    },
  };
}

/** What an instance launches: the digest the last passed validation checked, while the template is Active. */
function resolvedImage(template: TemplateRecord): string | null {
  const digest = template.validation.report?.platform_digest;
  if (template.status !== 'Active' || !digest) return null;
  return ImageReference.parse(template.image).pinnedTo(digest);
}
