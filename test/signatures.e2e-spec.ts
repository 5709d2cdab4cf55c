import { checkSignatures, SignaturePolicy, SignaturePolicyError, ValidationErrorCode } from '@app/oci';
import {
  copyCosignSignatures,
  CosignSignatureSpec,
  generateTestKeyPair,
  pushCosignSignatures,
  TestKeyPair,
} from './support/cosign-signer';
import { loadTestEnvironment, registryTarget } from './support/environment';
import { ImageDescription } from './support/images/image-description';
import { pushImage } from './support/images/push-image';
import { TestRepositoryReader } from './support/test-repository-reader';

/**
 * Signature checking against a real registry (Debian's docker-registry 2.8 over TLS): signatures
 * pushed exactly as cosign lays them out, found through the `.sig` tag (this registry has no
 * referrers API), and checked by `checkSignatures`.
 */
describe('image signatures against a real registry (e2e)', () => {
  const env = loadTestEnvironment();
  const registry = env.registries.anonymous;
  const target = { ...registryTarget(registry), host: registry.host };

  const ci = generateTestKeyPair('ecdsa-p256');
  const release = generateTestKeyPair('ed25519ph');
  const legacy = generateTestKeyPair('ed25519');
  const ops = generateTestKeyPair('rsa-3072');
  const p384 = generateTestKeyPair('ecdsa-p384');
  const stranger = generateTestKeyPair('ecdsa-p256');

  const policy = (require: boolean, keys: Record<string, TestKeyPair>): SignaturePolicy => ({
    require_signature: require,
    trusted_keys: Object.entries(keys).map(([name, key]) => ({ name, public_key: key.publicKeyPem })),
  });

  /** A freshly pushed image in its own repository, signed with `signatures` (none: unsigned). */
  async function signedImage(name: string, ...signatures: CosignSignatureSpec[]) {
    const repository = `signatures/${name}`;
    const image = await pushImage(target, { kind: 'image', repository, tag: '1.0', labels: { 'test.case': name } });
    if (signatures.length > 0) await pushCosignSignatures(target, repository, image.digest, signatures);
    return { image, subject: subjectOf(image), reader: readerFor(repository) };
  }

  const subjectOf = (image: ImageDescription) => ({ digest: image.digest, registry: registry.host, repository: image.repository });
  const readerFor = (repository: string) => new TestRepositoryReader({ url: registry.url, caFile: registry.caFile, repository });

  it('verifies a signature laid out as cosign does, found through the .sig tag', async () => {
    const { image, subject, reader } = await signedImage('valid', { key: ci });
    await expect(checkSignatures(reader, subject, policy(true, { ci }))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);

    // What the registry holds is cosign's layout: an OCI manifest under sha256-<hex>.sig.
    const stored = await reader.fetchManifest(`${image.digest.replace(':', '-')}.sig`, ['application/vnd.oci.image.manifest.v1+json']);
    expect(JSON.parse(stored?.bytes.toString() ?? '{}')).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 233, digest: expect.stringMatching(/^sha256:/) },
      layers: [
        {
          mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
          size: expect.any(Number),
          digest: expect.stringMatching(/^sha256:/),
          annotations: { 'dev.cosignproject.cosign/signature': expect.stringMatching(/^ME[QUY]C/) },
        },
      ],
    });
    // docker-registry 2.8 has no referrers API: the reader says so, and the .sig tag is what was read.
    await expect(reader.fetchReferrers(image.digest)).resolves.toBeNull();
  });

  it('verifies several signatures by several keys (P-256, Ed25519ph, Ed25519, RSA, P-384) in one signature manifest', async () => {
    const { subject, reader } = await signedImage('several', { key: ci }, { key: release }, { key: legacy }, { key: ops }, { key: p384 });
    const all = await checkSignatures(reader, subject, policy(true, { ci, release, legacy, ops, p384 }));
    expect(all).toEqual(['ci', 'release', 'legacy', 'ops', 'p384'].map((key_name) => ({ key_name, verified: true, reason: null })));

    const justOps = await checkSignatures(reader, subject, policy(true, { ops }));
    expect(justOps.map(({ key_name, verified }) => ({ key_name, verified }))).toEqual([
      { key_name: null, verified: false },
      { key_name: null, verified: false },
      { key_name: null, verified: false },
      { key_name: 'ops', verified: true },
      { key_name: null, verified: false },
    ]);
  });

  it('fails a signature by an untrusted key with signature_missing, and only records it when not required', async () => {
    const { subject, reader } = await signedImage('untrusted', { key: stranger });
    const required = checkSignatures(reader, subject, policy(true, { ci, release }));
    await expect(required).rejects.toBeInstanceOf(SignaturePolicyError);
    await expect(required).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      retryable: false,
      message: expect.stringContaining('keys tried: "ci", "release"'),
    });
    await expect(checkSignatures(reader, subject, policy(false, { ci }))).resolves.toEqual([
      { key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key (tried "ci")') },
    ]);
  });

  it('fails a signature of another digest copied onto this one with signature_invalid', async () => {
    const { image, subject, reader } = await signedImage('copied');
    const other = await pushImage(target, { kind: 'image', repository: image.repository, tag: 'other', labels: { other: 'yes' } });
    const otherSignatures = await pushCosignSignatures(target, image.repository, other.digest, [{ key: ci }]);
    await copyCosignSignatures(target, image.repository, otherSignatures, image.digest);

    const result = checkSignatures(reader, subject, policy(true, { ci }));
    await expect(result).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining(`signs "${other.digest}", not this image's digest ${image.digest}`),
    });
    // The same signature still verifies for the image it was made for.
    await expect(checkSignatures(reader, subjectOf(other), policy(true, { ci }))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);
  });

  it('fails a tampered payload with signature_invalid when cosign\'s Rekor bundle names the key, signature_missing when nothing does', async () => {
    const approve = (payload: Buffer) => Buffer.from(payload.toString().replace('"optional":null', '"optional":{"approved":"true"}'));
    const bundled = await signedImage('tampered', { key: ci, rekorBundle: true, tamper: approve });
    await expect(checkSignatures(bundled.reader, bundled.subject, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining('by key "ci" does not verify: the payload was altered after signing'),
    });

    const bare = await signedImage('tampered-no-tlog', { key: ci, tamper: approve });
    await expect(checkSignatures(bare.reader, bare.subject, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
    });
  });

  it('fails an identity that names another repository with signature_invalid', async () => {
    const { subject, reader } = await signedImage('identity', { key: ci, identity: `${registry.host}/signatures/somewhere-else` });
    await expect(checkSignatures(reader, subject, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining(`names the repository "${registry.host}/signatures/somewhere-else", not ${registry.host}/signatures/identity`),
    });
  });

  it('fails an unsigned image with signature_missing, and passes it with no findings when signatures are not required', async () => {
    const { subject, reader } = await signedImage('unsigned');
    await expect(checkSignatures(reader, subject, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      message: expect.stringContaining(`Sign it with \`cosign sign --key <key> ${registry.host}/signatures/unsigned@${subject.digest}\``),
    });
    await expect(checkSignatures(reader, subject, policy(false, { ci }))).resolves.toEqual([]);
  });

  it('passes when one signature verifies among ones that do not', async () => {
    const { subject, reader } = await signedImage('mixed', { key: stranger }, { key: ci, signedDigest: `sha256:${'0'.repeat(64)}` }, { key: release });
    const findings = await checkSignatures(reader, subject, policy(true, { ci, release }));
    expect(findings.map(({ key_name, verified }) => ({ key_name, verified }))).toEqual([
      { key_name: null, verified: false },
      { key_name: 'ci', verified: false },
      { key_name: 'release', verified: true },
    ]);
  });
});
