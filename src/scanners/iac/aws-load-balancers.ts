/** Which Elastic Load Balancing load balancers keep access logs, shared by the Terraform and CloudFormation rules. */

/**
 * Whether access logs would record anything for a load balancer of this type
 * (`application`, `network`, `gateway`; lower case): an application load balancer logs every
 * request; a network load balancer logs only the requests of its TLS listeners (`hasTls`:
 * the configuration gives it one); a gateway load balancer has no access logs at all.
 */
export function accessLogsRecord(type: string, hasTls: boolean): boolean {
  if (type === 'application') return true;
  if (type === 'network') return hasTls;
  return false;
}

/** Why a load balancer without access logs is reported, whichever syntax writes it. */
export const NO_ACCESS_LOGS_NOTE = 'no record of the requests it receives (client addresses, paths, response codes) is kept for an investigation';

/**
 * Why a plain HTTP listener of an internal load balancer is reported at low severity, not
 * medium: no client on the internet reaches it, but the requests still cross the VPC in
 * clear text.
 */
export const INTERNAL_HTTP_NOTE = 'it is internal, so only clients inside the network reach it, but the requests (credentials and session tokens included) still cross the VPC in clear text, readable by anything on their path (a compromised instance, traffic mirroring)';

/** What a load balancer that uses a security group forwards, as far as its configuration tells. */
export interface BalancerForwarding {
  /** Its name, for messages. */
  name: string;
  /** `application` speaks only HTTP and HTTPS on its listeners; undefined when the type cannot be read. */
  type: 'application' | 'network' | 'classic' | undefined;
  /** The ports of all its listeners, or undefined when they cannot all be read or others may be added elsewhere. */
  ports: readonly number[] | undefined;
}

/**
 * The services of a security group's open ports that a client can reach when load balancers
 * alone use the group: a load balancer answers on its listener ports only, and an application
 * load balancer speaks only HTTP(S) there, so a service that speaks no HTTP (SMB, SSH, a
 * database) is not reached through it, whatever the port. Kept when a balancer's type or
 * listeners cannot be read.
 */
export function reachableThroughBalancers<T extends { port: number; speaks?: readonly string[] }>(services: readonly T[], balancers: readonly BalancerForwarding[]): T[] {
  return services.filter((s) => balancers.some((b) => (b.ports === undefined || b.ports.includes(s.port)) && (b.type !== 'application' || (s.speaks ?? []).includes('http'))));
}
