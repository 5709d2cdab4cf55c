import { createHash } from 'node:crypto';
import { RegistryError, ValidationErrorCode } from './errors';
// The leaf module, not @app/common's index: libs/oci stays free of Nest.
import { shorten } from '@app/common/text';

/** Digest algorithms we accept and verify, with the length of their (lowercase) hex encoding. */
export const SUPPORTED_DIGEST_ALGORITHMS = { sha256: 64, sha512: 128 } as const;

export type SupportedDigestAlgorithm = keyof typeof SUPPORTED_DIGEST_ALGORITHMS;

/** Splits `algorithm:hex`; undefined unless the algorithm is supported and the hex is well-formed. */
export function parseDigest(digest: string): { algorithm: SupportedDigestAlgorithm; hex: string } | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (!Object.hasOwn(SUPPORTED_DIGEST_ALGORITHMS, algorithm)) return undefined;
  const length = SUPPORTED_DIGEST_ALGORITHMS[algorithm as SupportedDigestAlgorithm];
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) return undefined;
  return { algorithm: algorithm as SupportedDigestAlgorithm, hex };
}

export function computeDigest(content: Buffer, algorithm: SupportedDigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(content).digest('hex')}`;
}

/**
 * Checks that `content` hashes to `expected`. `what` names the content in the
 * user-facing message, e.g. "manifest for ghcr.io/org/app:1".
 */
export function verifyDigest(content: Buffer, expected: string, what: string): void {
  const parsed = parseDigest(expected);
  if (!parsed) {
    throw new RegistryError(
      ValidationErrorCode.UnsupportedManifest,
      `The ${what} is referenced by digest "${shorten(expected, 79)}", which is not a sha256 or sha512 digest.`,
    );
  }
  const actual = computeDigest(content, parsed.algorithm);
  if (actual !== expected) {
    throw new RegistryError(
      ValidationErrorCode.DigestMismatch,
      `The registry returned a ${what} whose content does not match digest ${expected} (got ${actual}).`,
    );
  }
}
