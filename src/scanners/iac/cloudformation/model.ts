import { rule, type IacRule } from '../rule.js';
import { isYMap, isYSeq, pair, type YNode, type YPair } from '../yaml/tree.js';
import { follow, UNKNOWN } from './resolve.js';
import type { CfnResource, CfnTemplate } from './template.js';

export type CfnRule = IacRule<CfnTemplate>;

export const cfnRule = (definition: Omit<CfnRule, 'platform' | 'tags'>): CfnRule => rule({ ...definition, platform: 'cloudformation' });

export function resourcesOf(t: CfnTemplate, ...types: string[]): CfnResource[] {
  return t.resources.filter((r) => types.includes(r.type));
}

/** `AWS::S3::Bucket Logs`: how a finding names the resource. */
export function label(r: CfnResource): string {
  return `${r.type} ${r.id}`;
}

/** The pair at a path of keys under `node`, following parameter defaults and constant Fn::If in between. */
export function pairAt(t: CfnTemplate, node: YNode | null | undefined, ...keys: string[]): YPair | undefined {
  let current: YNode | null | undefined = node;
  let found: YPair | undefined;
  for (const key of keys) {
    const target = follow(t, current);
    if (target === UNKNOWN || !isYMap(target)) return undefined;
    found = pair(target, key);
    if (!found) return undefined;
    current = found.value;
  }
  return found;
}

/** A property of a resource by its path under `Properties`. */
export function prop(t: CfnTemplate, r: CfnResource, ...keys: string[]): YPair | undefined {
  return pairAt(t, r.properties, ...keys);
}

/**
 * Where a missing property is reported: the key of the deepest block on its path that
 * exists under `Properties`, or the logical id when none does.
 */
export function missingLine(t: CfnTemplate, r: CfnResource, ...keys: string[]): number {
  let line = r.line;
  for (let i = 1; i < keys.length; i++) {
    const p = prop(t, r, ...keys.slice(0, i));
    if (!p) break;
    line = p.keyLine;
  }
  return line;
}

/** Entries of a list property (followed through parameter defaults); maps only when `mapsOnly`. */
export function entries(t: CfnTemplate, node: YNode | null | undefined): YNode[] {
  const target = follow(t, node);
  if (target === UNKNOWN || !isYSeq(target)) return [];
  const out: YNode[] = [];
  for (const item of target.items) {
    const v = follow(t, item);
    if (v !== UNKNOWN && v !== null) out.push(v);
  }
  return out;
}

/** A resource-like view of a mapping inside a resource (a list entry), for `prop`-style reads. */
export function field(t: CfnTemplate, node: YNode | null | undefined, key: string): YPair | undefined {
  return pairAt(t, node, key);
}
