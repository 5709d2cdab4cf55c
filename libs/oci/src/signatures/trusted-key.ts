import { createHash, createPublicKey, KeyObject, X509Certificate } from 'node:crypto';

/**
 * A public key an org trusts to sign its images. Accepted: ECDSA P-256 and P-384, Ed25519, RSA of
 * 2048 to 8192 bits, as a PEM `PUBLIC KEY` (SPKI, what `cosign generate-key-pair` writes to
 * cosign.pub) or `RSA PUBLIC KEY` (PKCS#1). Refused, each with its own message: private keys (never
 * accepted, never echoed), certificates (a certificate's expiry and chain would not be checked, so
 * trusting one would promise more than is verified), P-521 and other curves, RSA under 2048 bits,
 * RSA-PSS-restricted keys, DSA, Ed448, X25519 and anything else.
 */
export type TrustedKeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa';

export interface TrustedPublicKey {
  readonly kind: TrustedKeyKind;
  /** e.g. "ECDSA P-256", "RSA 3072". */
  readonly description: string;
  /** The key re-encoded as SPKI PEM (a canonical form worth storing). */
  readonly pem: string;
  /** `sha256:<hex>` of the SPKI DER: the same key in any encoding has the same fingerprint. */
  readonly fingerprint: string;
  readonly keyObject: KeyObject;
  /** RSA modulus size in bytes (the length of every signature it makes). */
  readonly rsaBytes?: number;
  /** Ed25519 only: the raw 32-byte public key. */
  readonly ed25519Raw?: Uint8Array;
}

/** Either the parsed key or a user-facing problem that completes "trusted_keys[i].public_key …". */
export type TrustedKeyParseResult = { ok: true; key: TrustedPublicKey } | { ok: false; problem: string };

/** Longest PEM text looked at (an RSA 8192 public key is about 1.5 KB). */
export const MAX_PUBLIC_KEY_PEM_LENGTH = 16 * 1024;
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\s]*?)-----END \1-----/g;
const PUBLIC_KEY_LABELS = new Set(['PUBLIC KEY', 'RSA PUBLIC KEY']);

export function parseTrustedKey(text: unknown): TrustedKeyParseResult {
  if (typeof text !== 'string' || text.trim() === '') {
    return problem('must be a PEM public key ("-----BEGIN PUBLIC KEY-----" …), e.g. the contents of cosign.pub.');
  }
  if (text.length > MAX_PUBLIC_KEY_PEM_LENGTH) {
    return problem(`is too long (${text.length} characters, at most ${MAX_PUBLIC_KEY_PEM_LENGTH}) for a public key.`);
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  // Private keys are refused before anything else is said about the text, and never quoted.
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) {
    return problem('is a private key. Paste the public key instead (cosign.pub, or `cosign public-key --key cosign.key`); a private key must never leave its owner.');
  }
  if (blocks.length === 0) {
    return problem('is not PEM: expected "-----BEGIN PUBLIC KEY-----", base64 lines and "-----END PUBLIC KEY-----" (the contents of cosign.pub).');
  }
  if (blocks.length > 1) {
    return problem(`holds ${blocks.length} PEM blocks; give exactly one public key per entry.`);
  }
  const [block] = blocks;
  if (text.slice(0, block.index).trim() !== '' || text.slice(block.index + block[0].length).trim() !== '') {
    return problem('has text outside its PEM block; give only the "-----BEGIN PUBLIC KEY-----" … "-----END PUBLIC KEY-----" block.');
  }
  const label = block[1];
  if (label === 'CERTIFICATE') {
    return problem('is a certificate, not a public key. Certificates are not trusted here (their expiry and chain would not be checked); extract the key with `openssl x509 -pubkey -noout -in cert.pem` and paste that.');
  }
  if (!PUBLIC_KEY_LABELS.has(label)) {
    return problem(`is a PEM "${label}" block, not a public key ("-----BEGIN PUBLIC KEY-----").`);
  }
  // Re-wrapped, so a key whose line breaks were lost on the way (pasted as one line) still reads.
  const body = block[2].replace(/\s+/g, '');
  const pem = `-----BEGIN ${label}-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return problem('is not a readable public key: the PEM block does not decode to a key (was it truncated or edited?).');
  }
  return describeKey(keyObject);
}

function describeKey(keyObject: KeyObject): TrustedKeyParseResult {
  const details = keyObject.asymmetricKeyDetails ?? {};
  const spki = keyObject.export({ type: 'spki', format: 'der' });
  const base = {
    keyObject,
    pem: keyObject.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: `sha256:${createHash('sha256').update(spki).digest('hex')}`,
  };
  switch (keyObject.asymmetricKeyType) {
    case 'ec':
      if (details.namedCurve === 'prime256v1') return accepted({ ...base, kind: 'ecdsa-p256', description: 'ECDSA P-256' });
      if (details.namedCurve === 'secp384r1') return accepted({ ...base, kind: 'ecdsa-p384', description: 'ECDSA P-384' });
      return problem(`is an ECDSA key on curve ${curveName(details.namedCurve)}; only P-256 and P-384 are accepted.`);
    case 'ed25519': {
      const x = keyObject.export({ format: 'jwk' }).x;
      return accepted({ ...base, kind: 'ed25519', description: 'Ed25519', ed25519Raw: Buffer.from(String(x), 'base64url') });
    }
    case 'rsa': {
      const bits = details.modulusLength ?? 0;
      if (bits < MIN_RSA_BITS) return problem(`is an RSA key of ${bits} bits; RSA keys need at least ${MIN_RSA_BITS} bits.`);
      if (bits > MAX_RSA_BITS) return problem(`is an RSA key of ${bits} bits; at most ${MAX_RSA_BITS} bits are accepted.`);
      return accepted({ ...base, kind: 'rsa', description: `RSA ${bits}`, rsaBytes: Math.ceil(bits / 8) });
    }
    case 'rsa-pss':
      return problem('is an RSA-PSS-restricted key; use a plain RSA public key ("rsaEncryption") of at least 2048 bits.');
    default:
      return problem(
        `is a key of type ${(keyObject.asymmetricKeyType ?? 'unknown').toUpperCase()}; accepted are ECDSA P-256, ECDSA P-384, Ed25519 and RSA (at least 2048 bits).`,
      );
  }
}

function curveName(curve: string | undefined): string {
  return curve === 'secp521r1' ? 'P-521' : (curve ?? 'unknown');
}

function accepted(key: TrustedPublicKey): TrustedKeyParseResult {
  return { ok: true, key };
}

function problem(text: string): TrustedKeyParseResult {
  return { ok: false, problem: text };
}

/** The fingerprint of the key in a PEM public key or certificate; undefined when it is neither. */
export function fingerprintOfPem(pem: string): string | undefined {
  try {
    let key: KeyObject;
    if (/^\s*-----BEGIN CERTIFICATE-----/.test(pem)) key = new X509Certificate(pem).publicKey;
    else if (/^\s*-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) key = createPublicKey({ key: pem, format: 'pem' });
    else return undefined;
    return `sha256:${createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')}`;
  } catch {
    return undefined;
  }
}
