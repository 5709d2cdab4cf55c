import { blockedAddressCategory, EgressPolicy } from './egress-policy';

describe('blockedAddressCategory', () => {
  it.each([
    // IPv4
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.254', 'cloud-metadata'],
    ['100.100.100.200', 'cloud-metadata'],
    ['100.64.0.1', 'shared-address-space'],
    ['100.127.255.255', 'shared-address-space'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    // IPv6
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00:ec2::254', 'cloud-metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['64:ff9b:1::a00:1', 'nat64-local-use'],
    // IPv4 embedded in IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::FFFF:169.254.169.254', 'cloud-metadata'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:0:10.1.2.3', 'private'], // IPv4-translated
    ['::127.0.0.1', 'loopback'], // IPv4-compatible
    ['::10.0.0.1', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'], // NAT64
    ['64:ff9b::a9fe:a9fe', 'cloud-metadata'],
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo, client 127.0.0.1 (XOR)
    ['2001:0:0a00:0001::', 'private'], // Teredo server 10.0.0.1
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'], // Teredo client 10.0.0.1
    // unparseable
    ['not-an-ip', 'unparseable'],
    ['', 'unparseable'],
    ['1.2.3', 'unparseable'],
  ])('%s is %s', (address, category) => {
    expect(blockedAddressCategory(address)).toBe(category);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.15.255.255',
    '172.32.0.1',
    '100.63.255.255',
    '100.128.0.1',
    '169.253.255.255',
    '198.17.255.255',
    '198.20.0.1',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1', // 6to4 of 8.8.8.8
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo client 8.8.8.8, server 65.54.227.120
    'fbff::1',
    'fe7f::1',
  ])('%s is public', (address) => {
    expect(blockedAddressCategory(address)).toBeUndefined();
  });
});

describe('EgressPolicy', () => {
  it('allows a host whose every address is public', () => {
    expect(new EgressPolicy().check('ghcr.io', 443, ['140.82.112.33', '2606:50c0:8000::154'])).toEqual({ allowed: true });
  });

  it('blocks a host when any one of its addresses is not public', () => {
    expect(new EgressPolicy().check('rebind.example', 443, ['8.8.8.8', '10.0.0.5'])).toEqual({
      allowed: false,
      address: '10.0.0.5',
      category: 'private',
    });
  });

  it('exempts allow-listed host:port entries from the address check', () => {
    const policy = new EgressPolicy({ allowedPrivateHosts: ['127.0.0.1:5000', 'Registry.Internal:443', '[::1]:5001'] });
    expect(policy.check('127.0.0.1', 5000, ['127.0.0.1']).allowed).toBe(true);
    expect(policy.check('registry.internal', 443, ['10.0.0.8']).allowed).toBe(true);
    expect(policy.check('::1', 5001, ['::1']).allowed).toBe(true);
    expect(policy.check('[::1]', 5001, ['::1']).allowed).toBe(true);
  });

  it('applies an allow-list entry to its port only', () => {
    const policy = new EgressPolicy({ allowedPrivateHosts: ['127.0.0.1:5000'] });
    expect(policy.check('127.0.0.1', 5001, ['127.0.0.1']).allowed).toBe(false);
    expect(policy.check('localhost', 5000, ['127.0.0.1']).allowed).toBe(false);
  });

  it('allows plain HTTP only for insecure-listed host:port entries', () => {
    const policy = new EgressPolicy({ insecureHosts: ['localhost:5000', '[::1]:80'] });
    expect(policy.allowsPlainHttp('localhost', 5000)).toBe(true);
    expect(policy.allowsPlainHttp('LOCALHOST', 5000)).toBe(true);
    expect(policy.allowsPlainHttp('::1', 80)).toBe(true);
    expect(policy.allowsPlainHttp('localhost', 5001)).toBe(false);
    expect(policy.allowsPlainHttp('ghcr.io', 443)).toBe(false);
  });

  it.each(['localhost', 'localhost:', 'localhost:0', 'localhost:70000', '::1:5000', 'http://x:1', ''])(
    'rejects the malformed entry %j at construction',
    (entry) => {
      expect(() => new EgressPolicy({ allowedPrivateHosts: [entry] })).toThrow(/host:port/);
    },
  );
});
