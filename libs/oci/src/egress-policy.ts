import { IpAddress, IpRange, parseIpAddress } from './ip-address';

/**
 * Which network destinations the registry client may connect to.
 *
 * Registries are user-supplied, so every connection (registry, token realm,
 * redirect target) is checked against this policy to stop the worker from
 * being used to reach internal services (SSRF). Only public unicast addresses
 * are allowed, unless the host:port is explicitly allow-listed.
 */
export interface EgressPolicyOptions {
  /**
   * `host:port` entries exempt from the address check, e.g. an on-premises
   * registry (`registry.internal:5000`) or a test registry (`127.0.0.1:5000`).
   * IPv6 literals are written in brackets: `[::1]:5000`.
   */
  allowedPrivateHosts?: readonly string[];
  /** `host:port` entries that may be reached over plain HTTP. Everything else requires HTTPS. */
  insecureHosts?: readonly string[];
}

export type BlockedAddressCategory =
  | 'cloud-metadata'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'shared-address-space'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'
  | 'site-local'
  | 'nat64-local-use'
  | 'unparseable';

export type EgressDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly address: string; readonly category: BlockedAddressCategory };

const BLOCKED_IPV4: ReadonlyArray<readonly [IpRange, BlockedAddressCategory]> = (
  [
    ['169.254.169.254/32', 'cloud-metadata'], // AWS, GCP, Azure, OpenStack…
    ['100.100.100.200/32', 'cloud-metadata'], // Alibaba Cloud
    ['0.0.0.0/8', 'unspecified'], // "this network"
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'shared-address-space'], // carrier-grade NAT
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['172.16.0.0/12', 'private'],
    ['192.168.0.0/16', 'private'],
    ['198.18.0.0/15', 'benchmarking'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'], // includes the limited broadcast 255.255.255.255
  ] as const
).map(([cidr, category]) => [IpRange.parse(cidr), category] as const);

const BLOCKED_IPV6: ReadonlyArray<readonly [IpRange, BlockedAddressCategory]> = (
  [
    ['fd00:ec2::254/128', 'cloud-metadata'], // AWS IMDS over IPv6
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['fc00::/7', 'private'], // unique local addresses
    ['fe80::/10', 'link-local'],
    ['fec0::/10', 'site-local'], // deprecated, never public
    ['ff00::/8', 'multicast'],
    // RFC 8215 local-use NAT64 prefix: operator-specific embedding, never globally reachable.
    ['64:ff9b:1::/48', 'nat64-local-use'],
  ] as const
).map(([cidr, category]) => [IpRange.parse(cidr), category] as const);

/**
 * IPv6 ranges that carry an IPv4 address; the embedded address is checked
 * against the IPv4 rules, so `::ffff:127.0.0.1` is as blocked as `127.0.0.1`.
 */
const IPV4_EMBEDDINGS: ReadonlyArray<{ range: IpRange; extract: (value: bigint) => number[] }> = [
  { range: IpRange.parse('::ffff:0:0/96'), extract: (v) => [low32(v)] }, // IPv4-mapped
  { range: IpRange.parse('::ffff:0:0:0/96'), extract: (v) => [low32(v)] }, // IPv4-translated (SIIT)
  { range: IpRange.parse('::/96'), extract: (v) => [low32(v)] }, // IPv4-compatible (deprecated)
  { range: IpRange.parse('64:ff9b::/96'), extract: (v) => [low32(v)] }, // NAT64 well-known prefix
  { range: IpRange.parse('2002::/16'), extract: (v) => [Number((v >> 80n) & 0xffffffffn)] }, // 6to4
  {
    // Teredo: server IPv4 in bits 32..63, client IPv4 XOR-obfuscated in the last 32 bits.
    range: IpRange.parse('2001::/32'),
    extract: (v) => [Number((v >> 64n) & 0xffffffffn), (low32(v) ^ 0xffffffff) >>> 0],
  },
];

function low32(value: bigint): number {
  return Number(value & 0xffffffffn);
}

/** Why an address must not be connected to; undefined for public unicast addresses. */
export function blockedAddressCategory(address: string): BlockedAddressCategory | undefined {
  const parsed = parseIpAddress(address);
  if (!parsed) return 'unparseable';
  return categorize(parsed);
}

function categorize(address: IpAddress): BlockedAddressCategory | undefined {
  if (address.family === 4) {
    return BLOCKED_IPV4.find(([range]) => range.contains(address))?.[1];
  }
  const direct = BLOCKED_IPV6.find(([range]) => range.contains(address))?.[1];
  if (direct) return direct;
  for (const embedding of IPV4_EMBEDDINGS) {
    if (!embedding.range.contains(address)) continue;
    for (const v4 of embedding.extract(address.value)) {
      const category = categorize({ family: 4, value: v4 });
      if (category) return category;
    }
  }
  return undefined;
}

export class EgressPolicy {
  private readonly allowedPrivateHosts: ReadonlySet<string>;
  private readonly insecureHosts: ReadonlySet<string>;

  constructor(options: EgressPolicyOptions = {}) {
    this.allowedPrivateHosts = new Set((options.allowedPrivateHosts ?? []).map(parseHostPortEntry));
    this.insecureHosts = new Set((options.insecureHosts ?? []).map(parseHostPortEntry));
  }

  /** Whether `hostname:port` may be reached over plain HTTP. */
  allowsPlainHttp(hostname: string, port: number): boolean {
    return this.insecureHosts.has(hostPortKey(hostname, port));
  }

  /** Whether `hostname:port` is exempt from the address check. */
  isAllowListed(hostname: string, port: number): boolean {
    return this.allowedPrivateHosts.has(hostPortKey(hostname, port));
  }

  /**
   * Decides whether a connection to `hostname:port` may use the given resolved
   * addresses. Every address must pass: a name that resolves to one public and
   * one private address is blocked, since we cannot control which one is used.
   */
  check(hostname: string, port: number, addresses: readonly string[]): EgressDecision {
    if (this.isAllowListed(hostname, port)) return { allowed: true };
    for (const address of addresses) {
      const category = blockedAddressCategory(address);
      if (category) return { allowed: false, address, category };
    }
    return { allowed: true };
  }
}

/** `host:port` key with a lowercased host and IPv6 literals in brackets. */
export function hostPortKey(hostname: string, port: number): string {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseHostPortEntry(entry: string): string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):([0-9]{1,5})$/.exec(entry.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    throw new Error(`Egress host entry "${entry}" must be written as host:port (IPv6 as [addr]:port)`);
  }
  return hostPortKey(match[1], port);
}
