import { DomainError } from '@app/common';
import { CurrentTemplateSpec, REGISTRY_CREDENTIAL_NOT_FOUND, RegistryCredentialRecord, TemplateUpdate } from '@app/db';
import { ImageReference } from '@app/oci';
import type { TemplateUpdateRequest } from './template.schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A `registry_credential_id` that is not a UUID names nothing: 404, as a missing one (and as ids in paths). */
export function registryCredentialIdOr404(id: string): string {
  if (!UUID.test(id)) throw DomainError.notFound(REGISTRY_CREDENTIAL_NOT_FOUND);
  return id.toLowerCase();
}

/**
 * A credential goes only to its own registry: a template whose image is on another host is
 * refused, naming both hosts (so nobody can point a template at a host they control and
 * harvest a colleague's credential). The worker checks the same again before sending.
 */
export function checkHostBinding(credentialRegistry: string, image: ImageReference, field: 'image' | 'registry_credential_id'): void {
  if (image.canonicalRegistry === credentialRegistry) return;
  throw DomainError.validation(
    field,
    `the registry credential is for ${credentialRegistry}, but the image is on ${image.canonicalRegistry}: a credential is only sent to its own registry`,
  );
}

/**
 * Resolves the credential rules of PATCH against the stored row: inline username and token
 * both or neither (always), a registry credential only with an image on its registry, and one
 * kind of credentials at a time. `credential` is the newly referenced registry credential.
 */
export function planUpdate(
  request: TemplateUpdateRequest,
  current: CurrentTemplateSpec,
  ciphertext: Buffer | null,
  credential: RegistryCredentialRecord | null,
): TemplateUpdate {
  const update: TemplateUpdate = {
    name: request.name,
    description: request.description,
    category: request.category,
    image: request.image?.toString(),
  };
  const image = request.image ?? ImageReference.parse(current.image);
  if (credential) {
    checkHostBinding(credential.registry, image, request.image ? 'image' : 'registry_credential_id');
    update.credentials = { kind: 'registry_credential', registryCredentialId: credential.id };
  } else if (request.username === null) {
    update.credentials = null;
  } else if (request.username !== undefined || request.token !== undefined) {
    const username = request.username ?? current.ociRegistryUsername;
    if (!username) throw DomainError.validation('oci_registry_username', 'is required when oci_registry_token is set');
    if (!ciphertext && !current.hasRegistryToken) {
      throw DomainError.validation('oci_registry_token', 'is required when oci_registry_username is set');
    }
    update.credentials = { kind: 'inline', username, ciphertext };
  } else if (request.registryCredentialId === null && current.registryCredential) {
    update.credentials = null;
  } else if (request.image && current.registryCredential) {
    checkHostBinding(current.registryCredential.registry, request.image, 'image');
  }
  return update;
}
