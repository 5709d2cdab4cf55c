import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { expectMatchesResponse, LIST_PATH } from './support/openapi';

/** Every bad input gets 400 {code: validation_error} naming the field (or 413 when too large). */
describe('create validation (e2e)', () => {
  let api: ApiHarness;
  let org: string;
  let auth: string;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment());
    org = api.newOrg();
    auth = await api.auth([org]);
  });
  afterAll(() => api.close());

  const post = (body: unknown) => api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(body as object);

  const badBodies: [string, Record<string, unknown>, RegExp][] = [
    ['name too short', { name: 'ab' }, /^name:/],
    ['name too long', { name: 'x'.repeat(101) }, /^name:/],
    ['name with a dot', { name: 'my.template' }, /^name:/],
    ['name with unicode', { name: 'modèle ok' }, /^name:/],
    ['name with leading space', { name: ' leading' }, /^name:.*space/],
    ['name with trailing space', { name: 'trailing ' }, /^name:.*space/],
    ['name missing', { name: undefined }, /^name: is required/],
    ['name not a string', { name: 42 }, /^name: must be a string/],
    ['description missing', { description: undefined }, /^description: is required/],
    ['description too long', { description: 'd'.repeat(2001) }, /^description:/],
    ['category missing', { category: undefined }, /^category: is required/],
    ['category empty', { category: '' }, /^category:/],
    ['category too long', { category: 'c'.repeat(65) }, /^category:/],
    ['image missing', { image: undefined }, /^image: is required/],
    ['image without registry', { image: 'ubuntu:22.04' }, /docker\.io\/library\/ubuntu:22\.04/],
    ['image with scheme', { image: 'https://ghcr.io/acme/app:1' }, /^image:/],
    ['image with whitespace', { image: 'ghcr.io/acme/app :1' }, /^image:/],
    ['image with uppercase repository', { image: 'ghcr.io/Acme/App:1' }, /^image:/],
    ['image without tag or digest', { image: 'ghcr.io/acme/app' }, /^image:/],
    ['image with a short digest', { image: 'ghcr.io/acme/app@sha256:abc' }, /^image:/],
    ['image with a long tag', { image: `ghcr.io/acme/app:${'t'.repeat(129)}` }, /^image:/],
    ['username without token', { oci_registry_username: 'bob' }, /^oci_registry_token:/],
    ['token without username', { oci_registry_token: 'tok' }, /^oci_registry_username:/],
    ['username not a string', { oci_registry_username: 5, oci_registry_token: 'tok' }, /^oci_registry_username:/],
    ['unknown field', { colour: 'blue' }, /^colour: is not a known field/],
    ['read-only id', { id: '6f1d3c1e-0000-4000-8000-000000000000' }, /^id: is read-only/],
    ['read-only status', { status: 'Active' }, /^status: is read-only/],
    ['read-only apps', { apps: [] }, /^apps: is read-only/],
    ['read-only owner_org_id', { owner_org_id: 'x' }, /^owner_org_id: is read-only/],
  ];

  it.each(badBodies)('refuses %s', async (_label, overrides, message) => {
    const body = validTemplateBody();
    for (const [key, value] of Object.entries(overrides)) {
      if (value === undefined) delete body[key];
      else body[key] = value;
    }
    const res = await post(body).expect(400);
    expectMatchesResponse(res.body, LIST_PATH, 'post', 400);
    expect(res.body.code).toBe('validation_error');
    expect(res.body.message).toMatch(message);
  });

  it('never quotes a refused token back', async () => {
    const res = await post(validTemplateBody({ oci_registry_username: 'u', oci_registry_token: 'canary-\u0001-token' })).expect(400);
    expect(res.body.message).toMatch(/^oci_registry_token:/);
    expect(JSON.stringify(res.body)).not.toContain('canary');
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"text"'],
    ['null', 'null'],
    ['invalid JSON', '{"name": '],
  ])('refuses a body that is %s', async (_label, raw) => {
    const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).set('content-type', 'application/json').send(raw).expect(400);
    expect(res.body.code).toBe('validation_error');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])('refuses content type %s', async (type) => {
    const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).set('content-type', type).send('name=x').expect(400);
    expect(res.body.code).toBe('validation_error');
  });

  it('refuses an empty body', async () => {
    const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).set('content-type', 'application/json').expect(400);
    expect(res.body.code).toBe('validation_error');
  });

  it('answers 413 for a body over 64 KiB', async () => {
    const res = await post(validTemplateBody({ description: 'x'.repeat(70 * 1024) })).expect(413);
    expect(res.body).toEqual({ code: 'payload_too_large', message: expect.any(String) });
  });

  it('accepts the edges: a 100-character name, 2000-character description, digest references', async () => {
    await post(validTemplateBody({ name: `${'n'.repeat(99)}1`, description: 'd'.repeat(2000) })).expect(201);
    const digest = `sha256:${'a'.repeat(64)}`;
    const res = await post(validTemplateBody({ image: `localhost:5000/team/app@${digest}` })).expect(201);
    expect(res.body.image).toBe(`localhost:5000/team/app@${digest}`);
    await post(validTemplateBody({ image: 'docker.io/library/ubuntu:22.04' })).expect(201);
    await post(validTemplateBody({ image: '[::1]:5000/team/app:v1' })).expect(201);
  });
});
