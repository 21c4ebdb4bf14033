import type { Severity } from '../../core/finding.js';

/**
 * Service ports that should not be reachable from untrusted networks, shared by the
 * Dockerfile, compose, Kubernetes and Terraform rules and by `secloop ops check`.
 * `cleartext` marks protocols that send credentials or data unencrypted by design.
 */
export type PortCategory = 'remote-access' | 'file-transfer' | 'database' | 'cache' | 'container-api' | 'cluster' | 'admin-api' | 'mail' | 'directory' | 'windows' | 'monitoring' | 'messaging';

export interface ServicePort {
  port: number;
  transport: 'tcp' | 'udp' | 'both';
  service: string;
  category: PortCategory;
  cleartext: boolean;
  severity: Severity;
  /**
   * The port means this service only in an image of it: 5000 is the registry's port and
   * also the default of Flask and many other apps, so without a registry image it says nothing.
   */
  onlyInImages?: RegExp;
  /** Images that are this service, published on purpose (a DNS server answers on 53). */
  serviceImages?: RegExp;
  /**
   * When the workload's image is known, the port means this service only in an image of it:
   * 7000 is Cassandra's internode port and also a common default of web applications, so an
   * application image that exposes it says nothing. A firewall rule, whose image is not known,
   * still reports it.
   */
  knownImagesOnly?: RegExp;
  /**
   * The protocol families of NAMED_PROTOCOLS the service speaks on this port (Consul's 8500
   * is HTTP, etcd's 2379 is gRPC and HTTP): a port named for another one is not this service.
   */
  speaks?: readonly ProtocolFamily[];
}

type ProtocolFamily = 'http' | 'grpc' | 'metrics';

/**
 * Words that name a protocol in a port's name (IANA service names, Istio's
 * `<protocol>-<suffix>`), a Kubernetes appProtocol or a named targetPort, by family.
 * Transport words (tcp, udp, tls) name none.
 */
const NAMED_PROTOCOLS = new Map<string, ProtocolFamily>([
  ...['http', 'https', 'http2', 'h2', 'h2c', 'web', 'ws', 'wss', 'websocket', 'health', 'healthz'].map((w) => [w, 'http'] as const),
  ...['grpc', 'grpcs'].map((w) => [w, 'grpc'] as const),
  ...['metrics', 'prometheus'].map((w) => [w, 'metrics'] as const),
]);

/** Words of a catalogue service's name that do not identify it (identityWords). */
const NOT_IDENTITY = new Set(['api', 'client', 'port', 'server', 'service', 'without', 'tls', 'plain', 'cleartext', 'read', 'only', 'peer', 'data', 'name', 'node', 'browser', 'management', 'transport', 'internode', 'listener', 'database', 'daemon', 'session', 'datagram', 'shard', 'web', 'ui', 'microsoft', 'apache', 'remote']);

const words = (name: string) => name.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w !== '');

/** The words that name the service itself (redis, consul, mysql): a port so named is the service, whatever other word it has. */
function identityWords(entry: ServicePort): Set<string> {
  return new Set(words(entry.service).filter((w) => w.length > 2 && !NAMED_PROTOCOLS.has(w) && !NOT_IDENTITY.has(w) && !/^\d+$/.test(w)));
}

/**
 * Whether the names a port is given (its name, appProtocol, a named targetPort) say it
 * speaks a protocol `entry`'s service does not: a port 8500 named grpc is no Consul, a
 * port 6379 named metrics is no Redis. A name that says the service (redis, tcp-redis)
 * keeps it, and so does a port without names or with names of no known protocol.
 */
export function namedOtherwise(entry: ServicePort, names: ReadonlyArray<string | undefined>): boolean {
  const said = names.flatMap((name) => (name === undefined ? [] : words(name)));
  if (said.length === 0) return false;
  const identity = identityWords(entry);
  if (said.some((w) => identity.has(w))) return false;
  return said.some((w) => {
    const family = NAMED_PROTOCOLS.get(w);
    return family !== undefined && !(entry.speaks ?? []).includes(family);
  });
}

/** An image reference without registry host, tag or digest: `ghcr.io/acme/pihole:1@sha256:...` -> `acme/pihole`. */
export function imageName(image: string): string {
  let name = image.trim().toLowerCase().replace(/@.*$/, '');
  const parts = name.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  name = parts.join('/');
  return name.replace(/:[^/]*$/, '');
}

/** Elasticsearch and the search engines that keep its ports (OpenSearch, Open Distro, the ELK bundles). */
const ELASTICSEARCH_IMAGES = /(?:^|[/_-])(?:elasticsearch|opensearch|opendistro(?:-for-elasticsearch)?|elk|elastic)(?:$|[/_-])|^java$/;

/** Cassandra and the databases that speak its internode protocol; the program `java` is how Cassandra's process shows in `secloop ops check`. */
const CASSANDRA_IMAGES = /(?:^|[/_-])(?:cassandra|scylla(?:db)?|dse(?:-server)?|elassandra)(?:$|[/_-])|^java$/;

/**
 * Kong's gateway images (kong, kong/kong-gateway, bitnami/kong; not pantsel/konga, a GUI):
 * the proxy serves the public on 8000 and 8443, the Admin API, without authentication in
 * the open-source gateway, configures every route and plugin on 8001 and 8444.
 */
export const KONG_IMAGES = /(?:^|[/_-])kong(?:$|[/_-])/;

/** Mail servers that take mail from the internet on 25 (mailcow's postfix, docker-mailserver). */
const MAIL_TRANSFER_IMAGES = /(?:^|[/_-])(?:postfix|exim4?|sendmail|opensmtpd|haraka|maddy|stalwart|mail-?server|mailu|poste\.io|mailcow-postfix)(?:$|[/_-])/;

/** Mail stores that serve their users' mail clients on IMAP and POP3 (dovecot, docker-mailserver, mailu's imap). */
export const MAIL_STORE_IMAGES = /(?:^|[/_-])(?:dovecot|courier-imap|cyrus(?:-imapd)?|maddy|stalwart|mail-?server|mailu|poste\.io|mailcow-dovecot)(?:$|[/_-])/;

const CATALOGUE: readonly ServicePort[] = [
  { port: 20, transport: 'tcp', service: 'FTP data', category: 'file-transfer', cleartext: true, severity: 'high' },
  { port: 21, transport: 'tcp', service: 'FTP', category: 'file-transfer', cleartext: true, severity: 'high' },
  {
    port: 22,
    transport: 'tcp',
    service: 'SSH',
    category: 'remote-access',
    cleartext: false,
    severity: 'high',
    // A git forge's SSH serves git over SSH, no shell: it publishes the port on purpose (gitea/gitea with 2222:22).
    serviceImages: /(?:^|[/_-])(?:gitea|forgejo|gogs|gitlab(?:-ce|-ee)?|soft-serve|onedev)(?:$|[/_-])/,
  },
  { port: 23, transport: 'tcp', service: 'Telnet', category: 'remote-access', cleartext: true, severity: 'critical' },
  {
    port: 25,
    transport: 'tcp',
    service: 'SMTP',
    category: 'mail',
    cleartext: true,
    severity: 'medium',
    // A mail server takes mail from the internet on 25: it publishes the port on purpose (mailcow's postfix, docker-mailserver).
    serviceImages: MAIL_TRANSFER_IMAGES,
  },
  {
    port: 53,
    transport: 'both',
    service: 'DNS',
    category: 'directory',
    cleartext: true,
    severity: 'medium',
    serviceImages: /(?:^|[/_-])(?:pi-?hole|coredns|bind9?|unbound|dnsmasq|adguard(?:home)?|powerdns|pdns(?:-recursor)?|knot-resolver|knot|technitium|dnscrypt-proxy|blocky)(?:$|[/_-])/,
  },
  { port: 69, transport: 'udp', service: 'TFTP', category: 'file-transfer', cleartext: true, severity: 'high' },
  { port: 110, transport: 'tcp', service: 'POP3', category: 'mail', cleartext: true, severity: 'medium', serviceImages: MAIL_STORE_IMAGES },
  { port: 111, transport: 'both', service: 'rpcbind/portmapper', category: 'windows', cleartext: true, severity: 'high' },
  { port: 135, transport: 'both', service: 'Microsoft RPC', category: 'windows', cleartext: true, severity: 'high' },
  { port: 137, transport: 'both', service: 'NetBIOS name service', category: 'windows', cleartext: true, severity: 'high' },
  { port: 138, transport: 'both', service: 'NetBIOS datagram service', category: 'windows', cleartext: true, severity: 'high' },
  { port: 139, transport: 'both', service: 'NetBIOS session service', category: 'windows', cleartext: true, severity: 'high' },
  { port: 143, transport: 'tcp', service: 'IMAP', category: 'mail', cleartext: true, severity: 'medium', serviceImages: MAIL_STORE_IMAGES },
  { port: 161, transport: 'udp', service: 'SNMP', category: 'monitoring', cleartext: true, severity: 'high' },
  { port: 389, transport: 'both', service: 'LDAP', category: 'directory', cleartext: true, severity: 'high' },
  { port: 445, transport: 'tcp', service: 'SMB/CIFS', category: 'windows', cleartext: false, severity: 'critical' },
  // LDAP over TLS: encrypted, but a directory's bind is where passwords are tried and its entries are what an attacker maps.
  { port: 636, transport: 'tcp', service: 'LDAPS', category: 'directory', cleartext: false, severity: 'high' },
  { port: 512, transport: 'tcp', service: 'rexec', category: 'remote-access', cleartext: true, severity: 'critical' },
  { port: 513, transport: 'tcp', service: 'rlogin', category: 'remote-access', cleartext: true, severity: 'critical' },
  { port: 514, transport: 'tcp', service: 'rsh', category: 'remote-access', cleartext: true, severity: 'critical' },
  { port: 873, transport: 'tcp', service: 'rsync daemon', category: 'file-transfer', cleartext: true, severity: 'high' },
  { port: 1433, transport: 'tcp', service: 'Microsoft SQL Server', category: 'database', cleartext: false, severity: 'high' },
  { port: 1434, transport: 'udp', service: 'Microsoft SQL Server browser', category: 'database', cleartext: true, severity: 'high' },
  { port: 1521, transport: 'tcp', service: 'Oracle database listener', category: 'database', cleartext: false, severity: 'high' },
  { port: 1883, transport: 'tcp', service: 'MQTT', category: 'messaging', cleartext: true, severity: 'medium' },
  { port: 2181, transport: 'tcp', service: 'ZooKeeper client port', category: 'cluster', cleartext: true, severity: 'high' },
  { port: 2049, transport: 'both', service: 'NFS', category: 'file-transfer', cleartext: true, severity: 'high' },
  { port: 2375, transport: 'tcp', service: 'Docker API without TLS', category: 'container-api', cleartext: true, severity: 'critical', speaks: ['http'] },
  { port: 2376, transport: 'tcp', service: 'Docker API', category: 'container-api', cleartext: false, severity: 'high', speaks: ['http'] },
  { port: 2379, transport: 'tcp', service: 'etcd client API', category: 'cluster', cleartext: false, severity: 'critical', speaks: ['grpc', 'http', 'metrics'] },
  { port: 2380, transport: 'tcp', service: 'etcd peer API', category: 'cluster', cleartext: false, severity: 'high', speaks: ['http'] },
  { port: 2383, transport: 'tcp', service: 'SQL Server Analysis Services', category: 'database', cleartext: false, severity: 'high' },
  { port: 2483, transport: 'tcp', service: 'Oracle database', category: 'database', cleartext: true, severity: 'high' },
  { port: 3306, transport: 'tcp', service: 'MySQL/MariaDB', category: 'database', cleartext: false, severity: 'high' },
  { port: 3389, transport: 'both', service: 'Remote Desktop (RDP)', category: 'remote-access', cleartext: false, severity: 'high' },
  { port: 4222, transport: 'tcp', service: 'NATS client port', category: 'messaging', cleartext: true, severity: 'medium' },
  { port: 4333, transport: 'tcp', service: 'mSQL', category: 'database', cleartext: true, severity: 'high' },
  {
    port: 5000,
    transport: 'tcp',
    service: 'Docker registry (plain HTTP)',
    category: 'container-api',
    cleartext: true,
    severity: 'medium',
    onlyInImages: /(?:^|\/)(?:registry|distribution|docker-registry|registry-photon)$/,
    speaks: ['http'],
  },
  { port: 5432, transport: 'tcp', service: 'PostgreSQL', category: 'database', cleartext: false, severity: 'high' },
  { port: 5500, transport: 'tcp', service: 'VNC', category: 'remote-access', cleartext: true, severity: 'high' },
  { port: 5601, transport: 'tcp', service: 'Kibana', category: 'monitoring', cleartext: true, severity: 'medium', speaks: ['http'] },
  { port: 5672, transport: 'tcp', service: 'AMQP (RabbitMQ)', category: 'messaging', cleartext: true, severity: 'medium' },
  { port: 5900, transport: 'tcp', service: 'VNC', category: 'remote-access', cleartext: true, severity: 'high' },
  { port: 5984, transport: 'tcp', service: 'CouchDB', category: 'database', cleartext: true, severity: 'high', speaks: ['http'] },
  { port: 6379, transport: 'tcp', service: 'Redis', category: 'cache', cleartext: true, severity: 'high' },
  { port: 6443, transport: 'tcp', service: 'Kubernetes API server', category: 'cluster', cleartext: false, severity: 'high', speaks: ['http', 'metrics'] },
  { port: 7687, transport: 'tcp', service: 'Neo4j Bolt', category: 'database', cleartext: true, severity: 'high' },
  { port: 7000, transport: 'tcp', service: 'Cassandra internode', category: 'database', cleartext: true, severity: 'high', knownImagesOnly: CASSANDRA_IMAGES },
  { port: 7001, transport: 'tcp', service: 'Cassandra internode (TLS)', category: 'database', cleartext: false, severity: 'high', knownImagesOnly: CASSANDRA_IMAGES },
  // 8001 and 8444 are common defaults of other applications: Kong's Admin API only in a Kong image.
  { port: 8001, transport: 'tcp', service: 'Kong Admin API', category: 'admin-api', cleartext: true, severity: 'high', speaks: ['http'], onlyInImages: KONG_IMAGES },
  { port: 8020, transport: 'tcp', service: 'HDFS NameNode', category: 'database', cleartext: true, severity: 'high' },
  { port: 8086, transport: 'tcp', service: 'InfluxDB', category: 'database', cleartext: true, severity: 'high', speaks: ['http', 'metrics'] },
  { port: 8444, transport: 'tcp', service: 'Kong Admin API (TLS)', category: 'admin-api', cleartext: false, severity: 'high', speaks: ['http'], onlyInImages: KONG_IMAGES },
  { port: 8500, transport: 'tcp', service: 'Consul HTTP API', category: 'cluster', cleartext: true, severity: 'high', speaks: ['http'] },
  { port: 8983, transport: 'tcp', service: 'Apache Solr', category: 'database', cleartext: true, severity: 'high', speaks: ['http'] },
  { port: 9042, transport: 'tcp', service: 'Cassandra CQL', category: 'database', cleartext: true, severity: 'high' },
  { port: 9092, transport: 'tcp', service: 'Kafka', category: 'messaging', cleartext: true, severity: 'high' },
  // 9200 is also the proxy port of ownCloud Infinite Scale (owncloud/ocis): with the image known, only a search engine's image is Elasticsearch.
  { port: 9200, transport: 'tcp', service: 'Elasticsearch HTTP', category: 'database', cleartext: true, severity: 'high', speaks: ['http'], knownImagesOnly: ELASTICSEARCH_IMAGES },
  { port: 9300, transport: 'tcp', service: 'Elasticsearch transport', category: 'database', cleartext: true, severity: 'high', knownImagesOnly: ELASTICSEARCH_IMAGES },
  { port: 10250, transport: 'tcp', service: 'Kubelet API', category: 'cluster', cleartext: false, severity: 'critical', speaks: ['http', 'metrics'] },
  { port: 10255, transport: 'tcp', service: 'Kubelet read-only API', category: 'cluster', cleartext: true, severity: 'high', speaks: ['http', 'metrics'] },
  { port: 11211, transport: 'both', service: 'Memcached', category: 'cache', cleartext: true, severity: 'high' },
  { port: 15672, transport: 'tcp', service: 'RabbitMQ management', category: 'messaging', cleartext: true, severity: 'medium', speaks: ['http'] },
  { port: 26379, transport: 'tcp', service: 'Redis Sentinel', category: 'cache', cleartext: true, severity: 'high' },
  { port: 27017, transport: 'tcp', service: 'MongoDB', category: 'database', cleartext: true, severity: 'high' },
  { port: 27018, transport: 'tcp', service: 'MongoDB shard', category: 'database', cleartext: true, severity: 'high' },
  { port: 50070, transport: 'tcp', service: 'Hadoop NameNode web UI', category: 'database', cleartext: true, severity: 'high', speaks: ['http'] },
  { port: 61616, transport: 'tcp', service: 'ActiveMQ OpenWire', category: 'messaging', cleartext: true, severity: 'high' },
];

const BY_PORT = new Map<number, ServicePort>(CATALOGUE.map((entry) => [entry.port, entry]));

export function sensitivePorts(): readonly ServicePort[] {
  return CATALOGUE;
}

/**
 * Whether a catalogue entry applies to a workload running `image` (undefined when the image
 * is not known): an entry tied to its service's images needs one, and the service's own
 * image publishing its port is not a finding.
 */
function appliesTo(entry: ServicePort, image: string | undefined): boolean {
  const name = image === undefined ? undefined : imageName(image);
  if (entry.onlyInImages && (name === undefined || !entry.onlyInImages.test(name))) return false;
  if (entry.serviceImages && name !== undefined && entry.serviceImages.test(name)) return false;
  if (entry.knownImagesOnly && name !== undefined && !entry.knownImagesOnly.test(name)) return false;
  return true;
}

/**
 * The catalogue entry for a port and transport, if the port is sensitive (for a workload of
 * `image`, when known, and unless the port's `names` say another protocol: namedOtherwise).
 */
export function sensitivePort(port: number, transport: 'tcp' | 'udp' = 'tcp', image?: string, names: ReadonlyArray<string | undefined> = []): ServicePort | undefined {
  const entry = BY_PORT.get(port);
  if (!entry || !appliesTo(entry, image) || namedOtherwise(entry, names)) return undefined;
  return entry.transport === 'both' || entry.transport === transport ? entry : undefined;
}

/**
 * The catalogue entry of a port that `image` serves on purpose (a DNS server's 53, a mail
 * server's 25, a git forge's SSH), if it is one: published, it is the service's front door.
 */
export function ownServicePort(port: number, transport: 'tcp' | 'udp', image: string | undefined): ServicePort | undefined {
  const entry = BY_PORT.get(port);
  if (!entry?.serviceImages || image === undefined || !entry.serviceImages.test(imageName(image))) return undefined;
  return entry.transport === 'both' || entry.transport === transport ? entry : undefined;
}

/**
 * The catalogue services in an inclusive port range, in port order; with a transport, a
 * service on both is given as the transport that is open. With an image, as sensitivePort.
 */
export function sensitivePortsInRange(from: number, to: number, transport?: 'tcp' | 'udp', image?: string): ServicePort[] {
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  return CATALOGUE.filter((entry) => entry.port >= low && entry.port <= high && (!transport || entry.transport === 'both' || entry.transport === transport) && appliesTo(entry, image)).map((entry) =>
    transport && entry.transport === 'both' ? { ...entry, transport } : entry,
  );
}

export function describePort(entry: ServicePort): string {
  return `${entry.port}/${entry.transport === 'both' ? 'tcp+udp' : entry.transport} (${entry.service}${entry.cleartext ? ', cleartext' : ''})`;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 0 && port <= 65535;
}
