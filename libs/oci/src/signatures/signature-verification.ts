import { computeDigest } from '../digest';
import { sanitizeRegistryMessage } from '../errors';
import { CosignAnnotation } from './cosign-layout';
import { canonicalRepository } from './docker-reference';
import { verifiesWith } from './signature-algorithms';
import { SignatureCandidate } from './signature-discovery';
import { SignatureFinding } from './signature-finding';
import { signerHints } from './signer-hints';
import { parseSimpleSigning } from './simple-signing';
import { TrustedPublicKey } from './trusted-key';

export interface NamedTrustedKey {
  readonly name: string;
  readonly key: TrustedPublicKey;
}

/** What a signature must sign: the validated digest, in the template's repository (canonical form). */
export interface VerificationTarget {
  readonly digest: string;
  /** Other digests a signature may name instead (an index's linux/amd64 manifest, see SignatureSubject). */
  readonly alsoAccepted?: readonly string[];
  /** `canonicalRepository()` of the template's image. */
  readonly repository: string;
}

/** Longest base64 signature looked at (an RSA 8192 signature is 1,368 characters). */
const MAX_SIGNATURE_BASE64 = 2048;
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks one signature: it verifies when a trusted key's signature checks over the payload bytes,
 * the payload is a cosign simple-signing document for `target.digest`, and it names
 * `target.repository`. `key_name` is the key it verified with, else the trusted key its annotations
 * name (see signer-hints), else null.
 */
export function verifySignature(
  candidate: SignatureCandidate,
  keys: readonly NamedTrustedKey[],
  target: VerificationTarget,
  budget: { remaining: number } = { remaining: Infinity },
): SignatureFinding {
  const hints = signerHints(candidate.annotations);
  const hinted = keys.find((entry) => hints.keyFingerprints.has(entry.key.fingerprint));
  const failed = (reason: string, key = hinted): SignatureFinding => ({ key_name: key?.name ?? null, verified: false, reason });

  if (!candidate.payload) return failed(sentence(`Signature ${candidate.layerDigest}: ${candidate.problem ?? 'its payload could not be read'}`));
  const payload = candidate.payload;
  const signature = decodeSignature(candidate.signature);
  if (!signature) return failed(`Signature ${candidate.layerDigest}: its ${CosignAnnotation.Signature} annotation is not a base64 signature.`);

  // The key the annotations name is tried first; any trusted key that verifies counts.
  const ordered = hinted ? [hinted, ...keys.filter((entry) => entry !== hinted)] : keys;
  let signer: NamedTrustedKey | undefined;
  for (const entry of ordered) {
    if (budget.remaining <= 0) {
      return failed(`Signature ${candidate.layerDigest} was not checked: the limit of signature checks per image was reached.`, undefined);
    }
    budget.remaining--;
    if (verifiesWith(entry.key, payload, signature)) {
      signer = entry;
      break;
    }
  }
  if (!signer) {
    if (!hinted) return failed(`Signature ${candidate.layerDigest} is not by a trusted key (tried ${keyList(keys)}).`, undefined);
    const actual = computeDigest(payload);
    if (hints.signedPayloadDigest && hints.signedPayloadDigest !== actual) {
      return failed(
        `Signature ${candidate.layerDigest} by key "${hinted.name}" does not verify: the payload was altered after signing (its transparency-log entry records ${hints.signedPayloadDigest}, the payload is ${actual}).`,
      );
    }
    return failed(`Signature ${candidate.layerDigest} names key "${hinted.name}" but does not verify with it (the payload or the signature was altered).`);
  }

  const parsed = parseSimpleSigning(payload);
  if (!parsed.ok) return failed(`Signature ${candidate.layerDigest} by key "${signer.name}" does not count: ${parsed.problem}.`, signer);
  const { manifestDigest, dockerReference } = parsed.claims;
  if (manifestDigest !== target.digest && !target.alsoAccepted?.includes(manifestDigest)) {
    return failed(
      `Signature ${candidate.layerDigest} by key "${signer.name}" signs ${quote(manifestDigest)}, not this image's digest ${target.digest} (a signature of another image copied here).`,
      signer,
    );
  }
  if (canonicalRepository(dockerReference) !== target.repository) {
    return failed(
      `Signature ${candidate.layerDigest} by key "${signer.name}" names the repository ${quote(dockerReference)}, not ${target.repository}.`,
      signer,
    );
  }
  return { key_name: signer.name, verified: true, reason: null };
}

function decodeSignature(text: string): Buffer | undefined {
  const compact = text.trim();
  if (compact.length === 0 || compact.length > MAX_SIGNATURE_BASE64 || !STRICT_BASE64.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}

/** `text` ending in exactly one full stop. */
export function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`;
}

/** `"ci", "release"`, for messages. */
export function keyList(keys: readonly { readonly name: string }[]): string {
  return keys.map((entry) => quote(entry.name)).join(', ');
}

function quote(text: string): string {
  return `"${sanitizeRegistryMessage(text).slice(0, 120)}"`;
}
