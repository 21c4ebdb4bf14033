import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sensitivePort, sensitivePortsInRange } from '../../../src/scanners/iac/ports.js';

describe('sensitive port catalogue', () => {
  it('reads 5000 as a Docker registry only in a registry image', () => {
    assert.equal(sensitivePort(5000), undefined);
    assert.equal(sensitivePort(5000, 'tcp', 'python:3.12-slim'), undefined);
    assert.equal(sensitivePort(5000, 'tcp', 'registry.example.org:5000/acme/api:1.2'), undefined);
    for (const image of ['registry:2.8.3', 'docker.io/library/registry:2', 'distribution/registry@sha256:' + 'a'.repeat(64), 'goharbor/registry-photon:v2.11.0'])
      assert.equal(sensitivePort(5000, 'tcp', image)?.service, 'Docker registry (plain HTTP)', image);
    assert.ok(!sensitivePortsInRange(4000, 6000, 'tcp').some((e) => e.port === 5000));
    assert.ok(sensitivePortsInRange(4000, 6000, 'tcp', 'registry:2').some((e) => e.port === 5000));
  });

  it('does not report DNS on an image that is a DNS server', () => {
    assert.equal(sensitivePort(53, 'udp')?.service, 'DNS');
    assert.equal(sensitivePort(53, 'udp', 'alpine:3.20')?.service, 'DNS');
    for (const image of ['pihole/pihole:2024.07.0', 'coredns/coredns:1.11.3', 'ubuntu/bind9:9.18', 'mvance/unbound:1.21', 'jpillora/dnsmasq', 'adguard/adguardhome:v0.107', 'ghcr.io/acme/pi-hole:1'])
      assert.equal(sensitivePort(53, 'udp', image), undefined, image);
    assert.ok(!sensitivePortsInRange(1, 100, 'udp', 'coredns/coredns:1.11.3').some((e) => e.port === 53));
  });
});
