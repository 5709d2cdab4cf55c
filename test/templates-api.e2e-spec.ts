import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH, validTemplateBody } from './support/template-requests';
import { expectMatchesResponse, ITEM_PATH, LIST_PATH } from './support/openapi';

/** Create, list, get and delete against real Postgres and Redis, checked against the spec. */
describe('templates API (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment());
  });
  afterAll(() => api.close());

  it('creates a template that starts Inactive with validation pending, in the spec shape', async () => {
    const org = api.newOrg();
    const userId = '0b0e6a4e-3f7a-4c5e-9a57-6c2a3d7f1e11';
    const body = validTemplateBody({ oci_registry_username: 'robot', oci_registry_token: 'secret-value-1' });

    const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', await api.auth([org], userId)).send(body).expect(201);

    expectMatchesResponse(res.body, LIST_PATH, 'post', 201);
    expect(res.body).toMatchObject({
      name: body.name,
      description: body.description,
      image: body.image,
      category: 'LLM',
      oci_registry_username: 'robot',
      owner_org_id: org,
      created_by: userId,
      status: 'Inactive',
      apps: [],
      validation: { state: 'pending', error: null, checked_at: null, attempts: 0 },
    });
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toHaveProperty('oci_registry_token');
  });

  it('sets created_by to null when the token subject is not a UUID', async () => {
    const org = api.newOrg();
    const res = await api.http
      .post(TEMPLATES_PATH(org))
      .set('authorization', await api.auth([org], 'service-account-7'))
      .send(validTemplateBody())
      .expect(201);
    expect(res.body.created_by).toBeNull();
    expect(res.body.oci_registry_username).toBeNull();
  });

  it('lists newest first, gets one, deletes it for good', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const ids: string[] = [];
    for (const name of ['first one', 'second one', 'third one']) {
      const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name })).expect(201);
      ids.push(res.body.id);
    }

    const list = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).expect(200);
    expectMatchesResponse(list.body, LIST_PATH, 'get', 200);
    expect(list.body.data.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());

    const one = await api.http.get(`${TEMPLATES_PATH(org)}/${ids[1]}`).set('authorization', auth).expect(200);
    expectMatchesResponse(one.body, ITEM_PATH, 'get', 200);
    expect(one.body.name).toBe('second one');

    const deleted = await api.http.delete(`${TEMPLATES_PATH(org)}/${ids[1]}`).set('authorization', auth).expect(200);
    expectMatchesResponse(deleted.body, ITEM_PATH, 'delete', 200);
    expect(deleted.body.message).toEqual(expect.any(String));

    const gone = await api.http.get(`${TEMPLATES_PATH(org)}/${ids[1]}`).set('authorization', auth).expect(404);
    expectMatchesResponse(gone.body, ITEM_PATH, 'get', 404);
    expect(gone.body.code).toBe('not_found');
    await api.http.delete(`${TEMPLATES_PATH(org)}/${ids[1]}`).set('authorization', auth).expect(404);
    const { rowCount } = await api.db.query('SELECT 1 FROM templates WHERE id = $1', [ids[1]]);
    expect(rowCount).toBe(0);
  });

  it('answers 404 for an unknown id, a malformed id, and another org\'s template', async () => {
    const org = api.newOrg();
    const other = api.newOrg();
    const created = await api.http
      .post(TEMPLATES_PATH(other))
      .set('authorization', await api.auth([other]))
      .send(validTemplateBody())
      .expect(201);
    const auth = await api.auth([org]);
    for (const id of [created.body.id, '6f1d3c1e-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await api.http.get(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).expect(404);
      expect(res.body).toEqual({ code: 'not_found', message: expect.any(String) });
      await api.http.delete(`${TEMPLATES_PATH(org)}/${id}`).set('authorization', auth).expect(404);
    }
    // still there for its owner
    await api.http.get(`${TEMPLATES_PATH(other)}/${created.body.id}`).set('authorization', await api.auth([other])).expect(200);
  });

  it('refuses a second template with the same name in the org, ignoring case', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: 'Llama Serve' })).expect(201);
    const res = await api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: 'LLAMA serve' })).expect(409);
    expectMatchesResponse(res.body, LIST_PATH, 'post', 409);
    expect(res.body.code).toBe('conflict');
    // the same name in another org is fine
    const other = api.newOrg();
    await api.http.post(TEMPLATES_PATH(other)).set('authorization', await api.auth([other])).send(validTemplateBody({ name: 'Llama Serve' })).expect(201);
  });

  it('lets exactly one of 20 racing creates with the same name win', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.http.post(TEMPLATES_PATH(org)).set('authorization', auth).send(validTemplateBody({ name: i % 2 ? 'race-name' : 'RACE-name' })),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const { rows } = await api.db.query('SELECT count(*)::int AS n FROM templates WHERE org_id = $1', [org]);
    expect(rows[0].n).toBe(1);
  });

  it('echoes the caller\'s x-request-id and makes one up otherwise', async () => {
    const org = api.newOrg();
    const auth = await api.auth([org]);
    const given = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).set('x-request-id', 'trace-abc-123').expect(200);
    expect(given.headers['x-request-id']).toBe('trace-abc-123');
    const made = await api.http.get(TEMPLATES_PATH(org)).set('authorization', auth).expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(api.logs.text).toContain('"requestId":"trace-abc-123"');
  });

  it('answers unknown routes with the error body', async () => {
    const res = await api.http.get('/api/v1beta1/nothing-here').expect(404);
    expect(res.body).toEqual({ code: 'not_found', message: expect.any(String) });
  });
});
