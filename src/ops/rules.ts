import type { RuleDoc } from '../core/rule.js';

/** The rules of `secloop ops check` (what runs against what the project declares). */
export const OPS_RULES: readonly RuleDoc[] = [
  {
    id: 'ops/undeclared-listener',
    title: 'Listening port not declared by the project',
    description:
      'A process on this host accepts connections on a port that no compose file, Kubernetes manifest, Dockerfile EXPOSE or ops.allowedPorts declares. Either the declarations are out of date, or something runs that nobody intended: a debug server, a forgotten service, or an attacker\'s listener. A sensitive service nobody declares is reported once, as ops/sensitive-service-listening, whose message says both.',
    remediation: 'Stop the service if it is not needed; otherwise declare the port where the project describes its services (or in secloop.yaml ops.allowedPorts) so that the next check knows it is expected.',
    severity: 'medium',
    cwe: ['CWE-1188'],
    tags: ['ops'],
  },
  {
    id: 'ops/binding-broader-than-declared',
    title: 'Service bound to all interfaces where loopback was declared',
    description:
      'The project declares this port on a loopback address (for example "127.0.0.1:6379:6379"), but the socket listens on every interface (0.0.0.0 or ::), so the service is reachable from the network, outside what was reviewed.',
    remediation: 'Bind the service to 127.0.0.1 (its listen/bind setting or the host part of the port mapping), or update the declaration if network access is really intended.',
    severity: 'high',
    cwe: ['CWE-668'],
    tags: ['ops'],
  },
  {
    id: 'ops/sensitive-service-listening',
    title: 'Sensitive or cleartext service listening',
    description:
      'A service that should never face untrusted networks is listening: remote shells (Telnet, rlogin), FTP, the Docker API without TLS, Redis, memcached, databases, etcd, the kubelet... Cleartext protocols leak credentials to anyone on the path; the others are prime targets of scanners and worms. When the project does not declare the port either, this one finding says so too, at the higher of the two severities, in place of an ops/undeclared-listener.',
    remediation: 'Turn the service off, bind it to loopback or a private interface behind a firewall, require authentication and TLS, or replace cleartext protocols (Telnet, FTP) with SSH/SFTP.',
    severity: 'high',
    cwe: ['CWE-319', 'CWE-668'],
    tags: ['ops'],
  },
];

/** The ops rules as a group beside the scanners', for `secloop explain` and docs/rules.md. */
export const OPS_RULE_GROUP: { id: 'ops'; description: string; rules(): readonly RuleDoc[] } = {
  id: 'ops',
  description: 'Checks that what runs on a host (listening sockets) is what the project declares (`secloop ops check`).',
  rules: (): readonly RuleDoc[] => OPS_RULES,
};
