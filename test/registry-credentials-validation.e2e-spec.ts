import { randomBytes } from 'node:crypto';
import { UnsecuredJWT } from 'jose';
import { loadTestEnvironment } from './support/environment';
import { imageReference } from './support/images/image-description';
import { startSystem, SystemHarness } from './support/in-process/system-harness';
import { basicCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';
import { tokenIssuerAdminClient } from './support/services/token-issuer';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

/**
 * Basic registry credentials validated for real against the htpasswd and token-auth
 * registries: use, rotation turning failed templates Active, expiry, and the worker's own
 * host check.
 */
describe('registry credentials in validation (e2e)', () => {
  const env = loadTestEnvironment();
  const { basic, token } = env.registries;
  const admin = tokenIssuerAdminClient(token, env.caFile);
  let system: SystemHarness;

  beforeAll(async () => {
    system = await startSystem(env);
  });
  afterAll(() => system.close());

  async function member() {
    const org = system.api.newOrg();
    const auth = await system.api.auth([org]);
    const http = system.api.http;
    return {
      org,
      createCredential: async (body: Record<string, unknown>) =>
        (await http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(body).expect(201)).body,
      patchCredential: (id: string, body: Record<string, unknown>) => http.patch(`${CREDENTIALS_PATH(org)}/${id}`).set('authorization', auth).send(body),
      getCredential: async (id: string) => (await http.get(`${CREDENTIALS_PATH(org)}/${id}`).set('authorization', auth).expect(200)).body,
      createTemplate: async (overrides: Record<string, unknown>) =>
        (await http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody(overrides)).expect(201)).body,
      final: (id: string) => system.waitForFinalState(org, id),
    };
  }

  /** A token-registry user of this suite's own, whose issued tokens can be counted. */
  async function tokenUser(password: string) {
    const username = `cred-${randomBytes(4).toString('hex')}`;
    await admin.putUser({ username, password, grants: [{ repository: 'gpu/*', actions: ['pull'] }] });
    return { username, issued: async () => (await admin.requests({ account: username })).filter((r) => r.outcome === 'issued').length };
  }

  it('validates templates with a basic credential on the htpasswd and the token registry, and records its use', async () => {
    const me = await member();
    const onBasic = await me.createCredential(basicCredentialBody({ registry: basic.host, username: basic.username, secret: basic.password }));
    const user = await tokenUser('token-user-password');
    const onToken = await me.createCredential(basicCredentialBody({ registry: token.host, username: user.username, secret: 'token-user-password' }));
    const [a, b] = await Promise.all([
      me.createTemplate({ image: imageReference(basic, env.images.cudaApp), registry_credential_id: onBasic.id }),
      me.createTemplate({ image: imageReference(token, env.images.multi), registry_credential_id: onToken.id }),
    ]);
    for (const template of [await me.final(a.id), await me.final(b.id)]) {
      expect(template).toMatchObject({ status: 'Active', validation: { state: 'passed', error: null } });
    }
    expect(await user.issued()).toBeGreaterThan(0);
    const used = await me.getCredential(onBasic.id);
    expect(used).toMatchObject({ templates_count: 1, last_error: null });
    expect(Date.parse(used.last_used_at)).toBeGreaterThan(Date.parse(used.created_at));
  });

  it('rotation re-validates every template that uses the credential: failed ones turn Active without being touched', async () => {
    const me = await member();
    const credential = await me.createCredential(basicCredentialBody({ registry: basic.host, username: basic.username, secret: 'not-the-password' }));
    const images = [env.images.cudaApp, env.images.labelled, env.images.dockerV2];
    const created = await Promise.all(images.map((image) => me.createTemplate({ image: imageReference(basic, image), registry_credential_id: credential.id })));
    const failed = await Promise.all(created.map((template) => me.final(template.id)));
    for (const template of failed) {
      expect(template).toMatchObject({ status: 'Inactive', validation: { state: 'failed', error: { code: 'invalid_credentials', retryable: false } } });
    }
    expect((await me.getCredential(credential.id)).last_error).toEqual({ code: 'invalid_credentials', message: expect.any(String) });

    const rotated = await me.patchCredential(credential.id, { secret: basic.password }).expect(200);
    expect(rotated.body).toMatchObject({ templates_queued: 3, warnings: [] });
    const after = await Promise.all(created.map((template) => me.final(template.id)));
    for (const [index, template] of after.entries()) {
      expect(template).toMatchObject({ status: 'Active', validation: { state: 'passed', error: null } });
      expect(template.updated_at).toBe(failed[index].updated_at); // the template itself was not touched
    }
    expect((await me.getCredential(credential.id)).last_error).toBeNull();

    // safe to repeat: queued once more each, and Active again
    const again = await me.patchCredential(credential.id, { secret: basic.password }).expect(200);
    expect(again.body.templates_queued).toBe(3);
    for (const template of created) expect(await me.final(template.id)).toMatchObject({ status: 'Active', validation: { attempts: 1 } });
  });

  it('fails a validation with credentials_expired once the secret is past the expiry it carries, and says to rotate', async () => {
    const me = await member();
    const expired = new UnsecuredJWT({ sub: 'ci' }).setExpirationTime(new Date(Date.now() - 3600_000)).encode();
    const user = await tokenUser(expired);
    const body = basicCredentialBody({ registry: token.host, username: user.username, secret: expired });
    const credential = await system.api.http
      .post(CREDENTIALS_PATH(me.org))
      .set('authorization', await system.api.auth([me.org]))
      .send(body)
      .expect(201);
    expect(credential.body.warnings).toEqual([{ code: 'credentials_expire_soon', message: expect.stringMatching(/^The secret expired at /) }]);
    const template = await me.createTemplate({ image: imageReference(token, env.images.cudaApp), registry_credential_id: credential.body.id });
    const final = await me.final(template.id);
    expect(final).toMatchObject({ status: 'Inactive', validation: { error: { code: 'credentials_expired', retryable: false } } });
    expect(final.validation.error.message).toMatch(/^The registry credential ".+" expired at .+: rotate it/);
    expect(await user.issued()).toBe(0); // never sent

    const fresh = new UnsecuredJWT({ sub: 'ci' }).setExpirationTime(new Date(Date.now() + 30 * 24 * 3600_000)).encode();
    await admin.putUser({ username: user.username, password: fresh, grants: [{ repository: 'gpu/*', actions: ['pull'] }] });
    await me.patchCredential(credential.body.id, { secret: fresh }).expect(200);
    expect(await me.final(template.id)).toMatchObject({ status: 'Active' });
  });

  it('gives the inline seed fields the same expiry reading and code', async () => {
    const me = await member();
    const expired = new UnsecuredJWT({}).setExpirationTime(new Date(Date.now() - 60_000)).encode();
    const created = await system.api.http
      .post(TEMPLATES_PATH(me.org))
      .set('authorization', await system.api.auth([me.org]))
      .send(validTemplateBody({ image: imageReference(basic, env.images.cudaApp), oci_registry_username: basic.username, oci_registry_token: expired }))
      .expect(201);
    expect(created.body.warnings).toEqual([expect.objectContaining({ code: 'credentials_expire_soon' })]);
    const final = await me.final(created.body.id);
    expect(final.validation.error).toEqual({ code: 'credentials_expired', retryable: false, message: expect.stringMatching(/^The registry token \(oci_registry_token\) expired at .+: set a new oci_registry_token/) });
  });

  it('refuses in the worker too to send a credential to another host than its registry', async () => {
    const me = await member();
    const user = await tokenUser('mismatch-password');
    const credential = await me.createCredential(basicCredentialBody({ registry: token.host, username: user.username, secret: 'mismatch-password' }));
    const template = await me.createTemplate({ image: imageReference(basic, env.images.cudaApp) });
    await me.final(template.id);
    // Only a broken API could store this: the worker checks again before sending.
    await system.api.db.query('UPDATE templates SET registry_credential_id = $1 WHERE id = $2', [credential.id, template.id]);
    await system.api.http.post(`${TEMPLATES_PATH(me.org)}/${template.id}/validate`).set('authorization', await system.api.auth([me.org])).expect(202);
    const final = await me.final(template.id);
    expect(final.validation.error).toEqual({
      code: 'credential_registry_mismatch',
      retryable: false,
      message: `The registry credential "${credential.name}" is for ${token.host}, but the image is on ${basic.host}: it is not sent there`,
    });
    expect(await user.issued()).toBe(0);
  });
});
