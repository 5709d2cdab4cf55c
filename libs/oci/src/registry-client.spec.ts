import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { APPS_LABEL } from './apps';
import { RegistryError, ValidationErrorCode } from './errors';
import { HostResolver } from './host-resolver';
import { ImageReference } from './image-reference';
import { MediaType } from './media-types';
import { RegistryClient, RegistryClientOptions } from './registry-client';
import { basicHeader, FakeRegistry, sendJson, sha256, TestServer } from './testing/fake-registry';

const ATTESTATION = { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:' + '0'.repeat(64) };

/** A resolver answering from a fixed table, recording the names it was asked for. */
function fakeResolver(table: Record<string, string[]>): HostResolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string) => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

async function expectRegistryError(promise: Promise<unknown>, expected: Partial<RegistryError>): Promise<RegistryError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the validation to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  expect(error).toMatchObject(expected);
  return error as RegistryError;
}

describe('RegistryClient', () => {
  let registry: FakeRegistry;
  let client: RegistryClient;
  const clients: RegistryClient[] = [];
  const servers: Array<{ close(): Promise<void> }> = [];

  /** A client that may reach the fake registry over plain HTTP. */
  function clientFor(hosts: string[], overrides: Partial<RegistryClientOptions> = {}): RegistryClient {
    const created = new RegistryClient({
      egress: { allowedPrivateHosts: hosts, insecureHosts: hosts },
      timeouts: { connectTimeoutMs: 2_000, headersTimeoutMs: 2_000, totalTimeoutMs: 10_000 },
      ...overrides,
    });
    clients.push(created);
    return created;
  }

  function ref(repositoryAndTag: string): ImageReference {
    return ImageReference.parse(`${registry.server.host}/${repositoryAndTag}`);
  }

  beforeEach(async () => {
    registry = await FakeRegistry.start();
    servers.push(registry);
    client = clientFor([registry.server.host]);
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  describe('a public single-platform image', () => {
    it('reports digest, platform, size, CUDA version and apps', async () => {
      const image = registry.addImage('org/app', '1.0', {
        env: ['PATH=/bin', 'CUDA_VERSION=12.2.0'],
        exposedPorts: ['8888/tcp', '22/tcp'],
        layerSizes: [100, 200, 300],
      });

      const report = await client.validateImage(ref('org/app:1.0'));

      expect(report).toEqual({
        resolved_digest: image.manifestDigest,
        media_type: MediaType.OciManifest,
        platform: { os: 'linux', architecture: 'amd64' },
        platform_digest: image.manifestDigest,
        total_size_bytes: image.configSize + 600,
        cuda_version: '12.2.0',
        apps: [
          { name: 'ssh', port: 22, protocol: 'TCP', isUI: false },
          { name: 'jupyter', port: 8888, protocol: 'HTTP', isUI: true },
        ],
      });
    });

    it('HEADs, then GETs the manifest, then fetches the config blob', async () => {
      const image = registry.addImage('org/app', '1.0');
      await client.validateImage(ref('org/app:1.0'));
      expect(registry.server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /v2/',
        'HEAD /v2/org/app/manifests/1.0',
        'GET /v2/org/app/manifests/1.0',
        `GET /v2/org/app/blobs/${image.configDigest}`,
      ]);
    });

    it('pings the registry once across validations', async () => {
      registry.addImage('org/app', '1.0');
      await client.validateImage(ref('org/app:1.0'));
      await client.validateImage(ref('org/app:1.0'));
      expect(registry.server.requestsTo('/v2/').filter((r) => r.path === '/v2/')).toHaveLength(1);
    });

    it('answers a repeated validation with one HEAD, from verified cached content', async () => {
      registry.addImage('org/app', '1.0');
      const first = await client.validateImage(ref('org/app:1.0'));
      const before = registry.server.requests.length;
      const second = await client.validateImage(ref('org/app:1.0'));
      expect(second).toEqual(first);
      expect(registry.server.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['HEAD /v2/org/app/manifests/1.0']);
    });

    it('follows a tag that moved to another image', async () => {
      registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=11.8.0'] });
      expect((await client.validateImage(ref('org/app:latest'))).cuda_version).toBe('11.8.0');
      const moved = registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=12.1.0'] });
      const report = await client.validateImage(ref('org/app:latest'));
      expect(report).toMatchObject({ resolved_digest: moved.manifestDigest, cuda_version: '12.1.0' });
    });

    it('accepts a digest reference and a string reference', async () => {
      const image = registry.addImage('org/app', undefined);
      const report = await client.validateImage(`${registry.server.host}/org/app@${image.manifestDigest}`);
      expect(report.resolved_digest).toBe(image.manifestDigest);
    });

    it('turns an invalid string reference into invalid_reference', async () => {
      await expectRegistryError(client.validateImage('ubuntu:22.04'), { code: ValidationErrorCode.InvalidReference, retryable: false });
    });

    it('uses the ai.airuntime.apps label when present', async () => {
      const label = JSON.stringify([{ name: 'api', port: 9000, protocol: 'HTTP', isUI: false }]);
      registry.addImage('org/app', '1.0', { labels: { [APPS_LABEL]: label } });
      const report = await client.validateImage(ref('org/app:1.0'));
      expect(report.apps).toEqual([{ name: 'api', port: 9000, protocol: 'HTTP', isUI: false }]);
    });

    it('reports a null CUDA version for images without one', async () => {
      registry.addImage('org/app', '1.0', { env: ['PATH=/bin'] });
      expect((await client.validateImage(ref('org/app:1.0'))).cuda_version).toBeNull();
    });

    it('refuses a single-platform image built for another architecture', async () => {
      registry.addImage('org/app', 'arm', { architecture: 'arm64' });
      const error = await expectRegistryError(client.validateImage(ref('org/app:arm')), { code: ValidationErrorCode.PlatformUnsupported });
      expect(error.message).toContain('linux/arm64');
    });
  });

  describe('multi-platform images', () => {
    it('picks linux/amd64 from an index and skips attestations', async () => {
      const amd64 = registry.addImage('org/app', undefined, { architecture: 'amd64' });
      const arm64 = registry.addImage('org/app', undefined, { architecture: 'arm64' });
      const attestation = registry.addImage('org/app', undefined, { architecture: 'unknown', os: 'unknown' });
      const indexDigest = registry.addIndex('org/app', '2.0', [
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
        { platform: { os: 'unknown', architecture: 'unknown' }, image: attestation, annotations: ATTESTATION },
        { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
      ]);

      const report = await client.validateImage(ref('org/app:2.0'));

      expect(report).toMatchObject({
        resolved_digest: indexDigest,
        media_type: MediaType.OciIndex,
        platform: { os: 'linux', architecture: 'amd64' },
        platform_digest: amd64.manifestDigest,
      });
      const fetched = registry.server.requests.map((r) => r.path);
      expect(fetched).toContain(`/v2/org/app/manifests/${amd64.manifestDigest}`);
      expect(fetched).not.toContain(`/v2/org/app/manifests/${arm64.manifestDigest}`);
    });

    it('refuses an index without linux/amd64, naming the platforms found', async () => {
      const arm64 = registry.addImage('org/app', undefined, { architecture: 'arm64' });
      registry.addIndex('org/app', 'arm-only', [{ platform: { os: 'linux', architecture: 'arm64' }, image: arm64 }]);
      const error = await expectRegistryError(client.validateImage(ref('org/app:arm-only')), {
        code: ValidationErrorCode.PlatformUnsupported,
        retryable: false,
      });
      expect(error.message).toContain('linux/arm64');
    });

    it('detects a platform manifest whose content does not match the index digest', async () => {
      const amd64 = registry.addImage('org/app', undefined);
      registry.addIndex('org/app', '3.0', [{ platform: { os: 'linux', architecture: 'amd64' }, image: amd64 }]);
      const tampered = Buffer.from(amd64.manifestBody.toString().replace('"size":1000', '"size":1001'));
      registry.override(`/v2/org/app/manifests/${amd64.manifestDigest}`, (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
        res.end(tampered);
      });
      await expectRegistryError(client.validateImage(ref('org/app:3.0')), { code: ValidationErrorCode.DigestMismatch, retryable: false });
    });
  });

  describe('basic auth', () => {
    beforeEach(() => {
      registry.auth = { kind: 'basic', username: 'alice', password: 'correct-horse' };
      registry.addImage('org/private', '1');
    });

    it('sends the credentials to the registry', async () => {
      await client.validateImage(ref('org/private:1'), { username: 'alice', password: 'correct-horse' });
      const manifestRequests = registry.server.requestsTo('/v2/org/private/manifests/');
      expect(manifestRequests.every((r) => r.authorization === basicHeader('alice', 'correct-horse'))).toBe(true);
    });

    it('reports wrong credentials as invalid_credentials without echoing the password', async () => {
      const error = await expectRegistryError(
        client.validateImage(ref('org/private:1'), { username: 'alice', password: 'wrong-password' }),
        { code: ValidationErrorCode.InvalidCredentials, retryable: false },
      );
      expect(error.message).not.toContain('wrong-password');
    });

    it('never serves cached content to a caller the registry refuses', async () => {
      const image = registry.addImage('org/private', '2');
      await client.validateImage(ref(`org/private@${image.manifestDigest}`), { username: 'alice', password: 'correct-horse' });
      await expectRegistryError(
        client.validateImage(ref(`org/private@${image.manifestDigest}`), { username: 'mallory', password: 'guess' }),
        { code: ValidationErrorCode.InvalidCredentials },
      );
      await expectRegistryError(client.validateImage(ref(`org/private@${image.manifestDigest}`)), { code: ValidationErrorCode.AccessDenied });
    });

    it('reports missing credentials as access_denied', async () => {
      const error = await expectRegistryError(client.validateImage(ref('org/private:1')), { code: ValidationErrorCode.AccessDenied });
      expect(error.message).toMatch(/requires credentials/);
    });
  });

  describe('bearer token auth', () => {
    beforeEach(() => {
      registry.auth = { kind: 'bearer', username: 'bob', password: 'tok3n-secret' };
      registry.addImage('org/app', '1');
      registry.addImage('org/other', '1');
    });

    it('fetches a token with Basic credentials, service and pull scope', async () => {
      await client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' });
      const [tokenRequest] = registry.tokenRequests;
      const query = new URL(tokenRequest.path, 'http://x').searchParams;
      expect(query.get('service')).toBe('fake-registry');
      expect(query.get('scope')).toBe('repository:org/app:pull');
      expect(tokenRequest.authorization).toBe(basicHeader('bob', 'tok3n-secret'));
      const manifestRequests = registry.server.requestsTo('/v2/org/app/');
      expect(manifestRequests.every((r) => r.authorization?.startsWith('Bearer token-'))).toBe(true);
    });

    it('reuses the cached token for the same repository and credentials', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await client.validateImage(ref('org/app:1'), credentials);
      await client.validateImage(ref('org/app:1'), credentials);
      expect(registry.tokenRequests).toHaveLength(1);
    });

    it('shares one token request among concurrent validations', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      const reports = await Promise.all(Array.from({ length: 8 }, () => client.validateImage(ref('org/app:1'), credentials)));
      expect(reports).toHaveLength(8);
      expect(registry.tokenRequests).toHaveLength(1);
    });

    it('keeps tokens apart per repository and per credentials', async () => {
      await client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' });
      await client.validateImage(ref('org/other:1'), { username: 'bob', password: 'tok3n-secret' });
      registry.publicRepositories.add('org/app');
      await client.validateImage(ref('org/app:1'));
      expect(registry.tokenRequests).toHaveLength(3);
    });

    it('fetches a new token once the cached one expires', async () => {
      let now = Date.parse('2025-01-01T00:00:00Z');
      registry.auth = { kind: 'bearer', username: 'bob', password: 'tok3n-secret', expiresIn: 300 };
      const timed = clientFor([registry.server.host], { clock: () => now });
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await timed.validateImage(ref('org/app:1'), credentials);
      now += 280_000; // still inside expires_in minus the safety margin
      await timed.validateImage(ref('org/app:1'), credentials);
      expect(registry.tokenRequests).toHaveLength(1);
      now += 15_000; // within the margin: refresh
      await timed.validateImage(ref('org/app:1'), credentials);
      expect(registry.tokenRequests).toHaveLength(2);
    });

    it('refreshes a cached token the registry no longer accepts', async () => {
      const credentials = { username: 'bob', password: 'tok3n-secret' };
      await client.validateImage(ref('org/app:1'), credentials);
      (registry as unknown as { issuedTokens: Map<string, string> }).issuedTokens.clear();
      await client.validateImage(ref('org/app:1'), credentials);
      expect(registry.tokenRequests).toHaveLength(2);
    });

    it('pulls public repositories anonymously', async () => {
      registry.publicRepositories.add('org/app');
      await client.validateImage(ref('org/app:1'));
      expect(registry.tokenRequests[0].authorization).toBeUndefined();
    });

    it('reports credentials refused by the token service as invalid_credentials', async () => {
      const error = await expectRegistryError(
        client.validateImage(ref('org/app:1'), { username: 'bob', password: 'not-the-token' }),
        { code: ValidationErrorCode.InvalidCredentials, retryable: false },
      );
      expect(error.message).not.toContain('not-the-token');
    });

    it('reports a private repository without credentials as access_denied', async () => {
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.AccessDenied, retryable: false });
    });

    it('reports a repository the accepted token does not cover as access_denied', async () => {
      registry.override('/v2/org/app/manifests/', (_req, res) => {
        res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://${registry.server.host}/token",service="fake-registry"` });
        res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
      });
      const error = await expectRegistryError(
        client.validateImage(ref('org/app:1'), { username: 'bob', password: 'tok3n-secret' }),
        { code: ValidationErrorCode.AccessDenied },
      );
      expect(error.message).toContain('requested access to the resource is denied');
    });

    it('refuses a token realm on a blocked address without connecting to it', async () => {
      const resolver = fakeResolver({ 'auth.internal.test': ['10.1.2.3'] });
      registry.auth = { kind: 'bearer', realm: 'https://auth.internal.test/token' };
      const guarded = clientFor([registry.server.host], { resolver });
      const error = await expectRegistryError(guarded.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.RegistryAddressBlocked,
        retryable: false,
      });
      expect(resolver.calls).toEqual(['auth.internal.test']);
      expect(error.message).not.toContain('10.1.2.3');
    });

    it('refuses a plain-HTTP token realm on a host not listed as insecure with insecure_realm', async () => {
      registry.auth = { kind: 'bearer', realm: 'http://auth.example.com/token' };
      await expectRegistryError(client.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.InsecureRealm,
        retryable: false,
        message: expect.stringContaining('https://'),
      });
      expect(registry.tokenRequests).toHaveLength(0);
    });
  });

  describe('registry errors', () => {
    it('maps a missing repository to repository_not_found', async () => {
      registry.addImage('org/app', '1');
      await expectRegistryError(client.validateImage(ref('org/missing:1')), { code: ValidationErrorCode.RepositoryNotFound, retryable: false });
    });

    it('tells a missing repository from a missing tag on registries that answer MANIFEST_UNKNOWN for both', async () => {
      registry.addImage('org/app', '1');
      // distribution 2.x: an unknown repository's manifest is MANIFEST_UNKNOWN, its tag list NAME_UNKNOWN.
      registry.override('/v2/org/missing/manifests/', (_req, res) => sendJson(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }));
      await expectRegistryError(client.validateImage(ref('org/missing:1')), { code: ValidationErrorCode.RepositoryNotFound });
      expect(registry.server.requestsTo('/v2/org/missing/tags/list')).toHaveLength(1);
      await expectRegistryError(client.validateImage(ref('org/app:2')), { code: ValidationErrorCode.ManifestNotFound });
    });

    it('maps a missing tag to manifest_not_found', async () => {
      registry.addImage('org/app', '1');
      const error = await expectRegistryError(client.validateImage(ref('org/app:2')), { code: ValidationErrorCode.ManifestNotFound });
      expect(error.message).toContain('Tag "2"');
    });

    it('maps 429 to rate_limited with the Retry-After delay', async () => {
      registry.override('/v2/org/app/manifests/', (_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'Retry-After': '30' }));
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RateLimited, retryable: true, retryAfterMs: 30_000 });
    });

    it('maps 503 to a retryable registry_unreachable', async () => {
      registry.override('/v2/', (_req, res) => sendJson(res, 503, {}));
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryUnreachable, retryable: true });
    });

    it('maps a refused connection to a retryable registry_unreachable', async () => {
      const closed = await TestServer.start(() => undefined);
      const host = closed.host;
      await closed.close();
      const offline = clientFor([host]);
      await expectRegistryError(offline.validateImage(`${host}/org/app:1`), { code: ValidationErrorCode.RegistryUnreachable, retryable: true });
    });

    it('times out a registry that never answers', async () => {
      const silent = await TestServer.start(() => undefined); // accepts, never responds
      servers.push(silent);
      const impatient = clientFor([silent.host], { timeouts: { headersTimeoutMs: 50 } });
      const error = await expectRegistryError(impatient.validateImage(`${silent.host}/org/app:1`), {
        code: ValidationErrorCode.RegistryUnreachable,
        retryable: true,
      });
      expect(error.message).toMatch(/response headers/);
    });

    it('rejects with the caller’s reason when the caller aborts mid-request', async () => {
      let requestArrived: () => void = () => undefined;
      const arrived = new Promise<void>((resolve) => (requestArrived = resolve));
      const silent = await TestServer.start(() => requestArrived()); // never responds
      servers.push(silent);
      const controller = new AbortController();
      const pending = clientFor([silent.host]).validateImage(`${silent.host}/org/app:1`, undefined, controller.signal);
      await arrived;
      const reason = new Error('worker shutting down');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    });

    it('refuses schema 1 manifests', async () => {
      const body = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'org/app', tag: 'old', fsLayers: [] }));
      registry.putManifest('org/app', ['old'], body, MediaType.DockerSchema1Signed);
      await expectRegistryError(client.validateImage(ref('org/app:old')), { code: ValidationErrorCode.UnsupportedManifest, retryable: false });
    });

    it('detects a manifest that does not match Docker-Content-Digest', async () => {
      const image = registry.addImage('org/app', '1');
      registry.override('/v2/org/app/manifests/1', (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest, 'Docker-Content-Digest': sha256('something else') });
        res.end(image.manifestBody);
      });
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.DigestMismatch });
    });

    it('detects a manifest that does not match the digest reference', async () => {
      registry.addImage('org/app', '1');
      const other = sha256('not this manifest');
      registry.override(`/v2/org/app/manifests/${other}`, (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
        res.end(registry.manifests.get('org/app:1')?.body);
      });
      await expectRegistryError(client.validateImage(ref(`org/app@${other}`)), { code: ValidationErrorCode.DigestMismatch });
    });

    it('detects a config blob that does not match its digest', async () => {
      const image = registry.addImage('org/app', '1');
      registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => sendJson(res, 200, { os: 'linux' }));
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.DigestMismatch });
    });

    it('stops reading an oversized manifest at the cap', async () => {
      let bytesWritten = 0;
      let stopped: () => void = () => undefined;
      const connectionClosed = new Promise<void>((resolve) => (stopped = resolve));
      registry.addImage('org/app', '1');
      registry.override('/v2/org/app/manifests/', (req, res) => {
        if (req.method === 'HEAD') return res.writeHead(200, { 'Content-Type': MediaType.OciManifest }).end();
        // Streams without Content-Length until the client hangs up.
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) bytesWritten += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        res.on('close', () => stopped());
        pump();
      });
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.ManifestTooLarge, retryable: false });
      await connectionClosed;
      expect(bytesWritten).toBeLessThan(64 * 1024 * 1024);
    });

    it('refuses a manifest whose HEAD declares it oversized, before downloading it', async () => {
      registry.addImage('org/app', '1');
      registry.override('/v2/org/app/manifests/', (req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest, 'Content-Length': String(5 * 1024 * 1024) });
        res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(5 * 1024 * 1024));
      });
      await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.ManifestTooLarge });
      expect(registry.server.requests.filter((r) => r.method === 'GET' && r.path.includes('/manifests/'))).toHaveLength(0);
    });
  });

  describe('egress policy', () => {
    it('refuses a registry host that resolves to loopback unless allow-listed', async () => {
      const resolver = fakeResolver({ 'sneaky.example.com': ['127.0.0.1'] });
      const guarded = clientFor([], { resolver, egress: { insecureHosts: [`sneaky.example.com:${registry.server.port}`] } });
      registry.addImage('org/app', '1');
      const error = await expectRegistryError(guarded.validateImage(`sneaky.example.com:${registry.server.port}/org/app:1`), {
        code: ValidationErrorCode.RegistryAddressBlocked,
        retryable: false,
      });
      expect(error.message).not.toContain('127.0.0.1');
      expect(registry.server.requests).toHaveLength(0);
    });

    // Skipped (and reported as skipped) where the machine has no IPv6 loopback, as in some containers.
    const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === '::1'));
    (hasIpv6Loopback ? it : it.skip)('reaches an allow-listed IPv6 literal registry', async () => {
      const v6 = await FakeRegistry.start(undefined, '::1');
      servers.push(v6);
      v6.addImage('org/app', '1');
      const report = await clientFor([v6.server.host]).validateImage(`${v6.server.host}/org/app:1`);
      expect(report.platform.architecture).toBe('amd64');
      expect(v6.server.requests.length).toBeGreaterThan(0);
      await expectRegistryError(clientFor([]).validateImage(`${v6.server.host}/org/app:1`), { code: ValidationErrorCode.RegistryAddressBlocked });
    });

    it('refuses a literal private IP registry', async () => {
      const guarded = clientFor([]);
      await expectRegistryError(guarded.validateImage('10.0.0.1:5000/org/app:1'), { code: ValidationErrorCode.RegistryAddressBlocked });
    });

    it('refuses a name when any of its addresses is private', async () => {
      const resolver = fakeResolver({ 'mixed.example.com': ['93.184.216.34', '::ffff:192.168.0.10'] });
      const guarded = clientFor([], { resolver });
      await expectRegistryError(guarded.validateImage('mixed.example.com/org/app:1'), { code: ValidationErrorCode.RegistryAddressBlocked });
    });

    it('connects an allow-listed host name to the address it vetted', async () => {
      const resolver = fakeResolver({ 'registry.internal.test': ['127.0.0.1'] });
      const host = `registry.internal.test:${registry.server.port}`;
      registry.addImage('org/app', '1');
      const allowed = clientFor([host], { resolver });
      await allowed.validateImage(`${host}/org/app:1`);
      expect(registry.server.requests[0].host).toBe(host);
    });

    it('refuses a blob redirect to the cloud metadata service without connecting', async () => {
      const resolver = fakeResolver({ 'metadata.test': ['169.254.169.254'] });
      const image = registry.addImage('org/app', '1');
      registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
        res.writeHead(307, { Location: 'http://metadata.test/latest/meta-data/iam' }).end();
      });
      // metadata.test may use plain HTTP, but is not exempt from the address check.
      const guarded = clientFor([registry.server.host], {
        resolver,
        egress: { allowedPrivateHosts: [registry.server.host], insecureHosts: [registry.server.host, 'metadata.test:80'] },
      });
      await expectRegistryError(guarded.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryAddressBlocked });
      expect(resolver.calls).toEqual(['metadata.test']);
    });

    it('refuses a redirect to a literal metadata address without opening a socket to it', async () => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      try {
        const image = registry.addImage('org/app', '1');
        registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
          res.writeHead(302, { Location: 'https://169.254.169.254/latest/meta-data/' }).end();
        });
        await expectRegistryError(client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryAddressBlocked });
        // net.createConnection passes its normalized arguments as one array: [options, callback].
        const targets = connect.mock.calls.map(([args]) => (Array.isArray(args) ? args[0] : args)?.host as string | undefined);
        expect(targets).toContain('127.0.0.1');
        expect(targets).not.toContain('169.254.169.254');
      } finally {
        connect.mockRestore();
      }
    });

    it('follows a blob redirect to a CDN without forwarding the Authorization header', async () => {
      registry.auth = { kind: 'basic', username: 'alice', password: 'pw-12345' };
      const image = registry.addImage('org/app', '1');
      const configBody = registry.blobs.get(`org/app@${image.configDigest}`)?.body as Buffer;
      const cdn = await TestServer.start((_req, res) => res.writeHead(200).end(configBody));
      servers.push(cdn);
      const cdnHost = `cdn.test:${cdn.port}`;
      registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
        res.writeHead(307, { Location: `http://${cdnHost}/blobs/config?signature=abc` }).end();
      });
      const withCdn = clientFor([registry.server.host, cdnHost], { resolver: fakeResolver({ 'cdn.test': ['127.0.0.1'] }) });

      const report = await withCdn.validateImage(ref('org/app:1'), { username: 'alice', password: 'pw-12345' });

      expect(report.platform_digest).toBe(image.manifestDigest);
      expect(cdn.requests).toHaveLength(1);
      expect(cdn.requests[0].authorization).toBeUndefined();
    });

    it('gives up after too many redirects', async () => {
      const image = registry.addImage('org/app', '1');
      registry.override(`/v2/org/app/blobs/`, (req, res) => {
        res.writeHead(302, { Location: `${req.url}x` }).end();
      });
      await expectRegistryError(client.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.RegistryError,
        message: expect.stringContaining('redirected more than 5 times'),
      });
      expect(registry.server.requestsTo(`/v2/org/app/blobs/${image.configDigest}`)).toHaveLength(6);
    });
  });

  describe('TLS', () => {
    let tlsDir: string;
    let tls: { key: string; cert: string };

    beforeAll(async () => {
      tlsDir = await mkdtemp(path.join(tmpdir(), 'oci-tls-'));
      const key = path.join(tlsDir, 'key.pem');
      const cert = path.join(tlsDir, 'cert.pem');
      await promisify(execFile)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=registry.test',
        '-addext', 'subjectAltName=DNS:registry.test',
      ]);
      tls = { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
    });

    afterAll(async () => {
      await rm(tlsDir, { recursive: true, force: true });
    });

    async function tlsRegistry(): Promise<{ secure: FakeRegistry; host: string; resolver: HostResolver }> {
      const secure = await FakeRegistry.start(tls);
      servers.push(secure);
      secure.addImage('org/app', '1');
      return { secure, host: `registry.test:${secure.server.port}`, resolver: fakeResolver({ 'registry.test': ['127.0.0.1'] }) };
    }

    it('verifies the certificate against the host name with the configured CA', async () => {
      const { host, resolver } = await tlsRegistry();
      const trusting = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, caPem: tls.cert, resolver });
      clients.push(trusting);
      const report = await trusting.validateImage(`${host}/org/app:1`);
      expect(report.platform).toEqual({ os: 'linux', architecture: 'amd64' });
    });

    it('uses HTTPS for bearer realms on the registry host', async () => {
      const { secure, host, resolver } = await tlsRegistry();
      secure.auth = { kind: 'bearer', username: 'u', password: 'p', realm: `https://${host}/token` };
      const trusting = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, caPem: tls.cert, resolver });
      clients.push(trusting);
      await trusting.validateImage(`${host}/org/app:1`, { username: 'u', password: 'p' });
      expect(secure.tokenRequests).toHaveLength(1);
    });

    it('reports an untrusted certificate as a permanent tls_error', async () => {
      const { host, resolver } = await tlsRegistry();
      const strict = new RegistryClient({ egress: { allowedPrivateHosts: [host] }, resolver });
      clients.push(strict);
      await expectRegistryError(strict.validateImage(`${host}/org/app:1`), { code: ValidationErrorCode.TlsError, retryable: false });
    });

    it('reports a certificate for another host name as tls_error', async () => {
      const { secure } = await tlsRegistry();
      const host = `other.test:${secure.server.port}`;
      const strict = new RegistryClient({
        egress: { allowedPrivateHosts: [host] },
        caPem: tls.cert,
        resolver: fakeResolver({ 'other.test': ['127.0.0.1'] }),
      });
      clients.push(strict);
      await expectRegistryError(strict.validateImage(`${host}/org/app:1`), { code: ValidationErrorCode.TlsError });
    });

    it('reports a plain-HTTP server reached over HTTPS as tls_error', async () => {
      const strict = clientFor([], { egress: { allowedPrivateHosts: [registry.server.host] } });
      await expectRegistryError(strict.validateImage(ref('org/app:1')), { code: ValidationErrorCode.TlsError });
    });
  });
});
