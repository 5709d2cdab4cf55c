import { RegistryError } from './errors';
import { Descriptor, ImageIndex } from './manifest';
import { MediaType } from './media-types';
import { isAttestation, selectPlatformManifest } from './platform';

function entry(platform: Descriptor['platform'], extra: Partial<Descriptor> = {}): Descriptor {
  const hex = Math.random().toString(16).slice(2).padEnd(64, '0').slice(0, 64);
  return { mediaType: MediaType.OciManifest, digest: `sha256:${hex}`, size: 500, platform, ...extra };
}

function index(...manifests: Descriptor[]): ImageIndex {
  return { kind: 'index', mediaType: MediaType.OciIndex, manifests };
}

const ATTESTATION_ANNOTATIONS = {
  'vnd.docker.reference.type': 'attestation-manifest',
  'vnd.docker.reference.digest': 'sha256:' + 'a'.repeat(64),
};

describe('selectPlatformManifest', () => {
  it('picks linux/amd64 among other platforms', () => {
    const amd64 = entry({ os: 'linux', architecture: 'amd64' });
    expect(selectPlatformManifest(index(entry({ os: 'linux', architecture: 'arm64', variant: 'v8' }), amd64))).toBe(amd64);
  });

  it('accepts the Docker manifest list media type for entries', () => {
    const amd64 = entry({ os: 'linux', architecture: 'amd64' }, { mediaType: MediaType.DockerManifest });
    expect(selectPlatformManifest(index(amd64))).toBe(amd64);
  });

  it.each(['v1', 'v2', 'v3'])('accepts amd64 variant %s', (variant) => {
    const amd64 = entry({ os: 'linux', architecture: 'amd64', variant });
    expect(selectPlatformManifest(index(amd64))).toBe(amd64);
  });

  it('prefers the most portable amd64 variant', () => {
    const v3 = entry({ os: 'linux', architecture: 'amd64', variant: 'v3' });
    const v2 = entry({ os: 'linux', architecture: 'amd64', variant: 'v2' });
    const plain = entry({ os: 'linux', architecture: 'amd64' });
    expect(selectPlatformManifest(index(v3, v2, plain))).toBe(plain);
    expect(selectPlatformManifest(index(v3, v2))).toBe(v2);
  });

  it('skips attestation manifests even when they claim a platform', () => {
    const attestation = entry({ os: 'linux', architecture: 'amd64' }, { annotations: ATTESTATION_ANNOTATIONS });
    const amd64 = entry({ os: 'linux', architecture: 'amd64' });
    expect(selectPlatformManifest(index(attestation, amd64))).toBe(amd64);
  });

  it('refuses an index without linux/amd64, naming the platforms found', () => {
    const candidates = index(
      entry({ os: 'linux', architecture: 'arm64', variant: 'v8' }),
      entry({ os: 'linux', architecture: 'arm', variant: 'v7' }),
      entry({ os: 'unknown', architecture: 'unknown' }, { annotations: ATTESTATION_ANNOTATIONS }),
      entry({ os: 'windows', architecture: 'amd64' }),
    );
    expect(() => selectPlatformManifest(candidates)).toThrow(RegistryError);
    expect(() => selectPlatformManifest(candidates)).toThrow(
      expect.objectContaining({
        code: 'platform_unsupported',
        retryable: false,
        message: expect.stringContaining('linux/arm64/v8, linux/arm/v7, windows/amd64'),
      }),
    );
  });

  it('refuses amd64 variants it cannot promise (v4)', () => {
    expect(() => selectPlatformManifest(index(entry({ os: 'linux', architecture: 'amd64', variant: 'v4' })))).toThrow(
      /linux\/amd64\/v4/,
    );
  });

  it('refuses an index with only attestations or no platforms', () => {
    expect(() => selectPlatformManifest(index(entry({ os: 'unknown', architecture: 'unknown' }), entry(undefined)))).toThrow(
      /lists no runnable platforms/,
    );
  });

  it('ignores linux/amd64 entries that are not image manifests', () => {
    const nested = entry({ os: 'linux', architecture: 'amd64' }, { mediaType: MediaType.OciIndex });
    expect(() => selectPlatformManifest(index(nested))).toThrow(expect.objectContaining({ code: 'platform_unsupported' }));
  });
});

describe('isAttestation', () => {
  it('recognises BuildKit attestations by annotation or unknown/unknown platform', () => {
    expect(isAttestation(entry(undefined, { annotations: ATTESTATION_ANNOTATIONS }))).toBe(true);
    expect(isAttestation(entry({ os: 'unknown', architecture: 'unknown' }))).toBe(true);
    expect(isAttestation(entry({ os: 'linux', architecture: 'amd64' }))).toBe(false);
  });
});
