import { canonicalRepository, subjectRepository } from './docker-reference';

describe('canonicalRepository', () => {
  it.each([
    // What cosign writes (go-containerregistry Repository.Name()).
    ['index.docker.io/library/ubuntu', 'docker.io/library/ubuntu'],
    ['index.docker.io/myorg/app', 'docker.io/myorg/app'],
    ['ghcr.io/org/app', 'ghcr.io/org/app'],
    ['127.0.0.1:5000/gpu/cuda-app', '127.0.0.1:5000/gpu/cuda-app'],
    // What containers/image (skopeo, podman) writes: the full destination reference.
    ['docker.io/library/busybox:latest', 'docker.io/library/busybox'],
    ['192.168.64.2:5000/cosign-signed-single-sample', '192.168.64.2:5000/cosign-signed-single-sample'],
    ['localhost:5000/app:1.0@sha256:' + 'a'.repeat(64), 'localhost:5000/app'],
    // Other spellings of the same repository.
    ['registry-1.docker.io/library/ubuntu', 'docker.io/library/ubuntu'],
    ['docker.io/ubuntu', 'docker.io/library/ubuntu'],
    ['ubuntu', 'docker.io/library/ubuntu'],
    ['myorg/app:2', 'docker.io/myorg/app'],
    ['GHCR.IO/org/app', 'ghcr.io/org/app'],
    ['ghcr.io:443/org/app', 'ghcr.io/org/app'],
    ['[::1]:5000/app', '[::1]:5000/app'],
  ])('%s → %s', (reference, canonical) => {
    expect(canonicalRepository(reference)).toBe(canonical);
  });

  it('keeps ports and hosts apart', () => {
    expect(canonicalRepository('localhost:5000/app')).not.toBe(canonicalRepository('127.0.0.1:5000/app'));
    expect(canonicalRepository('registry:5000/app')).not.toBe(canonicalRepository('registry:5001/app'));
    expect(canonicalRepository('ghcr.io/org/app')).not.toBe(canonicalRepository('ghcr.io/org/app2'));
  });

  it.each(['', 'ghcr.io/', 'ghcr.io/Org/App', 'ghcr.io/org//app', 'https://ghcr.io/org/app', 'x'.repeat(600)])(
    'is undefined for %j',
    (reference) => {
      expect(canonicalRepository(reference)).toBeUndefined();
    },
  );

  it('puts the template\'s image in the same form', () => {
    expect(subjectRepository({ registry: 'docker.io', repository: 'ubuntu' })).toBe('docker.io/library/ubuntu');
    expect(subjectRepository({ registry: 'index.docker.io', repository: 'library/ubuntu' })).toBe('docker.io/library/ubuntu');
    expect(subjectRepository({ registry: 'nvcr.io', repository: 'nvidia/pytorch' })).toBe('nvcr.io/nvidia/pytorch');
  });
});
