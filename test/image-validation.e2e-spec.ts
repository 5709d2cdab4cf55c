import IORedis from 'ioredis';
import { Client } from 'pg';
import { loadTestEnvironment } from './support/environment';
import { imageReference, platformImage } from './support/images/image-description';
import { tokenIssuerAdminClient } from './support/services/token-issuer';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { createAndWait as createAndWaitFor } from './support/in-process/create-and-wait';
import { redisContains } from './support/redis-scan';
import { startSystem, SystemHarness } from './support/in-process/system-harness';

/**
 * The whole system against real registries (Debian's docker-registry over TLS with a
 * throwaway CA): API create → queue → worker → registry → Active (or a typed failure).
 */
describe('image validation end to end (e2e)', () => {
  const env = loadTestEnvironment();
  const { anonymous, basic, token } = env.registries;
  const images = env.images;
  let system: SystemHarness;

  beforeAll(async () => {
    system = await startSystem(env);
  });
  afterAll(() => system.close());

  const createAndWait = (body: Record<string, unknown>) => createAndWaitFor(system, body);

  it('flips a single-arch CUDA image to Active with apps from ExposedPorts and a full report', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, images.cudaApp) });
    expect(template.status).toBe('Active');
    expect(template.validation).toMatchObject({ state: 'passed', error: null, attempts: 1 });
    expect(template.validation.checked_at).toEqual(expect.any(String));
    expect(template.apps).toEqual([
      { name: 'ssh', port: 22, protocol: 'TCP', isUI: false },
      { name: 'jupyter', port: 8888, protocol: 'HTTP', isUI: true },
      { name: 'port-9000-udp', port: 9000, protocol: 'UDP', isUI: false },
    ]);
    expect(template.validation.report).toMatchObject({
      resolved_digest: images.cudaApp.digest,
      media_type: 'application/vnd.oci.image.manifest.v1+json',
      platform: { os: 'linux', architecture: 'amd64' },
      total_size_bytes: images.cudaApp.totalSize,
      cuda_version: '12.4.1',
    });
  });

  it('resolves a multi-arch index to its linux/amd64 image, ignoring attestations', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, images.multi) });
    expect(template.status).toBe('Active');
    const amd64 = platformImage(images.multi, 'linux/amd64')!;
    expect(template.validation.report).toMatchObject({
      resolved_digest: images.multi.digest,
      media_type: 'application/vnd.oci.image.index.v1+json',
      platform_digest: amd64.digest,
      platform: { os: 'linux', architecture: 'amd64' },
    });
    expect(template.apps.map((app: { port: number }) => app.port)).toEqual([6006, 8888]);
    // What to launch: the linux/amd64 manifest itself, so a runtime pulls exactly what was checked.
    expect(template.resolved_image).toBe(`${anonymous.host}/${images.multi.repository}@${amd64.digest}`);
  });

  it('pins a single image by its digest, and has no resolved_image while Inactive', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, images.cudaApp) });
    expect(template.resolved_image).toBe(`${anonymous.host}/${images.cudaApp.repository}@${images.cudaApp.digest}`);
    const failed = await createAndWait({ image: imageReference(anonymous, images.armOnly) });
    expect(failed.resolved_image).toBeNull();
  });

  it('refuses an index without linux/amd64, naming the platforms found', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, images.armOnly) });
    expect(template.status).toBe('Inactive');
    expect(template.validation.error).toMatchObject({ code: 'platform_unsupported', retryable: false });
    expect(template.validation.error.message).toMatch(/linux\/arm64/);
    expect(template.validation.error.message).toMatch(/linux\/ppc64le/);
    expect(template.validation.attempts).toBe(1);
  });

  it('takes apps from the ai.airuntime.apps label when the image declares them', async () => {
    const template = await createAndWait({ image: imageReference(anonymous, images.labelled) });
    expect(template.status).toBe('Active');
    expect(template.apps).toEqual([{ name: 'webui', port: 7860, protocol: 'HTTP', isUI: true }]);
  });

  it('accepts Docker schema2 images and digest references', async () => {
    const docker = await createAndWait({ image: imageReference(anonymous, images.dockerV2) });
    expect(docker.status).toBe('Active');
    expect(docker.validation.report.media_type).toBe('application/vnd.docker.distribution.manifest.v2+json');
    const byDigest = await createAndWait({ image: imageReference(anonymous, images.cudaApp, { byDigest: true }) });
    expect(byDigest.status).toBe('Active');
    expect(byDigest.validation.report.resolved_digest).toBe(images.cudaApp.digest);
  });

  it('reports a missing tag and a missing repository', async () => {
    const tag = await createAndWait({ image: `${anonymous.host}/gpu/cuda-app:does-not-exist` });
    expect(tag.validation.error).toMatchObject({ code: 'manifest_not_found', retryable: false });
    const repo = await createAndWait({ image: `${anonymous.host}/gpu/no-such-repo:1.0` });
    expect(repo.validation.error).toMatchObject({ code: 'repository_not_found', retryable: false });
    expect(repo.status).toBe('Inactive');
  });

  describe('with htpasswd Basic auth', () => {
    it('passes with the right credentials', async () => {
      const template = await createAndWait({
        image: imageReference(basic, images.cudaApp),
        oci_registry_username: basic.username,
        oci_registry_token: basic.password,
      });
      expect(template.status).toBe('Active');
    });

    it('fails at once with invalid_credentials for a wrong password, never quoting it', async () => {
      const template = await createAndWait({
        image: imageReference(basic, images.cudaApp),
        oci_registry_username: basic.username,
        oci_registry_token: 'wrong-password-canary',
      });
      expect(template.status).toBe('Inactive');
      expect(template.validation).toMatchObject({ state: 'failed', attempts: 1 });
      expect(template.validation.error).toMatchObject({ code: 'invalid_credentials', retryable: false });
      expect(JSON.stringify(template)).not.toContain('wrong-password-canary');
    });

    it('says credentials are needed when none were given', async () => {
      const template = await createAndWait({ image: imageReference(basic, images.cudaApp) });
      expect(template.validation.error).toMatchObject({ code: 'access_denied', retryable: false });
    });
  });

  describe('with token auth', () => {
    const admin = tokenIssuerAdminClient(token, env.caFile);

    it('passes for a user allowed to pull, using a bearer token from the realm', async () => {
      const user = token.users.reader;
      const template = await createAndWait({
        image: imageReference(token, images.multi),
        oci_registry_username: user.username,
        oci_registry_token: user.password,
      });
      expect(template.status).toBe('Active');
    });

    it('reports access_denied for a user not allowed to pull that repository', async () => {
      const user = token.users.restricted;
      const template = await createAndWait({
        image: imageReference(token, images.multi),
        oci_registry_username: user.username,
        oci_registry_token: user.password,
      });
      expect(template.validation.error).toMatchObject({ code: 'access_denied', retryable: false });
    });

    it('reports invalid_credentials for a wrong password', async () => {
      const template = await createAndWait({
        image: imageReference(token, images.cudaApp),
        oci_registry_username: token.users.reader.username,
        oci_registry_token: 'not-the-password',
      });
      expect(template.validation.error).toMatchObject({ code: 'invalid_credentials', retryable: false });
    });

    it('keeps a canary token out of responses, logs, Redis and plaintext columns while it really works', async () => {
      const canary = `canary-${Date.now().toString(36)}-Zq`;
      await admin.putUser({ username: 'canary-user', password: canary, grants: [{ repository: 'gpu/*', actions: ['pull'] }] });
      const org = system.api.newOrg();
      const created = await system.api.http
        .post(TEMPLATES_PATH(org))
        .set('authorization', await system.api.auth([org]))
        .send(validTemplateBody({ image: imageReference(token, images.cudaApp), oci_registry_username: 'canary-user', oci_registry_token: canary }))
        .expect(201);
      const template = await system.waitForFinalState(org, created.body.id);
      expect(template.status).toBe('Active'); // the decrypted token reached the registry

      const requests = await admin.requests({ account: 'canary-user' });
      expect(requests.some((r) => r.outcome === 'issued')).toBe(true);

      expect(JSON.stringify(created.body) + JSON.stringify(template)).not.toContain(canary);
      expect(system.api.logs.text).not.toContain(canary);
      expect(system.worker.logs.text).not.toContain(canary);
      const redis = new IORedis(system.redisUrl);
      try {
        expect(await redisContains(redis, canary)).toBe(false);
      } finally {
        redis.disconnect();
      }
      const db = new Client({ connectionString: system.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT t::text AS row_text FROM templates t');
        expect(rows.some((row) => row.row_text.includes(canary))).toBe(false);
        const ciphertexts = await db.query('SELECT oci_registry_token_ciphertext AS ct FROM templates WHERE oci_registry_token_ciphertext IS NOT NULL');
        expect(ciphertexts.rows.length).toBeGreaterThan(0);
        for (const row of ciphertexts.rows) expect(Buffer.from(row.ct).toString('latin1')).not.toContain(canary);
      } finally {
        await db.end();
      }
    });
  });

  describe('egress policy (SSRF)', () => {
    it.each([
      ['the cloud metadata address', '169.254.169.254/latest/meta-data:1'],
      ['loopback not on the allow-list', '127.0.0.2:5000/gpu/cuda-app:1.0'],
      ['an IPv4-mapped IPv6 loopback literal', `[::ffff:7f00:1]:${anonymous.host.split(':')[1]}/gpu/cuda-app:1.0`],
      ['a name that resolves to loopback', `localhost:${anonymous.host.split(':')[1]}/gpu/cuda-app:1.0`],
      ['a private network address', '10.0.0.1/team/app:1'],
    ])('blocks %s', async (_label, image) => {
      const template = await createAndWait({ image });
      expect(template.status).toBe('Inactive');
      expect(template.validation.error).toMatchObject({ code: 'registry_address_blocked', retryable: false });
    });
  });
});
