import { COSIGN_SIGNATURE_TYPE } from './cosign-layout';

/**
 * The signed claims of a cosign "simple signing" payload
 * (https://github.com/containers/image/blob/main/docs/containers-signature.5.md, as cosign writes it:
 * `{"critical":{"identity":{"docker-reference":…},"image":{"docker-manifest-digest":…},"type":"cosign container image signature"},"optional":…}`).
 * `optional` (cosign `-a` annotations, creator, timestamp) carries nothing this service relies on.
 */
export interface SimpleSigningClaims {
  readonly dockerReference: string;
  readonly manifestDigest: string;
}

export type SimpleSigningParseResult = { ok: true; claims: SimpleSigningClaims } | { ok: false; problem: string };

export function parseSimpleSigning(payload: Buffer): SimpleSigningParseResult {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, problem: 'the signed payload is not JSON' };
  }
  const critical = objectField(document, 'critical');
  if (!critical) return { ok: false, problem: 'the signed payload has no "critical" section' };
  if (critical.type !== COSIGN_SIGNATURE_TYPE) {
    return { ok: false, problem: `the signed payload's critical.type is not "${COSIGN_SIGNATURE_TYPE}"` };
  }
  const manifestDigest = objectField(critical, 'image')?.['docker-manifest-digest'];
  if (typeof manifestDigest !== 'string') {
    return { ok: false, problem: 'the signed payload names no critical.image.docker-manifest-digest' };
  }
  const dockerReference = objectField(critical, 'identity')?.['docker-reference'];
  if (typeof dockerReference !== 'string') {
    return { ok: false, problem: 'the signed payload names no critical.identity.docker-reference' };
  }
  return { ok: true, claims: { dockerReference, manifestDigest } };
}

function objectField(value: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const field = (value as Record<string, unknown>)[key];
  if (typeof field !== 'object' || field === null || Array.isArray(field)) return undefined;
  return field as Record<string, unknown>;
}
