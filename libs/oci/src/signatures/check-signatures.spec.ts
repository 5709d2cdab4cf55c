import { RegistryError, ValidationErrorCode } from '../errors';
import {
  cosignPayload,
  cosignSignatureArtifact,
  CosignSignatureLayer,
  generateTestKeyPair,
  rekorBundleAnnotation,
  signPayload,
  TestKeyPair,
} from '../testing/cosign-signatures';
import { InMemoryRepository } from '../testing/in-memory-repository';
import { checkSignatures, SignaturePolicy, SignatureSubject } from './check-signatures';
import { CosignMediaType, signatureTag } from './cosign-layout';
import { DEFAULT_SIGNATURE_LIMITS } from './signature-discovery';

const subject: SignatureSubject = { digest: `sha256:${'ab'.repeat(32)}`, registry: 'registry.example.com:5000', repository: 'gpu/app' };
const identity = 'registry.example.com:5000/gpu/app';
const otherDigest = `sha256:${'cd'.repeat(32)}`;
const imageDescriptor = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject.digest, size: 1234 };

const ci = generateTestKeyPair('ecdsa-p256');
const release = generateTestKeyPair('ed25519ph');
const stranger = generateTestKeyPair('ecdsa-p256');

function policy(require: boolean, ...keys: [string, TestKeyPair][]): SignaturePolicy {
  return { require_signature: require, trusted_keys: keys.map(([name, key]) => ({ name, public_key: key.publicKeyPem })) };
}

function signed(key: TestKeyPair, digest = subject.digest, reference = identity): CosignSignatureLayer {
  const payload = cosignPayload(digest, reference);
  return { payload, signature: signPayload(key, payload) };
}

function withTagSignatures(...layers: CosignSignatureLayer[]): InMemoryRepository {
  const repository = new InMemoryRepository();
  repository.addSignatureArtifact(cosignSignatureArtifact(layers), signatureTag(subject.digest));
  return repository;
}

describe('checkSignatures', () => {
  it('sends no request and finds nothing when the policy has no keys', async () => {
    const repository = withTagSignatures(signed(ci));
    await expect(checkSignatures(repository, subject, policy(false))).resolves.toEqual([]);
    expect(repository.calls).toEqual([]);
  });

  it('refuses a policy that requires a signature but has no keys', async () => {
    await expect(checkSignatures(new InMemoryRepository(), subject, policy(true))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      message: expect.stringContaining('lists no usable trusted key'),
    });
  });

  it('asks the referrers API and the .sig tag at once, then reads the payloads', async () => {
    const layer = signed(ci);
    const repository = withTagSignatures(layer);
    await expect(checkSignatures(repository, subject, policy(true, ['ci', ci]))).resolves.toEqual([
      { key_name: 'ci', verified: true, reason: null },
    ]);
    expect(repository.calls).toEqual([
      `referrers ${subject.digest}`,
      `manifest ${signatureTag(subject.digest)}`,
      expect.stringMatching(/^blob sha256:/),
    ]);
  });

  it('reads OCI 1.1 referrers of the cosign signature type (cosign --registry-referrers-mode=oci-1-1)', async () => {
    const repository = new InMemoryRepository();
    repository.addSignatureArtifact(cosignSignatureArtifact([signed(release)], { kind: 'referrer', subject: imageDescriptor }));
    repository.referrers?.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'ee'.repeat(32)}`, size: 10, artifactType: 'application/spdx+json' });
    const findings = await checkSignatures(repository, subject, policy(true, ['release', release]));
    expect(findings).toEqual([{ key_name: 'release', verified: true, reason: null }]);
    expect(repository.calls).not.toContain(`manifest sha256:${'ee'.repeat(32)}`);
  });

  it('takes signatures from both places, each once', async () => {
    const referred = signed(release);
    const repository = withTagSignatures(signed(ci), referred);
    repository.addSignatureArtifact(cosignSignatureArtifact([referred], { kind: 'referrer', subject: imageDescriptor }));
    const findings = await checkSignatures(repository, subject, policy(false, ['ci', ci], ['release', release]));
    expect(findings.map((finding) => finding.key_name)).toEqual(['release', 'ci']);
  });

  it('reports Sigstore bundle signatures (the cosign 3 default) as not checked', async () => {
    const repository = new InMemoryRepository();
    repository.referrers = [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'bb'.repeat(32)}`, size: 900, artifactType: CosignMediaType.SigstoreBundle }];
    const result = checkSignatures(repository, subject, policy(true, ['ci', ci]));
    await expect(result).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      message: expect.stringContaining('A Sigstore bundle signature (the default format of cosign 3) is not checked'),
    });
  });

  it('fails with signature_missing when there is no signature, naming the keys tried', async () => {
    const result = checkSignatures(new InMemoryRepository(), subject, policy(true, ['ci', ci], ['release', release]));
    await expect(result).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      retryable: false,
      message: expect.stringContaining('no signature of sha256:abab'),
    });
    await expect(result).rejects.toThrow('keys tried: "ci", "release"');
  });

  it('counts a signature by an untrusted key as missing, and records it', async () => {
    const repository = withTagSignatures(signed(stranger));
    await expect(checkSignatures(repository, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureMissing,
      findings: [{ key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key (tried "ci")') }],
    });
    await expect(checkSignatures(repository, subject, policy(false, ['ci', ci]))).resolves.toEqual([
      { key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key') },
    ]);
  });

  it('fails with signature_invalid for a signature of another digest copied here', async () => {
    const repository = withTagSignatures(signed(ci, otherDigest));
    await expect(checkSignatures(repository, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining(`by key "ci" signs "${otherDigest}", not this image's digest ${subject.digest}`),
    });
  });

  it('fails with signature_invalid for an identity that names another repository', async () => {
    const repository = withTagSignatures(signed(ci, subject.digest, 'registry.example.com:5000/gpu/other'));
    await expect(checkSignatures(repository, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining('names the repository "registry.example.com:5000/gpu/other", not registry.example.com:5000/gpu/app'),
    });
  });

  it('fails with signature_invalid for a payload that is not a cosign simple-signing document', async () => {
    const payload = Buffer.from('{"critical":{"type":"atomic container signature"}}');
    const repository = withTagSignatures({ payload, signature: signPayload(ci, payload) });
    await expect(checkSignatures(repository, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      message: expect.stringContaining('critical.type is not "cosign container image signature"'),
    });
  });

  it('tells a tampered payload from an unknown key by the Rekor bundle cosign attaches', async () => {
    const original = signed(ci);
    const tampered = Buffer.from(original.payload.toString().replace('"optional":null', '"optional":{"approved":"yes"}'));
    const annotations = rekorBundleAnnotation(original.payload, original.signature, ci.publicKeyPem);
    const withBundle = withTagSignatures({ payload: tampered, signature: original.signature, annotations });
    await expect(checkSignatures(withBundle, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({
      code: ValidationErrorCode.SignatureInvalid,
      findings: [{ key_name: 'ci', verified: false, reason: expect.stringContaining('the payload was altered after signing') }],
    });
    // Without the bundle (cosign --tlog-upload=false) it cannot be told from a signature by another key.
    const withoutBundle = withTagSignatures({ payload: tampered, signature: original.signature });
    await expect(checkSignatures(withoutBundle, subject, policy(true, ['ci', ci]))).rejects.toMatchObject({ code: ValidationErrorCode.SignatureMissing });
  });

  it('never counts a signature as verified because of its bundle', async () => {
    const forged = cosignPayload(subject.digest, identity);
    const signature = signPayload(stranger, forged);
    const repository = withTagSignatures({ payload: forged, signature, annotations: rekorBundleAnnotation(forged, signature, ci.publicKeyPem) });
    await expect(checkSignatures(repository, subject, policy(false, ['ci', ci]))).resolves.toEqual([
      { key_name: 'ci', verified: false, reason: expect.stringContaining('names key "ci" but does not verify with it') },
    ]);
  });

  it('passes with one verified signature among failing ones, and records all', async () => {
    const repository = withTagSignatures(signed(stranger), signed(ci, otherDigest), signed(release));
    const findings = await checkSignatures(repository, subject, policy(true, ['ci', ci], ['release', release]));
    expect(findings.map(({ key_name, verified }) => ({ key_name, verified }))).toEqual([
      { key_name: null, verified: false },
      { key_name: 'ci', verified: false },
      { key_name: 'release', verified: true },
    ]);
  });

  it('matches Docker Hub identities as cosign writes them', async () => {
    const hub: SignatureSubject = { digest: subject.digest, registry: 'docker.io', repository: 'ubuntu' };
    const repository = new InMemoryRepository();
    repository.addSignatureArtifact(cosignSignatureArtifact([signed(ci, subject.digest, 'index.docker.io/library/ubuntu')]), signatureTag(subject.digest));
    await expect(checkSignatures(repository, hub, policy(true, ['ci', ci]))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);
  });

  it('throws transient registry errors as they are, so the validation is retried', async () => {
    const repository = withTagSignatures(signed(ci));
    const outage = new RegistryError(ValidationErrorCode.RegistryUnreachable, 'The registry did not answer.', { retryable: true });
    repository.failures.set('blob ', outage);
    await expect(checkSignatures(repository, subject, policy(false, ['ci', ci]))).rejects.toBe(outage);
    repository.failures.set('referrers ', outage);
    await expect(checkSignatures(repository, subject, policy(false, ['ci', ci]))).rejects.toBe(outage);
  });

  it('records permanent errors instead of failing an image the policy does not require to be signed', async () => {
    const repository = withTagSignatures(signed(ci));
    repository.blobs.clear();
    repository.failures.set('referrers ', new RegistryError(ValidationErrorCode.AccessDenied, 'Access to the referrers was denied.'));
    const findings = await checkSignatures(repository, subject, policy(false, ['ci', ci]));
    expect(findings).toEqual([
      { key_name: null, verified: false, reason: expect.stringMatching(/^Signature sha256:\w+: its payload sha256:\w+ could not be read: Blob sha256:\w+ does not exist\.$/) },
      { key_name: null, verified: false, reason: 'Looking up the referrers of the image failed: Access to the referrers was denied.' },
    ]);
  });

  it('bounds the work: payload size, signature count, referrer count', async () => {
    const big = { payload: Buffer.concat([cosignPayload(subject.digest, identity), Buffer.alloc(70_000, 0x20)]), signature: 'AAAA' };
    const many = Array.from({ length: DEFAULT_SIGNATURE_LIMITS.maxSignatures + 2 }, () => signed(stranger));
    const repository = withTagSignatures(big, ...many);
    for (let i = 0; i < DEFAULT_SIGNATURE_LIMITS.maxSignatureManifests + 3; i++) {
      repository.addSignatureArtifact(cosignSignatureArtifact([signed(stranger)], { kind: 'referrer', subject: imageDescriptor }));
    }
    const findings = await checkSignatures(repository, subject, policy(false, ['ci', ci]));
    const reasons = findings.map((finding) => finding.reason ?? '');
    expect(reasons).toContainEqual(expect.stringContaining(`more than the ${DEFAULT_SIGNATURE_LIMITS.maxPayloadBytes} bytes a signature payload may have`));
    expect(reasons).toContain(`Only ${DEFAULT_SIGNATURE_LIMITS.maxSignatureManifests - 1} of ${DEFAULT_SIGNATURE_LIMITS.maxSignatureManifests + 3} signature referrers were read (the limit per image).`);
    expect(reasons).toContainEqual(expect.stringMatching(/^\d+ more signatures were not checked \(at most 32 per image\)\.$/));
    expect(repository.calls.filter((call) => call.startsWith('blob ')).length).toBe(DEFAULT_SIGNATURE_LIMITS.maxSignatures - 1);
    expect(repository.calls.filter((call) => call.startsWith('manifest ')).length).toBe(DEFAULT_SIGNATURE_LIMITS.maxSignatureManifests);
  });

  it('bounds the signature checks: signatures × keys', async () => {
    const keys = Array.from({ length: 5 }, (_, i): [string, TestKeyPair] => [`k${i}`, generateTestKeyPair('ecdsa-p256')]);
    const repository = withTagSignatures(...Array.from({ length: 4 }, () => signed(stranger)), signed(keys[4][1]));
    const limits = { ...DEFAULT_SIGNATURE_LIMITS, maxVerifications: 20 };
    const findings = await checkSignatures(repository, subject, policy(false, ...keys), limits);
    expect(findings.map((finding) => finding.verified)).toEqual([false, false, false, false, false]);
    expect(findings[4].reason).toContain('was not checked: the limit of signature checks per image was reached');
    // The hinted key is tried first, so a signature with cosign's Rekor bundle still gets its check.
    const layer = signed(keys[4][1]);
    const hinted = withTagSignatures(...Array.from({ length: 4 }, () => signed(stranger)), { ...layer, annotations: rekorBundleAnnotation(layer.payload, layer.signature, keys[4][1].publicKeyPem) });
    const limited = { ...DEFAULT_SIGNATURE_LIMITS, maxVerifications: 21 };
    await expect(checkSignatures(hinted, subject, policy(true, ...keys), limited)).resolves.toContainEqual({ key_name: 'k4', verified: true, reason: null });
  });

  it('skips a stored key that no longer parses and says so', async () => {
    const repository = withTagSignatures(signed(ci));
    const stored = { require_signature: true, trusted_keys: [{ name: 'old', public_key: 'garbage' }, { name: 'ci', public_key: ci.publicKeyPem }] };
    await expect(checkSignatures(repository, subject, stored)).resolves.toEqual([
      { key_name: null, verified: false, reason: expect.stringContaining('Trusted key "old" cannot be used: it is not PEM') },
      { key_name: 'ci', verified: true, reason: null },
    ]);
  });

  describe('an index', () => {
    const platformDigest = `sha256:${'ef'.repeat(32)}`;
    const indexSubject: SignatureSubject = { ...subject, platformDigest };

    it('counts a signature of the index without looking at its linux/amd64 manifest', async () => {
      const repository = withTagSignatures(signed(ci));
      await expect(checkSignatures(repository, indexSubject, policy(true, ['ci', ci]))).resolves.toEqual([{ key_name: 'ci', verified: true, reason: null }]);
      expect(repository.calls).not.toContainEqual(expect.stringContaining(platformDigest.slice(7)));
    });

    it('counts a signature of the linux/amd64 manifest (cosign sign --recursive) when the index has none that verifies', async () => {
      const repository = withTagSignatures(signed(stranger));
      repository.addSignatureArtifact(cosignSignatureArtifact([signed(release, platformDigest)]), signatureTag(platformDigest));
      await expect(checkSignatures(repository, indexSubject, policy(true, ['release', release]))).resolves.toEqual([
        { key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key') },
        { key_name: 'release', verified: true, reason: null },
      ]);
      expect(repository.calls).toContain(`manifest ${signatureTag(platformDigest)}`);
    });

    it('counts a payload naming either digest wherever it was found, and no other digest', async () => {
      const repository = withTagSignatures(signed(ci, platformDigest), signed(ci, otherDigest));
      await expect(checkSignatures(repository, indexSubject, policy(true, ['ci', ci]))).resolves.toEqual([
        { key_name: 'ci', verified: true, reason: null },
        { key_name: 'ci', verified: false, reason: expect.stringContaining(`signs "${otherDigest}"`) },
      ]);
    });

    it('names both digests when neither is signed', async () => {
      await expect(checkSignatures(new InMemoryRepository(), indexSubject, policy(true, ['ci', ci]))).rejects.toMatchObject({
        code: ValidationErrorCode.SignatureMissing,
        message: expect.stringContaining(`no signature of ${subject.digest} (or of its linux/amd64 manifest ${platformDigest}) by a trusted key was found`),
      });
    });
  });
});
