import { UnsecuredJWT } from 'jose';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { awsEcrCredentialBody, basicCredentialBody, CREDENTIALS_PATH } from './support/registry-credential-requests';

/** The registry credentials resource: CRUD, the rules of each field, quota, names, orgs. */
describe('registry credentials API (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment(), { REGISTRY_CREDENTIAL_QUOTA_PER_ORG: '3' });
  });
  afterAll(() => api.close());

  const as = async (org: string) => {
    const auth = await api.auth([org], '0b0e6a4e-3f7a-4c5e-9a57-6c2a3d7f1e22');
    return {
      create: (body: Record<string, unknown>) => api.http.post(CREDENTIALS_PATH(org)).set('authorization', auth).send(body),
      get: (id: string) => api.http.get(`${CREDENTIALS_PATH(org)}/${id}`).set('authorization', auth),
      list: (query = '') => api.http.get(`${CREDENTIALS_PATH(org)}${query}`).set('authorization', auth),
      patch: (id: string, body: Record<string, unknown>) => api.http.patch(`${CREDENTIALS_PATH(org)}/${id}`).set('authorization', auth).send(body),
      delete: (id: string) => api.http.delete(`${CREDENTIALS_PATH(org)}/${id}`).set('authorization', auth),
    };
  };

  it('creates, gets, lists, renames and deletes a basic credential, never returning its secret', async () => {
    const org = api.newOrg();
    const client = await as(org);
    const body = basicCredentialBody({ name: 'GHCR robot', registry: 'GHCR.io' });
    const created = await client.create(body).expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'GHCR robot',
      registry: 'ghcr.io',
      kind: 'basic',
      username: 'robot',
      aws_access_key_id: null,
      aws_region: null,
      aws_role_arn: null,
      aws_external_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      created_by: '0b0e6a4e-3f7a-4c5e-9a57-6c2a3d7f1e22',
      templates_count: 0,
      expires_at: null,
      last_used_at: null,
      last_error: null,
      warnings: [],
    });
    const id = created.body.id as string;
    const fetched = await client.get(id).expect(200);
    expect(fetched.body).toEqual({ ...created.body, warnings: undefined });
    const renamed = await client.patch(id, { name: 'GHCR bot' }).expect(200);
    expect(renamed.body).toMatchObject({ name: 'GHCR bot', templates_queued: 0 });
    const listed = await client.list().expect(200);
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(listed.body.next_cursor).toBeNull();
    for (const res of [created, fetched, renamed, listed]) expect(JSON.stringify(res.body)).not.toContain(body.secret as string);
    expect(api.logs.text).not.toContain(body.secret as string);

    expect((await client.delete(id).expect(200)).body).toEqual({ message: 'Registry credential deleted' });
    await client.get(id).expect(404);
    await client.delete(id).expect(404);
  });

  it('creates aws_ecr credentials: the key id masked, the region from an ECR host, required for any other', async () => {
    const client = await as(api.newOrg());
    const ecr = await client.create(awsEcrCredentialBody()).expect(201);
    expect(ecr.body).toMatchObject({
      kind: 'aws_ecr',
      registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      username: null,
      aws_access_key_id: '****************MPLE',
      aws_region: 'eu-west-1',
      aws_role_arn: null,
      expires_at: null,
      warnings: [],
    });
    expect(JSON.stringify(ecr.body)).not.toContain('wJalrXUtnFEMI');

    const proxy = await client
      .create(
        awsEcrCredentialBody({
          registry: 'ecr-proxy.example.com:5000',
          aws_region: 'us-east-2',
          aws_role_arn: 'arn:aws:iam::210987654321:role/team/ecr-reader',
          aws_external_id: 'shared-ext-id',
        }),
      )
      .expect(201);
    expect(proxy.body).toMatchObject({ aws_region: 'us-east-2', aws_role_arn: 'arn:aws:iam::210987654321:role/team/ecr-reader', aws_external_id: 'shared-ext-id' });

    const noRegion = await client.create(awsEcrCredentialBody({ registry: 'ecr-proxy.example.com' })).expect(400);
    expect(noRegion.body.message).toMatch(/^aws_region: is required when the registry is not an Amazon ECR host/);
    const otherRegion = await client.create(awsEcrCredentialBody({ aws_region: 'us-east-1' })).expect(400);
    expect(otherRegion.body.message).toBe('aws_region: must be eu-west-1, the region of the registry host (or left out)');
  });

  it.each([
    ['kind', { kind: 'oauth' }, 'kind: must be "basic" or "aws_ecr"'],
    ['kind', { kind: undefined }, 'kind: is required'],
    ['name', { name: 'x' }, 'name: must be 3 to 100 characters long'],
    ['name', { name: 'bad/name' }, 'name: may contain only letters, digits, spaces, hyphens and underscores'],
    ['registry', { registry: 'https://ghcr.io/acme' }, 'registry: must be a host without a scheme: write "ghcr.io"'],
    ['registry', { registry: 'ghcr.io/acme' }, 'registry: must be a host with an optional port, without a path'],
    ['registry', { registry: 'robot:pw@ghcr.io' }, 'registry: must not contain a user name or password'],
    ['registry', { registry: 'ghcr.io:70000' }, 'registry: must have a port between 1 and 65535'],
    ['registry', { registry: 'hub.docker.com' }, `registry: "hub.docker.com" is Docker's website, not its registry: write "docker.io"`],
    ['registry', { registry: '' }, 'registry: must be 1 to 255 characters long'],
    ['username', { username: 'a:b' }, 'username: must not contain a colon'],
    ['secret', { secret: 'x'.repeat(16 * 1024 + 1) }, 'secret: must be 1 to 16384 characters long'],
    ['secret', { secret: 'line\nbreak' }, 'secret: must not contain control characters or line breaks'],
    ['secret', { secret: 42 }, 'secret: must be a string'],
    ['aws_region', { aws_region: 'eu-west-1' }, 'aws_region: is not a known field'],
    ['id', { id: '6f1d3c1e-0000-4000-8000-000000000001' }, 'id: is read-only and cannot be set'],
    ['templates_count', { templates_count: 3 }, 'templates_count: is read-only and cannot be set'],
  ])('refuses a basic credential with a bad %s (case %#)', async (_field, override, message) => {
    const res = await (await as(api.newOrg())).create(basicCredentialBody(override)).expect(400);
    expect(res.body).toEqual({ code: 'validation_error', message: expect.stringContaining(message) });
    expect(res.body.message.startsWith(message.split(':')[0] + ':')).toBe(true);
  });

  it.each([
    ['aws_access_key_id', { aws_access_key_id: 'AKIA123' }, 'aws_access_key_id: must be an IAM access key id'],
    ['aws_access_key_id', { aws_access_key_id: 'ASIAIOSFODNN7EXAMPLE' }, 'aws_access_key_id: must be an IAM access key id'],
    ['aws_secret_access_key', { aws_secret_access_key: 'short' }, 'aws_secret_access_key: must be the 40-character secret access key'],
    ['aws_region', { aws_region: 'Europe' }, 'aws_region: must be an AWS region such as eu-west-1'],
    ['aws_role_arn', { aws_role_arn: 'arn:aws:iam::123:user/bob' }, 'aws_role_arn: must be an IAM role ARN'],
    ['aws_role_arn', { aws_role_arn: 'arn:aws:s3:::bucket' }, 'aws_role_arn: must be an IAM role ARN'],
    ['aws_external_id', { aws_external_id: 'ext-id' }, 'aws_external_id: is only used with aws_role_arn'],
    ['aws_external_id', { aws_role_arn: 'arn:aws:iam::123456789012:role/r', aws_external_id: 'x' }, 'aws_external_id: must be 2 to 1224'],
    ['secret', { secret: 'pw' }, 'secret: is not a known field'],
  ])('refuses an aws_ecr credential with a bad %s (case %#)', async (_field, override, message) => {
    const res = await (await as(api.newOrg())).create(awsEcrCredentialBody(override)).expect(400);
    expect(res.body).toEqual({ code: 'validation_error', message: expect.stringContaining(message) });
    expect(JSON.stringify(res.body)).not.toContain('wJalrXUtnFEMI');
  });

  it('refuses PATCHes that change the kind or registry, mix kinds, send one AWS key, or nothing', async () => {
    const client = await as(api.newOrg());
    const basic = (await client.create(basicCredentialBody()).expect(201)).body.id as string;
    const ecr = (await client.create(awsEcrCredentialBody()).expect(201)).body.id as string;
    const cases: [string, Record<string, unknown>, string][] = [
      [basic, { registry: 'quay.io' }, 'registry: is read-only and cannot be set'],
      [basic, { kind: 'aws_ecr' }, 'kind: is read-only and cannot be set'],
      [basic, { aws_region: 'eu-west-1' }, 'aws_region: does not apply to basic credentials'],
      [ecr, { secret: 'new' }, 'secret: does not apply to aws_ecr credentials'],
      [ecr, { aws_access_key_id: 'AKIAIOSFODNN7EXAMPL2' }, 'aws_secret_access_key: is required with the other AWS key: new keys are sent together'],
      [ecr, { aws_region: 'us-east-1' }, 'aws_region: must be eu-west-1, the region of the registry host'],
      [ecr, { aws_external_id: 'ext-id' }, 'aws_external_id: is only used with aws_role_arn'],
      [basic, {}, 'body: must contain at least one field to change'],
    ];
    for (const [id, body, message] of cases) {
      const res = await client.patch(id, body);
      expect({ body, status: res.status, message: res.body.message }).toEqual({ body, status: 400, message });
    }
    const withRole = await client.patch(ecr, { aws_role_arn: 'arn:aws:iam::123456789012:role/reader', aws_external_id: 'ext-id' }).expect(200);
    expect(withRole.body).toMatchObject({ aws_role_arn: 'arn:aws:iam::123456789012:role/reader', aws_external_id: 'ext-id', templates_queued: 0 });
    const withoutRole = await client.patch(ecr, { aws_role_arn: null }).expect(200);
    expect(withoutRole.body).toMatchObject({ aws_role_arn: null, aws_external_id: null });
  });

  it('records the expiry a secret carries and warns when it is less than 7 days away', async () => {
    const client = await as(api.newOrg());
    const soon = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const jwt = new UnsecuredJWT({ sub: 'robot' }).setExpirationTime(soon).encode();
    const created = await client.create(basicCredentialBody({ secret: jwt })).expect(201);
    expect(created.body.expires_at).toBe(new Date(Math.floor(soon.getTime() / 1000) * 1000).toISOString());
    expect(created.body.warnings).toEqual([{ code: 'credentials_expire_soon', message: expect.stringMatching(/^The secret expires at .* \(in \d+ (days|hours)\)/) }]);

    const later = new UnsecuredJWT({}).setExpirationTime(new Date(Date.now() + 30 * 24 * 3600 * 1000)).encode();
    const rotated = await client.patch(created.body.id, { secret: later }).expect(200);
    expect(rotated.body.warnings).toEqual([]);
    expect(Date.parse(rotated.body.expires_at)).toBeGreaterThan(Date.now() + 29 * 24 * 3600 * 1000);
    const plain = await client.patch(created.body.id, { secret: 'no-expiry-of-its-own' }).expect(200);
    expect(plain.body.expires_at).toBeNull();
  });

  it('paginates newest first with limit and cursor', async () => {
    const org = api.newOrg();
    const client = await as(org);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) ids.push((await client.create(basicCredentialBody({ name: `cred ${name}` })).expect(201)).body.id);
    const first = await client.list('?limit=2').expect(200);
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const second = await client.list(`?limit=2&cursor=${first.body.next_cursor}`).expect(200);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], next_cursor: null });
    expect((await client.list('?limit=0').expect(400)).body.message).toMatch(/^limit: /);
    expect((await client.list('?cursor=nope').expect(400)).body.message).toBe('cursor: is not a cursor returned by this API');
  });

  it('keeps the per-org quota under racing creates, and one of two racing creates of a name', async () => {
    const client = await as(api.newOrg());
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => client.create(basicCredentialBody({ name: `quota ${i}` }))));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    for (const refused of results.filter((r) => r.status !== 201)) {
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({ code: 'quota_exceeded', message: expect.stringContaining('limit of 3 registry credentials') });
    }

    const other = await as(api.newOrg());
    const [a, b] = await Promise.all([other.create(basicCredentialBody({ name: 'Same Name' })), other.create(basicCredentialBody({ name: 'same name' }))]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('conflict');
    // the refused create gave its quota unit back
    await other.create(basicCredentialBody()).expect(201);
    await other.create(basicCredentialBody()).expect(201);
  });

  it("answers 404 for another org's credential and for ids that are not UUIDs, never hinting it exists", async () => {
    const mine = api.newOrg();
    const id = (await (await as(mine)).create(basicCredentialBody()).expect(201)).body.id as string;
    const stranger = await as(api.newOrg());
    for (const res of [await stranger.get(id), await stranger.patch(id, { name: 'taken over' }), await stranger.delete(id)]) {
      expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { code: 'not_found', message: 'Registry credential not found' } });
    }
    await stranger.get('not-a-uuid').expect(404);
    // the caller must belong to the org in the path
    await api.http.get(`${CREDENTIALS_PATH(mine)}/${id}`).set('authorization', await api.auth([api.newOrg()])).expect(403);
    await api.http.get(CREDENTIALS_PATH(mine)).expect(401);
  });
});
