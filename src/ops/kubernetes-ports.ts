import { readKubernetes } from '../scanners/iac/kubernetes/model.js';
import { get, isYMap, items, pair, text, type YNode } from '../scanners/iac/yaml/tree.js';
import type { DeclaredPort } from './declared.js';

export function protocolOf(value: string | undefined): 'tcp' | 'udp' | 'any' {
  const p = (value ?? 'tcp').toLowerCase();
  return p === 'udp' ? 'udp' : p === 'tcp' ? 'tcp' : 'any';
}

/** The keys of a container's `ports` entry, and of a Service's, that name a port something listens on. */
export const CONTAINER_PORT_KEYS = ['containerPort', 'hostPort'] as const;
export const SERVICE_PORT_KEYS = ['port', 'nodePort', 'targetPort'] as const;

/** A strategic-merge patch entry that removes what it names (`$patch: delete`) declares nothing. */
export function deleted(node: YNode | null | undefined): boolean {
  return isYMap(node) && text(get(node, '$patch'))?.toLowerCase() === 'delete';
}

export interface EntryContext {
  file: string;
  keys: readonly string[];
  what: (key: string) => string;
  /** Whether a hostPort's hostIP is the address it binds (container ports). */
  hostIp: boolean;
  warn: (line: number, message: string) => void;
}

/** A port number as written: an integer from 1 to 65535, or undefined. */
export function portNumber(value: string | undefined): number | undefined {
  const n = value !== undefined && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/**
 * The ports one entry of a `ports` list declares. A value that is no port number is
 * reported and declares nothing; a Service's targetPort may name a container's port.
 */
export function portsOfEntry(entry: YNode | null | undefined, context: EntryContext): DeclaredPort[] {
  if (!isYMap(entry) || deleted(entry)) return [];
  const out: DeclaredPort[] = [];
  const protocol = protocolOf(text(get(entry, 'protocol')));
  for (const key of context.keys) {
    const p = pair(entry, key);
    if (!p) continue;
    const written = text(p.value);
    const value = portNumber(written);
    if (value === undefined) {
      if (key !== 'targetPort' || !/^[a-z0-9-]+$/i.test(written ?? '') || /^\d+$/.test(written ?? ''))
        context.warn(p.keyLine, `${context.what(key)} ${JSON.stringify(written ?? null)} is not a port number (1-65535): not declared`);
      continue;
    }
    const hostIp = context.hostIp && key === 'hostPort' ? text(get(entry, 'hostIP')) : undefined;
    out.push({ port: value, transport: protocol, ...(hostIp ? { address: hostIp } : {}), path: context.file, line: p.keyLine, what: context.what(key) });
  }
  return out;
}

/** Container ports, host ports and Service ports of a manifest (or of a strategic-merge patch, less what it deletes). */
export function kubernetesPorts(file: string, source: string, warn: (line: number, message: string) => void): DeclaredPort[] {
  const input = readKubernetes(source, warn);
  const out: DeclaredPort[] = [];
  for (const container of input?.containers ?? []) {
    if (deleted(container.pod.object.root) || deleted(container.node)) continue;
    const label = `${container.pod.object.kind}/${container.pod.object.name}`;
    const context = { file, keys: CONTAINER_PORT_KEYS, what: (key: string) => `${label} ${key}`, hostIp: true, warn };
    for (const port of items(get(container.node, 'ports'))) out.push(...portsOfEntry(port, context));
  }
  for (const object of input?.objects ?? []) {
    if (object.kind !== 'Service' || deleted(object.root)) continue;
    const context = { file, keys: SERVICE_PORT_KEYS, what: (key: string) => `Service/${object.name} ${key}`, hostIp: false, warn };
    for (const port of items(get(object.root, 'spec', 'ports'))) out.push(...portsOfEntry(port, context));
  }
  return out;
}
