"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EgressPolicy = void 0;
exports.blockedAddressCategory = blockedAddressCategory;
exports.hostPortKey = hostPortKey;
const ip_address_1 = require("./ip-address");
const BLOCKED_IPV4 = [
    ['169.254.169.254/32', 'cloud-metadata'],
    ['100.100.100.200/32', 'cloud-metadata'],
    ['0.0.0.0/8', 'unspecified'],
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'shared-address-space'],
    ['127.0.0.0/8', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['172.16.0.0/12', 'private'],
    ['192.168.0.0/16', 'private'],
    ['198.18.0.0/15', 'benchmarking'],
    ['224.0.0.0/4', 'multicast'],
    ['240.0.0.0/4', 'reserved'],
].map(([cidr, category]) => [ip_address_1.IpRange.parse(cidr), category]);
const BLOCKED_IPV6 = [
    ['fd00:ec2::254/128', 'cloud-metadata'],
    ['::/128', 'unspecified'],
    ['::1/128', 'loopback'],
    ['fc00::/7', 'private'],
    ['fe80::/10', 'link-local'],
    ['fec0::/10', 'site-local'],
    ['ff00::/8', 'multicast'],
    ['64:ff9b:1::/48', 'nat64-local-use'],
].map(([cidr, category]) => [ip_address_1.IpRange.parse(cidr), category]);
const IPV4_EMBEDDINGS = [
    { range: ip_address_1.IpRange.parse('::ffff:0:0/96'), extract: (v) => [low32(v)] },
    { range: ip_address_1.IpRange.parse('::ffff:0:0:0/96'), extract: (v) => [low32(v)] },
    { range: ip_address_1.IpRange.parse('::/96'), extract: (v) => [low32(v)] },
    { range: ip_address_1.IpRange.parse('64:ff9b::/96'), extract: (v) => [low32(v)] },
    { range: ip_address_1.IpRange.parse('2002::/16'), extract: (v) => [Number((v >> 80n) & 0xffffffffn)] },
    {
        range: ip_address_1.IpRange.parse('2001::/32'),
        extract: (v) => [Number((v >> 64n) & 0xffffffffn), (low32(v) ^ 0xffffffff) >>> 0],
    },
];
function low32(value) {
    return Number(value & 0xffffffffn);
}
function blockedAddressCategory(address) {
    const parsed = (0, ip_address_1.parseIpAddress)(address);
    if (!parsed)
        return 'unparseable';
    return categorize(parsed);
}
function categorize(address) {
    if (address.family === 4) {
        return BLOCKED_IPV4.find(([range]) => range.contains(address))?.[1];
    }
    const direct = BLOCKED_IPV6.find(([range]) => range.contains(address))?.[1];
    if (direct)
        return direct;
    for (const embedding of IPV4_EMBEDDINGS) {
        if (!embedding.range.contains(address))
            continue;
        for (const v4 of embedding.extract(address.value)) {
            const category = categorize({ family: 4, value: v4 });
            if (category)
                return category;
        }
    }
    return undefined;
}
class EgressPolicy {
    allowedPrivateHosts;
    insecureHosts;
    constructor(options = {}) {
        this.allowedPrivateHosts = new Set((options.allowedPrivateHosts ?? []).map(parseHostPortEntry));
        this.insecureHosts = new Set((options.insecureHosts ?? []).map(parseHostPortEntry));
    }
    allowsPlainHttp(hostname, port) {
        return this.insecureHosts.has(hostPortKey(hostname, port));
    }
    isAllowListed(hostname, port) {
        return this.allowedPrivateHosts.has(hostPortKey(hostname, port));
    }
    check(hostname, port, addresses) {
        if (this.isAllowListed(hostname, port))
            return { allowed: true };
        for (const address of addresses) {
            const category = blockedAddressCategory(address);
            if (category)
                return { allowed: false, address, category };
        }
        return { allowed: true };
    }
}
exports.EgressPolicy = EgressPolicy;
function hostPortKey(hostname, port) {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
function parseHostPortEntry(entry) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):([0-9]{1,5})$/.exec(entry.trim());
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535) {
        throw new Error(`Egress host entry "${entry}" must be written as host:port (IPv6 as [addr]:port)`);
    }
    return hostPortKey(match[1], port);
}
//# sourceMappingURL=egress-policy.js.map