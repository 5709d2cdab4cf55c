import { Injectable } from '@nestjs/common';
import { RegistryTokenCipher, SecretContext, TokenDecryptionError } from '@app/crypto';
import { RegistryCredentialForUse, RegistryCredentialUseRepository, TemplateForValidation, ValidationErrorInfo } from '@app/db';
import { ImageReference, InvalidImageReferenceError, RegistryCredentials, RegistryError, secretExpiry, ValidationErrorCode } from '@app/oci';
import { EcrPasswordCache } from './ecr-password-cache';

/**
 * What the worker sends to a template's registry: the template's inline username and token,
 * or the registry credential it refers to (a basic secret, or an ECR password minted from AWS
 * keys), or nothing. Secrets are decrypted here only, bound by encryption context to the row
 * they were read from, and kept in memory for this validation (a minted ECR password until it
 * nearly expires). Failures are RegistryErrors with the validation codes: a credential for
 * another registry than the image's is never sent, a secret past its own expiry is
 * credentials_expired, an unreadable one credentials_unreadable.
 */
@Injectable()
export class RegistryCredentialResolver {
  constructor(
    private readonly credentials: RegistryCredentialUseRepository,
    private readonly cipher: RegistryTokenCipher,
    private readonly ecrPasswords: EcrPasswordCache,
  ) {}

  async resolve(template: TemplateForValidation): Promise<RegistryCredentials | undefined> {
    if (template.registryCredentialId) return this.fromRegistryCredential(template, template.registryCredentialId);
    if (!template.ociRegistryTokenCiphertext || !template.ociRegistryUsername) return undefined;
    const token = await this.decrypt(template.ociRegistryTokenCiphertext, { orgId: template.orgId, templateId: template.id }, INLINE_UNREADABLE);
    checkExpiry(token, 'The registry token (oci_registry_token)', 'set a new oci_registry_token on the template');
    return { username: template.ociRegistryUsername, password: token };
  }

  /** Records on the template's registry credential (if any) when it was used and what the validation said. */
  async recordOutcome(template: TemplateForValidation, error: ValidationErrorInfo | null): Promise<void> {
    if (!template.registryCredentialId) return;
    await this.credentials.recordUse(template.registryCredentialId, error && { code: error.code, message: error.message });
  }

  private async fromRegistryCredential(template: TemplateForValidation, id: string): Promise<RegistryCredentials> {
    const credential = await this.credentials.findForUse(id);
    // The templates' foreign key (org_id, registry_credential_id) makes both impossible; checked all the same.
    if (!credential || credential.orgId !== template.orgId) {
      throw new RegistryError(ValidationErrorCode.CredentialsUnreadable, 'The registry credential of this template could not be read; set it again');
    }
    checkHostBinding(credential, template.image);
    const what = `The registry credential "${credential.name}"`;
    const context = { orgId: template.orgId, credentialId: credential.id, kind: credential.kind };
    const secret = await this.decrypt(credential.secretCiphertext, context, `${what} could not be decrypted; rotate it (PATCH it with a new secret)`);
    if (credential.kind === 'aws_ecr') return this.ecrPasswords.credentialsFor(credential, secret);
    checkExpiry(secret, what, `rotate it (PATCH /registry-credentials/${credential.id} with a new secret)`);
    return { username: credential.username as string, password: secret };
  }

  private async decrypt(ciphertext: Uint8Array, context: SecretContext, unreadable: string): Promise<string> {
    try {
      return await this.cipher.decrypt(ciphertext, context);
    } catch (error) {
      if (error instanceof TokenDecryptionError) throw new RegistryError(ValidationErrorCode.CredentialsUnreadable, unreadable);
      throw error;
    }
  }
}

const INLINE_UNREADABLE = 'The stored registry token could not be decrypted; set the token again';

/** The worker's own check of the API's rule: the secret goes to its registry (and the realm it names) only. */
function checkHostBinding(credential: RegistryCredentialForUse, image: string): void {
  let host: string;
  try {
    host = ImageReference.parse(image).canonicalRegistry;
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) throw new RegistryError(ValidationErrorCode.InvalidReference, error.message);
    throw error;
  }
  if (host === credential.registry) return;
  throw new RegistryError(
    ValidationErrorCode.CredentialRegistryMismatch,
    `The registry credential "${credential.name}" is for ${credential.registry}, but the image is on ${host}: it is not sent there`,
  );
}

/** A secret past the expiry it carries itself is not sent: the registry would refuse it anyway. */
function checkExpiry(secret: string, what: string, remedy: string): void {
  const expiresAt = secretExpiry(secret);
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new RegistryError(ValidationErrorCode.CredentialsExpired, `${what} expired at ${expiresAt.toISOString()}: ${remedy}`);
  }
}
