import { ImageReference } from './image-reference';
import { ecrRegistryRegion, parseRegistryHost } from './registry-host';

describe('parseRegistryHost', () => {
  it.each([
    ['ghcr.io', 'ghcr.io'],
    ['Registry.Example.com:5000', 'registry.example.com:5000'],
    ['[::1]:5000', '[::1]:5000'],
    ['127.0.0.1:443', '127.0.0.1:443'],
    ['docker.io', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com', '123456789012.dkr.ecr.eu-west-1.amazonaws.com'],
  ])('accepts %s as %s', (input, canonical) => {
    expect(parseRegistryHost(input)).toBe(canonical);
  });

  it.each([
    ['https://ghcr.io/acme', 'must be a host without a scheme: write "ghcr.io"'],
    ['user:pass@ghcr.io', 'must not contain a user name or password'],
    ['ghcr.io/acme', 'without a path'],
    ['ghcr.io:0', 'port between 1 and 65535'],
    ['ghcr.io:99999', 'port between 1 and 65535'],
    ['[not-ipv6]', 'host name or address'],
    ['ghcr io', 'host name or address'],
    ['-bad-.example', 'host name or address'],
    ['hub.docker.com', 'write "docker.io"'],
  ])('refuses %s', (input, problem) => {
    expect(() => parseRegistryHost(input)).toThrow(problem);
  });

  it("equals the canonical registry of the images it is for", () => {
    expect(ImageReference.parse('index.docker.io/library/ubuntu:22.04').canonicalRegistry).toBe(parseRegistryHost('docker.io'));
    expect(ImageReference.parse('GHCR.io/acme/app:1').canonicalRegistry).toBe(parseRegistryHost('ghcr.io'));
    expect(ImageReference.parse('ghcr.io:443/acme/app:1').canonicalRegistry).not.toBe(parseRegistryHost('ghcr.io'));
  });
});

describe('ecrRegistryRegion', () => {
  it('reads the region of Amazon ECR hosts only', () => {
    expect(ecrRegistryRegion('123456789012.dkr.ecr.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(ecrRegistryRegion('123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com')).toBe('us-gov-west-1');
    expect(ecrRegistryRegion('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn')).toBe('cn-north-1');
    expect(ecrRegistryRegion('ecr-proxy.example.com')).toBeUndefined();
    expect(ecrRegistryRegion('123456789012.dkr.ecr.eu-west-1.amazonaws.com.evil.example')).toBeUndefined();
  });
});
