/**
 * Smoke suite for the shared environment: every service answers, auth behaves as each
 * registry's flavour promises, and the standard images are served with the described digests.
 */
import { createHash, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { runCommand } from './processes/child-process';
import { loadTestEnvironment, registryTarget } from './environment';
import { basicAuthorization, httpsRequest, parseAuthenticateHeader } from './services/https-request';
import { imageReference } from './images/image-description';
import { MEDIA_TYPES } from './images/image-spec';
import { pushImage } from './images/push-image';
import { TokenUser, tokenIssuerAdminClient } from './services/token-issuer';

const env = loadTestEnvironment();
const { anonymous, basic, token } = env.registries;
const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.dockerManifestList,
].join(', ');

async function fetchToken(scope: string, credentials?: { username: string; password: string }) {
  const url = new URL(token.realmUrl);
  url.searchParams.set('service', token.service);
  url.searchParams.set('scope', scope);
  return httpsRequest(url, {
    caFile: env.caFile,
    headers: credentials ? { authorization: basicAuthorization(credentials.username, credentials.password) } : {},
  });
}

function getManifest(registryUrl: string, repository: string, reference: string, authorization?: string) {
  return httpsRequest(`${registryUrl}/v2/${repository}/manifests/${reference}`, {
    caFile: env.caFile,
    headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) },
  });
}

describe('test environment', () => {
  it('serves Postgres with the templates database', async () => {
    const client = new Client({ connectionString: env.postgresUrl });
    await client.connect();
    try {
      const result = await client.query<{ one: number; db: string }>('SELECT 1 AS one, current_database() AS db');
      expect(result.rows).toEqual([{ one: 1, db: 'templates' }]);
    } finally {
      await client.end();
    }
  });

  it('serves Redis', async () => {
    const redis = new Redis(env.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      await redis.quit();
    }
  });

  describe('registry /v2/ answers', () => {
    it('anonymous: 200 without credentials', async () => {
      const response = await httpsRequest(`${anonymous.url}/v2/`, { caFile: env.caFile });
      expect(response.status).toBe(200);
    });

    it('basic: 401 with a Basic challenge, 200 with the credentials, 401 with a wrong password', async () => {
      const challenge = await httpsRequest(`${basic.url}/v2/`, { caFile: env.caFile });
      expect(challenge.status).toBe(401);
      expect(challenge.headers['www-authenticate']).toBe('Basic realm="test-registry"');

      const authorized = await httpsRequest(`${basic.url}/v2/`, {
        caFile: env.caFile,
        headers: { authorization: basicAuthorization(basic.username, basic.password) },
      });
      expect(authorized.status).toBe(200);

      const wrong = await httpsRequest(`${basic.url}/v2/`, {
        caFile: env.caFile,
        headers: { authorization: basicAuthorization(basic.username, 'wrong') },
      });
      expect(wrong.status).toBe(401);
    });

    it('token: 401 with a Bearer challenge naming the issuer realm and service', async () => {
      const response = await httpsRequest(`${token.url}/v2/`, { caFile: env.caFile });
      expect(response.status).toBe(401);
      expect(parseAuthenticateHeader(String(response.headers['www-authenticate']))).toEqual({
        scheme: 'bearer',
        params: { realm: token.realmUrl, service: token.service },
      });
    });
  });

  describe('token registry', () => {
    it('lets a permitted user pull gpu/cuda-app with the described digests', async () => {
      const issued = await fetchToken('repository:gpu/cuda-app:pull', token.users.reader);
      expect(issued.status).toBe(200);
      const body = issued.json<{ token: string; access_token: string; expires_in: number; issued_at: string }>();
      expect(body.access_token).toBe(body.token);
      expect(body.expires_in).toBeGreaterThan(0);

      const manifest = await getManifest(token.url, 'gpu/cuda-app', '1.0', `Bearer ${body.token}`);
      expect(manifest.status).toBe(200);
      expect(manifest.headers['content-type']).toBe(MEDIA_TYPES.ociManifest);
      expect(manifest.headers['docker-content-digest']).toBe(env.images.cudaApp.digest);
      expect(`sha256:${createHash('sha256').update(manifest.body).digest('hex')}`).toBe(env.images.cudaApp.digest);
      expect(manifest.json<{ config: { digest: string } }>().config.digest).toBe(env.images.cudaApp.config?.digest);
    });

    it('denies a user without permission on the repository (token without access, then 401)', async () => {
      const issued = await fetchToken('repository:gpu/multi:pull', token.users.restricted);
      expect(issued.status).toBe(200);
      const manifest = await getManifest(token.url, 'gpu/multi', '1.0', `Bearer ${issued.json<{ token: string }>().token}`);
      expect(manifest.status).toBe(401);
      expect(String(manifest.headers['www-authenticate'])).toContain('error="insufficient_scope"');
    });

    it('rejects wrong credentials at the issuer', async () => {
      const issued = await fetchToken('repository:gpu/cuda-app:pull', { username: 'reader', password: 'wrong' });
      expect(issued.status).toBe(401);
    });

    it('lets anonymous clients pull public/* only', async () => {
      const publicToken = (await fetchToken('repository:public/cuda-app:pull')).json<{ token: string }>().token;
      const allowed = await getManifest(token.url, 'public/cuda-app', '1.0', `Bearer ${publicToken}`);
      expect(allowed.status).toBe(200);
      expect(allowed.headers['docker-content-digest']).toBe(env.images.publicCudaApp.digest);

      const privateToken = (await fetchToken('repository:gpu/cuda-app:pull')).json<{ token: string }>().token;
      const denied = await getManifest(token.url, 'gpu/cuda-app', '1.0', `Bearer ${privateToken}`);
      expect(denied.status).toBe(401);
    });

    it('records token requests, readable per account from another process', async () => {
      const admin = tokenIssuerAdminClient(token, env.caFile);
      const user: TokenUser = {
        username: `smoke-${randomUUID()}`,
        password: 'smoke-password',
        grants: [{ repository: 'gpu/*', actions: ['pull'] }],
      };
      await admin.putUser(user);
      await fetchToken('repository:gpu/labelled:pull', user);

      const records = await admin.requests({ account: user.username });
      expect(records).toEqual([
        expect.objectContaining({
          account: user.username,
          outcome: 'issued',
          scopes: ['repository:gpu/labelled:pull'],
          access: [{ type: 'repository', name: 'gpu/labelled', actions: ['pull'] }],
        }),
      ]);
    });
  });

  describe('pushImage', () => {
    it('pushes a custom image through token auth that a permitted reader can pull', async () => {
      const repository = `gpu/smoke-${randomUUID()}`;
      const pushed = await pushImage(registryTarget(token), {
        kind: 'image',
        repository,
        tag: 'v1',
        exposedPorts: ['5000/tcp'],
        labels: { purpose: 'smoke' },
      });
      expect(pushed).toMatchObject({ reference: `${repository}:v1`, mediaType: MEDIA_TYPES.ociManifest });
      expect(pushed.totalSize).toBe(pushed.images[0].config.size + pushed.images[0].layers[0].size);

      const issued = await fetchToken(`repository:${repository}:pull`, token.users.reader);
      const manifest = await getManifest(token.url, repository, 'v1', `Bearer ${issued.json<{ token: string }>().token}`);
      expect(manifest.status).toBe(200);
      expect(manifest.headers['docker-content-digest']).toBe(pushed.digest);
    });
  });

  describe('skopeo sees the standard images', () => {
    const inspect = async (args: string[], reference: string) => {
      const skopeoArgs = ['inspect', '--cert-dir', env.caDir, ...args, `docker://${reference}`];
      const { stdout } = await runCommand('skopeo', skopeoArgs, { timeoutMs: 30_000 });
      return JSON.parse(stdout) as { Digest: string; Architecture: string; Labels: Record<string, string> | null };
    };

    it.each([
      ['anonymous', anonymous, ['--no-creds']],
      ['basic', basic, ['--creds', `${basic.username}:${basic.password}`]],
      ['token', token, ['--creds', `${token.users.reader.username}:${token.users.reader.password}`]],
    ])('gpu/cuda-app:1.0 in the %s registry', async (_name, registry, args) => {
      const inspected = await inspect(args, imageReference(registry, env.images.cudaApp));
      expect(inspected.Digest).toBe(env.images.cudaApp.digest);
      expect(inspected.Architecture).toBe('amd64');
    });

    it('gpu/multi:1.0 resolves to its index digest', async () => {
      const inspected = await inspect(['--no-creds'], imageReference(anonymous, env.images.multi));
      expect(inspected.Digest).toBe(env.images.multi.digest);
      expect(inspected.Labels).toEqual({ 'test.platform': 'linux/amd64' });
    });
  });
});
