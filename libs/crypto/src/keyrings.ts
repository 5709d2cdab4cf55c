import { KeyringNode, MultiKeyringNode } from '@aws-crypto/material-management-node';
import { RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/raw-aes-keyring-node';
import { AppConfig, RawAesKey } from '@app/config';
import { loadOrCreateDevKey } from './dev-token-key';

const KEY_NAMESPACE = 'airuntime-templates';

/**
 * The keyrings in use, built from config (raw AES keys, KMS, or the dev key), shared by every
 * secret the service stores (registry tokens, webhook signing secrets). New secrets are
 * wrapped by the primary key alone; every configured key can unwrap, so a rotation keeps old
 * ones readable. (A multi-keyring would wrap under every child key, so old keys could still
 * read new secrets: hence two keyrings.)
 */
export interface TokenKeyrings {
  encrypt: KeyringNode;
  decrypt: KeyringNode;
  /** Key name of the primary key (raw AES key id or KMS ARN), to tell which secrets need re-encryption. */
  primaryKeyName: string;
}
export const TOKEN_KEYRINGS = Symbol('TOKEN_KEYRINGS');

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
    // Loaded only here: the KMS keyring brings the AWS SDK's KMS client (see envelope-cipher.ts).
    const { KmsKeyringNode } = await import('@aws-crypto/kms-keyring-node');
    const kms = new KmsKeyringNode({ generatorKeyId: kmsKeyArn });
    return { encrypt: kms, decrypt: anyOf([kms, ...rawKeys.map(rawAesKeyring)]), primaryKeyName: kmsKeyArn };
  }
  if (rawKeys.length > 0) return rawAesKeyrings(rawKeys);
  // Config validation refused production without a key; this is dev mode.
  return rawAesKeyrings([await loadOrCreateDevKey(config.dataDir)]);
}
