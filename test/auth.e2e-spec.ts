import { SignJWT, generateKeyPair } from 'jose';
import { loadTestEnvironment } from './support/environment';
import { ApiHarness, startApi } from './support/in-process/api-harness';
import { TEMPLATES_PATH } from './support/template-requests';
import { expectMatchesResponse, LIST_PATH } from './support/openapi';

/** The spec's BearerAuth: JWTs from the configured JWKS, org membership from the orgs claim. */
describe('authentication and authorization (e2e)', () => {
  let api: ApiHarness;
  let org: string;

  beforeAll(async () => {
    api = await startApi(loadTestEnvironment());
    org = api.newOrg();
  });
  afterAll(() => api.close());

  const list = (authorization?: string) => {
    const req = api.http.get(TEMPLATES_PATH(org));
    return authorization === undefined ? req : req.set('authorization', authorization);
  };

  async function expect401(authorization: string | undefined, message?: RegExp): Promise<void> {
    const res = await list(authorization).expect(401);
    expectMatchesResponse(res.body, LIST_PATH, 'get', 401);
    expect(res.body.code).toBe('unauthorized');
    if (message) expect(res.body.message).toMatch(message);
  }

  it('accepts a valid token for a member org', async () => {
    await list(await api.auth([org])).expect(200);
  });

  it('refuses a missing header', () => expect401(undefined, /Authorization/));
  it('refuses a non-Bearer scheme', () => expect401('Basic dXNlcjpwYXNz'));
  it('refuses a token that is not a JWT', () => expect401('Bearer not-a-jwt'));
  it('refuses an expired token', async () => expect401(`Bearer ${await api.idp.token([org], { expiresIn: Math.floor(Date.now() / 1000) - 120 })}`, /expired/));
  it('refuses a token signed by an unknown key', async () => expect401(`Bearer ${await api.idp.foreignToken([org])}`));
  it('refuses a tampered token', async () => {
    const token = await api.idp.token([org]);
    const [header, , signature] = token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', orgs: [org, 'other'] })).toString('base64url');
    await expect401(`Bearer ${header}.${payload}.${signature}`);
  });
  it('refuses the wrong issuer', async () => expect401(`Bearer ${await api.idp.token([org], { issuer: 'https://evil.example/' })}`, /iss/));
  it('refuses the wrong audience', async () => expect401(`Bearer ${await api.idp.token([org], { audience: 'someone-else' })}`, /aud/));
  it('refuses symmetric (HS256) tokens', async () => {
    const token = await new SignJWT({ orgs: [org] })
      .setProtectedHeader({ alg: 'HS256', kid: 'test-1' })
      .setSubject('x')
      .setIssuer(api.idp.issuer)
      .setAudience(api.idp.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-shared-secret-that-is-long-enough-000'));
    await expect401(`Bearer ${token}`);
  });
  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'x', orgs: [org], iss: api.idp.issuer, aud: api.idp.audience })).toString('base64url');
    await expect401(`Bearer ${header}.${payload}.`);
  });
  it('refuses a token signed with an ES256 key not in the JWKS', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const token = await new SignJWT({ orgs: [org] }).setProtectedHeader({ alg: 'ES256' }).setSubject('x').setExpirationTime('1h').sign(privateKey);
    await expect401(`Bearer ${token}`);
  });
  it('explains that inference keys are not access tokens', () => expect401('Bearer sk-nc-0123456789abcdef', /inference key.*POST \/api\/v1\/auth\/login/i));
  it('explains a doubled Bearer prefix', async () => expect401(`Bearer Bearer ${await api.idp.token([org])}`, /Bearer.*twice/i));

  it('answers 403 for an org the caller does not belong to, on every operation', async () => {
    const auth = await api.auth(['some-other-org']);
    const path = TEMPLATES_PATH(org);
    const responses = await Promise.all([
      api.http.get(path).set('authorization', auth),
      api.http.post(path).set('authorization', auth).send({}),
      api.http.get(`${path}/6f1d3c1e-0000-4000-8000-000000000000`).set('authorization', auth),
      api.http.delete(`${path}/6f1d3c1e-0000-4000-8000-000000000000`).set('authorization', auth),
    ]);
    for (const res of responses) {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ code: 'forbidden', message: expect.any(String) });
    }
  });

  it('authenticates before validating the body', async () => {
    const res = await api.http.post(TEMPLATES_PATH(org)).send({ nonsense: true }).expect(401);
    expect(res.body.code).toBe('unauthorized');
  });
});
