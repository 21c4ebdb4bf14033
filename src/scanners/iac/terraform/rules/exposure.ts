import { describePort, type ServicePort } from '../../ports.js';
import { label, type TfResource } from '../model.js';

/** An inbound rule (an AWS ingress, an Azure security rule, a GCP firewall) that opens ports to some of its sources. */
export interface OpenRule {
  resource: TfResource;
  /** The line of the source setting that opens it (convention 3). */
  line: number;
  /** The sources the rule was read for, as written. */
  matched: readonly string[];
  /** Every port is open. */
  all: boolean;
  /** The catalogue services open (empty when `all`). */
  services: readonly ServicePort[];
}

export interface Exposure {
  resource: TfResource;
  line: number;
  /** Every port is open (for an AWS DB security group: the database port). */
  all: boolean;
  /** The sources, in order of appearance. */
  sources: string[];
  /** The catalogue services open, in port order (empty when `all`). */
  services: ServicePort[];
}

/**
 * One exposure per resource and source line: the elements of a dynamic block, and rules
 * that differ only in their ports, share their source line, so one finding covers all.
 */
export function groupExposures(rules: Iterable<OpenRule>): Exposure[] {
  const found = new Map<string, { resource: TfResource; line: number; all: boolean; sources: Set<string>; services: Map<string, ServicePort> }>();
  for (const rule of rules) {
    if (!rule.all && rule.services.length === 0) continue;
    const key = `${label(rule.resource)}\n${rule.line}`;
    const entry = found.get(key) ?? { resource: rule.resource, line: rule.line, all: false, sources: new Set<string>(), services: new Map<string, ServicePort>() };
    found.set(key, entry);
    entry.all ||= rule.all;
    for (const source of rule.matched) entry.sources.add(source);
    for (const service of rule.services) entry.services.set(`${service.port}/${service.transport}`, service);
  }
  return [...found.values()].map(({ resource, line, all, sources, services }) => ({ resource, line, all, sources: [...sources], services: [...services.values()].sort((a, b) => a.port - b.port) }));
}

/** The first four services, and how many more. */
export const listPorts = (open: readonly ServicePort[]) => open.slice(0, 4).map(describePort).join(', ') + (open.length > 4 ? ` and ${open.length - 4} more` : '');
