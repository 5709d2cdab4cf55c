import { Inject, Injectable } from '@nestjs/common';
import { EnvelopeCipher, EnvelopeDecryptionFailure } from './envelope-cipher';
import { TOKEN_KEYRINGS, TokenKeyrings } from './keyrings';

/** What a registry token is bound to; decryption fails unless the stored row matches. */
export interface TokenContext {
  orgId: string;
  templateId: string;
}

export class TokenDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored registry token could not be decrypted: ${reason}`);
    this.name = 'TokenDecryptionError';
  }
}

const PURPOSE = 'oci-registry-token';

/**
 * Encrypts registry tokens (write-only secrets) with the AWS Encryption SDK, bound to their
 * template by encryption context `{org_id, template_id, purpose: "oci-registry-token"}`.
 */
@Injectable()
export class RegistryTokenCipher {
  private readonly envelope: EnvelopeCipher;

  constructor(@Inject(TOKEN_KEYRINGS) keyrings: TokenKeyrings) {
    this.envelope = new EnvelopeCipher(keyrings);
  }

  encrypt(token: string, context: TokenContext): Promise<Buffer> {
    return this.envelope.encrypt(token, encryptionContext(context));
  }

  async decrypt(ciphertext: Uint8Array, context: TokenContext): Promise<string> {
    try {
      return await this.envelope.decrypt(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error);
    }
  }

  /** Key rotation: the token encrypted under the primary key, or null when it already is. */
  async reencryptUnderPrimary(ciphertext: Uint8Array, context: TokenContext): Promise<Buffer | null> {
    try {
      return await this.envelope.reencryptUnderPrimary(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error);
    }
  }
}

function encryptionContext({ orgId, templateId }: TokenContext): Record<string, string> {
  return { org_id: orgId, template_id: templateId, purpose: PURPOSE };
}

function wrap(error: unknown): unknown {
  if (!(error instanceof EnvelopeDecryptionFailure)) return error;
  return new TokenDecryptionError(error.message.replace('does not match', 'does not match this template'));
}
