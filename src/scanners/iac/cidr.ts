/**
 * IP addresses and networks as the infrastructure rules read them (security group and
 * firewall sources, authorized networks, IAM source-IP conditions, database firewall
 * ranges), IPv4 and IPv6 alike, and the classes of source the rules care about: the
 * whole internet, a private range wider than one network, a broad public range.
 *
 * A network is read the way the cloud APIs read it: `a.b.c.d/n` or `x:y::z/n`, with no
 * bits set past the prefix. AWS, Google Cloud and Azure all reject `10.1.2.3/8` or
 * `1.2.3.4/0` instead of widening them, so such a value is no network here either.
 * White space around a value is ignored. Provider vocabulary that is not an address
 * (Azure's `*`, `Internet`, `AzureCloud`) is left to the provider's rules.
 */

/** One address: its family and its value as a 32- or 128-bit number. */
export interface Address {
  readonly v6: boolean;
  readonly value: bigint;
}

/** A network in CIDR notation: its family, first address and prefix length. */
export interface Network {
  readonly v6: boolean;
  readonly base: bigint;
  readonly prefix: number;
}

const bitsOf = (v6: boolean) => (v6 ? 128 : 32);

/** Reads `a.b.c.d` or an IPv6 `x:y::z` (hexadecimal groups, one `::` at most). */
export function parseAddress(text: string): Address | undefined {
  const s = text.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { v6: false, value: octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n) };
  }
  const halves = s.toLowerCase().split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')));
  const missing = 8 - groups.reduce((n, g) => n + g.length, 0);
  if (missing < 0 || (halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return undefined;
  const all = halves.length === 2 ? [...groups[0]!, ...Array<string>(missing).fill('0'), ...groups[1]!] : groups[0]!;
  if (!all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return { v6: true, value: all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

/** Reads `address/prefix`; undefined for anything else, a prefix too long, or bits set past the prefix. */
export function parseCidr(text: string): Network | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  const address = parseAddress(m[1]!);
  const prefix = Number(m[2]);
  if (!address) return undefined;
  const bits = bitsOf(address.v6);
  if (prefix > bits || (address.value & ((1n << BigInt(bits - prefix)) - 1n)) !== 0n) return undefined;
  return { v6: address.v6, base: address.value, prefix };
}

/** The first and last address of a network. */
export function bounds(network: Network): [bigint, bigint] {
  return [network.base, network.base + (1n << BigInt(bitsOf(network.v6) - network.prefix)) - 1n];
}

/** Whether `inner` is `outer` or a subnet of it (never across families). */
export function contains(outer: Network, inner: Network): boolean {
  if (inner.v6 !== outer.v6 || inner.prefix < outer.prefix) return false;
  const shift = BigInt(bitsOf(outer.v6) - outer.prefix);
  return inner.base >> shift === outer.base >> shift;
}

const networks = (...cidrs: string[]) => cidrs.map((c) => parseCidr(c)!);
/** Private (RFC 1918, RFC 4193) and shared carrier-grade NAT (RFC 6598) space. */
const PRIVATE = networks('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7');
/** IPv4 space no internet host sends from: private, "this network", loopback, link-local, multicast and reserved. They do not overlap. */
const NOT_PUBLIC_V4 = [...PRIVATE.filter((n) => !n.v6), ...networks('0.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '224.0.0.0/3')];
/** The IPv6 global unicast space, the only one routed on the internet. */
const GLOBAL_V6 = parseCidr('2000::/3')!;

/**
 * A private source is wide when it is larger than a cloud network can be (an AWS VPC or
 * an Azure virtual network is a /16 at most; an IPv6 site is a /48): it reaches every
 * peered network, VPN and office network numbered in the range, not the workload's
 * neighbours. A public source is broad when it is larger than a /16 (a /32 in IPv6,
 * what an ISP is given): a provider's or a region's space, whose addresses anyone can
 * rent, not an organisation's own egress addresses.
 */
const WIDE_PRIVATE_PREFIX = { v4: 16, v6: 48 };
const BROAD_PUBLIC_PREFIX = { v4: 16, v6: 32 };
/** A very broad source is a /8 or wider (an IPv6 /16): a sizeable share of the internet. */
const VERY_BROAD_PREFIX = { v4: 8, v6: 16 };

const family = (n: Network) => (n.v6 ? 'v6' : 'v4');

/** 0.0.0.0/0 or ::/0, in any spelling of the zero address: every address of the family. */
export function isWorld(cidr: string): boolean {
  return parseCidr(cidr)?.prefix === 0;
}

/** A private (or carrier-grade NAT) network wider than a /16 (IPv6: /48), and not the world. */
export function isWidePrivate(cidr: string): boolean {
  const n = parseCidr(cidr);
  return !!n && n.prefix > 0 && n.prefix < WIDE_PRIVATE_PREFIX[family(n)] && PRIVATE.some((p) => contains(p, n));
}

/**
 * A network wider than a /16 (IPv6: /32), and not the world, that holds public
 * addresses: in IPv4, one not inside a private or reserved block (a block that holds
 * them, such as 0.0.0.0/1, counts); in IPv6, one that overlaps the global unicast space.
 */
export function isBroadPublic(cidr: string): boolean {
  const n = parseCidr(cidr);
  if (!n || n.prefix === 0 || n.prefix >= BROAD_PUBLIC_PREFIX[family(n)]) return false;
  return n.v6 ? contains(GLOBAL_V6, n) || contains(n, GLOBAL_V6) : !NOT_PUBLIC_V4.some((p) => contains(p, n));
}

/** A network of a /8 or wider (IPv6: /16), the world included. */
export function isVeryBroad(cidr: string): boolean {
  const n = parseCidr(cidr);
  return !!n && n.prefix <= VERY_BROAD_PREFIX[family(n)];
}

const overlap = (from: bigint, to: bigint, [low, high]: [bigint, bigint]) => {
  const [start, end] = [from > low ? from : low, to < high ? to : high];
  return end >= start ? end - start + 1n : 0n;
};

/**
 * How many public addresses the range from `first` to `last` holds (in either order):
 * in IPv4 those outside the private and reserved blocks, in IPv6 those of the global
 * unicast space. Undefined when the two addresses are of different families.
 */
export function publicAddressCount(first: Address, last: Address): bigint | undefined {
  if (first.v6 !== last.v6) return undefined;
  const [from, to] = first.value <= last.value ? [first.value, last.value] : [last.value, first.value];
  if (first.v6) return overlap(from, to, bounds(GLOBAL_V6));
  return NOT_PUBLIC_V4.reduce((count, block) => count - overlap(from, to, bounds(block)), to - from + 1n);
}
