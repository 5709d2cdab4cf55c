import { Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { ValidationErrorCode } from './errors';
import { RegistryClient } from './registry-client';
import { FakeRegistry, TestServer } from './testing/fake-registry';
import { expectRegistryError, fakeResolver, useFakeRegistry } from './testing/registry-client-fixture';

describe('RegistryClient: egress policy and redirects', () => {
  const fixture = useFakeRegistry();
  const { clientFor, ref, track } = fixture;

  describe('egress policy', () => {
    it('refuses a registry host that resolves to loopback unless allow-listed', async () => {
      const resolver = fakeResolver({ 'sneaky.example.com': ['127.0.0.1'] });
      const guarded = clientFor([], { resolver, egress: { insecureHosts: [`sneaky.example.com:${fixture.registry.server.port}`] } });
      fixture.registry.addImage('org/app', '1');
      const error = await expectRegistryError(guarded.validateImage(`sneaky.example.com:${fixture.registry.server.port}/org/app:1`), {
        code: ValidationErrorCode.RegistryAddressBlocked,
        retryable: false,
      });
      expect(error.message).not.toContain('127.0.0.1');
      expect(fixture.registry.server.requests).toHaveLength(0);
    });

    // Skipped (and reported as skipped) where the machine has no IPv6 loopback, as in some containers.
    const hasIpv6Loopback = Object.values(networkInterfaces()).some((addresses) => addresses?.some((a) => a.address === '::1'));
    (hasIpv6Loopback ? it : it.skip)('reaches an allow-listed IPv6 literal registry', async () => {
      const v6 = await FakeRegistry.start(undefined, '::1');
      track(v6);
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
      const host = `registry.internal.test:${fixture.registry.server.port}`;
      fixture.registry.addImage('org/app', '1');
      const allowed = clientFor([host], { resolver });
      await allowed.validateImage(`${host}/org/app:1`);
      expect(fixture.registry.server.requests[0].host).toBe(host);
    });

    it('refuses a blob redirect to the cloud metadata service without connecting', async () => {
      const resolver = fakeResolver({ 'metadata.test': ['169.254.169.254'] });
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
        res.writeHead(307, { Location: 'http://metadata.test/latest/meta-data/iam' }).end();
      });
      // metadata.test may use plain HTTP, but is not exempt from the address check.
      const guarded = clientFor([fixture.registry.server.host], {
        resolver,
        egress: { allowedPrivateHosts: [fixture.registry.server.host], insecureHosts: [fixture.registry.server.host, 'metadata.test:80'] },
      });
      await expectRegistryError(guarded.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryAddressBlocked });
      expect(resolver.calls).toEqual(['metadata.test']);
    });

    it('refuses a redirect to a literal metadata address without opening a socket to it', async () => {
      const connect = jest.spyOn(Socket.prototype, 'connect');
      try {
        const image = fixture.registry.addImage('org/app', '1');
        fixture.registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
          res.writeHead(302, { Location: 'https://169.254.169.254/latest/meta-data/' }).end();
        });
        await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryAddressBlocked });
        // net.createConnection passes its normalized arguments as one array: [options, callback].
        const targets = connect.mock.calls.map(([args]) => (Array.isArray(args) ? args[0] : args)?.host as string | undefined);
        expect(targets).toContain('127.0.0.1');
        expect(targets).not.toContain('169.254.169.254');
      } finally {
        connect.mockRestore();
      }
    });

    it('follows a blob redirect to a CDN without forwarding the Authorization header', async () => {
      fixture.registry.auth = { kind: 'basic', username: 'alice', password: 'pw-12345' };
      const image = fixture.registry.addImage('org/app', '1');
      const configBody = fixture.registry.blobs.get(`org/app@${image.configDigest}`)?.body as Buffer;
      const cdn = await TestServer.start((_req, res) => res.writeHead(200).end(configBody));
      track(cdn);
      const cdnHost = `cdn.test:${cdn.port}`;
      fixture.registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => {
        res.writeHead(307, { Location: `http://${cdnHost}/blobs/config?signature=abc` }).end();
      });
      const withCdn = clientFor([fixture.registry.server.host, cdnHost], { resolver: fakeResolver({ 'cdn.test': ['127.0.0.1'] }) });

      const report = await withCdn.validateImage(ref('org/app:1'), { username: 'alice', password: 'pw-12345' });

      expect(report.platform_digest).toBe(image.manifestDigest);
      expect(cdn.requests).toHaveLength(1);
      expect(cdn.requests[0].authorization).toBeUndefined();
    });

    it('gives up after too many redirects', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override(`/v2/org/app/blobs/`, (req, res) => {
        res.writeHead(302, { Location: `${req.url}x` }).end();
      });
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), {
        code: ValidationErrorCode.RegistryError,
        message: expect.stringContaining('redirected more than 5 times'),
      });
      expect(fixture.registry.server.requestsTo(`/v2/org/app/blobs/${image.configDigest}`)).toHaveLength(6);
    });
  });

  describe('layer blobs behind redirects', () => {
    /** A blob store on another host name (resolving to loopback, allow-listed) that records what it is sent. */
    async function blobStore(answer: (method: string, range: string | undefined) => number): Promise<{ store: TestServer; host: string; withStore: RegistryClient }> {
      const store = await TestServer.start((req, res) => res.writeHead(answer(req.method ?? '', req.headers.range)).end());
      track(store);
      const host = `blobs.test:${store.port}`;
      const withStore = clientFor([fixture.registry.server.host, host], { resolver: fakeResolver({ 'blobs.test': ['127.0.0.1'] }) });
      return { store, host, withStore };
    }

    function redirectLayers(image: { layerDigests: string[] }, host: string): void {
      for (const digest of image.layerDigests) {
        fixture.registry.override(`/v2/org/app/blobs/${digest}`, (_req, res) => {
          res.writeHead(307, { Location: `http://${host}/storage/${digest}?X-Amz-Signature=abc` }).end();
        });
      }
    }

    it('follows a layer HEAD to blob storage on another host without the Authorization header', async () => {
      fixture.registry.auth = { kind: 'basic', username: 'alice', password: 'pw-12345' };
      const image = fixture.registry.addImage('org/app', '1');
      const { store, host, withStore } = await blobStore(() => 200);
      redirectLayers(image, host);

      const report = await withStore.validateImage(ref('org/app:1'), { username: 'alice', password: 'pw-12345' });

      expect(report.layers).toBe(2);
      expect(store.requests.map((r) => r.method)).toEqual(['HEAD', 'HEAD']);
      expect(store.requests.every((r) => r.authorization === undefined)).toBe(true);
    });

    it('asks blob storage that refuses HEAD on a URL signed for GET for one byte instead', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      const { store, host, withStore } = await blobStore((method, range) => (method === 'HEAD' ? 403 : range === 'bytes=0-0' ? 206 : 400));
      redirectLayers(image, host);

      expect((await withStore.validateImage(ref('org/app:1'))).layers).toBe(2);
      expect(store.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    });

    it('reports a layer that blob storage does not have as blob_missing', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      const { host, withStore } = await blobStore(() => 404);
      redirectLayers(image, host);
      await expectRegistryError(withStore.validateImage(ref('org/app:1')), { code: ValidationErrorCode.BlobMissing, retryable: false });
    });

    it('refuses a layer redirect to a blocked address without connecting', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      const resolver = fakeResolver({ 'internal-storage.test': ['10.0.0.7'] });
      fixture.registry.override(`/v2/org/app/blobs/${image.layerDigests[0]}`, (_req, res) => {
        res.writeHead(307, { Location: 'https://internal-storage.test/blob' }).end();
      });
      const guarded = clientFor([fixture.registry.server.host], { resolver });
      await expectRegistryError(guarded.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryAddressBlocked, retryable: false });
      expect(resolver.calls).toEqual(['internal-storage.test']);
    });

    it('finds a foreign layer at the URL its descriptor names, never sending it credentials', async () => {
      fixture.registry.auth = { kind: 'basic', username: 'alice', password: 'pw-12345' };
      const { store, host, withStore } = await blobStore((method) => (method === 'HEAD' ? 200 : 400));
      fixture.registry.addImage('org/app', '1', {
        layers: [{ size: 10 }, { size: 20, mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', missing: true }],
      });
      const manifest = JSON.parse(fixture.registry.manifests.get('org/app:1')!.body.toString());
      manifest.layers[1].urls = [`http://${host}/windows/base-layer.tar.gz`];
      fixture.registry.putManifest('org/app', ['foreign'], Buffer.from(JSON.stringify(manifest)), 'application/vnd.oci.image.manifest.v1+json');

      expect((await withStore.validateImage(ref('org/app:foreign'), { username: 'alice', password: 'pw-12345' })).layers).toBe(2);
      expect(store.requests).toEqual([expect.objectContaining({ method: 'HEAD', path: '/windows/base-layer.tar.gz', authorization: undefined })]);
    });
  });
});
