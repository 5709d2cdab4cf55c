import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EnvelopeCipher, EnvelopeDecryptionFailure } from './envelope-cipher';
import { TOKEN_KEYRINGS, TokenKeyrings } from './keyrings';

/** What a webhook signing secret is bound to. */
export interface WebhookSecretContext {
  orgId: string;
  webhookId: string;
}

export class WebhookSecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Stored webhook signing secret could not be decrypted: ${reason}`);
    this.name = 'WebhookSecretDecryptionError';
  }
}

const PURPOSE = 'webhook-signing-secret';
/** Standard Webhooks: `whsec_` and the base64 of 24 to 64 random bytes. */
const SECRET_BYTES = 32;

/**
 * Webhook signing secrets: made here, shown to the caller once (create, rotate), stored only
 * as an AWS Encryption SDK message bound by `{org_id, webhook_id, purpose: "webhook-signing-secret"}`,
 * with the same keyrings (and rotation) as registry tokens. The worker decrypts one for each
 * delivery attempt, in memory.
 */
@Injectable()
export class WebhookSecretCipher {
  private readonly envelope: EnvelopeCipher;

  constructor(@Inject(TOKEN_KEYRINGS) keyrings: TokenKeyrings) {
    this.envelope = new EnvelopeCipher(keyrings);
  }

  /** A fresh secret in the Standard Webhooks form (`whsec_…`). */
  static generate(): string {
    return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
  }

  encrypt(secret: string, context: WebhookSecretContext): Promise<Buffer> {
    return this.envelope.encrypt(secret, encryptionContext(context));
  }

  async decrypt(ciphertext: Uint8Array, context: WebhookSecretContext): Promise<string> {
    try {
      return await this.envelope.decrypt(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error);
    }
  }

  async reencryptUnderPrimary(ciphertext: Uint8Array, context: WebhookSecretContext): Promise<Buffer | null> {
    try {
      return await this.envelope.reencryptUnderPrimary(ciphertext, encryptionContext(context));
    } catch (error) {
      throw wrap(error);
    }
  }
}

function encryptionContext({ orgId, webhookId }: WebhookSecretContext): Record<string, string> {
  return { org_id: orgId, webhook_id: webhookId, purpose: PURPOSE };
}

function wrap(error: unknown): unknown {
  return error instanceof EnvelopeDecryptionFailure ? new WebhookSecretDecryptionError(error.message) : error;
}
