import { randomUUID } from 'node:crypto';
import { generateTestKeyPair, pushCosignSignatures, copyCosignSignatures, TestKeyPair } from './support/cosign-signer';
import { loadTestEnvironment, registryTarget } from './support/environment';
import { imageReference, ImageDescription, platformImage } from './support/images/image-description';
import { pushImage } from './support/images/push-image';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { startGatedRegistryProxy, GatedRegistryProxy } from './support/registry-fronts/gated-registry-proxy';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

const POLICY_PATH = (orgId: string) => `/api/v1beta1/orgs/${orgId}/image-policy`;

/**
 * The org image policy, whole system: the API stores it, a change re-validates the org's
 * templates, and the worker checks cosign signatures (pushed as cosign lays them out, by
 * test/support/cosign-signer.ts) of each template's resolved digest through its registry session
 * against Debian's docker-registry 2.8 (no referrers API: the `.sig` tag is what is found).
 */
describe('org image policy: signatures checked on every validation (e2e)', () => {
  const env = loadTestEnvironment();
  const { anonymous, token } = env.registries;
  const suite = `policy-${randomUUID().slice(0, 8)}`;
  const ci = generateTestKeyPair('ecdsa-p256');
  const release = generateTestKeyPair('ed25519ph');
  const stranger = generateTestKeyPair('ecdsa-p256');
  let system: SystemHarness;
  let proxy: GatedRegistryProxy;

  beforeAll(async () => {
    proxy = await startGatedRegistryProxy(anonymous, env.caFile);
    system = await startSystem(env, { worker: proxy.accessEnv(env) });
  });
  afterAll(async () => {
    await system.close();
    await proxy.close();
  });

  const trusted = (keys: Record<string, TestKeyPair>) => Object.entries(keys).map(([name, key]) => ({ name, public_key: key.publicKeyPem }));

  async function putPolicy(orgId: string, policy: Record<string, unknown>, status = 200) {
    const res = await system.api.http.put(POLICY_PATH(orgId)).set('authorization', await system.api.auth([orgId])).send(policy);
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    return res.body;
  }

  async function getPolicy(orgId: string) {
    return (await system.api.http.get(POLICY_PATH(orgId)).set('authorization', await system.api.auth([orgId])).expect(200)).body;
  }

  async function createTemplate(orgId: string, image: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await system.api.http
      .post(TEMPLATES_PATH(orgId))
      .set('authorization', await system.api.auth([orgId]))
      .send(validTemplateBody({ image, ...extra }))
      .expect(201);
    return res.body.id;
  }

  const anon = { ...registryTarget(anonymous), host: anonymous.host };
  const image = (name: string, labels: Record<string, string> = {}) =>
    pushImage(anon, { kind: 'image', repository: `${suite}/${name}`, tag: '1.0', labels: { 'test.case': name, ...labels } });
  const multiPlatform = (name: string) =>
    pushImage(anon, {
      kind: 'index',
      repository: `${suite}/${name}`,
      tag: '1.0',
      images: [
        { platform: { os: 'linux', architecture: 'amd64' }, labels: { 'test.case': `${name}-amd64` } },
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, labels: { 'test.case': `${name}-arm64` } },
      ],
    });
  const platformDigest = (index: ImageDescription, platform: string) => platformImage(index, platform)!.digest;

  describe('an org whose templates were Active before its policy', () => {
    const org = `org-${suite}`;
    const ids: Record<string, string> = {};
    const templates = () => Promise.all(Object.entries(ids).map(async ([name, id]) => [name, await system.waitForFinalState(org, id)] as const));
    const byName = async () => Object.fromEntries(await templates());

    beforeAll(async () => {
      const signed = await image('signed');
      await pushCosignSignatures(anon, signed.repository, signed.digest, [{ key: ci }]);
      const unsigned = await image('unsigned');
      const untrusted = await image('untrusted');
      await pushCosignSignatures(anon, untrusted.repository, untrusted.digest, [{ key: stranger }]);
      const copied = await image('copied');
      const other = await pushImage(anon, { kind: 'image', repository: copied.repository, tag: 'other', labels: { other: 'yes' } });
      const theirs = await pushCosignSignatures(anon, copied.repository, other.digest, [{ key: ci }]);
      await copyCosignSignatures(anon, copied.repository, theirs, copied.digest);
      const approve = (payload: Buffer) => Buffer.from(payload.toString().replace('"optional":null', '"optional":{"approved":"true"}'));
      const tampered = await image('tampered');
      await pushCosignSignatures(anon, tampered.repository, tampered.digest, [{ key: ci, rekorBundle: true, tamper: approve }]);
      const elsewhere = await image('elsewhere');
      await pushCosignSignatures(anon, elsewhere.repository, elsewhere.digest, [{ key: ci, identity: `${anonymous.host}/${suite}/somewhere-else` }]);
      const indexSigned = await multiPlatform('index-signed');
      await pushCosignSignatures(anon, indexSigned.repository, indexSigned.digest, [{ key: release }]);
      const platformSigned = await multiPlatform('platform-signed');
      await pushCosignSignatures(anon, platformSigned.repository, platformDigest(platformSigned, 'linux/amd64'), [{ key: ci }]);
      const armSigned = await multiPlatform('arm-signed');
      await pushCosignSignatures(anon, armSigned.repository, platformDigest(armSigned, 'linux/arm64/v8'), [{ key: ci }]);

      const images = { signed, unsigned, untrusted, copied, tampered, elsewhere, indexSigned, platformSigned, armSigned };
      for (const [name, pushed] of Object.entries(images)) ids[name] = await createTemplate(org, imageReference(anonymous, pushed));
      for (const [name, template] of await templates()) {
        // No policy yet: everything that runs on linux/amd64 is Active, and no signature was looked up.
        expect({ name, status: template.status, signatures: template.validation.report.signatures }).toEqual({ name, status: 'Active', signatures: undefined });
      }
    });

    it('reads the default policy until one is set', async () => {
      await expect(getPolicy(org)).resolves.toEqual({ require_signature: false, trusted_keys: [], updated_at: null });
    });

    it('requiring a signature re-validates every template once, and fails those without a verified one', async () => {
      const stored = await putPolicy(org, { require_signature: true, trusted_keys: trusted({ ci, release }) });
      expect(stored).toEqual({
        require_signature: true,
        trusted_keys: [
          { name: 'ci', public_key: ci.publicKeyPem, key_type: 'ECDSA P-256', fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
          { name: 'release', public_key: release.publicKeyPem, key_type: 'Ed25519', fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
        ],
        updated_at: expect.any(String),
        templates_queued: 9,
      });
      const { templates_queued, ...policy } = stored;
      await expect(getPolicy(org)).resolves.toEqual(policy);

      const t = await byName();
      for (const [name, template] of Object.entries<Record<string, any>>(t)) {
        expect({ name, attempts: template.validation.attempts }).toEqual({ name, attempts: 1 });
      }
      const passed = ['signed', 'indexSigned', 'platformSigned'];
      for (const name of passed) expect({ name, status: t[name].status, state: t[name].validation.state }).toEqual({ name, status: 'Active', state: 'passed' });
      expect(t.signed.validation.report.signatures).toEqual([{ key_name: 'ci', verified: true, reason: null }]);
      expect(t.indexSigned.validation.report.signatures).toEqual([{ key_name: 'release', verified: true, reason: null }]);
      // Only the linux/amd64 manifest is signed (cosign sign --recursive, or a per-platform pipeline): it counts.
      expect(t.platformSigned.validation.report.signatures).toEqual([{ key_name: 'ci', verified: true, reason: null }]);

      const failure = (name: string) => ({ name, status: t[name].status, ...t[name].validation.error });
      const missing = { status: 'Inactive', code: 'signature_missing', retryable: false, message: expect.stringContaining('keys tried: "ci", "release"') };
      const invalid = { status: 'Inactive', code: 'signature_invalid', retryable: false };
      expect(failure('unsigned')).toMatchObject({ name: 'unsigned', ...missing });
      expect(failure('untrusted')).toMatchObject({ name: 'untrusted', ...missing, message: expect.stringContaining('is not by a trusted key') });
      expect(failure('armSigned')).toMatchObject({ name: 'armSigned', ...missing, message: expect.stringContaining('or of its linux/amd64 manifest') });
      expect(failure('copied')).toMatchObject({ name: 'copied', ...invalid, message: expect.stringContaining('a signature of another image copied here') });
      expect(failure('tampered')).toMatchObject({ name: 'tampered', ...invalid, message: expect.stringContaining('the payload was altered after signing') });
      expect(failure('elsewhere')).toMatchObject({
        name: 'elsewhere',
        ...invalid,
        message: expect.stringContaining(`names the repository "${anonymous.host}/${suite}/somewhere-else"`),
      });
    });

    it('without a required signature, records what was found and lets every template pass; the same policy again queues nothing', async () => {
      const stored = await putPolicy(org, { require_signature: false, trusted_keys: trusted({ ci, release }) });
      expect(stored.templates_queued).toBe(9);
      const t = await byName();
      for (const [name, template] of Object.entries<Record<string, any>>(t)) {
        expect({ name, status: template.status, attempts: template.validation.attempts }).toEqual({ name, status: 'Active', attempts: 1 });
      }
      expect(t.unsigned.validation.report.signatures).toEqual([]);
      expect(t.untrusted.validation.report.signatures).toEqual([{ key_name: null, verified: false, reason: expect.stringContaining('is not by a trusted key') }]);
      expect(t.copied.validation.report.signatures).toEqual([{ key_name: 'ci', verified: false, reason: expect.stringContaining('copied here') }]);
      expect(t.signed.validation.report.signatures).toEqual([{ key_name: 'ci', verified: true, reason: null }]);

      const again = await putPolicy(org, { require_signature: false, trusted_keys: trusted({ ci, release }) });
      expect(again).toEqual({ ...stored, templates_queued: 0 });
      expect((await byName()).signed.validation.checked_at).toBe(t.signed.validation.checked_at);
    });
  });

  it('checks signatures with the template\'s registry credentials (token auth)', async () => {
    const org = `org-${suite}-token`;
    const pushed = await pushImage(registryTarget(token), { kind: 'image', repository: `gpu/${suite}-signed`, tag: 'v1', labels: { case: 'token' } });
    await pushCosignSignatures({ ...registryTarget(token), host: token.host }, pushed.repository, pushed.digest, [{ key: release }]);
    await putPolicy(org, { require_signature: true, trusted_keys: trusted({ release }) });
    const id = await createTemplate(org, imageReference(token, pushed), {
      oci_registry_username: token.users.reader.username,
      oci_registry_token: token.users.reader.password,
    });
    const template = await system.waitForFinalState(org, id);
    expect(template.status).toBe('Active');
    expect(template.validation.report.signatures).toEqual([{ key_name: 'release', verified: true, reason: null }]);
  });

  it('a policy set while a validation runs is applied: the validation is done again under it', async () => {
    const org = `org-${suite}-race`;
    const unsigned = await pushImage(anon, { kind: 'image', repository: `${suite}/race`, tag: '1.0', labels: { case: 'race' } });
    proxy.hold();
    const before = proxy.manifestRequests.length;
    const id = await createTemplate(org, `${proxy.host}/${unsigned.reference}`);
    await proxy.waitForManifestRequests(before + 1);
    // The worker read the (default) policy and is waiting for the registry.
    const stored = await putPolicy(org, { require_signature: true, trusted_keys: trusted({ ci }) });
    expect(stored.templates_queued).toBe(1);
    proxy.release();
    const template = await system.waitForFinalState(org, id);
    expect(template.status).toBe('Inactive');
    expect(template.validation.error).toMatchObject({ code: 'signature_missing', retryable: false });
    // The first validation (default policy) found its row pending again and wrote nothing.
    const outcomes = system.worker.logs.parsed().filter((line) => line.templateId === id).map((line) => line.outcome ?? line.msg);
    expect(outcomes).toEqual(['skipped', 'failed']);
  });

  it('records each change of the policy in the audit trail, who made it and what changed; a PUT that changes nothing records nothing', async () => {
    const org = `org-${suite}-audit`;
    const sub = randomUUID();
    const auth = await system.api.auth([org], sub);
    const put = (policy: Record<string, unknown>) => system.api.http.put(POLICY_PATH(org)).set('authorization', auth).set('x-request-id', 'policy-put').send(policy).expect(200);
    await createTemplate(org, imageReference(anonymous, await image('audited')));
    await put({ require_signature: true, trusted_keys: trusted({ ci }) });
    await put({ require_signature: true, trusted_keys: trusted({ ci }) });
    await put({ require_signature: false, trusted_keys: trusted({ ci }) });
    const events = (await system.api.http.get(`/api/v1beta1/orgs/${org}/events?type=image_policy.`).set('authorization', auth).expect(200)).body.data;
    expect(events).toHaveLength(2);
    const [relaxed, required] = events;
    expect(required).toMatchObject({
      type: 'image_policy.updated',
      subject: { kind: 'image_policy', id: org },
      actor: { type: 'user', id: sub },
      request_id: 'policy-put',
      data: {
        before: { require_signature: false, trusted_keys: [] },
        after: { require_signature: true, trusted_keys: [{ name: 'ci', public_key: expect.stringContaining('BEGIN PUBLIC KEY') }] },
        templates_queued: 1,
      },
    });
    expect(relaxed.data).toEqual({ before: { require_signature: true }, after: { require_signature: false }, templates_queued: 1 });
  });

  it('answers for the caller\'s organizations only, and refuses a bad policy with the field', async () => {
    const org = `org-${suite}-refusals`;
    const other = `org-${suite}-other`;
    const auth = await system.api.auth([org]);
    await system.api.http.get(POLICY_PATH(other)).set('authorization', auth).expect(403);
    await system.api.http.get(POLICY_PATH(org)).expect(401);
    const res = await system.api.http
      .put(POLICY_PATH(org))
      .set('authorization', auth)
      .send({ require_signature: true, trusted_keys: [{ name: 'ci', public_key: ci.publicKeyPem }, { name: 'CI', public_key: release.publicKeyPem }] })
      .expect(400);
    expect(res.body).toEqual({ code: 'validation_error', message: 'trusted_keys[1].name: is already the name of trusted_keys[0] (names are compared ignoring case)' });
    await expect(getPolicy(org)).resolves.toEqual({ require_signature: false, trusted_keys: [], updated_at: null });
  });
});
