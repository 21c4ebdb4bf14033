import { posix } from 'node:path';
import { capabilitiesSeverity, DANGEROUS_CAPABILITIES, normaliseCapability } from '../capabilities.js';
import { pinProblem, pinProblemNote } from '../image.js';
import { sensitiveHostPath } from '../host-paths.js';
import { KONG_IMAGES, MAIL_STORE_IMAGES, describePort, imageName, ownServicePort, sensitivePort, sensitivePortsInRange, type PortCategory } from '../ports.js';
import { oneSeverityLower, severityRank, type Severity } from '../../../core/finding.js';
import { detailNote, listEntry, rule, type Hit, type IacRule, type PlatformRules } from '../rule.js';
import { isAccessKeyOfPair, isLiteralSecretValue, isSecretName } from '../secret-names.js';
import { get, isTrue, isYScalar, items, pair, text } from '../yaml/tree.js';
import { environment, isAllInterfaces, isLoopback, lineIn, listEntries, mounts, onlyDefaults, publishedPorts, readCompose, serviceImage, type ComposeInput, type ComposeService, type PublishedPort } from './model.js';
import { interpolate } from './dotenv.js';
import { officialImageDrop, reachesOfficialDrop } from '../dockerfile/entrypoint.js';
import { parseShell } from '../shell.js';
import { imageRepository } from '../dockerfile/model.js';
import { builtImageKey } from '../image-builds.js';

type ComposeRule = IacRule<ComposeInput>;

const composeRule = (definition: Omit<ComposeRule, 'platform' | 'tags'>): ComposeRule => rule({ ...definition, platform: 'compose' });

/** A compose file with one service `web` whose body (indented by 4) is `body`. */
function service(body: string, name = 'web'): string {
  return `services:\n  ${name}:\n    image: registry.example.org/web:2.3.1\n${body}`;
}

const label = (s: ComposeService) => `service ${s.name}`;

function* flag(input: ComposeInput, key: string, bad: (value: string) => boolean, message: (s: ComposeService, value: string) => string) {
  for (const s of input.services) {
    const p = pair(s.node, key);
    const value = text(p?.value);
    if (p && value !== undefined && bad(value)) yield { line: p.keyLine, message: message(s, value), resource: label(s) };
  }
}

const privileged = composeRule({
  id: 'iac/compose-privileged',
  title: 'Privileged container',
  description: 'privileged: true gives the container every capability and access to all host devices: code running in it can take over the Docker host.',
  remediation: 'Remove privileged: true; add only the specific capabilities or devices the service needs.',
  severity: 'critical',
  cwe: ['CWE-250'],
  examples: {
    positive: [service('    # expect\n    privileged: true\n')],
    negative: [service('    privileged: false\n'), service('    read_only: true\n')],
  },
  *check(input) {
    for (const s of input.services) {
      const p = pair(s.node, 'privileged');
      if (p && isTrue(p.value)) yield { line: p.keyLine, message: `${label(s)} runs privileged: it has full control of the host.`, resource: label(s) };
    }
  },
});

/**
 * A host namespace shared in a compose file for development, tests or CI, one severity
 * lower: what it opens is the developer's machine or a throwaway runner to code the
 * developer runs there anyway (Cypress's documented `ipc: host` for Chrome, a test's
 * `network_mode: host` for a service on the runner's loopback).
 */
function* lowerInDev(input: ComposeInput, hits: Iterable<Hit>, severity: Severity): Generator<Hit> {
  for (const hit of hits)
    yield input.devOnly ? { ...hit, severity: oneSeverityLower(severity), message: `${hit.message.replace(/\.$/, '')} (${oneSeverityLower(severity)}: a development or test file, as ${input.devOnly}).` } : hit;
}

const hostNetwork = composeRule({
  id: 'iac/compose-host-network',
  title: 'Container shares the host network',
  description:
    "network_mode: host puts the container in the host's network stack: every port it opens is open on the host, it reaches services bound to the host's loopback, and Docker's network isolation is gone. In a compose file for development, tests or CI (as for iac/compose-port-all-interfaces) it is reported at medium: what it opens is the developer's machine or a throwaway runner.",
  remediation: 'Remove network_mode: host; publish only the ports you need with ports:, bound to 127.0.0.1 when only local clients need them.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [service('    # expect\n    network_mode: host\n')],
    negative: [service('    network_mode: bridge\n'), service('    network_mode: "service:db"\n')],
  },
  check: (input) =>
    lowerInDev(
      input,
      flag(input, 'network_mode', (v) => v === 'host', (s) => `${label(s)} shares the host's network namespace: every port it opens is open on the host's interfaces and it reaches services bound to the host's loopback; remove network_mode: host and publish only the ports it needs.`),
      'high',
    ),
});

const hostPid = composeRule({
  id: 'iac/compose-host-pid',
  title: 'Container shares the host process namespace',
  description: "pid: host lets the container see and signal every process on the host and read their environment through /proc.",
  remediation: 'Remove pid: host; debug with docker exec or a dedicated debugging container instead.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: { positive: [service('    # expect\n    pid: host\n')], negative: [service('    pid: "service:web2"\n')] },
  check: (input) => flag(input, 'pid', (v) => v === 'host', (s) => `${label(s)} shares the host's process namespace.`),
});

const hostIpc = composeRule({
  id: 'iac/compose-host-ipc',
  title: 'Container shares the host IPC namespace',
  description:
    "ipc: host gives the container the host's shared memory and IPC objects, so it can read or tamper with data of host processes. In a compose file for development, tests or CI (as for iac/compose-port-all-interfaces; Cypress documents ipc: host for Chrome) it is reported at medium: the host is the developer's machine or a throwaway runner.",
  remediation: 'Remove ipc: host (use ipc: shareable / service:<name> to share only between containers, or a larger shm_size for a browser).',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: { positive: [service('    # expect\n    ipc: "host"\n')], negative: [service('    ipc: shareable\n')] },
  check: (input) =>
    lowerInDev(
      input,
      flag(input, 'ipc', (v) => v === 'host', (s) => `${label(s)} shares the host's IPC namespace: it can read and change the shared memory of the host's processes; remove ipc: host, and give a browser a larger shm_size instead.`),
      'high',
    ),
});

const hostUserns = composeRule({
  id: 'iac/compose-host-userns',
  title: 'User namespace remapping disabled',
  description: "userns_mode: host turns off the daemon's user namespace remapping for this container, so root in the container is root on the host again.",
  remediation: 'Remove userns_mode: host.',
  severity: 'medium',
  cwe: ['CWE-250'],
  examples: { positive: [service('    # expect\n    userns_mode: host\n')], negative: [service('    user: "10001"\n')] },
  check: (input) => flag(input, 'userns_mode', (v) => v === 'host', (s) => `${label(s)} opts out of user namespace remapping.`),
});

const RUNTIME_SOCKET = /(?:^|\/)(?:docker|containerd|crio|podman)\.sock$|^\/(?:var\/)?run\/?$/;

const dockerSocket = composeRule({
  id: 'iac/compose-docker-socket',
  title: 'Docker socket mounted into a container',
  description: 'The container mounts the Docker (or containerd) socket. Whoever controls the container can ask the daemon to start a privileged container with the host file system mounted: it is root on the host. A Docker socket proxy configured by API section (tecnativa/docker-socket-proxy, linuxserver/socket-proxy) that lets its clients only read (POST not set) is medium: it is the filtering proxy this rule recommends, and what remains is to keep it unpublished and its sections few; with POST=1 its clients can start a privileged container, and it stays critical.',
  remediation: 'Do not mount the socket; if a tool must talk to Docker, put a filtering proxy (read-only API) in front of it or use rootless Docker.',
  severity: 'critical',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      service('    volumes:\n      # expect\n      - /var/run/docker.sock:/var/run/docker.sock\n'),
      // Medium: a filtering proxy that lets its clients read, not write (POST=0, the default).
      'services:\n  socket-proxy:\n    image: lscr.io/linuxserver/socket-proxy:1.26.2\n    environment:\n      - CONTAINERS=1\n    volumes:\n      # expect\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
      service('    volumes:\n      - type: bind\n        # expect\n        source: /run/containerd/containerd.sock\n        target: /run/containerd/containerd.sock\n'),
      // The variable's default is what is mounted wherever the variable is not set.
      service('    volumes:\n      # expect\n      - ${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock:ro\n'),
    ],
    negative: [service('    volumes:\n      - ./data:/data\n      - logs:/var/log/app\n'), service('    volumes:\n      - /var/run/docker.sock\n')],
  },
  *check(input) {
    for (const s of input.services) {
      for (const m of mounts(s)) {
        if (!m.bind || !RUNTIME_SOCKET.test(m.source.replace(/\/+$/, '') || '/')) continue;
        const proxy = socketProxy(s);
        if (proxy !== undefined)
          yield {
            ...m.at,
            message: `${label(s)} mounts the container runtime socket ${m.source}${detailNote(m.at)} as a filtering proxy (${proxy}) that lets its clients only read (POST is not set): keep it off published ports and allow only the API sections its clients need.`,
            resource: label(s),
            severity: 'medium',
          };
        else
          yield {
            ...m.at,
            message: `${label(s)} mounts the container runtime socket ${m.source}${detailNote(m.at)}: that is root on the host${m.readOnly ? ' (read-only mounting keeps the socket file from being replaced, not the API from taking requests: a client can still start a privileged container)' : ''}.`,
            resource: label(s),
          };
      }
    }
  },
});

/** The Docker socket proxies configured by API section (CONTAINERS=1, POST=0): Tecnativa's and linuxserver.io's. */
const SOCKET_PROXY_IMAGE = /(?:^|\/)(?:tecnativa\/docker-socket-proxy|linuxserver\/socket-proxy)(?::[^/]*)?(?:@.*)?$/i;

/**
 * The image of a service that is a Docker socket proxy letting its clients only read: POST
 * (every write method: creating, starting and exec'ing into containers) is not turned on.
 * With POST=1 the clients can start a privileged container, root on the host as the socket is.
 */
function socketProxy(s: ComposeService): string | undefined {
  const image = serviceImage(s)?.ref;
  if (image === undefined || !SOCKET_PROXY_IMAGE.test(image)) return undefined;
  const post = environment(s.node, 'environment').find((e) => e.name === 'POST');
  const value = post?.value === undefined || post.value === null ? '' : String(post.value).trim().toLowerCase();
  return value === '' || value === '0' || value === 'false' ? image : undefined;
}

const sensitiveMount = composeRule({
  id: 'iac/compose-sensitive-host-mount',
  title: 'System directory of the host mounted',
  description:
    "A bind mount exposes a system directory of the host (/, /etc, /proc, /sys, /dev, /root, a home directory or its dot folders, /usr, /var/lib/docker, /var/log, the host's service and runtime state under /run...) to the container: a compromised container can read host credentials or change the host. The paths are those of iac/k8s-hostpath-sensitive, but for /etc: an application's own folder (/run/myapp, /var/lib/myapp, /opt/myapp/data, /home/pi/media, a folder below /usr/share/appdata, where NAS guides keep each container's data and AppStream reads only the XML files directly in it, and on a Docker host /etc/pihole, where the service keeps its configuration) is not one, while the host's own configuration (/etc itself, /etc/ssh, /etc/sudoers.d, cron, systemd, the runtime's, and that of daemons whose configuration runs commands as root such as /etc/dnsmasq.d) is, and the world-readable files a container commonly takes from the host (/etc/localtime, /etc/timezone, /usr/share/zoneinfo, /etc/ssl/certs, /etc/passwd, /etc/group...) and the kernel's modules and headers (/lib/modules, /usr/src) are not reported when mounted read-only (:ro). Nor are the devices every container is given anyway (/dev/null, /dev/urandom, the TUN device /dev/net/tun of a VPN client).",
  remediation: 'Mount only application directories, read-only where possible (:ro); never the host root or system directories.',
  severity: 'high',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      service('    volumes:\n      # expect\n      - /etc:/host/etc:ro\n'),
      service('    volumes:\n      # expect\n      - /:/host\n'),
      service('    volumes:\n      # expect\n      - ${HOST_ETC:-/etc}:/host/etc\n'),
      // A Windows host's system directory, its drive's colon no separator.
      service('    volumes:\n      # expect\n      - C:\\Windows\\System32:/host/system32:ro\n'),
      // The host's own configuration under /etc, and that of a daemon whose configuration runs commands as root.
      service('    volumes:\n      # expect\n      - /etc/cron.d:/etc/cron.d\n      # expect\n      - /etc/dnsmasq.d:/etc/dnsmasq.d\n'),
      // Written to, the host's time zone and trusted certificates are changed; the logs of every container; a user's keys.
      // Written to, the kernel's modules are code the host loads.
      service('    volumes:\n      # expect\n      - /lib/modules:/lib/modules\n      # expect\n      - /usr/src:/usr/src\n'),
      service('    volumes:\n      # expect\n      - /etc/localtime:/etc/localtime\n      # expect\n      - /etc/ssl/certs:/etc/ssl/certs\n      # expect\n      - /var/lib/docker/containers:/logs:ro\n      # expect\n      - /home/pi/.ssh:/root/.ssh:ro\n'),
    ],
    negative: [
      service('    volumes:\n      - ./config:/etc/app:ro\n      - /srv/app/data:/data\n'),
      service('    volumes:\n      - ./src:/usr/src/app\n      - /usr/src/app/node_modules\n      - /etc/app\n'),
      // World-readable files of the host, read-only; an application's own folders.
      // The service's own configuration folder under the host's /etc.
      service('    volumes:\n      - /etc/pihole:/etc/pihole\n      - /etc/traefik/traefik.yml:/traefik.yml:ro\n'),
      // An application's own data folders: below /usr/share/appdata (as NAS guides lay them out), /opt and /var/lib.
      service('    volumes:\n      - /usr/share/appdata/sonarr:/config\n      - /opt/sonarr/data:/data\n      - /var/lib/sonarr:/var/lib/sonarr\n'),
      service('    volumes:\n      - /etc/localtime:/etc/localtime:ro\n      - /etc/timezone:/etc/timezone:ro\n      - type: bind\n        source: /etc/ssl/certs\n        target: /etc/ssl/certs\n        read_only: true\n      - /run/myapp:/run/myapp\n      - /home/pi/media:/media\n      - /var/log/myapp:/logs\n'),
      // The kernel's modules and headers, read-only, for a service that loads or builds a module (a VPN, a firewall).
      service('    volumes:\n      - /lib/modules:/lib/modules:ro\n      - /usr/src:/usr/src:ro\n'),
      // The TUN device a VPN client opens, which every container may use anyway (runc's default device rules).
      service('    volumes:\n      - /dev/net/tun:/dev/net/tun\n'),
    ],
  },
  *check(input) {
    for (const s of input.services) {
      for (const m of mounts(s)) {
        const source = m.source.replace(/\/+$/, '') || '/';
        if (!m.bind || RUNTIME_SOCKET.test(source)) continue;
        const what = sensitiveHostPath(source, 'host', m.readOnly);
        if (what !== undefined) yield { ...m.at, message: `${label(s)} mounts the host's ${source} into the container${detailNote(m.at)}: ${what}.`, resource: label(s) };
      }
    }
  },
});

const portAllInterfaces = composeRule({
  id: 'iac/compose-port-all-interfaces',
  title: 'Port published on all interfaces',
  description:
    "A published port has no host address, so Docker binds it on 0.0.0.0 (and ::): the service is reachable from every network the host is on, and Docker's iptables rules bypass host firewalls such as ufw. In a compose file for development, tests or CI (a name part or folder dev, devenv, local, debug, test, e2e, integration, ci, devcontainer, cypress, playwright: docker-compose.dev.yml, .ci/compose.yaml, cypress/docker-compose.yml; or an opening comment that says so: `for test and development only`, `do not use in production`; or a service built to a development stage of its Dockerfile: `build.target: development`) it is reported at low severity; the standard web ports of a public entry point (443, or 80 beside 443: a reverse proxy) at info, and so are an API gateway's proxy ports in its image (Kong's 8443, or 8000 beside it; its Admin API, 8001/8444, is iac/compose-sensitive-port's) and the port a DNS, mail, git or VPN server's image serves its clients on (pihole's 53, a mail server's 25, 465, 587, 993 and 995, a git forge's 22, WireGuard's 51820/udp, OpenVPN's 1194). In a Docker Swarm stack file (a name part stack: docker-stack.yml) the message says that the routing mesh publishes the port on every node and takes no host address, instead of advising 127.0.0.1.",
  remediation: 'Bind ports that only local clients need to loopback ("127.0.0.1:8080:8080"); expose public services through a reverse proxy that terminates TLS.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [service('    ports:\n      # expect\n      - "3000:3000"\n'), service('    ports:\n      # expect\n      - "0.0.0.0:8080:80"\n      - "127.0.0.1:9090:9090"\n      - "5432:5432"\n'), service('    ports:\n      # expect\n      - target: 80\n        published: 8080\n')],
    negative: [service('    ports:\n      - "127.0.0.1:3000:3000"\n      - "[::1]:8443:8443"\n'), service('    expose:\n      - "3000"\n'), service('    ports:\n      - target: 80\n        published: 8080\n        host_ip: 127.0.0.1\n')],
  },
  *check(input) {
    for (const s of input.services) {
      for (const p of publishedPorts(s)) {
        // Sensitive services are reported, more severely, by iac/compose-sensitive-port.
        if (!isAllInterfaces(p.hostIp) || sensitiveServices(s, p).length > 0) continue;
        const entryPoint = webEntryPoint(s, p);
        if (entryPoint)
          yield {
            ...p.at,
            severity: 'info',
            message: `${label(s)} publishes ${p.raw} on all interfaces${detailNote(p.at)}: ${entryPoint.what}, public on purpose; ${entryPoint.check}.`,
            resource: label(s),
          };
        else if (input.devOnly)
          yield {
            ...p.at,
            severity: 'low',
            message: `${label(s)} publishes ${p.raw} on all interfaces${detailNote(p.at)}, so every machine on the developer's or runner's network reaches it; bind it to 127.0.0.1 (low: a development or test file, as ${input.devOnly}).`,
            resource: label(s),
          };
        // A Swarm stack's routing mesh publishes on every node and takes no host address: 127.0.0.1 is no fix there.
        else if (input.swarmStack)
          yield {
            ...p.at,
            message: `${label(s)} publishes ${p.raw} on all interfaces${detailNote(p.at)}, and as a Swarm stack on every node of the swarm through the routing mesh, which takes no host address; publish it only if it must be public, else reach it over an overlay network.`,
            resource: label(s),
          };
        else yield { ...p.at, message: `${label(s)} publishes ${p.raw} on all interfaces${detailNote(p.at)}; bind it to 127.0.0.1 unless it must be public.`, resource: label(s) };
      }
    }
  },
});

const isPort = (range: [number, number] | undefined, port: number) => range !== undefined && range[0] === port && range[1] === port;
const publishesPort = (p: PublishedPort, port: number) => isPort(p.hostPorts, port) || isPort(p.containerPorts, port);

/**
 * The ports where a service takes the public's web traffic: HTTPS, and HTTP beside it (the
 * redirect to HTTPS and ACME challenges). 443 and 80 for any image (a reverse proxy); an API
 * gateway's proxy ports in its images (Kong's 8443 and 8000, whose Admin API on 8001/8444
 * is in the port catalogue).
 */
const WEB_ENTRY_POINTS: ReadonlyArray<{ https: number; http: number; images?: RegExp; what: string }> = [
  { https: 443, http: 80, what: 'a web entry point (HTTPS, or HTTP beside it)' },
  { https: 8443, http: 8000, images: KONG_IMAGES, what: "the proxy of the API gateway Kong (HTTPS, or HTTP beside it; its Admin API is 8001/8444)" },
];

/** Ports that servers of these images serve their clients on, not in the port catalogue: a VPN's tunnel, a mail server's TLS ports. */
const CLIENT_PORTS: ReadonlyArray<{ ports: readonly number[]; images: RegExp; what: string }> = [
  { ports: [51820], images: /(?:^|[/_-])(?:wireguard|wg-easy|wg-portal|wireguard-ui)(?:$|[/_-])/, what: 'the tunnel port of a WireGuard server' },
  { ports: [1194], images: /(?:^|[/_-])(?:openvpn(?:-as)?|ovpn)(?:$|[/_-])/, what: 'the port of an OpenVPN server' },
  { ports: [465, 587, 993, 995], images: MAIL_STORE_IMAGES, what: "a mail server's submission, IMAPS or POP3S port" },
];

/**
 * What makes a published port public by design, and what to check then: a web entry point (a
 * reverse proxy, a gateway's proxy), or the port a DNS, mail, git or VPN server's image serves
 * its clients on; undefined if nothing does.
 */
function webEntryPoint(s: ComposeService, p: PublishedPort): { what: string; check: string } | undefined {
  const image = pair(s.node, 'build') ? undefined : serviceImage(s)?.ref;
  const serverCheck = 'bind it to 127.0.0.1 or a LAN address if only local clients use it';
  // The port its image serves the public on (pihole's 53, a mail server's 25): the catalogue names those images.
  const [from, to] = p.containerPorts ?? [0, -1];
  const own = from === to ? ownServicePort(from, p.protocol, image) : undefined;
  if (own) return { what: `the ${own.service} port of its image (${imageName(image!)}), a ${own.service} server`, check: serverCheck };
  const client = from === to && image !== undefined ? CLIENT_PORTS.find((c) => c.ports.includes(from) && c.images.test(imageName(image))) : undefined;
  if (client) return { what: `${client.what} (${imageName(image!)})`, check: serverCheck };
  for (const entry of WEB_ENTRY_POINTS) {
    if (entry.images && (image === undefined || !entry.images.test(imageName(image)))) continue;
    // A gateway's ports are its container's; 443 and 80 on either side.
    const on = (q: PublishedPort, port: number) => (entry.images ? isPort(q.containerPorts, port) : publishesPort(q, port));
    if (on(p, entry.https) || (on(p, entry.http) && publishedPorts(s).some((q) => on(q, entry.https)))) return { what: entry.what, check: 'check that it is the reverse proxy terminating TLS, or bind it to 127.0.0.1' };
  }
  return undefined;
}

/** The catalogue services a published port exposes; the service's image decides a few (5000 is a registry only in a registry image). */
function sensitiveServices(s: ComposeService, p: PublishedPort) {
  const [from, to] = p.containerPorts ?? [0, -1];
  // The image of a service that is built is not known (image: then names the build's result).
  const built = pair(s.node, 'build') !== undefined;
  const image = built ? undefined : serviceImage(s)?.ref;
  const entries = from === to ? [sensitivePort(from, p.protocol, image, p.names)].filter((e) => e !== undefined) : to > from ? sensitivePortsInRange(from, to, p.protocol, image) : [];
  // A port that is the service's only in its images (Cassandra's 7001, Elasticsearch's 9200) says nothing of
  // an application built from the project's source, unless the service or the image it builds is named for it.
  return built ? entries.filter((e) => !e.knownImagesOnly || [s.name, serviceImage(s)?.ref].some((n) => n !== undefined && e.knownImagesOnly!.test(imageName(n)))) : entries;
}

/**
 * Data services (databases, caches, queues, mail stores) whose published port a compose
 * file for development, tests or CI reports one step lower: what they expose there is the
 * developer's or runner's throwaway data. A port that gives control of a machine (the
 * Docker API, remote shells, a cluster's API, file shares) is not lowered.
 */
const DEV_DATA_CATEGORIES: ReadonlySet<PortCategory> = new Set<PortCategory>(['database', 'cache', 'messaging', 'mail']);

const sensitivePortPublished = composeRule({
  id: 'iac/compose-sensitive-port',
  title: 'Sensitive or cleartext service port published',
  description:
    "A port of a service that should not be reachable from other machines (SSH, Telnet, FTP, the Docker API, a database, a cache, the Admin API of an API gateway such as Kong's 8001/8444 in a Kong image, which has no authentication in the open-source gateway and configures every route and plugin) is published on a non-loopback address. Ports that are also common application defaults (Cassandra's 7000/7001, Elasticsearch's 9200/9300) count only in an image of that service, or in a service built from source that is named for it or builds an image named for it. In a compose file for development, tests or CI (a name part or folder dev, devenv, local, debug, test, e2e, integration, ci, devcontainer, cypress, playwright, or a folder named with test or e2e among other words, or an opening comment that says so: `for test and development only`, `do not use in production`; or a service built to a development stage of its Dockerfile: `build.target: development`) a data service's port (a database, cache, message queue or mail store) is reported one severity lower, as every machine of the developer's network still reaches it but the data is a throwaway; a port that gives control of the machine (the Docker API, a remote shell, a cluster's API, a file share) keeps its severity.",
  remediation: 'Do not publish it; let other containers reach it over the compose network, or bind it to 127.0.0.1 for local tools.',
  severity: 'high',
  cwe: ['CWE-200'],
  examples: {
    positive: [
      service('    ports:\n      # expect\n      - "0.0.0.0:3306:3306"\n'),
      service('    ports:\n      # expect\n      - "6379"\n'),
      service('    ports:\n      # expect\n      - "2222:22"\n'),
      service('    ports:\n      # expect\n      - "${REDIS_PORT:-7654}:6379"\n      # expect\n      - "${REDIS_BIND:-0.0.0.0:6380}:6379"\n'),
      'services:\n  registry:\n    image: registry:2.8.3\n    ports:\n      # expect\n      - "5000:5000"\n',
      'services:\n  dns:\n    image: alpine:3.20\n    ports:\n      # expect\n      - "53:53/udp"\n',
      // Kong's Admin API; its proxy ports 8000 and 8443 are the public entry point (iac/compose-port-all-interfaces, info).
      'services:\n  gateway:\n    image: kong/kong-gateway:3.7\n    ports:\n      - "8000:8000"\n      - "8443:8443"\n      # expect\n      - "8001:8001"\n',
      // A service built from source that is named for the search engine is one.
      'services:\n  elasticsearch:\n    build: ./search\n    ports:\n      # expect\n      - "9200:9200"\n',
      // A long-syntax port named for its service is that service.
      'services:\n  cache:\n    image: example.org/cache:1.0\n    ports:\n      # expect\n      - target: 6379\n        published: 6379\n        name: redis\n',
    ],
    negative: [
      service('    ports:\n      - "127.0.0.1:5432:5432"\n'),
      service('    ports:\n      - "8080:80"\n'),
      // 5000 is also the default port of Flask and many other apps: a registry only in a registry image.
      'services:\n  api:\n    build: .\n    ports:\n      - "127.0.0.1:8000:8000"\n      - "0.0.0.0:5000:5000"\n',
      // A DNS server publishes 53 on purpose.
      'services:\n  dns:\n    image: pihole/pihole:2024.07.0\n    ports:\n      - "53:53/udp"\n      - "53:53/tcp"\n',
      // 7001 is Cassandra's only in a Cassandra image: not in an application built from source (opentelemetry-demo's currency service).
      'services:\n  currency:\n    image: ${IMAGE_NAME}:${DEMO_VERSION}-currency\n    build:\n      context: ./\n      dockerfile: src/currency/Dockerfile\n    ports:\n      - "7001"\n',
      // So do a git forge its SSH and a mail server SMTP; 9200 is Elasticsearch only in a search engine's image.
      'services:\n  git:\n    image: gitea/gitea:1.22\n    ports:\n      - "2222:22"\n  mx:\n    image: mailserver/docker-mailserver:14.0\n    ports:\n      - "25:25"\n  ocis:\n    image: owncloud/ocis:7.0\n    ports:\n      - "9200:9200"\n',
      // 8001 is Kong's Admin API only in a Kong image.
      'services:\n  api:\n    image: example.org/api:1.0\n    ports:\n      - "8001:8001"\n',
      // The variable's default gives a loopback address with the port.
      service('    ports:\n      - "${REDIS_PORT:-127.0.0.1:7654}:6379"\n      - "${SQL_PORT:-[::1]:13306}:3306"\n'),
      // A long-syntax port whose name or app_protocol says another protocol than the catalogue's service of its number (Consul's 8500 speaks HTTP).
      'services:\n  mesh:\n    image: example.org/mesh:1.0\n    ports:\n      - target: 8500\n        published: 8500\n        name: grpc\n        app_protocol: grpc\n',
    ],
  },
  *check(input) {
    for (const s of input.services) {
      for (const p of publishedPorts(s)) {
        if (isLoopback(p.hostIp)) continue;
        const entry = sensitiveServices(s, p)[0];
        if (!entry) continue;
        const lowered = input.devOnly && DEV_DATA_CATEGORIES.has(entry.category) && severityRank(entry.severity) > severityRank('low') ? oneSeverityLower(entry.severity) : undefined;
        if (lowered)
          yield {
            ...p.at,
            message: `${label(s)} publishes ${describePort(entry)} as ${p.raw}${detailNote(p.at)}, so every machine on the developer's or runner's network reaches it; bind it to 127.0.0.1 (${lowered}: a development or test file, as ${input.devOnly}).`,
            resource: label(s),
            severity: lowered,
          };
        else yield { ...p.at, message: `${label(s)} publishes ${describePort(entry)} as ${p.raw}${detailNote(p.at)}; keep it on the internal network.`, resource: label(s), severity: entry.severity };
      }
    }
  },
});

const dangerousCapabilities = composeRule({
  id: 'iac/compose-dangerous-capabilities',
  title: 'Dangerous capability added',
  description: "cap_add grants a capability that breaks isolation: SYS_ADMIN (almost root), NET_ADMIN/NET_RAW (network tampering and spoofing), SYS_PTRACE, SYS_MODULE, or ALL. Critical for ALL, SYS_ADMIN and SYS_MODULE, which give about what privileged: true gives (as the Kubernetes and ECS rules judge them), high for the others. Docker's default capabilities added back after cap_drop: [ALL] (CHOWN, DAC_OVERRIDE, SETUID...) give no more than a default container has and are not reported.",
  remediation: 'Remove the capability; find the narrow one the process actually needs.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [service('    # expect\n    cap_add:\n      - SYS_ADMIN\n'), service('    # expect\n    cap_add: [ALL]\n')],
    negative: [service('    cap_drop: [ALL]\n    cap_add:\n      - NET_BIND_SERVICE\n'), service('    cap_drop: [ALL]\n    cap_add: [CHOWN, DAC_OVERRIDE, SETUID, SETGID]\n')],
  },
  *check(input) {
    for (const s of input.services) {
      const p = pair(s.node, 'cap_add');
      const caps = items(p?.value).map((i) => normaliseCapability(text(i) ?? '')).filter((c) => DANGEROUS_CAPABILITIES.has(c));
      if (p && caps.length > 0) yield { line: p.keyLine, message: `${label(s)} adds ${caps.join(', ')}.`, resource: label(s), severity: capabilitiesSeverity(caps) };
    }
  },
});

const capabilitiesNotDropped = composeRule({
  id: 'iac/compose-capabilities-not-dropped',
  title: 'Linux capabilities not dropped',
  description: "The service keeps Docker's default capabilities (NET_RAW, CHOWN, SETUID, ...) because cap_drop does not include ALL, or gives them all back with cap_add: [ALL]. NET_RAW alone allows spoofing on the container network.",
  remediation: 'Add cap_drop: [ALL] and cap_add only what the process needs (e.g. NET_BIND_SERVICE).',
  severity: 'low',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      service('    read_only: true\n').replace('  web:', '  # expect\n  web:'),
      service('    # expect\n    cap_drop:\n      - NET_RAW\n'),
      service('    cap_drop: [ALL]\n    # expect\n    cap_add: [ALL]\n'),
      service('    # expect\n    cap_add:\n      - all\n    # expect\n    cap_drop:\n      - NET_RAW\n'),
    ],
    negative: [service('    cap_drop:\n      - all\n'), service('    cap_drop: [ALL]\n    cap_add: [NET_BIND_SERVICE]\n')],
  },
  *check(input) {
    for (const s of input.services) {
      const add = pair(s.node, 'cap_add');
      const drop = pair(s.node, 'cap_drop');
      const caps = (p: typeof add) => items(p?.value).map((i) => (text(i) ?? '').toUpperCase().replace(/^CAP_/, ''));
      // cap_add: [ALL] undoes any cap_drop, so it is a setting to change of its own; a
      // cap_drop without ALL is the other one (both are reported when both need a fix).
      const addsAll = add !== undefined && caps(add).includes('ALL');
      if (addsAll) yield { line: add.keyLine, message: `${label(s)} adds ALL capabilities back, so none stay dropped.`, resource: label(s) };
      if (!caps(drop).includes('ALL')) yield { line: drop ? drop.keyLine : s.line, message: `${label(s)} does not drop ALL capabilities.`, resource: label(s) };
    }
  },
});

const PROFILE_DISABLED = /^(?:seccomp|apparmor|label(?::seccomp)?)[:=](?:unconfined|disable)$/i;

const securityProfileDisabled = composeRule({
  id: 'iac/compose-security-profile-disabled',
  title: 'Seccomp, AppArmor or SELinux disabled',
  description: "security_opt turns off a kernel confinement layer (seccomp:unconfined, apparmor:unconfined, label:disable). The container can then use every system call or escape the mandatory access control that blocks many container-escape techniques. In a compose file for development, tests or CI (as for iac/compose-port-all-interfaces) it is reported at medium, as a shared host namespace is: it is how a debugger (delve, gdb) gets ptrace in a development container, and what it opens is the developer's machine or a throwaway runner.",
  remediation: 'Remove the option; if the default seccomp profile blocks a needed call, write a custom profile that allows just that call.',
  severity: 'high',
  cwe: ['CWE-693'],
  examples: {
    positive: [service('    security_opt:\n      # expect\n      - seccomp:unconfined\n'), service('    security_opt:\n      - no-new-privileges:true\n      # expect\n      - apparmor=unconfined\n')],
    negative: [service('    security_opt:\n      - no-new-privileges:true\n      - seccomp:./profile.json\n')],
  },
  *check(input) {
    for (const s of input.services) {
      for (const entry of listEntries(s, 'security_opt')) {
        const value = entry.value.replace(/\s+/g, '');
        if (PROFILE_DISABLED.test(value)) yield* lowerInDev(input, [{ ...entry.at, message: `${label(s)} sets ${value}${detailNote(entry.at)}, disabling a kernel confinement layer.`, resource: label(s) }], 'high');
      }
    }
  },
});

const noNewPrivileges = composeRule({
  id: 'iac/compose-no-new-privileges',
  title: 'no-new-privileges not set',
  description: 'Without security_opt no-new-privileges:true, a process in the container can gain privileges through setuid and setgid binaries, turning a foothold as an unprivileged user into root in the container.',
  remediation: 'Add security_opt: ["no-new-privileges:true"] to every service.',
  severity: 'low',
  cwe: ['CWE-269'],
  examples: {
    positive: [service('    # expect\n    security_opt:\n      - seccomp:./profile.json\n'), service('    security_opt:\n      # expect\n      - no-new-privileges:false\n'), service('    read_only: true\n').replace('  web:', '  # expect\n  web:')],
    negative: [service('    security_opt:\n      - no-new-privileges:true\n'), service('    security_opt: ["no-new-privileges"]\n')],
  },
  *check(input) {
    for (const s of input.services) {
      const opt = pair(s.node, 'security_opt');
      const values = listEntries(s, 'security_opt').map((e) => ({ value: e.value.replace(/\s+/g, ''), at: e.at }));
      const nnp = values.find((v) => /^no-new-privileges(?:[:=]|$)/.test(v.value));
      if (nnp && /^no-new-privileges(?:[:=]true)?$/.test(nnp.value)) continue;
      const at = nnp ? nnp.at : { line: opt ? opt.keyLine : s.line };
      yield {
        ...at,
        message: `${label(s)} does not set no-new-privileges:true${detailNote(at)}.`,
        resource: label(s),
      };
    }
  },
});

/** A `user:` that is root: the name root or UID 0, with or without a group (`0:0`, `root:root`, `0:1000`). */
const ROOT_USER = /^(?:root|0+)(?::.*)?$/i;
/** linuxserver.io's images: s6-overlay's /init starts as root and runs their services as abc (PUID, PGID). */
const LINUXSERVER_IMAGE = /(?:^|\/)linuxserver\/[^/]+$/;

/** The services another service waits for to finish (`depends_on: {setup: {condition: service_completed_successfully}}`), with one that waits. */
function setupServices(input: ComposeInput): Map<string, string> {
  const waitedFor = new Map<string, string>();
  for (const s of input.services) {
    const depends = get(s.node, 'depends_on');
    for (const other of input.services) {
      if (text(get(depends, other.name, 'condition')) === 'service_completed_successfully' && !waitedFor.has(other.name)) waitedFor.set(other.name, s.name);
    }
  }
  return waitedFor;
}

/** The words of a service's `command:` or `entrypoint:` (a list, or a string Compose splits as a shell would, without running one); empty without one. */
function commandWords(s: ComposeService, key: 'command' | 'entrypoint'): string[] {
  const command = get(s.node, key);
  if (isYScalar(command)) return (parseShell(text(command) ?? '')[0]?.[0]?.words ?? []).map((w) => w.text);
  return items(command).map((item) => text(item) ?? '');
}

const runAsRoot = composeRule({
  id: 'iac/compose-run-as-root',
  title: 'Service runs as root',
  description:
    "A service sets user: to root (root, 0, 0:0, root:root, or root or UID 0 with another group), in the file, through the .env file beside it, or by the default written for a variable that file does not set (user: ${APP_USER:-root}, what runs unless the user sets it), instead of leaving the image's user or naming an unprivileged one. Its process is then root in the container with Docker's default capabilities: it can read and change every file of its volumes and bind mounts whoever owns them, and code that escapes the container is root on the host. This is what iac/dockerfile-root-user reports for USER root and iac/k8s-run-as-root for runAsUser: 0, at the same severity, high; and as there, medium when the service drops every capability (cap_drop: [ALL], none added back) and sets no-new-privileges:true. A one-shot setup service, one another service waits for to finish (depends_on with condition: service_completed_successfully, as Elastic's setup service that writes the certificates, or a job that gives a volume to the service's user), is reported low: it exits before the services that do the work start and serves nothing. In a compose file for development, tests or CI (as for iac/compose-host-network) it is one severity lower. Not reported: an image whose entrypoint drops root for its service whatever user starts it, so that user: root changes nothing: the Docker Official Images postgres, redis, mysql, mariadb, mongo, rabbitmq, cassandra and zookeeper (with their own entrypoint, running their service, or a shell's -c script whose last command runs docker-entrypoint.sh with the service: `bash -c \"chown ... && exec docker-entrypoint.sh postgres\"`, as for iac/dockerfile-no-user; an entrypoint: of the file's own only when it runs docker-entrypoint.sh again with the service, directly or as such a script's last command) and linuxserver.io's images (s6-overlay runs their services as abc). A service that names no user is not reported: the image decides, and iac/dockerfile-no-user judges the images the scan builds.",
  remediation:
    'Remove user: root to run as the user the image sets, or name an unprivileged UID (user: "1000:1000"); when root was set to write a volume or bind mount, give the folder to that UID instead (chown on the host, or a one-shot setup service that the service waits for).',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      service('    # expect\n    user: root\n'),
      service('    # expect\n    user: "0:0"\n'),
      service('    # expect\n    user: 0\n', 'jenkins').replace('registry.example.org/web:2.3.1', 'jenkins/jenkins:2.479.2-lts'),
      // Every capability dropped and no-new-privileges: medium (test/scanners/iac/compose-rules.test.ts).
      service('    # expect\n    user: root:root\n    cap_drop: [ALL]\n    security_opt: [no-new-privileges:true]\n'),
      // A default of root that no .env file replaces.
      service('    # expect\n    user: ${APP_USER:-root}\n'),
      // A one-shot setup service: low.
      'services:\n  setup:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.3\n    # expect\n    user: "0"\n    command: bin/elasticsearch-certutil ca --silent --pem -out config/certs/ca.zip\n  es:\n    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.3\n    depends_on:\n      setup:\n        condition: service_completed_successfully\n',
    ],
    negative: [
      service('    user: "1000:1000"\n'),
      service('    user: app\n'),
      service('    user: "${UID}:${GID}"\n'),
      // The image's entrypoint drops root for its service: user: root changes nothing.
      'services:\n  db:\n    image: postgres:16.4-alpine\n    user: root\n    command: postgres -c shared_buffers=256MB\n  setup:\n    image: postgres:16.4-alpine\n    user: root\n    command: bash -c "chown -R postgres /var/lib/postgresql/data && exec docker-entrypoint.sh postgres"\n  media:\n    image: lscr.io/linuxserver/jellyfin:10.10.3\n    user: "0:0"\n',
    ],
  },
  *check(input) {
    const setup = setupServices(input);
    for (const s of input.services) {
      const p = pair(s.node, 'user');
      const raw = text(p?.value);
      if (!p || raw === undefined) continue;
      // A variable counts when the .env file beside the compose file gives it, or else by the default written for it, which is what runs unless the user sets it.
      const value = raw.includes('$') ? interpolate(raw, s.dotenv?.values) : { text: raw, fromDotEnv: false, unresolved: false };
      const byDefault = raw.includes('$') && !value.fromDotEnv;
      if (value.unresolved || (byDefault && !onlyDefaults(raw)) || !ROOT_USER.test(value.text.trim())) continue;
      const image = serviceImage(s)?.ref;
      if (image !== undefined) {
        // The image's entrypoint drops root for its service whoever starts it; an entrypoint of the file's own may run it again.
        const official = officialImageDrop(image);
        const own = pair(s.node, 'entrypoint') !== undefined;
        const command = own ? [...commandWords(s, 'entrypoint'), ...commandWords(s, 'command')] : commandWords(s, 'command');
        if (official && ((!own && command.length === 0) || reachesOfficialDrop(official, command, !own))) continue;
        if (!own && LINUXSERVER_IMAGE.test(imageRepository(image) ?? '')) continue;
      }
      const shown = value.fromDotEnv
        ? `user: ${raw}, ${value.text} with the values of ${s.dotenv!.path}`
        : byDefault
          ? `user: ${raw}, ${value.text} by the default written there, used when the variable is not set`
          : `user: ${raw}`;
      const drops = items(get(s.node, 'cap_drop')).some((c) => (text(c) ?? '').toUpperCase() === 'ALL') && items(get(s.node, 'cap_add')).length === 0;
      const noNewPrivileges = listEntries(s, 'security_opt').some((e) => /^no-new-privileges(?:[:=]true)?$/.test(e.value.replace(/\s+/g, '')));
      const waiter = setup.get(s.name);
      const severity: Severity = waiter !== undefined ? 'low' : drops && noNewPrivileges ? 'medium' : 'high';
      const why =
        waiter !== undefined
          ? `, as a one-shot setup service that service ${waiter} waits to complete`
          : severity === 'medium'
            ? ', though with every capability dropped and no-new-privileges set'
            : ': it can read and change every file of its volumes whoever owns them, and an escape from the container is root on the host';
      const hit: Hit = { line: p.keyLine, message: `${label(s)} runs as root (${shown})${why}.`, resource: label(s), ...(severity !== 'high' ? { severity } : {}) };
      yield* lowerInDev(input, [hit], severity);
    }
  },
});

/**
 * The literal password of a `scheme://user:password@host` URL, or undefined: none, or a
 * reference (`${DB_PASSWORD}`) or placeholder. `${...}` may itself hold a colon (`${USER:-app}`).
 */
export function urlPassword(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const scheme = /^\s*[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\//.exec(value);
  if (!scheme) return undefined;
  const authority = /^(?:\$\{[^}]*\}|[^/?#\s])*/.exec(value.slice(scheme[0].length))![0];
  const at = authority.lastIndexOf('@');
  if (at < 0) return undefined;
  const userinfo = authority.slice(0, at);
  let colon = -1;
  for (let i = 0, depth = 0; i < userinfo.length; i++) {
    if (userinfo.startsWith('${', i)) depth++;
    else if (userinfo[i] === '}' && depth > 0) depth--;
    else if (userinfo[i] === ':' && depth === 0) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return undefined;
  const password = userinfo.slice(colon + 1);
  return isLiteralSecretValue(password) ? password : undefined;
}

/** A password that is a plain word or a few joined (`password`, `admin`, `keycloak`, `dev-pass`, `change-this-insecure-key`), not a generated secret. */
const DEV_WORD_PASSWORD = /^[A-Za-z]{1,20}(?:[-_.][A-Za-z]{1,20}){0,3}$/;

const secretInEnvironment = composeRule({
  id: 'iac/compose-secret-in-environment',
  title: 'Literal secret in the compose file',
  description:
    'An environment variable or build argument with a secret-looking name has its value written in the compose file, or a URL in one carries a literal password (DATABASE_URL: postgres://app:password@db/app), so the secret is in version control and in `docker inspect` output. A literal fallback (`${DB_PASSWORD:-secret}`) is reported at medium: it is what runs wherever the variable is not set. In a compose file for development, tests or CI (a name part or folder dev, devenv, local, debug, test, e2e, integration, ci, devcontainer, cypress, playwright, or a folder named with test or e2e among other words, or an opening comment that says so: `for test and development only`, `do not use in production`; or a service built to a development stage of its Dockerfile: `build.target: development`) a value that is a plain word (`password`, `admin`) rather than a generated secret is reported at low: the throwaway credential of a service run locally. The access key of a pair whose secret key is set beside it (MINIO_ACCESS_KEY with MINIO_SECRET_KEY, AWS_ACCESS_KEY with AWS_SECRET_KEY) is not reported: it names the credential (a user name, a key ID), and the secret key is. Nor is a value that a comment on its line (or a comment line above it) tells the reader to replace (`API_KEY: 3f9a...  # replace with your key`): like a value written as a fill-in (`your-api-key-here`), it is a placeholder.',
  remediation: 'Use ${VAR} substitution from an untracked .env file (`${VAR:?message}` to refuse to start without it), env_file:, or compose secrets: (mounted as files under /run/secrets).',
  severity: 'high',
  cwe: ['CWE-798'],
  placeholderComments: true,
  examples: {
    positive: [
      service('    environment:\n      # expect\n      MYSQL_ROOT_PASSWORD: Tr0ub4dor-and-3\n'),
      service('    environment:\n      # expect\n      - API_TOKEN=abcd1234efgh5678\n'),
      service('    build:\n      context: .\n      args:\n        # expect\n        NPM_TOKEN: npm_abcdefabcdef0123456789\n'),
      // The URLs are cut in two so that secloop's own secret scan does not report them.
      service('    environment:\n      # expect\n      DATABASE_URL: postgres://app:' + 'Vq8zK2mLp4@db:5432/app\n'),
      service('    environment:\n      # expect\n      - CACHE_URL=redis://:' + 'Hn5tR7wQ1x@cache:6379/0\n'),
      // Medium: the written fallback is used wherever the variable is not set.
      service('    environment:\n      # expect\n      DB_PASSWORD: ${DB_PASSWORD:-Tr0ub4dor-and-3}\n'),
      // An access key and its secret key: the secret key is the secret (the access key names the credential).
      service('    environment:\n      AWS_ACCESS_KEY: storage\n      # expect\n      AWS_SECRET_KEY: storage-secret-0\n'),
      // An access key alone may be the credential itself (a monitoring agent's key).
      service('    environment:\n      # expect\n      - ACCESS_KEY=monitoring-agent-key-1\n'),
    ],
    negative: [
      service('    environment:\n      MYSQL_ROOT_PASSWORD: ${MYSQL_ROOT_PASSWORD}\n      MYSQL_PASSWORD_FILE: /run/secrets/db\n      MYSQL_DATABASE: shop\n'),
      service('    environment:\n      - API_TOKEN\n'),
      service('    environment:\n      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app\n      MIRROR_URL: https://${USER:-app}@mirror.example.org/repo\n      API_URL: http://api:8080/v1\n'),
      service('    environment:\n      DB_PASSWORD: ${DB_PASSWORD:?set DB_PASSWORD in .env}\n      API_TOKEN: ${API_TOKEN:-}\n'),
      // How passwords are hashed, not a password.
      service('    environment:\n      - MAILCOW_PASS_SCHEME=${MAILCOW_PASS_SCHEME:-BLF-CRYPT}\n'),
      // A fallback that says there is no key: the API stays off until one is set.
      service('    environment:\n      - API_KEY=${API_KEY:-invalid}\n'),
      // The files under /etc/kafka/secrets that hold the credentials (Confluent's images read them so).
      service('    environment:\n      KAFKA_SSL_KEYSTORE_CREDENTIALS: broker_keystore_creds\n      KAFKA_SSL_KEY_CREDENTIALS: broker_sslkey_creds\n'),
      service('    environment:\n      - SECRET_LOCAL_HOSTNAME=0.0.0.0\n'),
    ],
  },
  *check(input) {
    // In a file for development, tests or CI, a plain word (`password`, `admin`) is the throwaway credential of a local service.
    const throwaway = (value: string): { severity?: 'low'; note?: string } =>
      input.devOnly && DEV_WORD_PASSWORD.test(value.trim()) ? { severity: 'low', note: ` (low: a development or test file, as ${input.devOnly}, and a plain word rather than a generated secret)` } : {};
    /**
     * Why it matters and what to do, outside files for development and tests: a plain word
     * (`paperless`, `changeme`) is a default every installation that keeps it shares; a
     * generated value is a secret whoever reads the repository holds.
     */
    const why = (value: string, fix: string): string =>
      input.devOnly
        ? ''
        : `${DEV_WORD_PASSWORD.test(value.trim()) ? ': a plain word, not a generated secret, so every installation that keeps it shares one guessable password' : ': whoever can read the repository has it'}; ${fix}`;
    for (const s of input.services) {
      const entries = [...environment(s.node, 'environment'), ...environment(get(s.node, 'build'), 'args')];
      const names = entries.map((e) => e.name);
      for (const entry of entries) {
        // The access key of a pair whose secret key is set beside it names the credential; the secret key is reported.
        if (isAccessKeyOfPair(entry.name, names)) continue;
        if (isSecretName(entry.name) && isLiteralSecretValue(entry.value, entry.name)) {
          const { note = '', ...dev } = throwaway(String(entry.value));
          yield { ...entry.at, message: `${label(s)} sets ${entry.name} to a literal secret in the compose file${detailNote(entry.at)}${note}${why(String(entry.value), `set it from an untracked .env (\${${entry.name}:?}) or a compose secret`)}.`, resource: label(s), secret: String(entry.value), ...dev };
          continue;
        }
        const fallback = typeof entry.value === 'string' ? /^\$\{\w+:?-([^}]*)\}$/.exec(entry.value.trim())?.[1] : undefined;
        if (fallback && isSecretName(entry.name) && isLiteralSecretValue(fallback, entry.name)) {
          const { note = '', ...dev } = throwaway(fallback);
          yield { ...entry.at, severity: 'medium', message: `${label(s)} falls back to a literal secret for ${entry.name} when the variable is not set${detailNote(entry.at)}${note}${input.devOnly ? '' : `: wherever .env leaves it out, that value runs; write \${${entry.name}:?} to refuse to start without it`}.`, resource: label(s), secret: fallback, ...dev };
          continue;
        }
        const password = urlPassword(entry.value);
        if (password !== undefined) {
          const { note = '', ...dev } = throwaway(password);
          yield { ...entry.at, message: `${label(s)} sets ${entry.name} to a URL with a literal password in the compose file${detailNote(entry.at)}${note}${why(password, 'write the password as a variable from an untracked .env (postgres://app:${DB_PASSWORD}@db/app)')}.`, resource: label(s), secret: password, ...dev };
        }
      }
    }
  },
});

/**
 * Settings of the official database images (and Bitnami's) that let clients in without a
 * password: PostgreSQL's `trust` for every host, MySQL's and MariaDB's empty root password.
 */
const NO_PASSWORD_SETTINGS: ReadonlyArray<{ name: RegExp; on: (value: string) => boolean; what: string; unlessPassword: boolean }> = [
  // Trust overrides every password: pg_hba.conf lets every host in without one.
  { name: /^POSTGRES_HOST_AUTH_METHOD$/, on: (v) => v.toLowerCase() === 'trust', what: 'PostgreSQL accepts every connection without a password, as any role, its superuser too', unlessPassword: false },
  // These only allow a missing password: a root password that is set still counts.
  {
    name: /^(?:MYSQL_ALLOW_EMPTY_PASSWORD|MARIADB_ALLOW_EMPTY_ROOT_PASSWORD|MARIADB_ALLOW_EMPTY_PASSWORD)$/,
    on: (v) => /^(?:yes|true|1|on)$/i.test(v),
    what: 'the database root user has no password',
    unlessPassword: true,
  },
  // Bitnami's images (postgresql, mysql, mariadb, redis, mongodb...) honour only `yes`.
  { name: /^ALLOW_EMPTY_PASSWORD$/, on: (v) => /^(?:yes|true)$/i.test(v), what: 'the database accepts its users without a password', unlessPassword: true },
];

/** A password the service is given (MYSQL_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD_FILE, MYSQL_RANDOM_ROOT_PASSWORD, REDIS_PASSWORD...), by value or reference. */
const GIVEN_PASSWORD = /^(?!.*ALLOW_EMPTY).*(?:PASSWORD|PASSWD)(?:_FILE|_HASH)?$/;

const databaseWithoutPassword = composeRule({
  id: 'iac/compose-database-without-password',
  title: 'Database accepts connections without a password',
  description:
    "A database service is told to let clients in without a password: POSTGRES_HOST_AUTH_METHOD: trust (the official postgres image then trusts every host, as any role, the superuser too), MYSQL_ALLOW_EMPTY_PASSWORD or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD (root with no password), or Bitnami's ALLOW_EMPTY_PASSWORD=yes. Whoever reaches its port owns its data. High when the service publishes a port on an address other than loopback or shares the host's network (medium in a compose file for development, tests or CI, as for iac/compose-sensitive-port: the data is a throwaway, but every machine of the developer's network reaches it); low when it does not, since every container on its networks still connects without a password (info in a file for development, tests or CI).",
  remediation: 'Set a password (POSTGRES_PASSWORD, MYSQL_ROOT_PASSWORD or MARIADB_ROOT_PASSWORD from an untracked .env or a compose secret) and remove the setting; do not publish the database port, or bind it to 127.0.0.1.',
  severity: 'high',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'services:\n  db:\n    image: postgres:16.4\n    ports:\n      - "15432:5432"\n    environment:\n      # expect\n      POSTGRES_HOST_AUTH_METHOD: "trust"\n',
      'services:\n  db:\n    image: mariadb:11.4\n    environment:\n      # expect\n      - MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=1\n',
      'services:\n  cache:\n    image: bitnami/redis:7.4\n    network_mode: host\n    environment:\n      # expect\n      - ALLOW_EMPTY_PASSWORD=yes\n',
    ],
    negative: [
      'services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n      POSTGRES_HOST_AUTH_METHOD: scram-sha-256\n',
      'services:\n  db:\n    image: mysql:8.4\n    environment:\n      MYSQL_ALLOW_EMPTY_PASSWORD: "no"\n      MYSQL_RANDOM_ROOT_PASSWORD: "yes"\n      ALLOW_EMPTY_PASSWORD: ${ALLOW_EMPTY_PASSWORD}\n',
      // A root password is set: the empty one is only allowed, not used.
      'services:\n  db:\n    image: mariadb:11.4\n    environment:\n      - MARIADB_ALLOW_EMPTY_ROOT_PASSWORD=yes\n      - MARIADB_ROOT_PASSWORD_FILE=/run/secrets/db_root\n',
    ],
  },
  *check(input) {
    for (const s of input.services) {
      const published = publishedPorts(s).filter((p) => !isLoopback(p.hostIp));
      const hostNetwork = text(pair(s.node, 'network_mode')?.value) === 'host';
      const reach = hostNetwork
        ? "it shares the host's network, so every machine that reaches the host"
        : published.length > 0
          ? `it publishes ${published.map((p) => p.raw).join(', ')}${published.some((p) => isAllInterfaces(p.hostIp)) ? ' on all interfaces' : ''}, so every machine that reaches the host`
          : undefined;
      const env = environment(s.node, 'environment');
      const password = env.some((e) => GIVEN_PASSWORD.test(e.name) && e.value !== undefined && e.value !== null && String(e.value).trim() !== '');
      for (const entry of env) {
        const setting = NO_PASSWORD_SETTINGS.find((n) => n.name.test(entry.name));
        const value = typeof entry.value === 'string' || typeof entry.value === 'number' || typeof entry.value === 'boolean' ? String(entry.value).trim() : undefined;
        if (!setting || value === undefined || !setting.on(value) || (setting.unlessPassword && password)) continue;
        const severity: Severity = reach ? (input.devOnly ? 'medium' : 'high') : input.devOnly ? 'info' : 'low';
        const who = reach ? `${reach} logs in` : 'every container on its networks logs in (it publishes no port)';
        const dev = input.devOnly ? ` (${severity}: a development or test file, as ${input.devOnly})` : '';
        yield {
          ...entry.at,
          severity,
          message: `${label(s)} sets ${entry.name}=${value}${detailNote(entry.at)}: ${setting.what}, and ${who}${dev}; set a password from an untracked .env and remove the setting.`,
          resource: label(s),
        };
      }
    }
  },
});

/** The secret files git holds for the compose examples below: one with content, and an empty one the deployment fills. */
const SECRET_FILES_CONTEXT = { path: 'deploy/compose.yaml', compose: { committedFiles: new Map([['deploy/db/password.txt', 12], ['deploy/secrets/api-token', 0]]) } };

const committedSecretFile = composeRule({
  id: 'iac/compose-committed-secret-file',
  title: 'Secret file committed with the compose file',
  description:
    "A top-level `secrets:` entry reads its value from a file (`file: ./db/password.txt`) that is in the repository: git's index holds it, committed or staged to be. Compose secrets keep a value out of the image and the environment, but a file committed beside the compose file gives it to everyone who can read the repository, its forks and its history. An empty file (a placeholder the deployment fills) is not reported, nor is an untracked or ignored file, a file outside the scan root, an absolute path or a path with a variable; outside a git checkout the rule cannot tell and says nothing. In a compose file for development, tests or CI the finding is low. The value is never shown.",
  remediation: 'Keep the secret file out of version control (add it to .gitignore and remove it from the history), create it at deploy time from a secret store, or use `environment:` with a variable from an untracked .env; rotate the value if it was ever pushed.',
  severity: 'medium',
  cwe: ['CWE-540'],
  examples: {
    context: SECRET_FILES_CONTEXT,
    positive: ['services:\n  db:\n    image: registry.example.org/db:16.4\n    secrets: [db-password]\nsecrets:\n  db-password:\n    # expect\n    file: ./db/password.txt\n'],
    negative: [
      'services:\n  api:\n    image: registry.example.org/api:2.1.0\n    secrets: [api-token]\nsecrets:\n  api-token:\n    file: secrets/api-token\n  tls-key:\n    file: ./tls/server.key\n  signing:\n    file: ${SECRETS_DIR}/signing.key\n  host:\n    file: /etc/app/secret\n  from-env:\n    environment: API_TOKEN\n',
    ],
  },
  *check(input) {
    if (!input.committedFiles || input.path === undefined) return;
    const dir = posix.dirname(input.path);
    for (const secret of input.secretFiles) {
      if (secret.file.includes('$') || posix.isAbsolute(secret.file)) continue;
      const path = posix.normalize(posix.join(dir, secret.file));
      const size = input.committedFiles.get(path);
      if (!size) continue;
      yield {
        line: secret.line,
        message: `secret ${secret.name} is read from ${path}, a file committed to the repository (${size} bytes): whoever can read the repository has its value; keep the file out of version control and create it at deploy time.`,
        resource: `secret ${secret.name}`,
        ...(input.devOnly ? { severity: 'low' as const } : {}),
      };
    }
  },
});

const imageLatest = composeRule({
  id: 'iac/compose-image-latest',
  title: "Image uses 'latest', a moving tag or no tag",
  description: "The service image has the 'latest' tag, a tag that names a branch or channel rather than a version (main, nightly, edge, stable...), or no tag. What runs changes whenever the registry changes, and a compromised upstream push is pulled silently. A variable's default (`app:${VERSION:-latest}`) is what compose pulls when the variable is not set, and is judged so. An image the repository builds itself under the same name and tag is not pulled from a registry and not reported: the `image:` of another compose service that has a `build:`, or a `docker build -t NAME` (also buildx, podman, nerdctl, buildah) written out in a Makefile (or through a variable the Makefile sets once to a written value: `-t $(IMG)`), shell script or CI file of the scan, or the `tags` of a workflow's docker/build-push-action step.",
  remediation: 'Pin a version tag and digest: image: mysql:8.4.2@sha256:<digest>.',
  severity: 'medium',
  cwe: ['CWE-1357'],
  examples: {
    positive: ['services:\n  db:\n    # expect\n    image: mysql:latest\n', 'services:\n  cache:\n    # expect\n    image: redis\n', 'services:\n  api:\n    # expect\n    image: registry.example.org/shop/api:nightly\n',
      'services:\n  api:\n    # expect\n    image: registry.example.org/shop/api:${API_VERSION:-latest}\n',
      // Another tag than the one the file builds is pulled.
      'services:\n  api:\n    image: acme/shop:dev\n    build: .\n  worker:\n    # expect\n    image: acme/shop\n',
    ],
    negative: [
      'services:\n  db:\n    image: mysql:8.4.2\n',
      'services:\n  api:\n    image: registry.example.org/shop/api:${API_VERSION:-1.4.2}\n',
      'services:\n  api:\n    image: registry.example.org/shop/api:${API_VERSION:?set the release}\n',
      'services:\n  web:\n    build: .\n',
      'services:\n  web:\n    image: ${IMAGE}\n',
      'services:\n  worker:\n    image: acme/worker\n    build:\n      context: .\n',
      // The image another service of the file builds.
      'services:\n  api:\n    image: acme/shop\n    build: .\n  worker:\n    image: acme/shop\n    command: ["worker"]\n',
    ],
  },
  *check(input) {
    // Next to build:, image: is the name compose gives the image it builds, not one it pulls; another service that runs that image runs the build.
    const builtInFile = new Set(input.services.filter((s) => pair(s.node, 'build')).flatMap((s) => builtImageKey(serviceImage(s)?.ref ?? '') ?? []));
    for (const s of input.services) {
      if (pair(s.node, 'build')) continue;
      const p = pair(s.node, 'image');
      const image = serviceImage(s);
      const problem = image ? pinProblem(image.ref) : undefined;
      // An image the repository builds itself under that name and tag (another service's build, `docker build -t web` in its Makefile) is not pulled.
      const builtHere = image ? builtImageKey(image.ref) : undefined;
      if (builtHere !== undefined && (builtInFile.has(builtHere) || input.builtImages?.has(builtHere))) continue;
      if (p && image && problem) yield { line: p.keyLine, message: `${label(s)} uses ${image.shown}${pinProblemNote(image.ref, problem)}; pin a version and digest.`, resource: label(s), image: image.ref };
    }
  },
});

function limitRule(kind: 'memory' | 'cpus'): ComposeRule {
  const memory = kind === 'memory';
  return composeRule({
    id: memory ? 'iac/compose-no-memory-limit' : 'iac/compose-no-cpu-limit',
    title: memory ? 'No memory limit' : 'No CPU limit',
    description: memory
      ? 'The service has no memory limit (deploy.resources.limits.memory or mem_limit). A leak or a crafted request can exhaust host memory and take every other container down with it.'
      : 'The service has no CPU limit (deploy.resources.limits.cpus or cpus). A busy loop or a crafted request can starve the other containers on the host.',
    remediation: memory ? 'Set deploy.resources.limits.memory (or mem_limit for the v2 format).' : 'Set deploy.resources.limits.cpus (or cpus).',
    severity: memory ? 'medium' : 'low',
    cwe: ['CWE-770'],
    examples: {
      positive: [
        service(`    deploy:\n      resources:\n        # expect\n        limits:\n          ${memory ? 'cpus: "0.5"' : 'memory: 256M'}\n`),
        service('    read_only: true\n').replace('  web:', '  # expect\n  web:'),
      ],
      negative: [service(`    deploy:\n      resources:\n        limits:\n          ${memory ? 'memory: 256M' : 'cpus: "0.5"'}\n`), service(memory ? '    mem_limit: 256m\n' : '    cpus: 0.5\n')],
    },
    *check(input) {
      for (const s of input.services) {
        if (get(s.node, 'deploy', 'resources', 'limits', kind) !== undefined) continue;
        const legacy = memory ? ['mem_limit', 'memory'] : ['cpus', 'cpu_quota', 'cpu_count', 'cpu_percent'];
        if (legacy.some((key) => pair(s.node, key))) continue;
        yield { line: lineIn(s, 'deploy', 'resources', 'limits'), message: `${label(s)} has no ${memory ? 'memory' : 'CPU'} limit.`, resource: label(s) };
      }
    },
  });
}

const pidsLimit = composeRule({
  id: 'iac/compose-no-pids-limit',
  title: 'No process limit',
  description: 'The service sets no pids_limit (or -1/0, meaning unlimited). A fork bomb or runaway worker pool in one container can exhaust the host\'s process table and stop every other service.',
  remediation: 'Set pids_limit (e.g. 200) or deploy.resources.limits.pids.',
  severity: 'low',
  cwe: ['CWE-770'],
  examples: {
    positive: [service('    read_only: true\n').replace('  web:', '  # expect\n  web:'), service('    # expect\n    pids_limit: -1\n')],
    negative: [service('    pids_limit: 100\n'), service('    deploy:\n      resources:\n        limits:\n          pids: 100\n')],
  },
  *check(input) {
    for (const s of input.services) {
      const p = pair(s.node, 'pids_limit') ?? pair(get(s.node, 'deploy', 'resources', 'limits'), 'pids');
      if (!p) {
        yield { line: s.line, message: `${label(s)} sets no process limit (pids_limit).`, resource: label(s) };
        continue;
      }
      const value = Number(text(p.value));
      if (!Number.isFinite(value) || value <= 0) yield { line: p.keyLine, message: `${label(s)} sets an unlimited pids_limit.`, resource: label(s) };
    }
  },
});

const cgroupParent = composeRule({
  id: 'iac/compose-cgroup-parent',
  title: 'Custom cgroup parent',
  description: "cgroup_parent places the container under a cgroup chosen by hand instead of Docker's own. Resource limits and accounting then depend on that cgroup, and sharing it with other workloads lets one starve the others.",
  remediation: "Remove cgroup_parent unless the host's cgroup layout is deliberately managed for this service.",
  severity: 'low',
  confidence: 'medium',
  cwe: ['CWE-770'],
  examples: { positive: [service('    # expect\n    cgroup_parent: shared-pool\n')], negative: [service('    mem_limit: 256m\n')] },
  *check(input) {
    for (const s of input.services) {
      const p = pair(s.node, 'cgroup_parent');
      if (p && text(p.value)) yield { line: p.keyLine, message: `${label(s)} runs under the custom cgroup ${text(p.value)}.`, resource: label(s) };
    }
  },
});

const mountPropagation = composeRule({
  id: 'iac/compose-mount-propagation',
  title: 'Bind mount propagation shared with the host',
  description:
    "A bind mount uses shared or slave propagation. With shared/rshared, mounts made inside the container appear on the host (a container that can mount, e.g. with SYS_ADMIN, then changes the host's mount table); with slave/rslave, mounts the host makes later (new disks, other containers' volumes) appear inside the container.",
  remediation: 'Remove the propagation option (the default, rprivate, keeps mounts apart); give it only to storage drivers that need it, in a dedicated service.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: {
    positive: [
      service('    volumes:\n      - type: bind\n        source: /srv/data\n        target: /data\n        bind:\n          # expect\n          propagation: rshared\n'),
      service('    volumes:\n      # expect\n      - /mnt/disks:/mnt/disks:ro,rslave\n'),
    ],
    negative: [service('    volumes:\n      - /srv/data:/data:ro\n      - type: bind\n        source: /srv/cache\n        target: /cache\n        bind:\n          propagation: rprivate\n')],
  },
  *check(input) {
    for (const s of input.services) {
      for (const m of mounts(s)) {
        const mode = m.propagation?.mode;
        if (!m.propagation || !mode || !/^r?(?:shared|slave)$/.test(mode)) continue;
        const shared = /shared$/.test(mode);
        yield {
          ...m.propagation.at,
          message: `${label(s)} mounts ${m.source || 'a host path'} with ${mode} propagation${detailNote(m.propagation.at)}: ${shared ? "mounts made in the container reach the host" : "later host mounts appear in the container"}.`,
          resource: label(s),
          severity: shared ? 'medium' : 'low',
        };
      }
    }
  },
});

const hostDevices = composeRule({
  id: 'iac/compose-host-devices',
  title: 'Host device passed into a container',
  description: 'devices: gives the container direct access to a host device node. Block devices, /dev/mem or /dev/kmsg let a container read host disks or memory; any device widens the kernel attack surface.',
  remediation: 'Remove the device unless the service needs the hardware, and then pass only that device, read-only where possible.',
  severity: 'medium',
  cwe: ['CWE-668'],
  examples: { positive: [service('    devices:\n      # expect\n      - /dev/sda:/dev/sda\n')], negative: [service('    volumes:\n      - ./data:/data\n')] },
  *check(input) {
    for (const s of input.services) {
      const key = pair(s.node, 'devices');
      for (const item of items(key?.value)) {
        const value = text(item) ?? text(get(item, 'source'));
        const at = isYScalar(item) ? listEntry(item.line) : { line: pair(item, 'source')?.keyLine ?? item.line };
        if (value) yield { ...at, message: `${label(s)} gets the host device ${value.split(':')[0]}${detailNote(at)}.`, resource: label(s), severity: /\/dev\/(?:sd|nvme|xvd|vd|mem|kmem|kmsg|port)/.test(value) ? 'high' : 'medium' };
      }
    }
  },
});

const writableRoot = composeRule({
  id: 'iac/compose-writable-root-filesystem',
  title: 'Root file system is writable',
  description: "read_only is not true, so a compromised process can modify the container's binaries and configuration and persist tools until the container is recreated.",
  remediation: 'Set read_only: true and mount tmpfs or volumes where the service must write.',
  severity: 'low',
  cwe: ['CWE-732'],
  examples: { positive: [service('    # expect\n    read_only: false\n'), service('    mem_limit: 256m\n').replace('  web:', '  # expect\n  web:')], negative: [service('    read_only: true\n')] },
  *check(input) {
    for (const s of input.services) {
      const p = pair(s.node, 'read_only');
      if (p && isTrue(p.value)) continue;
      yield { line: p ? p.keyLine : s.line, message: `${label(s)} has a writable root file system.`, resource: label(s) };
    }
  },
});

/**
 * A hardening setting a service leaves out (limits, dropped capabilities, read-only root):
 * in a compose file for development, tests or CI only, where nothing runs for long or
 * faces users, reported at info.
 */
function hardening(rule: ComposeRule): ComposeRule {
  return {
    ...rule,
    description: `${rule.description} In a compose file for development, tests or CI (a name part or folder dev, devenv, local, debug, test, e2e, integration, ci, devcontainer, cypress, playwright, or a folder named with test or e2e among other words, or an opening comment that says so: "for test and development only", "do not use in production"; or a service built to a development stage of its Dockerfile: build.target: development) it is reported at info.`,
    *check(input) {
      for (const hit of rule.check(input)) yield input.devOnly ? { ...hit, severity: 'info' } : hit;
    },
  };
}

/**
 * One finding for a line that several services share through a YAML anchor (`<<: *env`):
 * the fix is made once, on that line. The first service's message names the others.
 */
function onceForSharedLines(rule: ComposeRule): ComposeRule {
  return {
    ...rule,
    *check(input) {
      const groups = new Map<string, { hit: Hit; others: string[] }>();
      const out: Array<{ hit: Hit; others: string[] }> = [];
      for (const hit of rule.check(input)) {
        const resource = hit.resource;
        const key = `${hit.line}\0${hit.detailLine ?? ''}\0${hit.severity ?? ''}\0${resource ? hit.message.split(resource).join('\0') : hit.message}`;
        const group = groups.get(key);
        if (group && resource && group.hit.resource !== resource && !group.others.includes(resource)) {
          group.others.push(resource);
          continue;
        }
        const entry = { hit, others: [] as string[] };
        if (!group) groups.set(key, entry);
        out.push(entry);
      }
      for (const { hit, others } of out)
        yield others.length === 0 ? hit : { ...hit, message: `${hit.message} The line is shared (a YAML anchor) with ${others.join(', ')}.` };
    },
  };
}

export const composeRules: readonly ComposeRule[] = [
  privileged,
  hostNetwork,
  hostPid,
  hostIpc,
  hostUserns,
  dockerSocket,
  sensitiveMount,
  portAllInterfaces,
  sensitivePortPublished,
  dangerousCapabilities,
  hardening(capabilitiesNotDropped),
  securityProfileDisabled,
  hardening(noNewPrivileges),
  runAsRoot,
  secretInEnvironment,
  databaseWithoutPassword,
  committedSecretFile,
  imageLatest,
  hardening(limitRule('memory')),
  hardening(limitRule('cpus')),
  hardening(pidsLimit),
  cgroupParent,
  mountPropagation,
  hostDevices,
  hardening(writableRoot),
].map(onceForSharedLines);

export const composePlatform: PlatformRules<ComposeInput> = {
  platform: 'compose',
  parse: readCompose,
  rules: composeRules,
};
