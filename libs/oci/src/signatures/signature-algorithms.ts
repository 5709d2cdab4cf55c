import { constants, verify } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519';
import { TrustedPublicKey } from './trusted-key';

/**
 * Checks a cosign signature over `payload` with one trusted key, accepting what cosign and
 * sigstore-go produce for that key type (sigstore/sigstore pkg/signature/algorithm_registry.go,
 * cosign pkg/cosign/keys.go `LoadPrivateKey` → `LoadDefaultSignerVerifier`):
 *
 * - ECDSA P-256: ASN.1 DER signature over SHA-256.
 * - ECDSA P-384: SHA-384 (what cosign signs with by default since it picks the hash by key), or
 *   SHA-256 (older cosign, which hashed with SHA-256 for every key, and `--signature-digest-algorithm`).
 * - Ed25519: Ed25519ph (SHA-512 pre-hash, RFC 8032 §5.1, empty context), which current cosign uses
 *   for Ed25519 key files, or pure Ed25519 (older cosign). Node 20 has no Ed25519ph, hence
 *   @noble/curves for that one variant; pure Ed25519 stays with Node's crypto.
 * - RSA: PKCS#1 v1.5 with SHA-256 (cosign's default for RSA keys of any size), or RSA-PSS with
 *   SHA-256 (the sigstore algorithm registry's `rsa-sign-pss-*-sha256`, used through KMS keys).
 *
 * Signatures whose shape cannot belong to the key (an Ed25519 signature is 64 bytes, an RSA one is
 * as long as the modulus, ECDSA is a DER SEQUENCE) are rejected before any arithmetic, so trying
 * every trusted key costs little.
 */
export function verifiesWith(key: TrustedPublicKey, payload: Buffer, signature: Buffer): boolean {
  switch (key.kind) {
    case 'ecdsa-p256':
      return isDerSequence(signature) && check('sha256', payload, key, signature);
    case 'ecdsa-p384':
      return isDerSequence(signature) && (check('sha384', payload, key, signature) || check('sha256', payload, key, signature));
    case 'ed25519':
      return signature.length === 64 && (check(null, payload, key, signature) || ed25519PreHashed(payload, key, signature));
    case 'rsa':
      return (
        signature.length === key.rsaBytes &&
        (check('sha256', payload, key, signature, constants.RSA_PKCS1_PADDING) ||
          check('sha256', payload, key, signature, constants.RSA_PKCS1_PSS_PADDING))
      );
  }
}

function check(
  algorithm: string | null,
  payload: Buffer,
  key: TrustedPublicKey,
  signature: Buffer,
  padding?: number,
): boolean {
  try {
    const options =
      padding === undefined
        ? { key: key.keyObject, dsaEncoding: 'der' as const }
        : { key: key.keyObject, padding, saltLength: constants.RSA_PSS_SALTLEN_AUTO };
    return verify(algorithm, payload, options, signature);
  } catch {
    // Malformed signature bytes are a signature that does not verify.
    return false;
  }
}

function ed25519PreHashed(payload: Buffer, key: TrustedPublicKey, signature: Buffer): boolean {
  if (!key.ed25519Raw) return false;
  try {
    return ed25519ph.verify(signature, payload, key.ed25519Raw, { zip215: false });
  } catch {
    return false;
  }
}

/** ECDSA signatures are `SEQUENCE { INTEGER r, INTEGER s }` (tag 0x30). */
function isDerSequence(signature: Buffer): boolean {
  return signature.length >= 8 && signature.length <= 150 && signature[0] === 0x30;
}
