import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { expectMatchesResponse, ITEM_PATH, LIST_PATH } from './support/openapi';
import { awsEcrCredentialBody, basicCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';

/** Templates that refer to a registry credential: the reference, host binding, swaps, deletes. */
describe('templates with registry credentials (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment());
  });
  afterAll(() => api.close());

  async function orgWithCredential(body: Record<string, unknown> = basicCredentialBody()) {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const credential = (await api.http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(body).expect(201)).body;
    const templates = {
      create: (overrides: Record<string, unknown>) => api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody(overrides)),
      patch: (id: string, patch: Record<string, unknown>) => api.http.patch(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).send(patch),
      delete: (id: string) => api.http.delete(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth),
    };
    const credentials = {
      get: () => api.http.get(`${CREDENTIALS_PATH(org)}/${credential.id}`).set('authorization', auth),
      delete: () => api.http.delete(`${CREDENTIALS_PATH(org)}/${credential.id}`).set('authorization', auth),
    };
    return { org, auth, credential, templates, credentials };
  }

  const storedCredentials = async (id: string) =>
    (
      await api.db.query(
        'SELECT oci_registry_username AS username, oci_registry_token_ciphertext AS ciphertext, registry_credential_id AS credential FROM templates WHERE id = $1',
        [id],
      )
    ).rows[0];

  it('creates a template that refers to a credential: the id and its username in the response, nothing stored inline', async () => {
    const { credential, templates, credentials } = await orgWithCredential();
    const created = await templates.create({ image: 'ghcr.io/acme/app:1', registry_credential_id: credential.id }).expect(201);
    expectMatchesResponse(created.body, LIST_PATH, 'post', 201);
    expect(created.body).toMatchObject({ registry_credential_id: credential.id, oci_registry_username: 'robot', status: 'Inactive', warnings: [] });
    expect(await storedCredentials(created.body.id)).toEqual({ username: null, ciphertext: null, credential: credential.id });
    expect((await credentials.get().expect(200)).body.templates_count).toBe(1);

    const ecr = await orgWithCredential(awsEcrCredentialBody());
    const onEcr = await ecr.templates
      .create({ image: `${ecr.credential.registry}/team/app:2`, registry_credential_id: ecr.credential.id.toUpperCase() })
      .expect(201);
    expect(onEcr.body).toMatchObject({ registry_credential_id: ecr.credential.id, oci_registry_username: 'AWS' });
  });

  it('refuses a credential together with inline credentials, and one for another registry (naming both hosts)', async () => {
    const { credential, templates } = await orgWithCredential();
    const both = await templates
      .create({ registry_credential_id: credential.id, oci_registry_username: 'u', oci_registry_token: 't', image: 'ghcr.io/acme/app:1' })
      .expect(400);
    expect(both.body).toEqual({
      code: 'validation_error',
      message: 'registry_credential_id: cannot be combined with oci_registry_username or oci_registry_token: use one or the other',
    });
    const elsewhere = await templates.create({ registry_credential_id: credential.id, image: 'attacker.example.com/acme/app:1' }).expect(400);
    expect(elsewhere.body.code).toBe('validation_error');
    expect(elsewhere.body.message).toBe(
      'registry_credential_id: the registry credential is for ghcr.io, but the image is on attacker.example.com: a credential is only sent to its own registry',
    );
    // a port is part of the host
    await templates.create({ registry_credential_id: credential.id, image: 'ghcr.io:8443/acme/app:1' }).expect(400);
  });

  it('binds Docker Hub under any of its names to a docker.io credential', async () => {
    const { credential, templates } = await orgWithCredential(basicCredentialBody({ registry: 'index.docker.io' }));
    expect(credential.registry).toBe('docker.io');
    await templates.create({ registry_credential_id: credential.id, image: 'docker.io/library/ubuntu:22.04' }).expect(201);
    await templates.create({ registry_credential_id: credential.id, image: 'registry-1.docker.io/acme/app:1' }).expect(201);
  });

  it("answers 404 for a credential id that is not a UUID, unknown, or another org's", async () => {
    const { credential } = await orgWithCredential();
    const other = await orgWithCredential();
    for (const id of ['not-a-uuid', '6f1d3c1e-0000-4000-8000-0000000000ff', credential.id]) {
      const res = await other.templates.create({ registry_credential_id: id, image: 'ghcr.io/acme/app:1' }).expect(404);
      expect(res.body).toEqual({ code: 'not_found', message: 'Registry credential not found' });
    }
    const mine = (await other.templates.create({ image: 'ghcr.io/acme/app:1' }).expect(201)).body.id;
    await other.templates.patch(mine, { registry_credential_id: credential.id }).expect(404);
    const wrongType = await other.templates.create({ registry_credential_id: 7, image: 'ghcr.io/acme/app:1' }).expect(400);
    expect(wrongType.body.message).toBe('registry_credential_id: must be a string');
  });

  it('swaps inline credentials for a credential with PATCH (dropping the inline ciphertext), and back', async () => {
    const { credential, templates, org, auth } = await orgWithCredential();
    const id = (await templates.create({ image: 'ghcr.io/acme/app:1', oci_registry_username: 'me', oci_registry_token: 'inline-token' }).expect(201)).body.id;
    expect((await storedCredentials(id)).ciphertext).not.toBeNull();

    const swapped = await templates.patch(id, { registry_credential_id: credential.id }).expect(200);
    expectMatchesResponse((await api.http.get(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).expect(200)).body, ITEM_PATH, 'get', 200);
    expect(swapped.body).toMatchObject({ registry_credential_id: credential.id, oci_registry_username: 'robot', status: 'Inactive', validation: { state: 'pending' } });
    expect(await storedCredentials(id)).toEqual({ username: null, ciphertext: null, credential: credential.id });

    // a token alone has no inline username to go with
    const tokenOnly = await templates.patch(id, { oci_registry_token: 'x' }).expect(400);
    expect(tokenOnly.body.message).toBe('oci_registry_username: is required when oci_registry_token is set');
    // an image on another host than the credential's
    const moved = await templates.patch(id, { image: 'quay.io/acme/app:1' }).expect(400);
    expect(moved.body.message).toMatch(/^image: the registry credential is for ghcr\.io, but the image is on quay\.io/);
    await templates.patch(id, { image: 'ghcr.io/acme/app:2' }).expect(200);

    const inline = await templates.patch(id, { oci_registry_username: 'me', oci_registry_token: 'inline-again' }).expect(200);
    expect(inline.body).toMatchObject({ registry_credential_id: null, oci_registry_username: 'me' });
    await templates.patch(id, { registry_credential_id: credential.id }).expect(200);
    const detached = await templates.patch(id, { registry_credential_id: null }).expect(200);
    expect(detached.body).toMatchObject({ registry_credential_id: null, oci_registry_username: null });
    expect(await storedCredentials(id)).toEqual({ username: null, ciphertext: null, credential: null });
  });

  it('refuses to delete a credential templates use (409 credential_in_use, naming how many), and deletes it once unused', async () => {
    const { credential, templates, credentials } = await orgWithCredential();
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push((await templates.create({ image: 'ghcr.io/acme/app:1', registry_credential_id: credential.id }).expect(201)).body.id);
    const refused = await credentials.delete().expect(409);
    expect(refused.body).toEqual({ code: 'credential_in_use', message: expect.stringContaining('2 templates use it') });
    await templates.delete(ids[0]).expect(200);
    expect((await credentials.delete().expect(409)).body.message).toContain('1 template uses it');
    await templates.delete(ids[1]).expect(200);
    await credentials.delete().expect(200);
  });

  it('never leaves a template pointing at nothing when a delete races a create that uses the credential', async () => {
    for (let round = 0; round < 8; round++) {
      const { credential, templates, credentials, org } = await orgWithCredential();
      const [created, deleted] = await Promise.all([
        templates.create({ image: 'ghcr.io/acme/app:1', registry_credential_id: credential.id }),
        credentials.delete(),
      ]);
      // the database decides: the template exists with its credential, or neither
      expect([[created.status, deleted.status].join()]).toEqual([expect.stringMatching(/^(201,409|404,200)$/)]);
      const dangling = await api.db.query(
        `SELECT count(*)::int AS n FROM templates t WHERE t.org_id = $1 AND t.registry_credential_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM registry_credentials c WHERE c.id = t.registry_credential_id)`,
        [org],
      );
      expect(dangling.rows[0].n).toBe(0);
    }
  });
});
