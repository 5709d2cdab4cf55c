/**
 * Test-only: builds cosign signature artifacts byte for byte as cosign lays them out, signed with
 * Node's crypto (and @noble/curves for Ed25519ph, which Node 20 lacks). Used by the unit specs
 * (with an in-memory repository) and by test/support/cosign-signer.ts (pushed to a real registry).
 * Not exported from the library.
 *
 * Layouts, from cosign's source (pkg/oci/remote/write.go, pkg/oci/static, pkg/oci/empty) and
 * sigstore/sigstore pkg/signature/payload:
 * - payload: `{"critical":{"identity":{"docker-reference":R},"image":{"docker-manifest-digest":D},"type":"cosign container image signature"},"optional":null}`
 * - config (go-containerregistry `empty.Image` plus one history entry and diff_id per layer):
 *   `{"architecture":"","created":"0001-01-01T00:00:00Z","history":[…],"os":"","rootfs":{"type":"layers","diff_ids":[…]},"config":{}}`
 * - manifest: OCI image manifest, one `application/vnd.dev.cosign.simplesigning.v1+json` layer
 *   per signature with the `dev.cosignproject.cosign/signature` annotation; pushed under
 *   `sha256-<hex>.sig` (tag mode) or, for `--registry-referrers-mode=oci-1-1`, with config media
 *   type and `artifactType` `application/vnd.dev.cosign.artifact.sig.v1+json` and a `subject`.
 */
import { createHash, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519';
import { CosignAnnotation, CosignMediaType, COSIGN_SIGNATURE_TYPE } from '../signatures/cosign-layout';

export type TestKeyKind = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'ed25519ph' | 'rsa-2048' | 'rsa-3072' | 'rsa-pss-2048';

export interface TestKeyPair {
  readonly kind: TestKeyKind;
  readonly privateKey: KeyObject;
  /** SPKI PEM: what an org pastes as a trusted key (cosign.pub). */
  readonly publicKeyPem: string;
}

export function generateTestKeyPair(kind: TestKeyKind): TestKeyPair {
  const pair =
    kind === 'ecdsa-p256' || kind === 'ecdsa-p384'
      ? generateKeyPairSync('ec', { namedCurve: kind === 'ecdsa-p256' ? 'P-256' : 'P-384' })
      : kind === 'ed25519' || kind === 'ed25519ph'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('rsa', { modulusLength: kind === 'rsa-3072' ? 3072 : 2048 });
  return { kind, privateKey: pair.privateKey, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The signature cosign would make over `payload` with this key (base64, as annotated). */
export function signPayload(key: TestKeyPair, payload: Buffer): string {
  switch (key.kind) {
    case 'ecdsa-p256':
      return sign('sha256', payload, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
    case 'ecdsa-p384':
      return sign('sha384', payload, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64');
    case 'ed25519':
      return sign(null, payload, key.privateKey).toString('base64');
    case 'ed25519ph': {
      const seed = Buffer.from(String(key.privateKey.export({ format: 'jwk' }).d), 'base64url');
      return Buffer.from(ed25519ph.sign(payload, seed)).toString('base64');
    }
    case 'rsa-2048':
    case 'rsa-3072':
      return sign('sha256', payload, key.privateKey).toString('base64');
    case 'rsa-pss-2048':
      return sign('sha256', payload, { key: key.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 }).toString('base64');
  }
}

/** The simple-signing payload `cosign sign` writes for `dockerReference@digest`. */
export function cosignPayload(digest: string, dockerReference: string, optional: Record<string, string> | null = null): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type: COSIGN_SIGNATURE_TYPE,
      },
      optional,
    }),
  );
}

export interface CosignSignatureLayer {
  readonly payload: Buffer;
  /** Base64 signature; `signPayload(key, payload)` unless a test forges one. */
  readonly signature: string;
  /** Extra layer annotations (`dev.sigstore.cosign/bundle`, `…/certificate`). */
  readonly annotations?: Record<string, string>;
}

export interface Blob {
  readonly digest: string;
  readonly bytes: Buffer;
}

export interface CosignSignatureArtifact {
  /** Payload blobs, then the config blob. */
  readonly blobs: Blob[];
  readonly manifest: Blob;
  readonly mediaType: string;
}

/** The signature manifest (and its blobs) for `layers`, in tag mode or OCI 1.1 referrers mode. */
export function cosignSignatureArtifact(
  layers: readonly CosignSignatureLayer[],
  mode: { kind: 'tag' } | { kind: 'referrer'; subject: { mediaType: string; digest: string; size: number } } = { kind: 'tag' },
): CosignSignatureArtifact {
  const payloads = layers.map((layer) => blob(layer.payload));
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: '',
        created: '0001-01-01T00:00:00Z',
        history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
        os: '',
        rootfs: { type: 'layers', diff_ids: payloads.map((payload) => payload.digest) },
        config: {},
      }),
    ),
  );
  const configMediaType = mode.kind === 'tag' ? 'application/vnd.oci.image.config.v1+json' : CosignMediaType.SignatureArtifact;
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: configMediaType, size: config.bytes.length, digest: config.digest },
    layers: layers.map((layer, i) => ({
      mediaType: CosignMediaType.SimpleSigningLayer,
      size: payloads[i].bytes.length,
      digest: payloads[i].digest,
      annotations: { [CosignAnnotation.Signature]: layer.signature, ...layer.annotations },
    })),
    ...(mode.kind === 'referrer' ? { subject: mode.subject, artifactType: CosignMediaType.SignatureArtifact } : {}),
  };
  return { blobs: [...payloads, config], manifest: blob(Buffer.from(JSON.stringify(manifest))), mediaType: manifest.mediaType };
}

/**
 * A `dev.sigstore.cosign/bundle` annotation as cosign writes it after uploading to Rekor: the
 * hashedrekord entry names the signing key and the payload's sha256. The SignedEntryTimestamp
 * and log coordinates are placeholders (there is no Rekor here; the verifier does not check them).
 */
export function rekorBundleAnnotation(payload: Buffer, signature: string, publicKeyPem: string): Record<string, string> {
  const body = {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') } },
      signature: { content: signature, publicKey: { content: Buffer.from(publicKeyPem).toString('base64') } },
    },
  };
  const bundle = {
    SignedEntryTimestamp: Buffer.from('placeholder: no transparency log in tests').toString('base64'),
    Payload: { body: Buffer.from(JSON.stringify(body)).toString('base64'), integratedTime: 1767225600, logIndex: 1, logID: '00'.repeat(32) },
  };
  return { [CosignAnnotation.Bundle]: JSON.stringify(bundle) };
}

export function blob(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes };
}
