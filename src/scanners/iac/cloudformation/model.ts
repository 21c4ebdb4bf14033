import { rule, type IacRule } from '../rule.js';
import { isYMap, isYScalar, isYSeq, pair, type YNode, type YPair } from '../yaml/tree.js';
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

/**
 * The pair at a path of keys under `node`, following parameter defaults and constant Fn::If in between.
 * A property whose value is `AWS::NoValue` (`!If [IsReplica, !Ref Source, !Ref AWS::NoValue]` with the
 * condition false) is absent, as CloudFormation removes it.
 */
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
  if (found && found.value !== null && follow(t, found.value) === null) return undefined;
  return found;
}

/** A property of a resource by its path under `Properties`. */
export function prop(t: CfnTemplate, r: CfnResource, ...keys: string[]): YPair | undefined {
  return pairAt(t, r.properties, ...keys);
}

/**
 * Where a missing property is reported: the key of the deepest block on its path that
 * exists under `Properties`, or the logical id when none does; a key written whose value
 * is AWS::NoValue as deployed is where it goes missing.
 */
export function missingLine(t: CfnTemplate, r: CfnResource, ...keys: string[]): number {
  let line = r.line;
  let parent: YNode | null | undefined = r.properties;
  for (let i = 1; i <= keys.length; i++) {
    const p = prop(t, r, ...keys.slice(0, i));
    if (!p) {
      // Written but removed as deployed (`!If [HasKey, {...}, !Ref AWS::NoValue]`): its key is where to change it.
      const target = follow(t, parent);
      const written = target !== UNKNOWN && isYMap(target) ? pair(target, keys[i - 1]!) : undefined;
      if (written && written.value !== null && follow(t, written.value) === null) line = written.keyLine;
      break;
    }
    if (i === keys.length) break;
    line = p.keyLine;
    parent = p.value;
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

/** The logical id a node references: `!Ref X`, `!GetAtt X.Arn` or `!GetAtt [X, Arn]`. */
export function referencedId(node: YNode | null | undefined): string | undefined {
  if (!isYMap(node) || node.pairs.length !== 1) return undefined;
  const { key, value: arg } = node.pairs[0]!;
  if (key === 'Ref') return isYScalar(arg) ? String(arg.value) : undefined;
  if (key !== 'Fn::GetAtt') return undefined;
  const first = isYSeq(arg) ? arg.items[0] : arg;
  return isYScalar(first) ? String(first.value).split('.')[0] : undefined;
}

/** The logical ids a property references: each entry of a list, or the value itself. */
export function referencedIds(t: CfnTemplate, node: YNode | null | undefined): string[] {
  // A Ref to a resource is not followed (`follow` knows parameters only); a list or an Fn::If around one is.
  const direct = referencedId(node);
  if (direct !== undefined) return [direct];
  const target = follow(t, node);
  if (target === UNKNOWN || !target) return [];
  const items = isYSeq(target) ? target.items : [target];
  return items.map((item) => referencedId(item) ?? referencedId(nodeOf(follow(t, item)))).filter((id): id is string => id !== undefined);
}

const nodeOf = (v: YNode | null | typeof UNKNOWN): YNode | undefined => (v === UNKNOWN || v === null ? undefined : v);

/** The resource of the template with this logical id, if its type is one of `types`. */
export function resourceById(t: CfnTemplate, id: string | undefined, ...types: string[]): CfnResource | undefined {
  return id === undefined ? undefined : t.resources.find((r) => r.id === id && (types.length === 0 || types.includes(r.type)));
}

/** Does `node` mention the logical id `id` (Ref, GetAtt, `${id}` in Fn::Sub)? Bounded. */
export function mentions(node: YNode | null | undefined, id: string, depth = 0): boolean {
  if (!node || depth > 40) return false;
  if (referencedId(node) === id) return true;
  if (isYScalar(node)) return typeof node.value === 'string' && (node.value.includes(`\${${id}}`) || node.value.includes(`\${${id}.`));
  if (isYSeq(node)) return node.items.some((item) => mentions(item, id, depth + 1));
  return node.pairs.some((p) => mentions(p.value, id, depth + 1));
}
