import { isIPv4, isIPv6 } from 'node:net';

/**
 * An IP address as a number, so ranges can be compared with shifts:
 * IPv4 as an unsigned 32-bit `number`, IPv6 as a 128-bit `bigint`.
 */
export type IpAddress = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint };

/** An address range in CIDR notation, parsed once. */
export class IpRange {
  private constructor(
    readonly family: 4 | 6,
    private readonly network: bigint,
    private readonly prefixLength: number,
  ) {}

  static parse(cidr: string): IpRange {
    const [text, prefix] = cidr.split('/');
    const address = parseIpAddress(text);
    const bits = address?.family === 4 ? 32 : 128;
    const prefixLength = prefix === undefined ? bits : Number(prefix);
    if (!address || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > bits) {
      throw new Error(`Invalid CIDR range "${cidr}"`);
    }
    return new IpRange(address.family, BigInt(address.value), prefixLength);
  }

  contains(address: IpAddress): boolean {
    if (address.family !== this.family) return false;
    const shift = BigInt((this.family === 4 ? 32 : 128) - this.prefixLength);
    return BigInt(address.value) >> shift === this.network >> shift;
  }
}

/** Parses a textual IPv4 or IPv6 address (IPv6 zone ids are ignored); undefined when it is neither. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (isIPv4(text)) return { family: 4, value: parseIPv4(text) };
  const withoutZone = text.split('%', 1)[0];
  if (isIPv6(withoutZone)) return { family: 6, value: parseIPv6(withoutZone) };
  return undefined;
}

function parseIPv4(text: string): number {
  return text.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

/** Expects text already validated by `isIPv6`. */
function parseIPv6(text: string): bigint {
  let normalized = text.toLowerCase();
  // A trailing dotted IPv4 part (`::ffff:1.2.3.4`) becomes two hex groups.
  const lastColon = normalized.lastIndexOf(':');
  const tail = normalized.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIPv4(tail);
    normalized = `${normalized.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, rest] = normalized.split('::');
  const headGroups = head ? head.split(':') : [];
  const restGroups = rest ? rest.split(':') : [];
  const zeros = rest === undefined ? [] : new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  return [...headGroups, ...zeros, ...restGroups].reduce((acc, group) => (acc << 16n) | BigInt(`0x${group}`), 0n);
}
