/**
 * How cosign stores a key-based image signature in a registry (cosign v2/v3, `--new-bundle-format=false`):
 *
 * - the payload is a "simple signing" JSON document (sigstore/sigstore pkg/signature/payload), one blob;
 * - the signature manifest is an OCI image manifest whose layers are those payload blobs, each with
 *   the base64 signature in the `dev.cosignproject.cosign/signature` annotation (cosign pkg/oci/static);
 * - legacy mode pushes that manifest under the tag `sha256-<hex>.sig` (cosign pkg/oci/remote `normalize`),
 *   with config media type `application/vnd.oci.image.config.v1+json`;
 * - `--registry-referrers-mode=oci-1-1` pushes it by digest with a `subject`, config media type and
 *   top-level `artifactType` `application/vnd.dev.cosign.artifact.sig.v1+json`
 *   (cosign pkg/oci/remote/write.go `WriteSignaturesExperimentalOCI`; older cosign set only the config media type).
 *
 * cosign v3 signs by default into a Sigstore bundle instead (a DSSE in-toto statement, pushed as a referrer
 * with artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`): that format is recognised and
 * reported, not verified.
 */
export const CosignMediaType = {
  SimpleSigningLayer: 'application/vnd.dev.cosign.simplesigning.v1+json',
  SignatureArtifact: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  SigstoreBundle: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

export const CosignAnnotation = {
  Signature: 'dev.cosignproject.cosign/signature',
  /** Rekor bundle: `{SignedEntryTimestamp, Payload: {body, integratedTime, logIndex, logID}}`. */
  Bundle: 'dev.sigstore.cosign/bundle',
  /** PEM certificate of the signing key (keyless signing, or `cosign sign --certificate`). */
  Certificate: 'dev.sigstore.cosign/certificate',
} as const;

/** `critical.type` of every cosign simple-signing payload. */
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** The tag cosign's legacy mode pushes the signatures of `digest` under: `sha256:abc…` → `sha256-abc….sig`. */
export function signatureTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}
