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

/** Either secret the cipher protects. */
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

/**
 * The keyrings in use, built from config (raw AES keys, KMS, or the dev key). New tokens are
 * wrapped by the primary key alone; every configured key can unwrap, so a rotation keeps old
 * tokens readable. (A multi-keyring would wrap under every child key, so old keys could
 * still read new tokens: hence two keyrings.)
 */
export interface TokenKeyrings {
  encrypt: KeyringNode;
  decrypt: KeyringNode;
  /** Key name of the primary key (raw AES key id or KMS ARN), to tell which tokens need re-encryption. */
  primaryKeyName: string;
}
export const TOKEN_KEYRINGS = Symbol('TOKEN_KEYRINGS');

/**
 * Encrypts registry secrets (write-only: templates' inline tokens and registry credentials'
 * secrets) with the AWS Encryption SDK, bound to their row by encryption context.
 */
@Injectable()
export class RegistryTokenCipher {
  private readonly client = buildClient({
    commitmentPolicy: CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT,
    maxEncryptedDataKeys: MAX_ENCRYPTED_DATA_KEYS,
  });

  constructor(@Inject(TOKEN_KEYRINGS) private readonly keyrings: TokenKeyrings) {}

  async encrypt(token: string, context: SecretContext): Promise<Buffer> {
    const { result } = await this.client.encrypt(this.keyrings.encrypt, Buffer.from(token, 'utf8'), {
      encryptionContext: encryptionContext(context),
      suiteId: ALGORITHM_SUITE,
    });
    return result;
  }

  async decrypt(ciphertext: Uint8Array, context: SecretContext): Promise<string> {
    let plaintext: Buffer;
    let stored: Record<string, string>;
    try {
      const { plaintext: bytes, messageHeader } = await this.client.decrypt(this.keyrings.decrypt, ciphertext);
      plaintext = bytes;
      stored = messageHeader.encryptionContext;
    } catch (error) {
      throw new TokenDecryptionError((error as Error).message);
    }
    const expected = encryptionContext(context);
    for (const [key, value] of Object.entries(expected)) {
      if (stored[key] !== value) {
        throw new TokenDecryptionError(`encryption context "${key}" does not match this ${'templateId' in context ? 'template' : 'registry credential'}`);
      }
    }
    return plaintext.toString('utf8');
  }

  /**
   * Key rotation: returns the token encrypted under the primary key, or null when it already
   * is. Whether the primary key alone can open the message tells which key wrapped it.
   */
  async reencryptUnderPrimary(ciphertext: Uint8Array, context: SecretContext): Promise<Buffer | null> {
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

function encryptionContext(context: SecretContext): Record<string, string> {
  if ('templateId' in context) return { org_id: context.orgId, template_id: context.templateId, purpose: PURPOSE };
  return { org_id: context.orgId, credential_id: context.credentialId, purpose: CREDENTIAL_PURPOSE[context.kind] };
}

function rawAesKeyring({ id, key }: RawAesKey): KeyringNode {
  return new RawAesKeyringNode({
    keyName: id,
    keyNamespace: KEY_NAMESPACE,
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });
}

/** Tries each keyring in turn on decrypt (a multi-keyring with no generator never encrypts). */
function anyOf(keyrings: KeyringNode[]): KeyringNode {
  return keyrings.length === 1 ? keyrings[0] : new MultiKeyringNode({ children: keyrings });
}

/** The first raw key encrypts; all of them decrypt. */
export function rawAesKeyrings(keys: RawAesKey[]): TokenKeyrings {
  const keyrings = keys.map(rawAesKeyring);
  return { encrypt: keyrings[0], decrypt: anyOf(keyrings), primaryKeyName: keys[0].id };
}

/** KMS when TOKEN_KMS_KEY_ARN is set (raw keys then only decrypt, for migrating to KMS), else raw keys, else the dev key. */
export async function keyringsFromConfig(config: AppConfig): Promise<TokenKeyrings> {
  const { rawKeys, kmsKeyArn } = config.tokenEncryption;
  if (kmsKeyArn) {
    const kms = new KmsKeyringNode({ generatorKeyId: kmsKeyArn });
    return { encrypt: kms, decrypt: anyOf([kms, ...rawKeys.map(rawAesKeyring)]), primaryKeyName: kmsKeyArn };
  }
  if (rawKeys.length > 0) return rawAesKeyrings(rawKeys);
  // Config validation refused production without a key; this is dev mode.
  return rawAesKeyrings([await loadOrCreateDevKey(config.dataDir)]);
}
