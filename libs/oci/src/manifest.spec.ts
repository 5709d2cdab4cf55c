import { parseManifest } from './manifest';
import { MediaType } from './media-types';

const DIGEST = 'sha256:' + 'b'.repeat(64);
const config = { mediaType: MediaType.OciImageConfig, digest: DIGEST, size: 1234 };
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: DIGEST, size: 100 };

function body(document: unknown): Buffer {
  return Buffer.from(JSON.stringify(document));
}

describe('parseManifest', () => {
  it('parses an OCI image manifest', () => {
    const manifest = parseManifest(body({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [layer] }), undefined);
    expect(manifest).toEqual({
      kind: 'image',
      mediaType: MediaType.OciManifest,
      config: expect.objectContaining({ digest: DIGEST, size: 1234 }),
      layers: [expect.objectContaining({ size: 100 })],
    });
  });

  it('parses a Docker schema 2 manifest identified by Content-Type only', () => {
    const docker = { schemaVersion: 2, config: { ...config, mediaType: MediaType.DockerImageConfig }, layers: [] };
    expect(parseManifest(body(docker), `${MediaType.DockerManifest}; charset=utf-8`)).toMatchObject({
      kind: 'image',
      mediaType: MediaType.DockerManifest,
    });
  });

  it('parses an index, keeping platforms and annotations', () => {
    const index = {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        { ...config, mediaType: MediaType.OciManifest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
        { ...config, mediaType: MediaType.OciManifest, annotations: { a: 'b', n: 1 } },
      ],
    };
    const parsed = parseManifest(body(index), 'application/json');
    expect(parsed.kind).toBe('index');
    expect(parsed.kind === 'index' && parsed.manifests[0].platform).toEqual({ os: 'linux', architecture: 'arm64', variant: 'v8' });
    expect(parsed.kind === 'index' && parsed.manifests[1].annotations).toEqual({ a: 'b' });
  });

  it('infers the type from the shape when served as application/json', () => {
    expect(parseManifest(body({ schemaVersion: 2, manifests: [] }), 'application/json').mediaType).toBe(MediaType.OciIndex);
    expect(parseManifest(body({ schemaVersion: 2, config, layers: [] }), 'text/plain').mediaType).toBe(MediaType.OciManifest);
  });

  it.each([
    ['a schema 1 document', body({ schemaVersion: 1, name: 'x', fsLayers: [] }), undefined, /schema 1/],
    ['a signed schema 1 content type', body({ name: 'x' }), MediaType.DockerSchema1Signed, /schema 1/],
    ['an OCI artifact', body({ mediaType: MediaType.OciManifest, config: { ...config, mediaType: 'application/vnd.cncf.helm.config.v1+json' }, layers: [] }), undefined, /OCI artifact.*helm/],
    ['an unknown media type', body({ mediaType: 'application/vnd.example+json' }), undefined, /not a container image format/],
    ['invalid JSON', Buffer.from('{'), undefined, /not valid JSON/],
    ['a JSON array', body([]), undefined, /not a JSON object/],
    ['a negative layer size', body({ mediaType: MediaType.OciManifest, config, layers: [{ ...layer, size: -1 }] }), undefined, /layers\[0\]\.size/],
    ['a missing config digest', body({ mediaType: MediaType.OciManifest, config: { mediaType: MediaType.OciImageConfig, size: 1 } }), undefined, /config\.digest/],
    ['manifests that are not a list', body({ mediaType: MediaType.OciIndex, manifests: {} }), undefined, /not a list/],
  ])('refuses %s as unsupported_manifest', (_case, content, contentType, message) => {
    expect(() => parseManifest(content, contentType)).toThrow(expect.objectContaining({ code: 'unsupported_manifest' }));
    expect(() => parseManifest(content, contentType)).toThrow(message);
  });
});
