/**
 * The token cipher uses the AWS Encryption SDK (`@aws-crypto/client-node`) by the packages it is
 * made of, so that a process loads only what it uses (the KMS keyring and its AWS SDK client only
 * with TOKEN_KMS_KEY_ARN; README, Memory). They must be the very implementations
 * `@aws-crypto/client-node` exports, not other versions of them.
 */
describe('the AWS Encryption SDK by its parts', () => {
  it('imports the same functions and classes that @aws-crypto/client-node exports', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require('@aws-crypto/client-node');
    const parts = {
      buildEncrypt: require('@aws-crypto/encrypt-node').buildEncrypt,
      buildDecrypt: require('@aws-crypto/decrypt-node').buildDecrypt,
      RawAesKeyringNode: require('@aws-crypto/raw-aes-keyring-node').RawAesKeyringNode,
      KmsKeyringNode: require('@aws-crypto/kms-keyring-node').KmsKeyringNode,
      MultiKeyringNode: require('@aws-crypto/material-management-node').MultiKeyringNode,
      CommitmentPolicy: require('@aws-crypto/material-management-node').CommitmentPolicy,
    };
    for (const [name, part] of Object.entries(parts)) {
      expect({ name, same: sdk[name] === part }).toEqual({ name, same: true });
    }
  });
});
