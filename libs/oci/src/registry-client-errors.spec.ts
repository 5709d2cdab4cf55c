import { ValidationErrorCode } from './errors';
import { MediaType } from './media-types';
import { sendJson, sha256, TestServer } from './testing/fake-registry';
import { expectRegistryError, useFakeRegistry } from './testing/registry-client-fixture';

describe('RegistryClient: registry errors', () => {
  const fixture = useFakeRegistry();
  const { clientFor, ref, track } = fixture;

  describe('registry errors', () => {
    it('maps a missing repository to repository_not_found', async () => {
      fixture.registry.addImage('org/app', '1');
      await expectRegistryError(fixture.client.validateImage(ref('org/missing:1')), { code: ValidationErrorCode.RepositoryNotFound, retryable: false });
    });

    it('tells a missing repository from a missing tag on registries that answer MANIFEST_UNKNOWN for both', async () => {
      fixture.registry.addImage('org/app', '1');
      // distribution 2.x: an unknown repository's manifest is MANIFEST_UNKNOWN, its tag list NAME_UNKNOWN.
      fixture.registry.override('/v2/org/missing/manifests/', (_req, res) => sendJson(res, 404, { errors: [{ code: 'MANIFEST_UNKNOWN' }] }));
      await expectRegistryError(fixture.client.validateImage(ref('org/missing:1')), { code: ValidationErrorCode.RepositoryNotFound });
      expect(fixture.registry.server.requestsTo('/v2/org/missing/tags/list')).toHaveLength(1);
      await expectRegistryError(fixture.client.validateImage(ref('org/app:2')), { code: ValidationErrorCode.ManifestNotFound });
    });

    it('maps a missing tag to manifest_not_found', async () => {
      fixture.registry.addImage('org/app', '1');
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:2')), { code: ValidationErrorCode.ManifestNotFound });
      expect(error.message).toContain('Tag "2"');
    });

    it('maps 429 to rate_limited with the Retry-After delay', async () => {
      fixture.registry.override('/v2/org/app/manifests/', (_req, res) => sendJson(res, 429, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'Retry-After': '30' }));
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RateLimited, retryable: true, retryAfterMs: 30_000 });
    });

    it('maps 503 to a retryable registry_unreachable', async () => {
      fixture.registry.override('/v2/', (_req, res) => sendJson(res, 503, {}));
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryUnreachable, retryable: true });
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
      track(silent);
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
      track(silent);
      const controller = new AbortController();
      const pending = clientFor([silent.host]).validateImage(`${silent.host}/org/app:1`, undefined, controller.signal);
      await arrived;
      const reason = new Error('worker shutting down');
      controller.abort(reason);
      await expect(pending).rejects.toBe(reason);
    });

    it('refuses schema 1 manifests', async () => {
      const body = Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'org/app', tag: 'old', fsLayers: [] }));
      fixture.registry.putManifest('org/app', ['old'], body, MediaType.DockerSchema1Signed);
      await expectRegistryError(fixture.client.validateImage(ref('org/app:old')), { code: ValidationErrorCode.UnsupportedManifest, retryable: false });
    });

    it('detects a manifest that does not match Docker-Content-Digest', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override('/v2/org/app/manifests/1', (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest, 'Docker-Content-Digest': sha256('something else') });
        res.end(image.manifestBody);
      });
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.DigestMismatch });
    });

    it('detects a manifest that does not match the digest reference', async () => {
      fixture.registry.addImage('org/app', '1');
      const other = sha256('not this manifest');
      fixture.registry.override(`/v2/org/app/manifests/${other}`, (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
        res.end(fixture.registry.manifests.get('org/app:1')?.body);
      });
      await expectRegistryError(fixture.client.validateImage(ref(`org/app@${other}`)), { code: ValidationErrorCode.DigestMismatch });
    });

    it('detects a config blob that does not match its digest', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override(`/v2/org/app/blobs/${image.configDigest}`, (_req, res) => sendJson(res, 200, { os: 'linux' }));
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.DigestMismatch });
    });

    it('stops reading an oversized manifest at the cap', async () => {
      let bytesWritten = 0;
      let stopped: () => void = () => undefined;
      const connectionClosed = new Promise<void>((resolve) => (stopped = resolve));
      fixture.registry.addImage('org/app', '1');
      fixture.registry.override('/v2/org/app/manifests/', (req, res) => {
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
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.ManifestTooLarge, retryable: false });
      await connectionClosed;
      expect(bytesWritten).toBeLessThan(64 * 1024 * 1024);
    });

    it('refuses a manifest whose HEAD declares it oversized, before downloading it', async () => {
      fixture.registry.addImage('org/app', '1');
      await fixture.client.validateImage(ref('org/app:1')); // a tag seen before is HEADed first
      const before = fixture.registry.server.requests.length;
      fixture.registry.override('/v2/org/app/manifests/', (req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest, 'Content-Length': String(5 * 1024 * 1024) });
        res.end(req.method === 'HEAD' ? undefined : Buffer.alloc(5 * 1024 * 1024));
      });
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.ManifestTooLarge });
      expect(fixture.registry.requestLines.slice(before)).toEqual(['HEAD /v2/org/app/manifests/1']);
    });

    it('refuses a manifest whose GET declares it oversized without reading it', async () => {
      fixture.registry.override('/v2/org/app/manifests/', (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest, 'Content-Length': String(5 * 1024 * 1024) });
        res.write(Buffer.alloc(1024));
      });
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.ManifestTooLarge, retryable: false });
    });
  });

  describe('the distribution error code in the body decides, whatever the status', () => {
    it.each([
      [503, 'MANIFEST_UNKNOWN', ValidationErrorCode.ManifestNotFound],
      [500, 'NAME_UNKNOWN', ValidationErrorCode.RepositoryNotFound],
      [502, 'DENIED', ValidationErrorCode.AccessDenied],
    ])('a %d saying %s is a permanent %s, not retried', async (status, code, expected) => {
      fixture.registry.addImage('org/app', '1');
      fixture.registry.override('/v2/org/app/manifests/', (req, res) =>
        req.method === 'HEAD' ? res.writeHead(status).end() : sendJson(res, status, { errors: [{ code, message: 'said the registry' }] }),
      );
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: expected, retryable: false });
    });

    it('a 500 saying TOOMANYREQUESTS is rate limiting', async () => {
      fixture.registry.override('/v2/org/app/manifests/', (req, res) =>
        req.method === 'HEAD' ? res.writeHead(500).end() : sendJson(res, 500, { errors: [{ code: 'TOOMANYREQUESTS' }] }, { 'Retry-After': '12' }),
      );
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RateLimited, retryable: true, retryAfterMs: 12_000 });
    });

    it('a 503 without a code stays a retryable registry_unreachable', async () => {
      fixture.registry.override('/v2/org/app/manifests/', (_req, res) => sendJson(res, 503, { errors: [{ code: 'UNAVAILABLE' }] }));
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryUnreachable, retryable: true });
    });
  });

  describe('media types', () => {
    it('refuses a manifest whose body mediaType disagrees with its Content-Type', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override('/v2/org/app/manifests/1', (req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.DockerManifest, 'Docker-Content-Digest': image.manifestDigest });
        res.end(req.method === 'HEAD' ? undefined : image.manifestBody);
      });
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.UnsupportedManifest, retryable: false });
      expect(error.message).toContain(MediaType.DockerManifest);
      expect(error.message).toContain(MediaType.OciManifest);
    });

    it('accepts a generic application/json Content-Type and a body without mediaType', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override('/v2/org/app/manifests/1', (req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(req.method === 'HEAD' ? undefined : image.manifestBody);
      });
      expect((await fixture.client.validateImage(ref('org/app:1'))).media_type).toBe(MediaType.OciManifest);
    });

    it('refuses an index entry whose media type is not the manifest it points at', async () => {
      const amd64 = fixture.registry.addImage('org/app', undefined);
      const body = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciIndex,
          manifests: [{ mediaType: MediaType.DockerManifest, digest: amd64.manifestDigest, size: amd64.manifestBody.length, platform: { os: 'linux', architecture: 'amd64' } }],
        }),
      );
      fixture.registry.putManifest('org/app', ['multi'], body, MediaType.OciIndex);
      await expectRegistryError(fixture.client.validateImage(ref('org/app:multi')), { code: ValidationErrorCode.UnsupportedManifest });
    });
  });

  describe('layers', () => {
    it('fails with a permanent blob_missing naming a layer that was never uploaded', async () => {
      const image = fixture.registry.addImage('org/app', '1', { layers: [{ size: 10 }, { size: 20, missing: true }] });
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.BlobMissing, retryable: false });
      expect(error.message).toContain(image.layerDigests[1]);
    });

    it('fails with blob_missing when the config blob is gone', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.blobs.delete(`org/app@${image.configDigest}`);
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.BlobMissing });
      expect(error.message).toContain(image.configDigest);
    });

    it('retries a layer the registry cannot answer for now (503), like a manifest', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override(`/v2/org/app/blobs/${image.layerDigests[0]}`, (_req, res) => sendJson(res, 503, {}, { 'Retry-After': '3' }));
      await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.RegistryUnreachable, retryable: true, retryAfterMs: 3000 });
    });

    it('asks a body-carrying GET when a layer HEAD gets a 5xx, and believes its BLOB_UNKNOWN', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.override(`/v2/org/app/blobs/${image.layerDigests[1]}`, (req, res) =>
        req.method === 'HEAD' ? res.writeHead(500).end() : sendJson(res, 500, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry' }] }),
      );
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:1')), { code: ValidationErrorCode.BlobMissing, retryable: false });
      expect(error.message).toContain(image.layerDigests[1]);
    });

    it('HEADs every one of many layers, a few at a time', async () => {
      const sizes = Array.from({ length: 40 }, (_, i) => 100 + i);
      const image = fixture.registry.addImage('org/app', '1', { layerSizes: sizes });
      let inFlight = 0;
      let most = 0;
      for (const digest of image.layerDigests) {
        const stored = fixture.registry.blobs.get(`org/app@${digest}`)!;
        fixture.registry.override(`/v2/org/app/blobs/${digest}`, (_req, res) => {
          most = Math.max(most, ++inFlight);
          setImmediate(() => {
            inFlight--;
            res.writeHead(200, { 'Content-Length': stored.body.length }).end();
          });
        });
      }
      const report = await fixture.client.validateImage(ref('org/app:1'));
      expect(report).toMatchObject({ layers: 40, largest_layer_bytes: 139 });
      expect(fixture.registry.requestLines.filter((line) => line.startsWith('HEAD /v2/org/app/blobs/'))).toHaveLength(40);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(8);
    });
  });

  it('does not treat a registry without the referrers API as an error: its 404 means "use the tag schema"', async () => {
    const image = fixture.registry.addImage('org/app', '1');
    fixture.registry.override('/v2/org/app/referrers/', (_req, res) => res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found'));
    expect((await fixture.client.validateImage(ref('org/app:1'))).lazy_pull?.soci).toBe(false);
    expect(fixture.registry.requestLines).toContain(`GET /v2/org/app/manifests/${image.manifestDigest.replace(':', '-')}`);
  });
});
