import { InvalidImageReferenceError } from './errors';
import { ImageReference } from './image-reference';

const SHA256 = 'sha256:' + 'a'.repeat(64);
const SHA512 = 'sha512:' + '0123456789abcdef'.repeat(8);

describe('ImageReference.parse', () => {
  describe('valid references', () => {
    it.each([
      // input, registry, repository, tag, digest
      ['ghcr.io/myorg/app:1.0', 'ghcr.io', 'myorg/app', '1.0', undefined],
      ['nvcr.io/nvidia/pytorch:24.01-py3', 'nvcr.io', 'nvidia/pytorch', '24.01-py3', undefined],
      ['docker.io/library/ubuntu:22.04', 'docker.io', 'library/ubuntu', '22.04', undefined],
      ['docker.io/ubuntu:22.04', 'docker.io', 'ubuntu', '22.04', undefined],
      ['localhost/app:latest', 'localhost', 'app', 'latest', undefined],
      ['localhost:5000/app:v1', 'localhost:5000', 'app', 'v1', undefined],
      ['127.0.0.1:5000/a/b/c:tag', '127.0.0.1:5000', 'a/b/c', 'tag', undefined],
      ['[::1]:5000/app:1', '[::1]:5000', 'app', '1', undefined],
      ['[2001:db8::1]/app:1', '[2001:db8::1]', 'app', '1', undefined],
      ['registry:5000/app:1', 'registry:5000', 'app', '1', undefined],
      ['Registry.Example.COM/app:1', 'Registry.Example.COM', 'app', '1', undefined],
      ['my-registry.example.com/team/app@' + SHA256, 'my-registry.example.com', 'team/app', undefined, SHA256],
      ['ghcr.io/org/app:1.2.3@' + SHA256, 'ghcr.io', 'org/app', '1.2.3', SHA256],
      ['ghcr.io/org/app@' + SHA512, 'ghcr.io', 'org/app', undefined, SHA512],
      ['ghcr.io/a.b/c_d/e__f/g---h:T_a.g-1', 'ghcr.io', 'a.b/c_d/e__f/g---h', 'T_a.g-1', undefined],
      ['ghcr.io/org/app:_underscore-start', 'ghcr.io', 'org/app', '_underscore-start', undefined],
      ['ghcr.io/org/app:' + 'x'.repeat(128), 'ghcr.io', 'org/app', 'x'.repeat(128), undefined],
    ])('%s', (input, registry, repository, tag, digest) => {
      const ref = ImageReference.parse(input);
      expect(ref.registry).toBe(registry);
      expect(ref.repository).toBe(repository);
      expect(ref.tag).toBe(tag);
      expect(ref.digest).toBe(digest);
      expect(ref.toString()).toBe(input);
    });

    it('accepts a repository path of exactly 255 characters', () => {
      const path = 'a'.repeat(127) + '/' + 'b'.repeat(127);
      expect(path).toHaveLength(255);
      expect(ImageReference.parse(`ghcr.io/${path}:1`).repository).toBe(path);
    });
  });

  describe('hostname and port', () => {
    it.each([
      ['ghcr.io/org/app:1', 'ghcr.io', undefined],
      ['localhost:5000/app:1', 'localhost', 5000],
      ['10.0.0.1:443/app:1', '10.0.0.1', 443],
      ['[::1]:5000/app:1', '::1', 5000],
      ['[fe80::1]/app:1', 'fe80::1', undefined],
    ])('%s → %s %s', (input, hostname, port) => {
      const ref = ImageReference.parse(input);
      expect(ref.hostname).toBe(hostname);
      expect(ref.port).toBe(port);
    });
  });

  describe('Docker Hub API host and repository', () => {
    it.each([
      ['docker.io/ubuntu:22.04', 'registry-1.docker.io', 'library/ubuntu'],
      ['docker.io/library/ubuntu:22.04', 'registry-1.docker.io', 'library/ubuntu'],
      ['index.docker.io/ubuntu:22.04', 'registry-1.docker.io', 'library/ubuntu'],
      ['registry-1.docker.io/myorg/app:1', 'registry-1.docker.io', 'myorg/app'],
      ['docker.io/myorg/app:1', 'registry-1.docker.io', 'myorg/app'],
      ['ghcr.io/app:1', 'ghcr.io', 'app'],
      ['localhost:5000/app:1', 'localhost:5000', 'app'],
    ])('%s → %s/%s', (input, apiHost, apiRepository) => {
      const ref = ImageReference.parse(input);
      expect(ref.apiHost).toBe(apiHost);
      expect(ref.apiRepository).toBe(apiRepository);
    });

    it('keeps the repository as written for display', () => {
      const ref = ImageReference.parse('docker.io/ubuntu:22.04');
      expect(ref.isDockerHub).toBe(true);
      expect(ref.repository).toBe('ubuntu');
      expect(ref.toString()).toBe('docker.io/ubuntu:22.04');
    });
  });

  describe('reference (manifest lookup key)', () => {
    it('is the tag when there is no digest', () => {
      expect(ImageReference.parse('ghcr.io/org/app:1').reference).toBe('1');
    });
    it('prefers the digest over the tag', () => {
      const ref = ImageReference.parse(`ghcr.io/org/app:1@${SHA256}`);
      expect(ref.reference).toBe(SHA256);
      expect(ref.digestAlgorithm).toBe('sha256');
    });
    it('reports sha512 digests', () => {
      expect(ImageReference.parse(`ghcr.io/org/app@${SHA512}`).digestAlgorithm).toBe('sha512');
    });
  });

  describe('invalid references', () => {
    it.each([
      // input, a fragment the user-facing message must contain
      ['', /empty/],
      ['ubuntu:22.04', /docker\.io\/library\/ubuntu:22\.04/],
      ['ubuntu', /docker\.io\/library\/ubuntu/],
      ['ubuntu@' + SHA256, /docker\.io\/library\/ubuntu@sha256/],
      ['myorg/app:1', /docker\.io\/myorg\/app:1/],
      ['myorg/team/app:1', /docker\.io\/myorg\/team\/app:1/],
      ['ghcr.io', /no repository/],
      ['localhost:5000', /no repository/],
      ['ghcr.io/', /no repository path/],
      ['https://ghcr.io/org/app:1', /omit the scheme.*ghcr\.io\/org\/app:1/],
      ['http://localhost:5000/app:1', /omit the scheme/],
      ['oci://ghcr.io/org/app:1', /scheme/],
      [' ghcr.io/org/app:1', /whitespace/],
      ['ghcr.io/org/app:1 ', /whitespace/],
      ['ghcr.io/org/ app:1', /whitespace/],
      ['ghcr.io/org/app:1\n', /whitespace/],
      ['ghcr.io/org/app:1\t', /whitespace/],
      ['ghcr.io/org/app', /tag or a digest/],
      ['localhost:5000/app', /tag or a digest/],
      ['ghcr.io/MyOrg/App:1', /must be lowercase.*myorg\/app/],
      ['ghcr.io/org/App:1', /lowercase/],
      ['ghcr.io/org//app:1', /empty path component/],
      ['ghcr.io/org/app/:1', /empty path component/],
      ['ghcr.io/org/-app:1', /path component "-app"/],
      ['ghcr.io/org/app-:1', /path component "app-"/],
      ['ghcr.io/org/a..b:1', /path component "a\.\.b"/],
      ['ghcr.io/org/a___b:1', /path component/],
      ['ghcr.io/org/app:', /Tag "" is invalid/],
      ['ghcr.io/org/app:.hidden', /Tag ".hidden" is invalid/],
      ['ghcr.io/org/app:-x', /Tag/],
      ['ghcr.io/org/app:a:b', /Tag "a:b"/],
      ['ghcr.io/org/app:a/b', /Tag/],
      ['ghcr.io/org/app:' + 'x'.repeat(129), /Tag/],
      ['ghcr.io/org/app@sha256:' + 'a'.repeat(63), /64 hex/],
      ['ghcr.io/org/app@sha256:' + 'a'.repeat(65), /64 hex/],
      ['ghcr.io/org/app@sha256:' + 'A'.repeat(64), /lowercase hex/],
      ['ghcr.io/org/app@sha256:' + 'g'.repeat(64), /64 hex/],
      ['ghcr.io/org/app@sha512:' + 'a'.repeat(64), /128 hex/],
      ['ghcr.io/org/app@md5:' + 'a'.repeat(32), /algorithm "md5" is not supported/],
      ['ghcr.io/org/app@sha384:' + 'a'.repeat(96), /not supported/],
      ['ghcr.io/org/app@' + 'a'.repeat(64), /malformed/],
      ['ghcr.io/org/app@', /malformed/],
      ['ghcr.io/org/app@sha256:' + 'a'.repeat(64) + '@sha256:' + 'b'.repeat(64), /at most one "@"/],
      ['-bad.example.com/app:1', /not a valid host/],
      ['bad_host.example.com/app:1', /not a valid host/],
      ['example.com:/app:1', /not a valid host/],
      ['example.com:abc/app:1', /not a valid host/],
      ['example.com:0/app:1', /between 1 and 65535/],
      ['example.com:65536/app:1', /between 1 and 65535/],
      ['::1/app:1', /in brackets/],
      ['[::1/app:1', /not a valid host/],
      ['[1:2:3:4:5:6:7:8:9]:5000/app:1', /not a valid IPv6/],
      ['[fe80::1%eth0]:5000/app:1', /not a valid host/],
    ])('%j', (input, message) => {
      expect(() => ImageReference.parse(input)).toThrow(InvalidImageReferenceError);
      expect(() => ImageReference.parse(input)).toThrow(message);
    });

    it('refuses a repository path longer than 255 characters', () => {
      const path = 'a'.repeat(128) + '/' + 'b'.repeat(127);
      expect(() => ImageReference.parse(`ghcr.io/${path}:1`)).toThrow(/Repository path is too long \(256/);
    });

    it('refuses inputs over 512 characters before running any pattern', () => {
      const input = 'ghcr.io/' + 'a/'.repeat(300) + 'app:1';
      expect(() => ImageReference.parse(input)).toThrow(/too long .*at most 512/);
    });

    it('refuses non-string input', () => {
      expect(() => ImageReference.parse(undefined as unknown as string)).toThrow(InvalidImageReferenceError);
    });

    it('names the error class', () => {
      try {
        ImageReference.parse('ubuntu');
        throw new Error('expected a throw');
      } catch (error) {
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).name).toBe('InvalidImageReferenceError');
      }
    });
  });
});
