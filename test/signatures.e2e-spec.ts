import { readFileSync } from 'node:fs';
import { RegistryClient, SignaturePolicy, SignaturePolicyError, ValidationErrorCode } from '@app/oci';
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
import { httpsRequest } from './support/services/https-request';

/**
 * Signature checking against a real registry (Debian's docker-registry 2.8 over TLS): signatures
 * pushed exactly as cosign lays them out, found through the `.sig` tag (this registry has no
 * referrers API), and checked by `checkSignatures` through the registry client's own session
 * (`validateImage` with a signature policy: the auth, egress policy and typed errors the worker uses).
 */
describe('image signatures against a real registry (e2e)', () => {
  const env = loadTestEnvironment();
  const registry = env.registries.anonymous;
  const target = { ...registryTarget(registry), host: registry.host };
  const client = new RegistryClient({ egress: { allowedPrivateHosts: [registry.host], insecureHosts: [] }, caPem: readFileSync(env.caFile, 'utf8') });
  afterAll(() => client.close());

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
    return { image };
  }

  /** The findings a validation of the image under `signaturePolicy` reports (or its SignaturePolicyError). */
  const checkSignatures = async (image: ImageDescription, signaturePolicy: SignaturePolicy) =>
    (await client.validateImage(`${registry.host}/${image.reference}`, undefined, undefined, { signaturePolicy })).signatures ?? [];

  it('verifies a signature laid out as cosign does, found through the .sig tag', async () => {
    const { image } = await signedImage('valid', { key: ci });
    await expect(checkSignatures(image, policy(true, { ci }))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);

    // What the registry holds is cosign's layout: an OCI manifest under sha256-<hex>.sig.
    const read = (path: string, accept: string) => httpsRequest(`${registry.url}/v2/${image.repository}/${path}`, { caFile: env.caFile, headers: { accept } });
    const stored = await read(`manifests/${image.digest.replace(':', '-')}.sig`, 'application/vnd.oci.image.manifest.v1+json');
    expect(stored.json()).toEqual({
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
    // docker-registry 2.8 has no referrers API: the .sig tag is what the validation read.
    expect((await read(`referrers/${image.digest}`, 'application/vnd.oci.image.index.v1+json')).status).toBe(404);
  });

  it('verifies several signatures by several keys (P-256, Ed25519ph, Ed25519, RSA, P-384) in one signature manifest', async () => {
    const { image } = await signedImage('several', { key: ci }, { key: release }, { key: legacy }, { key: ops }, { key: p384 });
    const all = await checkSignatures(image, policy(true, { ci, release, legacy, ops, p384 }));
    expect(all).toEqual(['ci', 'release', 'legacy', 'ops', 'p384'].map((key_name) => ({ key_name, verified: true, reason: null })));

    const justOps = await checkSignatures(image, policy(true, { ops }));
    expect(justOps.map(({ key_name, verified }) => ({ key_name, verified }))).toEqual([
      { key_name: null, verified: false },
      { key_name: null, verified: false },
      { key_name: null, verified: false },
      { key_name: 'ops', verified: true },
      { key_name: null, verified: false },
    ]);
  });

  it('fails a signature by an untrusted key with signature_missing, and only records it when not required', async () => {
    const { image } = await signedImage('untrusted', { key: stranger });
    const required = checkSignatures(image, policy(true, { ci, release }));
    await expect(required).rejects.toBeInstanceOf(SignaturePolicyError);
    await expect(required).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      retryable: false,
      message: expect.stringContaining('keys tried: "ci", "release"'),
    });
    await expect(checkSignatures(image, policy(false, { ci }))).resolves.toEqual([
      { key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key (tried "ci")') },
    ]);
  });

  it('fails a signature of another digest copied onto this one with signature_invalid', async () => {
    const { image } = await signedImage('copied');
    const other = await pushImage(target, { kind: 'image', repository: image.repository, tag: 'other', labels: { other: 'yes' } });
    const otherSignatures = await pushCosignSignatures(target, image.repository, other.digest, [{ key: ci }]);
    await copyCosignSignatures(target, image.repository, otherSignatures, image.digest);

    const result = checkSignatures(image, policy(true, { ci }));
    await expect(result).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining(`signs "${other.digest}", not this image's digest ${image.digest}`),
    });
    // The same signature still verifies for the image it was made for.
    await expect(checkSignatures(other, policy(true, { ci }))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);
  });

  it('fails a tampered payload with signature_invalid when cosign\'s Rekor bundle names the key, signature_missing when nothing does', async () => {
    const approve = (payload: Buffer) => Buffer.from(payload.toString().replace('"optional":null', '"optional":{"approved":"true"}'));
    const bundled = await signedImage('tampered', { key: ci, rekorBundle: true, tamper: approve });
    await expect(checkSignatures(bundled.image, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining('by key "ci" does not verify: the payload was altered after signing'),
    });

    const bare = await signedImage('tampered-no-tlog', { key: ci, tamper: approve });
    await expect(checkSignatures(bare.image, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
    });
  });

  it('fails an identity that names another repository with signature_invalid', async () => {
    const { image } = await signedImage('identity', { key: ci, identity: `${registry.host}/signatures/somewhere-else` });
    await expect(checkSignatures(image, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining(`names the repository "${registry.host}/signatures/somewhere-else", not ${registry.host}/signatures/identity`),
    });
  });

  it('fails an unsigned image with signature_missing, and passes it with no findings when signatures are not required', async () => {
    const { image } = await signedImage('unsigned');
    await expect(checkSignatures(image, policy(true, { ci }))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      message: expect.stringContaining(`Sign it with \`cosign sign --key <key> ${registry.host}/signatures/unsigned@${image.digest}\``),
    });
    await expect(checkSignatures(image, policy(false, { ci }))).resolves.toEqual([]);
  });

  it('passes when one signature verifies among ones that do not', async () => {
    const { image } = await signedImage('mixed', { key: stranger }, { key: ci, signedDigest: `sha256:${'0'.repeat(64)}` }, { key: release });
    const findings = await checkSignatures(image, policy(true, { ci, release }));
    expect(findings.map(({ key_name, verified }) => ({ key_name, verified }))).toEqual([
      { key_name: null, verified: false },
      { key_name: 'ci', verified: false },
      { key_name: 'release', verified: true },
    ]);
  });
});
