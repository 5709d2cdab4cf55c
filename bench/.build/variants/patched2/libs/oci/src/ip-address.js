"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.IpRange = void 0;
exports.parseIpAddress = parseIpAddress;
const node_net_1 = require("node:net");
class IpRange {
    family;
    network;
    prefixLength;
    constructor(family, network, prefixLength) {
        this.family = family;
        this.network = network;
        this.prefixLength = prefixLength;
    }
    static parse(cidr) {
        const [text, prefix] = cidr.split('/');
        const address = parseIpAddress(text);
        const bits = address?.family === 4 ? 32 : 128;
        const prefixLength = prefix === undefined ? bits : Number(prefix);
        if (!address || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
            throw new Error(`Invalid CIDR range "${cidr}"`);
        }
        return new IpRange(address.family, BigInt(address.value), prefixLength);
    }
    contains(address) {
        if (address.family !== this.family)
            return false;
        const shift = BigInt((this.family === 4 ? 32 : 128) - this.prefixLength);
        return BigInt(address.value) >> shift === this.network >> shift;
    }
}
exports.IpRange = IpRange;
function parseIpAddress(text) {
    if ((0, node_net_1.isIPv4)(text))
        return { family: 4, value: parseIPv4(text) };
    const withoutZone = text.split('%', 1)[0];
    if ((0, node_net_1.isIPv6)(withoutZone))
        return { family: 6, value: parseIPv6(withoutZone) };
    return undefined;
}
function parseIPv4(text) {
    return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}
function parseIPv6(text) {
    let normalized = text.toLowerCase();
    const lastColon = normalized.lastIndexOf(':');
    const tail = normalized.slice(lastColon + 1);
    if (tail.includes('.')) {
        const v4 = parseIPv4(tail);
        normalized = `${normalized.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
    }
    const [head, rest] = normalized.split('::');
    const headGroups = head ? head.split(':') : [];
    const restGroups = rest ? rest.split(':') : [];
    const zeros = rest === undefined ? [] : new Array(8 - headGroups.length - restGroups.length).fill('0');
    return [...headGroups, ...zeros, ...restGroups].reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
}
//# sourceMappingURL=ip-address.js.map