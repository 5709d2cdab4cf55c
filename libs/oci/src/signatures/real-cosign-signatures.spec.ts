/**
 * The verifier against signatures the real cosign made (fixtures/README.md says where each comes
 * from), so that it is not only checked against this project's own signer.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blob, cosignSignatureArtifact } from '../testing/cosign-signatures';
import { InMemoryRepository } from '../testing/in-memory-repository';
import { checkSignatures, SignaturePolicy, SignaturePolicyError, SignatureSubject } from './check-signatures';
import { CosignAnnotation, signatureTag } from './cosign-layout';
import { verifySignature } from './signature-verification';
import { parseTrustedKey } from './trusted-key';

const fixture = (name: string, file: string) => readFileSync(join(__dirname, 'fixtures', name, file));

const busybox = {
  payload: fixture('sigstore-rs-busybox', 'payload.json'),
  signature: fixture('sigstore-rs-busybox', 'signature.b64').toString(),
  key: fixture('sigstore-rs-busybox', 'cosign.pub').toString(),
  otherKey: fixture('sigstore-rs-busybox', 'other.pub').toString(),
  subject: {
    digest: 'sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b',
    registry: 'registry-testing.svc.lan',
    repository: 'busybox',
  } satisfies SignatureSubject,
};

const securebuild = {
  payload: fixture('securebuild-bazel-keyless', 'payload.json'),
  signature: fixture('securebuild-bazel-keyless', 'signature.b64').toString(),
  certificate: fixture('securebuild-bazel-keyless', 'certificate.pem').toString(),
  key: fixture('securebuild-bazel-keyless', 'certificate-key.pub').toString(),
  subject: {
    digest: 'sha256:5ce2d8cd8e366d76ce012edc346daeb15a5643c26b9b24a2b731e97a99c6de52',
    registry: 'us-central1-docker.pkg.dev',
    repository: 'cosign-test-bazel-1-384518/repo1/securebuild-bazel',
  } satisfies SignatureSubject,
};

function key(name: string, pem: string) {
  const parsed = parseTrustedKey(pem);
  if (!parsed.ok) throw new Error(parsed.problem);
  return { name, key: parsed.key };
}

function policy(require: boolean, keys: Record<string, string>): SignaturePolicy {
  return { require_signature: require, trusted_keys: Object.entries(keys).map(([name, public_key]) => ({ name, public_key })) };
}

const target = (subject: SignatureSubject) => ({
  digest: subject.digest,
  repository: `${subject.registry}/${subject.repository}`,
});

/** A candidate as discovery hands it over. */
const candidate = (payload: Buffer, signature: string, annotations: Record<string, string> = {}) => ({
  source: 'tag' as const,
  layerDigest: blob(payload).digest,
  signature,
  annotations: { [CosignAnnotation.Signature]: signature, ...annotations },
  payload,
});

describe('real cosign signatures', () => {
  it('the fixtures are the bytes the registries stored', () => {
    // The securebuild payload's digest and size are the layer descriptor's in its registry dump.
    expect(blob(securebuild.payload).digest).toBe('sha256:bf088c020cf7c3caa0cfdae05942e864efeb4161fd8b340f1089c9605320b4c0');
    expect(securebuild.payload.length).toBe(306);
  });

  it('verify against their keys', () => {
    expect(verifySignature(candidate(busybox.payload, busybox.signature), [key('busybox', busybox.key)], target(busybox.subject))).toEqual({
      key_name: 'busybox',
      verified: true,
      reason: null,
    });
    expect(
      verifySignature(candidate(securebuild.payload, securebuild.signature), [key('ci', securebuild.key)], target(securebuild.subject)),
    ).toEqual({ key_name: 'ci', verified: true, reason: null });
  });

  it('do not verify with another key', () => {
    const finding = verifySignature(candidate(busybox.payload, busybox.signature), [key('other', busybox.otherKey)], target(busybox.subject));
    expect(finding).toEqual({ key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key (tried "other")') });
  });

  it.each([
    ['one byte of the digest changed', (p: string) => p.replace('sha256:f3cf', 'sha256:f3ce')],
    ['the identity changed', (p: string) => p.replace('registry-testing.svc.lan/busybox', 'registry-testing.svc.lan/busyboy')],
    ['whitespace added', (p: string) => p.replace('"optional":null', '"optional": null')],
  ])('do not verify once tampered: %s', (_what, tamper) => {
    const tampered = Buffer.from(tamper(busybox.payload.toString()));
    expect(verifySignature(candidate(tampered, busybox.signature), [key('busybox', busybox.key)], target(busybox.subject)).verified).toBe(false);
  });

  it('do not verify with a damaged signature', () => {
    const bytes = Buffer.from(busybox.signature, 'base64');
    bytes[bytes.length - 1] ^= 0x01;
    const damaged = bytes.toString('base64');
    expect(verifySignature(candidate(busybox.payload, damaged), [key('busybox', busybox.key)], target(busybox.subject)).verified).toBe(false);
  });

  it('pass a policy through the cosign tag layout, and fail it when copied onto another digest or repository', async () => {
    const artifact = cosignSignatureArtifact([{ payload: busybox.payload, signature: busybox.signature }]);
    const repository = new InMemoryRepository();
    repository.addSignatureArtifact(artifact, signatureTag(busybox.subject.digest));
    await expect(checkSignatures(repository, busybox.subject, policy(true, { busybox: busybox.key }))).resolves.toEqual([
      { key_name: 'busybox', verified: true, reason: null },
    ]);

    const otherDigest = `sha256:${'1'.repeat(64)}`;
    repository.addSignatureArtifact(artifact, signatureTag(otherDigest));
    const copied = checkSignatures(repository, { ...busybox.subject, digest: otherDigest }, policy(true, { busybox: busybox.key }));
    await expect(copied).rejects.toThrow(SignaturePolicyError);
    await expect(copied).rejects.toMatchObject({ code: 'signature_invalid', message: expect.stringMatching(/signs "sha256:f3cf.*not this image's digest/) });

    const moved = checkSignatures(repository, { ...busybox.subject, repository: 'busybox-copy' }, policy(true, { busybox: busybox.key }));
    await expect(moved).rejects.toMatchObject({ code: 'signature_invalid', message: expect.stringContaining('names the repository "registry-testing.svc.lan/busybox"') });
  });

  /** The signature manifest as the source's `crane manifest` shows it (bundle and chain annotations left out). */
  function securebuildManifest(payload: Buffer): Buffer {
    const layer = (signature: string, annotations: Record<string, string> = {}) => ({
      mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
      size: payload.length,
      digest: blob(payload).digest,
      annotations: { 'dev.cosignproject.cosign/signature': signature, ...annotations },
    });
    return Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          size: 352,
          digest: 'sha256:4e6617e34f64d23a33af71257e8d7470c897b81b4cf890d88b5d12dffee07eba',
        },
        layers: [
          layer('MEUCIAa9KBPqMtz35zVxLM/Ht29EX7LZRC4/SDQLL1s2hO7zAiEAg0jwksU67rg2OkA28i/v3kfQK9BgcxLexw6maRVxfx8='),
          layer(securebuild.signature, { 'dev.sigstore.cosign/certificate': securebuild.certificate }),
        ],
      }),
    );
  }

  it('find the one trusted signature among two layers of a real signature manifest', async () => {
    const repository = new InMemoryRepository();
    repository.addBlob(securebuild.payload);
    repository.addManifest(securebuildManifest(securebuild.payload), 'application/vnd.oci.image.manifest.v1+json', signatureTag(securebuild.subject.digest));
    const findings = await checkSignatures(repository, securebuild.subject, policy(true, { ci: securebuild.key }));
    expect(findings).toEqual([
      { key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key (tried "ci")') },
      { key_name: 'ci', verified: true, reason: null },
    ]);
  });

  it('attribute a tampered payload to the key its certificate names: signature_invalid, not signature_missing', async () => {
    const tampered = Buffer.from(securebuild.payload.toString().replace('"key1":"value1"', '"key1":"value2"'));
    const repository = new InMemoryRepository();
    repository.addBlob(tampered);
    repository.addManifest(securebuildManifest(tampered), 'application/vnd.oci.image.manifest.v1+json', signatureTag(securebuild.subject.digest));
    const result = checkSignatures(repository, securebuild.subject, policy(true, { ci: securebuild.key }));
    await expect(result).rejects.toMatchObject({
      code: 'signature_invalid',
      retryable: false,
      message: expect.stringContaining('names key "ci" but does not verify with it'),
    });
  });
});
