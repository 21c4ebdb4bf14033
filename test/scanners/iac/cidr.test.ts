import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bounds, contains, isBroadPublic, isVeryBroad, isWidePrivate, isWorld, parseAddress, parseCidr, publicAddressCount } from '../../../src/scanners/iac/cidr.js';

/** The expected class of a source: the four predicates, in the order world, wide private, broad public, very broad. */
type Classes = [world: boolean, widePrivate: boolean, broadPublic: boolean, veryBroad: boolean];
const WORLD: Classes = [true, false, false, true];
const NONE: Classes = [false, false, false, false];

const TABLE: ReadonlyArray<[cidr: string, classes: Classes, why: string]> = [
  // The whole internet, in every spelling of the zero address.
  ['0.0.0.0/0', WORLD, 'IPv4 world'],
  ['::/0', WORLD, 'IPv6 world'],
  ['0:0:0:0:0:0:0:0/0', WORLD, 'IPv6 world written out'],
  ['0::0/0', WORLD, 'IPv6 world, zeros around ::'],
  ['000.0.00.0/0', WORLD, 'zero octets with leading zeros'],
  [' 0.0.0.0/0\t', WORLD, 'white space around a value is ignored'],
  ['::/0 ', WORLD, 'trailing space ignored'],
  // Not a network: the providers reject these rather than widen them.
  ['/0', NONE, 'no address'],
  ['0.0.0.0', NONE, 'no prefix'],
  ['1.2.3.4/0', NONE, 'bits set past a /0'],
  ['::1/0', NONE, 'IPv6 bits set past a /0'],
  ['10.1.2.3/8', NONE, 'bits set past the prefix'],
  ['0.0.0.0/33', NONE, 'prefix longer than IPv4'],
  ['::/129', NONE, 'prefix longer than IPv6'],
  ['256.0.0.0/8', NONE, 'octet out of range'],
  ['0:0/0', NONE, 'too few IPv6 groups and no ::'],
  [':::/0', NONE, 'malformed ::'],
  ['1::2::/16', NONE, 'two ::'],
  ['1:2:3:4:5:6:7:8:9::/16', NONE, 'too many IPv6 groups'],
  ['0.0.0.0 /0', NONE, 'space inside'],
  ['Internet', NONE, 'a provider service tag is not an address'],
  ['', NONE, 'empty'],
  // Private (RFC 1918, RFC 6598, RFC 4193) ranges wider than one network.
  ['10.0.0.0/8', [false, true, false, true], 'RFC 1918 /8'],
  ['172.16.0.0/12', [false, true, false, false], 'RFC 1918 /12'],
  ['10.16.0.0/12', [false, true, false, false], 'inside 10/8'],
  ['100.64.0.0/10', [false, true, false, false], 'carrier-grade NAT'],
  ['192.168.0.0/16', NONE, 'a /16 is one VPC, not wide'],
  ['10.20.0.0/16', NONE, 'a /16 inside 10/8'],
  ['fc00::/7', [false, true, false, true], 'all unique local space'],
  ['fd12:3456::/32', [false, true, false, false], 'a ULA /32'],
  ['fd12:3456:789a::/48', NONE, 'a ULA /48 is one site'],
  // Broad public ranges.
  ['40.64.0.0/10', [false, false, true, false], 'a cloud region'],
  ['20.0.0.0/8', [false, false, true, true], 'a /8 is very broad'],
  ['0.0.0.0/1', [false, false, true, true], 'half the internet'],
  ['128.0.0.0/1', [false, false, true, true], 'the other half'],
  ['203.0.0.0/15', [false, false, true, false], 'just wider than /16'],
  ['203.0.113.0/24', NONE, 'an office range'],
  ['198.51.0.0/16', NONE, 'a /16 is not broad'],
  ['2000::/3', [false, false, true, true], 'all IPv6 global unicast'],
  ['2a00::/12', [false, false, true, true], 'a registry block'],
  ['2001:db8::/31', [false, false, true, false], 'wider than an ISP /32'],
  ['2001:db8::/32', NONE, 'an ISP /32 is not broad'],
  ['::/1', [false, false, true, true], 'half of IPv6, holding the global space'],
  // Reserved and multicast space: not private, not public.
  ['224.0.0.0/4', [false, false, false, true], 'IPv4 multicast'],
  ['240.0.0.0/4', [false, false, false, true], 'IPv4 reserved'],
  ['127.0.0.0/8', [false, false, false, true], 'loopback'],
  ['169.254.0.0/16', NONE, 'link-local'],
  ['0.0.0.0/8', [false, false, false, true], '"this network"'],
  ['ff00::/8', [false, false, false, true], 'IPv6 multicast'],
  ['fe80::/10', [false, false, false, true], 'IPv6 link-local'],
  ['4000::/3', [false, false, false, true], 'IPv6 space outside global unicast'],
];

describe('CIDR classes', () => {
  for (const [cidr, [world, widePrivate, broadPublic, veryBroad], why] of TABLE) {
    it(`${JSON.stringify(cidr)}: ${why}`, () => {
      assert.equal(isWorld(cidr), world, 'isWorld');
      assert.equal(isWidePrivate(cidr), widePrivate, 'isWidePrivate');
      assert.equal(isBroadPublic(cidr), broadPublic, 'isBroadPublic');
      assert.equal(isVeryBroad(cidr), veryBroad, 'isVeryBroad');
    });
  }
});

describe('CIDR parsing', () => {
  it('reads networks of both families', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { v6: false, base: 10n << 24n, prefix: 8 });
    assert.deepEqual(parseCidr('FD00::/8'), { v6: true, base: 0xfdn << 120n, prefix: 8 });
    assert.deepEqual(parseCidr('::1/128'), { v6: true, base: 1n, prefix: 128 });
    assert.equal(parseCidr('10.0.0.1/8'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
  });

  it('reads single addresses, without a prefix', () => {
    assert.deepEqual(parseAddress('192.0.2.1'), { v6: false, value: 0xc0000201n });
    assert.deepEqual(parseAddress('2001:db8::1'), { v6: true, value: (0x20010db8n << 96n) | 1n });
    for (const bad of ['192.0.2.1/32', '1.2.3', '1.2.3.256', '2001:db8:::1', 'g::1', '']) assert.equal(parseAddress(bad), undefined, bad);
  });

  it('compares networks within a family only', () => {
    const [ten, sub, v6] = [parseCidr('10.0.0.0/8')!, parseCidr('10.4.0.0/14')!, parseCidr('::/0')!];
    assert.ok(contains(ten, sub));
    assert.ok(contains(ten, ten));
    assert.ok(!contains(sub, ten));
    assert.ok(!contains(v6, ten));
    assert.deepEqual(bounds(sub), [0x0a040000n, 0x0a07ffffn]);
  });
});

describe('public addresses of a range', () => {
  const count = (first: string, last: string) => publicAddressCount(parseAddress(first)!, parseAddress(last)!);
  it('counts IPv4 addresses outside the private and reserved blocks, in either order', () => {
    assert.equal(count('203.0.113.0', '203.0.113.255'), 256n);
    assert.equal(count('203.0.113.255', '203.0.113.0'), 256n);
    assert.equal(count('10.0.0.0', '10.255.255.255'), 0n);
    assert.equal(count('9.255.255.255', '11.0.0.0'), 2n);
    assert.equal(count('224.0.0.0', '255.255.255.255'), 0n);
    // Everything but 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.168/16 and 224/3.
    assert.equal(count('0.0.0.0', '255.255.255.255'), 2n ** 32n - 3n * 2n ** 24n - 2n ** 22n - 2n ** 16n - 2n ** 20n - 2n ** 16n - 2n ** 29n);
  });

  it('counts IPv6 addresses of the global unicast space, and not across families', () => {
    assert.equal(count('2001:db8::', '2001:db8::ff'), 256n);
    assert.equal(count('fd00::', 'fdff::'), 0n);
    assert.equal(count('::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), 2n ** 125n);
    assert.equal(count('::', '0.0.0.0'), undefined);
  });
});
