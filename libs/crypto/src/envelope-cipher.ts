// The AWS Encryption SDK by its parts, not `@aws-crypto/client-node`: that one also loads the
// KMS keyring with the AWS SDK's KMS client and the branch keystore with its DynamoDB client
// (about 11 MB of RSS), which a process with raw AES keys never uses. The KMS keyring is
// loaded when TOKEN_KMS_KEY_ARN is set (keyringsFromConfig).
import { buildDecrypt } from '@aws-crypto/decrypt-node';
import { buildEncrypt } from '@aws-crypto/encrypt-node';
import { AlgorithmSuiteIdentifier, CommitmentPolicy, KeyringNode } from '@aws-crypto/material-management-node';
import { TokenKeyrings } from './keyrings';

/** One data key per message is all we ever write; refusing more bounds work on hostile input. */
const MAX_ENCRYPTED_DATA_KEYS = 3;

/**
 * Committed-key AES-GCM without the ECDSA signature. Signatures help when the principals
 * that encrypt and those that decrypt must be kept apart; here the API and the worker hold
 * the same symmetric keys (a raw AES or KMS keyring: whoever can decrypt can also encrypt),
 * so a signature adds no protection while costing ~5x per create (FACTS.md: 6.8 ms vs 1.3 ms).
 */
const ALGORITHM_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/** Why a stored secret could not be opened (the callers wrap it in their own error). */
export class EnvelopeDecryptionFailure extends Error {}

/**
 * The AWS Encryption SDK over the configured keyrings, for any stored secret: each is bound by
 * its encryption context (the row it belongs to and its purpose), which decryption checks.
 */
export class EnvelopeCipher {
  private readonly client = clientFor({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
  });

  constructor(private readonly keyrings: TokenKeyrings) {}

  async encrypt(plaintext: string, context: Record<string, string>): Promise<Buffer> {
    const { result } = await this.client.encrypt(this.keyrings.encrypt, Buffer.from(plaintext, 'utf8'), {
      encryptionContext: context,
      suiteId: ALGORITHM_SUITE,
    });
    return result;
  }

  /** Rejects with EnvelopeDecryptionFailure when the message cannot be opened or its context differs from `expected`. */
  async decrypt(ciphertext: Uint8Array, expected: Record<string, string>): Promise<string> {
    let plaintext: Buffer;
    let stored: Record<string, string>;
    try {
      const { plaintext: bytes, messageHeader } = await this.client.decrypt(this.keyrings.decrypt, ciphertext);
      plaintext = bytes;
      stored = messageHeader.encryptionContext;
    } catch (error) {
      throw new EnvelopeDecryptionFailure((error as Error).message);
    }
    for (const [key, value] of Object.entries(expected)) {
      if (stored[key] !== value) throw new EnvelopeDecryptionFailure(`encryption context "${key}" does not match`);
    }
    return plaintext.toString('utf8');
  }

  /**
   * Key rotation: the secret encrypted under the primary key, or null when it already is.
   * Whether the primary key alone can open the message tells which key wrapped it.
   */
  async reencryptUnderPrimary(ciphertext: Uint8Array, context: Record<string, string>): Promise<Buffer | null> {
    if (await this.opensWith(this.keyrings.encrypt, ciphertext)) return null;
    return this.encrypt(await this.decrypt(ciphertext, context), context);
  }

  private async opensWith(keyring: KeyringNode, ciphertext: Uint8Array): Promise<boolean> {
    try {
      await this.client.decrypt(keyring, ciphertext);
      return true;
    } catch {
      return false; // no data key in the message for this keyring
    }
  }
}

/** What `buildClient` of `@aws-crypto/client-node` returns, from the two packages it joins. */
function clientFor(options: { commitmentPolicy: CommitmentPolicy; maxEncryptedDataKeys: number }) {
  return { ...buildEncrypt(options), ...buildDecrypt(options) };
}
