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

  it('knows the message brokers, coordination services and databases that listen without TLS or authentication by default', () => {
    const services = [1883, 2181, 4222, 7687, 8983, 26379, 61616].map((port) => `${port} ${sensitivePort(port)?.service} ${sensitivePort(port)?.cleartext}`);
    assert.deepEqual(services, ['1883 MQTT true', '2181 ZooKeeper client port true', '4222 NATS client port true', '7687 Neo4j Bolt true', '8983 Apache Solr true', '26379 Redis Sentinel true', '61616 ActiveMQ OpenWire true']);
    // Their TLS ports and the UDP side are not in the catalogue.
    assert.equal(sensitivePort(8883), undefined);
    assert.equal(sensitivePort(1883, 'udp'), undefined);
  });

  it('knows a directory on both its ports: LDAP in cleartext, LDAPS over TLS', () => {
    assert.deepEqual([389, 636].map((port) => `${port} ${sensitivePort(port)?.service} ${sensitivePort(port)?.cleartext} ${sensitivePort(port)?.severity}`), ['389 LDAP true high', '636 LDAPS false high']);
    assert.ok(sensitivePortsInRange(600, 700, 'tcp').some((e) => e.port === 636));
  });

  it('does not report SSH on a git forge, nor SMTP on a mail server: they publish those ports on purpose', () => {
    for (const image of ['gitea/gitea:1.22', 'codeberg.org/forgejo/forgejo:9', 'gitlab/gitlab-ce:17.5.1-ce.0', 'gogs/gogs:0.13'])
      assert.equal(sensitivePort(22, 'tcp', image), undefined, image);
    for (const image of ['linuxserver/openssh-server:9.7', 'alpine:3.20', undefined]) assert.equal(sensitivePort(22, 'tcp', image)?.service, 'SSH', image);
    for (const image of ['ghcr.io/mailcow/postfix:3.10.12-1', 'mailserver/docker-mailserver:14.0', 'boky/postfix:4.3', 'ghcr.io/mailu/postfix:2024.06', 'stalwartlabs/mail-server:v0.10'])
      assert.equal(sensitivePort(25, 'tcp', image), undefined, image);
    for (const image of ['nginx:1.27', undefined]) assert.equal(sensitivePort(25, 'tcp', image)?.service, 'SMTP', image);
  });

  it('reads 9200 and 9300 as Elasticsearch only in a search engine image when the image is known', () => {
    assert.equal(sensitivePort(9200, 'tcp', 'owncloud/ocis:7.0'), undefined);
    for (const image of ['elasticsearch:8.15.0', 'docker.elastic.co/elasticsearch/elasticsearch:8.15.0', 'opensearchproject/opensearch:2.17.0', 'sebp/elk:8.15', undefined])
      assert.equal(sensitivePort(9200, 'tcp', image)?.service, 'Elasticsearch HTTP', image);
    assert.equal(sensitivePort(9300, 'tcp', 'bitnami/elasticsearch:8')?.service, 'Elasticsearch transport');
  });

  it('does not report DNS on an image that is a DNS server', () => {
    assert.equal(sensitivePort(53, 'udp')?.service, 'DNS');
    assert.equal(sensitivePort(53, 'udp', 'alpine:3.20')?.service, 'DNS');
    for (const image of ['pihole/pihole:2024.07.0', 'coredns/coredns:1.11.3', 'ubuntu/bind9:9.18', 'mvance/unbound:1.21', 'jpillora/dnsmasq', 'adguard/adguardhome:v0.107', 'ghcr.io/acme/pi-hole:1'])
      assert.equal(sensitivePort(53, 'udp', image), undefined, image);
    assert.ok(!sensitivePortsInRange(1, 100, 'udp', 'coredns/coredns:1.11.3').some((e) => e.port === 53));
  });

  it('reads 7000 and 7001 as Cassandra internode in a Cassandra image, or where no image is known', () => {
    // A firewall rule: the workload is not known.
    assert.equal(sensitivePort(7000)?.service, 'Cassandra internode');
    assert.equal(sensitivePort(7001)?.service, 'Cassandra internode (TLS)');
    assert.ok(sensitivePortsInRange(6000, 8000, 'tcp').some((e) => e.port === 7000));
    for (const image of ['cassandra:5.0', 'docker.io/library/cassandra:4.1', 'scylladb/scylla:6.2', 'datastax/dse-server:6.9', 'bitnami/cassandra:5'])
      assert.equal(sensitivePort(7000, 'tcp', image)?.service, 'Cassandra internode', image);
    // An application (or WebLogic, whose default port is 7001) that listens there.
    for (const image of ['node:22-alpine', 'alpine:3.20', 'registry.example.org/shop/currencyservice:1.4', 'container-registry.oracle.com/middleware/weblogic:14.1'])
      assert.equal(sensitivePort(7000, 'tcp', image) ?? sensitivePort(7001, 'tcp', image), undefined, image);
    assert.ok(!sensitivePortsInRange(6000, 8000, 'tcp', 'node:22').some((e) => e.port === 7000 || e.port === 7001));
    // ops check passes the listening program, and Cassandra runs as java.
    assert.equal(sensitivePort(7000, 'tcp', 'java')?.service, 'Cassandra internode');
  });
});
