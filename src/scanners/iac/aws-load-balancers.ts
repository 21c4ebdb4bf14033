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
