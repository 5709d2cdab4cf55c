import { CosignAnnotation } from './cosign-layout';
import { fingerprintOfPem } from './trusted-key';

/**
 * Who a signature layer says made it, from the annotations cosign adds next to the signature:
 * the Rekor bundle (`dev.sigstore.cosign/bundle`, written when cosign uploads to the transparency
 * log, its default) records the signing key or certificate and the sha256 of the payload it signed;
 * `dev.sigstore.cosign/certificate` holds the signing certificate.
 *
 * These are claims, not proof (the Rekor entry's signed timestamp is not checked here): they never
 * make a signature count as verified. They only tell a signature by a trusted key that no longer
 * verifies (its payload was altered after signing) from a signature by some other key, which a
 * failed check alone cannot: both are failures either way.
 */
export interface SignerHints {
  /** SPKI fingerprints (`sha256:…`) of the keys the annotations name. */
  readonly keyFingerprints: ReadonlySet<string>;
  /** `sha256:…` of the payload the transparency-log entry says was signed. */
  readonly signedPayloadDigest?: string;
}

const MAX_ANNOTATION_LENGTH = 64 * 1024;

export function signerHints(annotations: Readonly<Record<string, string>>): SignerHints {
  const keyFingerprints = new Set<string>();
  let signedPayloadDigest: string | undefined;

  const certificate = annotations[CosignAnnotation.Certificate];
  if (certificate && certificate.length <= MAX_ANNOTATION_LENGTH) addFingerprint(keyFingerprints, certificate);

  const entry = rekorEntry(annotations[CosignAnnotation.Bundle]);
  if (entry) {
    const content = entry.spec?.signature?.publicKey?.content;
    if (typeof content === 'string') addFingerprint(keyFingerprints, Buffer.from(content, 'base64').toString('utf8'));
    const hash = entry.spec?.data?.hash;
    if (hash?.algorithm === 'sha256' && typeof hash.value === 'string' && /^[0-9a-f]{64}$/.test(hash.value)) {
      signedPayloadDigest = `sha256:${hash.value}`;
    }
  }
  return { keyFingerprints, ...(signedPayloadDigest ? { signedPayloadDigest } : {}) };
}

/** The `hashedrekord` (or older `rekord`) entry body inside a cosign Rekor bundle annotation. */
interface RekorEntryBody {
  spec?: {
    data?: { hash?: { algorithm?: unknown; value?: unknown } };
    signature?: { publicKey?: { content?: unknown } };
  };
}

function rekorEntry(bundle: string | undefined): RekorEntryBody | undefined {
  if (!bundle || bundle.length > MAX_ANNOTATION_LENGTH) return undefined;
  try {
    const body = (JSON.parse(bundle) as { Payload?: { body?: unknown } }).Payload?.body;
    if (typeof body !== 'string') return undefined;
    const entry: unknown = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
    return typeof entry === 'object' && entry !== null ? (entry as RekorEntryBody) : undefined;
  } catch {
    return undefined;
  }
}

function addFingerprint(into: Set<string>, pem: string): void {
  const fingerprint = fingerprintOfPem(pem);
  if (fingerprint) into.add(fingerprint);
}
