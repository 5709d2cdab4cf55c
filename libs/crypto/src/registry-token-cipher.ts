import { Inject, Injectable } from '@nestjs/common';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  KeyringNode,
  KmsKeyringNode,
  MultiKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
} from '@aws-crypto/client-node';
import { APP_CONFIG, AppConfig, RawAesKey } from '@app/config';
import { loadOrCreateDevKey } from './dev-token-key';

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
const KEY_NAMESPACE = 'airuntime-templates';
/** One data key per message is all we ever write; refusing more bounds work on hostile input. */
const MAX_ENCRYPTED_DATA_KEYS = 3;

/**
 * Committed-key AES-GCM without the ECDSA signature. Signatures help when the principals
 * that encrypt and those that decrypt must be kept apart; here the API and the worker hold
 * the same symmetric keys (a raw AES or KMS keyring: whoever can decrypt can also encrypt),
 * so a signature adds no protection while costing ~5x per create (FACTS.md: 6.8 ms vs 1.3 ms).
 */
const ALGORITHM_SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;

/** Injection token for the keyring in use; built from config (raw AES keys, KMS, or the dev key). */
export const TOKEN_KEYRING = Symbol('TOKEN_KEYRING');

/**
 * Encrypts registry tokens (write-only secrets) with the AWS Encryption SDK, bound to their
 * template by encryption context.
 */
@Injectable()
export class RegistryTokenCipher {
  private readonly client = buildClient({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
  });

  constructor(@Inject(TOKEN_KEYRING) private readonly keyring: KeyringNode) {}

  async encrypt(token: string, context: TokenContext): Promise<Buffer> {
    const { result } = await this.client.encrypt(this.keyring, Buffer.from(token, 'utf8'), {
      encryptionContext: encryptionContext(context),
      suiteId: ALGORITHM_SUITE,
    });
    return result;
  }

  async decrypt(ciphertext: Uint8Array, context: TokenContext): Promise<string> {
    let plaintext: Buffer;
    let stored: Record<string, string>;
    try {
      const { plaintext: bytes, messageHeader } = await this.client.decrypt(this.keyring, ciphertext);
      plaintext = bytes;
      stored = messageHeader.encryptionContext;
    } catch (error) {
      throw new TokenDecryptionError((error as Error).message);
    }
    const expected = encryptionContext(context);
    for (const [key, value] of Object.entries(expected)) {
      if (stored[key] !== value) throw new TokenDecryptionError(`encryption context "${key}" does not match this template`);
    }
    return plaintext.toString('utf8');
  }
}

function encryptionContext({ orgId, templateId }: TokenContext): Record<string, string> {
  return { org_id: orgId, template_id: templateId, purpose: PURPOSE };
}

/** The first raw key encrypts (generator); every key decrypts, so rotation keeps old tokens readable. */
export function rawAesKeyring(keys: RawAesKey[]): KeyringNode {
  const [primary, ...others] = keys.map(
    ({ id, key }) =>
      new RawAesKeyringNode({
        keyName: id,
        keyNamespace: KEY_NAMESPACE,
        unencryptedMasterKey: new Uint8Array(key),
        wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
      }),
  );
  return others.length === 0 ? primary : new MultiKeyringNode({ generator: primary, children: others });
}

export async function keyringFromConfig(config: AppConfig): Promise<KeyringNode> {
  const { rawKeys, kmsKeyArn } = config.tokenEncryption;
  if (kmsKeyArn) {
    const kms = new KmsKeyringNode({ generatorKeyId: kmsKeyArn });
    return rawKeys.length === 0 ? kms : new MultiKeyringNode({ generator: kms, children: [rawAesKeyring(rawKeys)] });
  }
  if (rawKeys.length > 0) return rawAesKeyring(rawKeys);
  // Config validation refused production without a key; this is dev mode.
  return rawAesKeyring([await loadOrCreateDevKey(config.dataDir)]);
}
