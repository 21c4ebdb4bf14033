import { parseAddress } from '../../cidr.js';
import { UNKNOWN, type Value } from './value.js';

/**
 * Terraform's IP network functions (cidrsubnet, cidrsubnets, cidrhost, cidrnetmask), as
 * Terraform computes them with go-cidr: the prefix is read as Go's ParseCIDR reads it
 * (host bits set are dropped: `10.1.2.3/16` is `10.1.0.0/16`), and results are written
 * as Go writes addresses (IPv6 in its shortest form). Whatever Terraform refuses (a
 * prefix too long, a subnet or host number past the range, a step of more than 32 bits)
 * gives UNKNOWN, and so does what is not read here (IPv4 written inside IPv6).
 */

interface Prefix {
  v6: boolean;
  /** The network's first address. */
  base: bigint;
  length: number;
}

const bitsOf = (v6: boolean) => (v6 ? 128 : 32);
const maskOf = (length: number, bits: number) => ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - length)) - 1n);

function parsePrefix(v: Value | undefined): Prefix | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^([0-9A-Fa-f.:]+)\/(\d{1,3})$/.exec(v);
  if (!m) return undefined;
  const address = parseAddress(m[1]!);
  const length = Number(m[2]);
  if (!address || length > bitsOf(address.v6)) return undefined;
  return { v6: address.v6, base: address.value & maskOf(length, bitsOf(address.v6)), length };
}

/** A whole number as Terraform takes it for a count of bits or a subnet/host number. */
function integer(v: Value | undefined): bigint | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
}

/** An address as Go's net.IP.String writes it; undefined for an IPv6 address Go would write as IPv4 (::ffff:a.b.c.d). */
function formatAddress(v6: boolean, value: bigint): string | undefined {
  if (!v6) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  if (value >> 32n === 0xffffn) return undefined;
  const groups = Array.from({ length: 8 }, (_v, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // The longest run of two or more zero groups (the first of equal ones) is written `::`.
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) (best = i), (bestLength = j - i);
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLength))}`;
}

function formatPrefix(v6: boolean, base: bigint, length: number): Value {
  const address = formatAddress(v6, base);
  return address === undefined ? UNKNOWN : `${address}/${length}`;
}

export function cidrsubnet([prefix, newbits, netnum]: Value[]): Value {
  const network = parsePrefix(prefix);
  const extra = integer(newbits);
  const num = integer(netnum);
  if (!network || extra === undefined || num === undefined || extra < 0n || extra > 32n || num < 0n) return UNKNOWN;
  const bits = bitsOf(network.v6);
  const length = network.length + Number(extra);
  if (length > bits || num >= 1n << extra) return UNKNOWN;
  return formatPrefix(network.v6, network.base | (num << BigInt(bits - length)), length);
}

export function cidrhost([prefix, hostnum]: Value[]): Value {
  const network = parsePrefix(prefix);
  let num = integer(hostnum);
  if (!network || num === undefined) return UNKNOWN;
  const size = 1n << BigInt(bitsOf(network.v6) - network.length);
  // A negative number counts back from the end: -1 is the last address.
  if (num < 0n) num += size;
  if (num < 0n || num >= size) return UNKNOWN;
  return formatAddress(network.v6, network.base + num) ?? UNKNOWN;
}

export function cidrnetmask([prefix]: Value[]): Value {
  const network = parsePrefix(prefix);
  // Terraform refuses an IPv6 prefix: a netmask is an IPv4 notion.
  if (!network || network.v6) return UNKNOWN;
  return formatAddress(false, maskOf(network.length, 32)) ?? UNKNOWN;
}

/**
 * Consecutive subnets of the given extra bits each, in order, as Terraform allocates
 * them: each starts after the previous one, aligned to its own size (go-cidr NextSubnet).
 */
export function cidrsubnets([prefix, ...newbits]: Value[]): Value {
  const network = parsePrefix(prefix);
  if (!network) return UNKNOWN;
  const bits = bitsOf(network.v6);
  const top = 1n << BigInt(bits);
  const sizeOf = (length: number) => 1n << BigInt(bits - length);
  // The subnet before the network, of its length (wrapping below zero, as go-cidr does).
  let current = { base: (network.base - 1n + top) % top & maskOf(network.length, bits), length: network.length };
  const out: Value[] = [];
  for (const arg of newbits) {
    const extra = integer(arg);
    if (extra === undefined || extra < 1n || extra > 32n) return UNKNOWN;
    const length = network.length + Number(extra);
    if (length > bits) return UNKNOWN;
    const last = current.base + sizeOf(current.length) - 1n;
    const next = ((last & maskOf(length, bits)) + sizeOf(length)) % top;
    // Past the top of the address space, or outside the network: not enough room left.
    if (next === 0n || (next & maskOf(network.length, bits)) !== network.base) return UNKNOWN;
    current = { base: next, length };
    const text = formatPrefix(network.v6, next, length);
    if (text === UNKNOWN) return UNKNOWN;
    out.push(text);
  }
  return out;
}
