/** Network ACL entries that open remote administration to the internet, whichever syntax writes them (Terraform, CloudFormation). */
import { isWorld } from './cidr.js';

/** Remote administration ports a network ACL must not admit from the internet (CIS AWS 5.1): SSH (tcp) and RDP (tcp and udp). */
const NACL_ADMIN_PORTS: ReadonlyArray<{ port: number; name: string; transports: ReadonlyArray<string> }> = [
  { port: 22, name: '22 (SSH)', transports: ['tcp'] },
  { port: 3389, name: '3389 (RDP)', transports: ['tcp', 'udp'] },
];
/** A port range wider than this is a stateless ACL's return-traffic (ephemeral) range, not an opening of one service. */
const NACL_TARGETED_WIDTH = 16384;

/** An inbound network ACL entry as its values are read (a value that cannot be read is undefined). */
export interface AclEntryValues {
  action: unknown;
  sources: readonly unknown[];
  protocol: unknown;
  from: unknown;
  to: unknown;
}

/** The admin ports an inbound ACL entry lets in from anywhere, or none (a deny, another source, every protocol, or a wide range). */
export function aclAdminPorts(entry: AclEntryValues): string[] {
  if (typeof entry.action !== 'string' || entry.action.toLowerCase() !== 'allow') return [];
  if (!entry.sources.some((s) => typeof s === 'string' && isWorld(s))) return [];
  const protocol = String(entry.protocol ?? '').toLowerCase();
  const transport = protocol === '6' ? 'tcp' : protocol === '17' ? 'udp' : protocol;
  if (transport !== 'tcp' && transport !== 'udp') return [];
  const { from, to } = entry;
  if (typeof from !== 'number' || typeof to !== 'number' || to - from >= NACL_TARGETED_WIDTH) return [];
  return NACL_ADMIN_PORTS.filter((p) => p.transports.includes(transport) && from <= p.port && p.port <= to).map((p) => p.name);
}
