import { Inject, Injectable } from '@nestjs/common';
import { EnvelopeCipher, EnvelopeDecryptionFailure } from './envelope-cipher';
import { TOKEN_KEYRINGS, TokenKeyrings } from './keyrings';

/** What a template's inline registry token is bound to; decryption fails unless the stored row matches. */
export interface TokenContext {
  orgId: string;
  templateId: string;
}

/** What a registry credential's secret is bound to: its org, its id, and what kind of secret it is. */
export interface CredentialSecretContext {
  orgId: string;
  credentialId: string;
  kind: 'basic' | 'aws_ecr';
}

/** Either registry secret this cipher protects. */
export type SecretContext = TokenContext | CredentialSecretContext;

export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored registry token could not be decrypted: ${reason}`);
    this.name = 'TokenDecryptionError';
  }
}

const PURPOSE = 'oci-registry-token';
/** A credential's purpose names its kind, so a basic secret can never be read as an AWS key or the reverse. */
const CREDENTIAL_PURPOSE: Record<CredentialSecretContext['kind'], string> = {
  basic: 'registry-credential-secret',
  aws_ecr: 'aws-secret-access-key',
};

/**
 * Encrypts registry secrets (write-only: templates' inline tokens and registry credentials'
 * secrets) with the AWS Encryption SDK, bound to their row by encryption context:
 * `{org_id, template_id, purpose: "oci-registry-token"}` or `{org_id, credential_id, purpose}`.
 */
@Injectable()
export class RegistryTokenCipher {
  private readonly envelope: EnvelopeCipher;

  constructor(@Inject(TOKEN_KEYRINGS) keyrings: TokenKeyrings) {
    this.envelope = new EnvelopeCipher(keyrings);
  }

  encrypt(token: string, context: SecretContext): Promise<Buffer> {
    return this.envelope.encrypt(token, encryptionContext(context));
  }

  async decrypt(ciphertext: Uint8Array, context: SecretContext): Promise<string> {
    try {
      return await this.envelope.decrypt(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error, context);
    }
  }

  /** Key rotation: the secret encrypted under the primary key, or null when it already is. */
  async reencryptUnderPrimary(ciphertext: Uint8Array, context: SecretContext): Promise<Buffer | null> {
    try {
      return await this.envelope.reencryptUnderPrimary(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error, context);
    }
  }
}

function encryptionContext(context: SecretContext): Record<string, string> {
  if ('templateId' in context) return { org_id: context.orgId, template_id: context.templateId, purpose: PURPOSE };
  return { org_id: context.orgId, credential_id: context.credentialId, purpose: CREDENTIAL_PURPOSE[context.kind] };
}

function wrap(error: unknown, context: SecretContext): unknown {
  if (!(error instanceof EnvelopeDecryptionFailure)) return error;
  const owner = 'templateId' in context ? 'template' : 'registry credential';
  return new TokenDecryptionError(error.message.replace('does not match', `does not match this ${owner}`));
}
