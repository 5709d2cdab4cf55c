/**
 * Signs image digests in a real registry exactly as cosign lays signatures out, because no cosign
 * is packaged here and Debian's skopeo has sigstore signing compiled out ("Debian-local change:
 * sigstore disabled"): the simple-signing payload blob, the config blob, and the OCI signature
 * manifest (one layer per signature, base64 signature in `dev.cosignproject.cosign/signature`)
 * pushed under `sha256-<hex>.sig`. The bytes come from libs/oci/src/testing/cosign-signatures.ts
 * (shared with the unit specs; its header cites cosign's source for each part); signing is Node's
 * crypto (ECDSA P-256/P-384, Ed25519, RSA), with @noble/curves for Ed25519ph, cosign's current
 * Ed25519 mode, which Node 20 lacks.
 *
 * The verifier is also checked against signatures made by the real cosign
 * (libs/oci/src/signatures/fixtures), so this signer and the verifier cannot agree on a mistake.
 */
import {
  cosignPayload,
  cosignSignatureArtifact,
  CosignSignatureLayer,
  generateTestKeyPair,
  rekorBundleAnnotation,
  signPayload,
  TestKeyKind,
  TestKeyPair,
} from '../../libs/oci/src/testing/cosign-signatures';
import { pushBlob, pushManifest, RegistryTarget } from './images/push-image';

export { generateTestKeyPair };
export type { TestKeyKind, TestKeyPair };

export interface CosignSignatureSpec {
  readonly key: TestKeyPair;
  /** `critical.identity.docker-reference`; default `<registry host>/<repository>`, what cosign writes. */
  readonly identity?: string;
  /** `critical.image.docker-manifest-digest`; default the digest being signed. */
  readonly signedDigest?: string;
  /** `optional` (cosign `-a key=value`); default null. */
  readonly annotations?: Record<string, string>;
  /**
   * Attach the `dev.sigstore.cosign/bundle` annotation cosign writes after uploading to Rekor
   * (its default; `--tlog-upload=false` leaves it out). Placeholder log coordinates.
   */
  readonly rekorBundle?: boolean;
  /** Changes the payload after it was signed (what an attacker with push access could do). */
  readonly tamper?: (payload: Buffer) => Buffer;
}

export interface PushedSignatures {
  /** `sha256-<hex>.sig` */
  readonly tag: string;
  readonly manifestDigest: string;
  readonly manifestBytes: Buffer;
  /** The payload blobs as stored (after tampering, if any). */
  readonly payloads: Buffer[];
}

/** Builds one signature layer as `cosign sign --key` would for `host/repository@digest`. */
export function cosignSignatureLayer(spec: CosignSignatureSpec, host: string, repository: string, digest: string): CosignSignatureLayer {
  const signed = cosignPayload(spec.signedDigest ?? digest, spec.identity ?? `${host}/${repository}`, spec.annotations ?? null);
  const signature = signPayload(spec.key, signed);
  const payload = spec.tamper ? spec.tamper(signed) : signed;
  const annotations = spec.rekorBundle ? rekorBundleAnnotation(signed, signature, spec.key.publicKeyPem) : undefined;
  return { payload, signature, ...(annotations ? { annotations } : {}) };
}

/**
 * Pushes the signatures of `digest` (all in one `.sig` manifest, as repeated `cosign sign` runs
 * leave them) to `repository`, replacing any signatures there.
 */
export async function pushCosignSignatures(
  registry: RegistryTarget & { host: string },
  repository: string,
  digest: string,
  signatures: readonly CosignSignatureSpec[],
): Promise<PushedSignatures> {
  const layers = signatures.map((spec) => cosignSignatureLayer(spec, registry.host, repository, digest));
  const artifact = cosignSignatureArtifact(layers);
  for (const blob of artifact.blobs) await pushBlob(registry, repository, blob.bytes);
  const tag = `${digest.replace(':', '-')}.sig`;
  const manifestDigest = await pushManifest(registry, repository, tag, artifact.mediaType, artifact.manifest.bytes);
  return { tag, manifestDigest, manifestBytes: artifact.manifest.bytes, payloads: layers.map((layer) => layer.payload) };
}

/** Puts an existing signature manifest under the `.sig` tag of another digest (`crane copy` of the tag). */
export async function copyCosignSignatures(
  registry: RegistryTarget,
  repository: string,
  from: PushedSignatures,
  toDigest: string,
): Promise<string> {
  return pushManifest(registry, repository, `${toDigest.replace(':', '-')}.sig`, 'application/vnd.oci.image.manifest.v1+json', from.manifestBytes);
}
