import { APPS_LABEL } from './apps';
import { ValidationErrorCode } from './errors';
import { ESTARGZ_TOC_ANNOTATION, SOCI_INDEX_V1_ARTIFACT_TYPE, SOCI_INDEX_V2_ARTIFACT_TYPE, ZSTD_CHUNKED_MANIFEST_ANNOTATION } from './lazy-pull';
import { MediaType } from './media-types';
import { sha256 } from './testing/fake-registry';
import { expectRegistryError, useFakeRegistry } from './testing/registry-client-fixture';

const ATTESTATION = { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'sha256:' + '0'.repeat(64) };
const NO_LAZY_PULL = { estargz: false, zstd_chunked: false, soci: false };

describe('RegistryClient: what an image is', () => {
  const fixture = useFakeRegistry();
  const { ref } = fixture;

  describe('a public single-platform image', () => {
    it('reports digest, platform, sizes, layers, start command, CUDA and apps', async () => {
      const image = fixture.registry.addImage('org/app', '1.0', {
        env: ['PATH=/bin', 'CUDA_VERSION=12.2.0'],
        exposedPorts: ['8888/tcp', '22/tcp'],
        layerSizes: [100, 300, 200],
        entrypoint: ['/opt/nvidia/nvidia_entrypoint.sh'],
        cmd: ['jupyter', 'lab'],
        workingDir: '/workspace',
        user: '1000:1000',
      });

      const report = await fixture.client.validateImage(ref('org/app:1.0'));

      expect(report).toEqual({
        resolved_digest: image.manifestDigest,
        media_type: MediaType.OciManifest,
        platform: { os: 'linux', architecture: 'amd64' },
        platform_digest: image.manifestDigest,
        total_size_bytes: image.configSize + 600,
        layers: 3,
        largest_layer_bytes: 300,
        lazy_pull: NO_LAZY_PULL,
        entrypoint: ['/opt/nvidia/nvidia_entrypoint.sh'],
        cmd: ['jupyter', 'lab'],
        working_dir: '/workspace',
        user: '1000:1000',
        cuda_version: '12.2.0',
        cuda_requirement: 'cuda>=12.2',
        min_driver_version: '535.54.03',
        apps: [
          { name: 'ssh', port: 22, protocol: 'TCP', isUI: false },
          { name: 'jupyter', port: 8888, protocol: 'HTTP', isUI: true },
        ],
      });
    });

    it('GETs a tag it has not seen (a HEAD could not save the GET), the config blob, then HEADs the layers and looks for referrers', async () => {
      const image = fixture.registry.addImage('org/app', '1.0');
      await fixture.client.validateImage(ref('org/app:1.0'));
      const lines = fixture.registry.requestLines;
      expect(lines.slice(0, 3)).toEqual(['GET /v2/', 'GET /v2/org/app/manifests/1.0', `GET /v2/org/app/blobs/${image.configDigest}`]);
      // Layer HEADs and the referrers lookup run concurrently: their order is not fixed.
      expect(lines.slice(3).sort()).toEqual(
        [
          ...image.layerDigests.map((digest) => `HEAD /v2/org/app/blobs/${digest}`),
          `GET /v2/org/app/referrers/${image.manifestDigest}?artifactType=${encodeURIComponent(SOCI_INDEX_V1_ARTIFACT_TYPE)}`,
          `GET /v2/org/app/manifests/${image.manifestDigest.replace(':', '-')}`,
        ].sort(),
      );
    });

    it('GETs a digest reference at once when nothing is cached for it (the GET checks access too)', async () => {
      const image = fixture.registry.addImage('org/app', undefined);
      await fixture.client.validateImage(ref(`org/app@${image.manifestDigest}`));
      expect(fixture.registry.requestLines).not.toContain(`HEAD /v2/org/app/manifests/${image.manifestDigest}`);
      expect(fixture.registry.requestLines).toContain(`GET /v2/org/app/manifests/${image.manifestDigest}`);
    });

    it('reports no layers as 0 bytes, and an image without CUDA as needing no driver', async () => {
      fixture.registry.addImage('org/app', '1.0', { layerSizes: [], env: ['PATH=/bin'] });
      const report = await fixture.client.validateImage(ref('org/app:1.0'));
      expect(report).toMatchObject({ layers: 0, largest_layer_bytes: 0, cuda_version: null, cuda_requirement: null, min_driver_version: null });
    });

    it('keeps its connections across validations, HEADs included', async () => {
      fixture.registry.addImage('org/a', '1', { layerSizes: [10] });
      fixture.registry.addImage('org/b', '1', { layerSizes: [20] });
      await fixture.client.validateImage(ref('org/a:1'));
      const opened = fixture.registry.server.connections;
      await fixture.client.validateImage(ref('org/b:1'));
      expect(fixture.registry.requestLines.filter((line) => line.startsWith('HEAD /v2/org/b/blobs/'))).toHaveLength(1);
      expect(fixture.registry.server.connections).toBe(opened);
    });

    it('pings the registry once across validations', async () => {
      fixture.registry.addImage('org/app', '1.0');
      await fixture.client.validateImage(ref('org/app:1.0'));
      await fixture.client.validateImage(ref('org/app:1.0'));
      expect(fixture.registry.server.requestsTo('/v2/').filter((r) => r.path === '/v2/')).toHaveLength(1);
    });

    it('answers a repeated validation with one HEAD, from verified cached content', async () => {
      fixture.registry.addImage('org/app', '1.0');
      const first = await fixture.client.validateImage(ref('org/app:1.0'));
      const before = fixture.registry.server.requests.length;
      const second = await fixture.client.validateImage(ref('org/app:1.0'));
      expect(second).toEqual(first);
      // Layers seen present and the referrers lookup are believed for a minute.
      expect(fixture.registry.requestLines.slice(before)).toEqual(['HEAD /v2/org/app/manifests/1.0']);
    });

    it('follows a tag that moved to another image', async () => {
      fixture.registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=11.8.0'] });
      expect((await fixture.client.validateImage(ref('org/app:latest'))).cuda_version).toBe('11.8.0');
      const moved = fixture.registry.addImage('org/app', 'latest', { env: ['CUDA_VERSION=12.1.0'] });
      const report = await fixture.client.validateImage(ref('org/app:latest'));
      expect(report).toMatchObject({ resolved_digest: moved.manifestDigest, cuda_version: '12.1.0' });
    });

    it('accepts a digest reference and a string reference', async () => {
      const image = fixture.registry.addImage('org/app', undefined);
      const report = await fixture.client.validateImage(`${fixture.registry.server.host}/org/app@${image.manifestDigest}`);
      expect(report.resolved_digest).toBe(image.manifestDigest);
    });

    it('turns an invalid string reference into invalid_reference', async () => {
      await expectRegistryError(fixture.client.validateImage('ubuntu:22.04'), { code: ValidationErrorCode.InvalidReference, retryable: false });
    });

    it('uses the ai.airuntime.apps label when present', async () => {
      const label = JSON.stringify([{ name: 'api', port: 9000, protocol: 'HTTP', isUI: false }]);
      fixture.registry.addImage('org/app', '1.0', { labels: { [APPS_LABEL]: label } });
      const report = await fixture.client.validateImage(ref('org/app:1.0'));
      expect(report.apps).toEqual([{ name: 'api', port: 9000, protocol: 'HTTP', isUI: false }]);
    });

    it('refuses a single-platform image built for another architecture', async () => {
      fixture.registry.addImage('org/app', 'arm', { architecture: 'arm64' });
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:arm')), { code: ValidationErrorCode.PlatformUnsupported });
      expect(error.message).toContain('linux/arm64');
    });
  });

  describe('multi-platform images', () => {
    it('picks linux/amd64 from an index and skips attestations', async () => {
      const amd64 = fixture.registry.addImage('org/app', undefined, { architecture: 'amd64' });
      const arm64 = fixture.registry.addImage('org/app', undefined, { architecture: 'arm64' });
      const attestation = fixture.registry.addImage('org/app', undefined, { architecture: 'unknown', os: 'unknown' });
      const indexDigest = fixture.registry.addIndex('org/app', '2.0', [
        { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' }, image: arm64 },
        { platform: { os: 'unknown', architecture: 'unknown' }, image: attestation, annotations: ATTESTATION },
        { platform: { os: 'linux', architecture: 'amd64' }, image: amd64 },
      ]);

      const report = await fixture.client.validateImage(ref('org/app:2.0'));

      expect(report).toMatchObject({
        resolved_digest: indexDigest,
        media_type: MediaType.OciIndex,
        platform: { os: 'linux', architecture: 'amd64' },
        platform_digest: amd64.manifestDigest,
      });
      const fetched = fixture.registry.server.requests.map((r) => r.path);
      expect(fetched).toContain(`/v2/org/app/manifests/${amd64.manifestDigest}`);
      expect(fetched).not.toContain(`/v2/org/app/manifests/${arm64.manifestDigest}`);
    });

    it('refuses an index without linux/amd64, naming the platforms found', async () => {
      const arm64 = fixture.registry.addImage('org/app', undefined, { architecture: 'arm64' });
      fixture.registry.addIndex('org/app', 'arm-only', [{ platform: { os: 'linux', architecture: 'arm64' }, image: arm64 }]);
      const error = await expectRegistryError(fixture.client.validateImage(ref('org/app:arm-only')), {
        code: ValidationErrorCode.PlatformUnsupported,
        retryable: false,
      });
      expect(error.message).toContain('linux/arm64');
    });

    it('detects a platform manifest whose content does not match the index digest', async () => {
      const amd64 = fixture.registry.addImage('org/app', undefined);
      fixture.registry.addIndex('org/app', '3.0', [{ platform: { os: 'linux', architecture: 'amd64' }, image: amd64 }]);
      const tampered = Buffer.from(amd64.manifestBody.toString().replace('"size":1000', '"size":1001'));
      fixture.registry.override(`/v2/org/app/manifests/${amd64.manifestDigest}`, (_req, res) => {
        res.writeHead(200, { 'Content-Type': MediaType.OciManifest });
        res.end(tampered);
      });
      await expectRegistryError(fixture.client.validateImage(ref('org/app:3.0')), { code: ValidationErrorCode.DigestMismatch, retryable: false });
    });
  });

  describe('lazy pulling', () => {
    it('finds eStargz and zstd:chunked layers by their annotations', async () => {
      fixture.registry.addImage('org/stargz', '1', { layers: [{ size: 10 }, { size: 20, annotations: { [ESTARGZ_TOC_ANNOTATION]: sha256('toc') } }] });
      fixture.registry.addImage('org/chunked', '1', {
        layers: [{ size: 10, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', annotations: { [ZSTD_CHUNKED_MANIFEST_ANNOTATION]: sha256('m') } }],
      });
      expect((await fixture.client.validateImage(ref('org/stargz:1'))).lazy_pull).toEqual({ ...NO_LAZY_PULL, estargz: true });
      expect((await fixture.client.validateImage(ref('org/chunked:1'))).lazy_pull).toEqual({ ...NO_LAZY_PULL, zstd_chunked: true });
    });

    it('finds a SOCI v1 index through the OCI 1.1 referrers API', async () => {
      fixture.registry.referrersApi = true;
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.addReferrer('org/app', image.manifestDigest, 'application/vnd.dev.cosign.artifact.sig.v1+json');
      expect((await fixture.client.validateImage(ref('org/app:1'))).lazy_pull?.soci).toBe(false);
      const soci = fixture.registry.addImage('org/soci', '1');
      fixture.registry.addReferrer('org/soci', soci.manifestDigest, SOCI_INDEX_V1_ARTIFACT_TYPE);
      expect((await fixture.client.validateImage(ref('org/soci:1'))).lazy_pull?.soci).toBe(true);
      expect(fixture.registry.requestLines.filter((line) => line.includes('/manifests/sha256-'))).toEqual([]);
    });

    it('finds a SOCI v1 index through the referrers tag schema where the registry has no referrers API, and remembers that it has none', async () => {
      const image = fixture.registry.addImage('org/app', '1');
      fixture.registry.addReferrer('org/app', image.manifestDigest, SOCI_INDEX_V1_ARTIFACT_TYPE);
      const referrer = [...fixture.registry.manifests.entries()].find(([key, content]) => key.startsWith('org/app:sha256:') && content.body.includes(SOCI_INDEX_V1_ARTIFACT_TYPE));
      const fallbackIndex = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciIndex,
          manifests: [{ mediaType: MediaType.OciManifest, digest: sha256(referrer![1].body), size: referrer![1].body.length, artifactType: SOCI_INDEX_V1_ARTIFACT_TYPE }],
        }),
      );
      fixture.registry.putManifest('org/app', [image.manifestDigest.replace(':', '-')], fallbackIndex, MediaType.OciIndex);

      expect((await fixture.client.validateImage(ref('org/app:1'))).lazy_pull?.soci).toBe(true);
      fixture.registry.addImage('org/other', '1');
      expect((await fixture.client.validateImage(ref('org/other:1'))).lazy_pull?.soci).toBe(false);
      expect(fixture.registry.requestLines.filter((line) => line.includes('/referrers/'))).toHaveLength(1);
    });

    it('finds a SOCI v2 index bound to the image without any referrers request, and never runs the index as the image', async () => {
      const amd64 = fixture.registry.addImage('org/app', undefined, { annotations: { 'com.amazon.soci.index-digest': sha256('soci-index') } });
      const sociIndexEntry = {
        mediaType: MediaType.OciManifest,
        digest: sha256('soci-index'),
        size: 100,
        artifactType: SOCI_INDEX_V2_ARTIFACT_TYPE,
        platform: { os: 'linux', architecture: 'amd64' },
        annotations: { 'com.amazon.soci.image-manifest-digest': amd64.manifestDigest },
      };
      const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [sociIndexEntry, { mediaType: MediaType.OciManifest, digest: amd64.manifestDigest, size: amd64.manifestBody.length, platform: { os: 'linux', architecture: 'amd64' } }] }));
      fixture.registry.putManifest('org/app', ['soci'], body, MediaType.OciIndex);

      const report = await fixture.client.validateImage(ref('org/app:soci'));

      expect(report).toMatchObject({ platform_digest: amd64.manifestDigest, lazy_pull: { ...NO_LAZY_PULL, soci: true } });
      expect(fixture.registry.requestLines.filter((line) => line.includes('/referrers/') || line.includes('sha256-'))).toEqual([]);
    });
  });
});
