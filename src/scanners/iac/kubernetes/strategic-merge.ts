import type { ScannerFinding } from '../../../core/finding.js';
import { findingKey, judgedObject, PLACED_BY_BUILD, targetObject, type Json, type PatchAnalysis, type PatchTarget } from './json-patch.js';
import type { BaseObjects } from './kustomize.js';
import { get, isYMap, isYScalar, isYSeq, pair, plain, text, type YMap, type YNode, type YSeq } from '../yaml/tree.js';

/**
 * What a strategic-merge patch takes away from its base. Such a patch deletes as well as writes:
 * `$patch: delete` removes the map or list entry it is in (a container's `securityContext`, a
 * container by its name), `$patch: replace` puts the patch's map or list in place of the base's
 * (dropping what it does not repeat), and a key set to null is removed. The patch is merged, as kustomize does, into the target object as the base
 * declares it; what the rules find in the patched object and not in it without a deletion (the
 * pod's `runAsNonRoot: true`, a container's limits) is reported on the line of that deletion.
 * Without the base, when the target is not one object of it, or for a directive or list not
 * modelled here (`$deleteFromPrimitiveList`, `$retainKeys`), nothing is said.
 */

/** One deletion a patch writes, on its line. */
interface Deletion {
  id: string;
  line: number;
  /** How it deletes: `$patch: delete`, `$patch: replace`, `null`. */
  directive: string;
  /** Where, as `spec.template.spec.containers[name=web].securityContext`. */
  where: string;
}

/** Deletions judged in one patch document, at most (each is one analysis of the object). */
const MAX_DELETIONS = 100;
const MAX_DEPTH = 64;

/** Something the merge does not model: what the patch leaves is unknown. */
class NotModelled {}

/** A merge result that removes the node it is for (`$patch: delete`, or a deletion not applied to a node the base lacks). */
const DELETE = Symbol('delete');

/**
 * Merge keys of the lists of built-in objects that strategic merge merges entry by entry; any
 * other list is replaced by the patch's (`args`, `capabilities.drop`, RBAC `rules`).
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
  ownerReferences: 'uid',
};

function mergeKeyOf(at: readonly string[]): string | undefined {
  const field = at.at(-1) ?? '';
  if (field === 'ports') return /^(?:containers|initContainers|ephemeralContainers)$/.test(at.at(-3) ?? '') ? 'containerPort' : at.join('.') === 'spec.ports' ? 'port' : undefined;
  return Object.prototype.hasOwnProperty.call(MERGE_KEYS, field) ? MERGE_KEYS[field] : undefined;
}

function isMap(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

function isNull(node: YNode | null): boolean {
  return node === null || (isYScalar(node) && node.value === null && !node.quoted);
}

/** `['spec', 'containers', '[name=web]', 'securityContext']` -> `spec.containers[name=web].securityContext`. */
function described(at: readonly string[]): string {
  return at.map((segment, i) => (i === 0 || segment.startsWith('[') ? segment : `.${segment}`)).join('') || '(the object)';
}

interface Merge {
  /** Whether a deletion is applied. */
  on: (id: string) => boolean;
  /** Receives every deletion met. */
  met?: (deletion: Deletion) => void;
}

function deletion(merge: Merge, node: { keyLine: number; keyColumn: number }, directive: string, at: readonly string[]): boolean {
  const id = `${node.keyLine}:${node.keyColumn}`;
  merge.met?.({ id, line: node.keyLine, directive, where: described(at) });
  return merge.on(id);
}

function mergeNode(base: Json | undefined, patch: YNode, at: string[], merge: Merge): Json | typeof DELETE {
  if (at.length > MAX_DEPTH) throw new NotModelled();
  if (isYMap(patch)) return mergeMap(base, patch, at, merge);
  if (isYSeq(patch)) return mergeList(base, patch, at, merge);
  if (patch.atApply !== undefined || patch.tag !== undefined) throw new NotModelled();
  return patch.value;
}

function mergeMap(base: Json | undefined, patch: YMap, at: string[], merge: Merge): Json | typeof DELETE {
  const directive = pair(patch, '$patch');
  let result: { [key: string]: Json } = isMap(base) ? structuredClone(base) : {};
  if (directive) {
    const value = text(directive.value);
    if (value === 'delete') {
      // Not applied, the entry changes nothing: a base's node stays as it is, a node it lacks is not added.
      if (deletion(merge, directive, '$patch: delete', at) || base === undefined) return DELETE;
      return structuredClone(base);
    }
    if (value === 'replace') {
      if (deletion(merge, directive, '$patch: replace', at)) result = {};
    } else if (value !== 'merge') throw new NotModelled();
  }
  for (const entry of patch.pairs) {
    if (entry.key === '$patch' || entry.key.startsWith('$setElementOrder/')) continue;
    // `$deleteFromPrimitiveList/...`, `$retainKeys` (which kustomize's merge is not known to apply) and any other directive: not modelled.
    if (entry.key.startsWith('$')) throw new NotModelled();
    const inside = [...at, entry.key];
    if (isNull(entry.value)) {
      if (deletion(merge, entry, 'null', inside)) delete result[entry.key];
      continue;
    }
    const merged = mergeNode(Object.prototype.hasOwnProperty.call(result, entry.key) ? result[entry.key] : undefined, entry.value!, inside, merge);
    if (merged === DELETE) delete result[entry.key];
    else result[entry.key] = merged;
  }
  return result;
}

function mergeList(base: Json | undefined, patch: YSeq, at: string[], merge: Merge): Json | typeof DELETE {
  const key = mergeKeyOf(at);
  // `- $patch: replace`, an entry of its own, puts the patch's entries in place of the base's.
  const directives = patch.items.filter((item) => isYMap(item) && item.pairs.length === 1 && item.pairs[0]!.key === '$patch');
  const entries = patch.items.filter((item) => !directives.includes(item));
  let replaced = false;
  for (const item of directives) {
    const directive = pair(item, '$patch')!;
    if (text(directive.value) !== 'replace') throw new NotModelled();
    if (deletion(merge, directive, '$patch: replace', at)) replaced = true;
  }
  if (key === undefined) {
    // A list without a merge key is replaced by the patch's: an entry that deletes itself there is not modelled.
    return entries.map((item, i) => {
      const merged = mergeNode(undefined, item, [...at, `[${i}]`], merge);
      if (merged === DELETE) throw new NotModelled();
      return merged;
    });
  }
  const result: Json[] = !replaced && Array.isArray(base) ? structuredClone(base) : [];
  for (const item of entries) {
    const id = isYMap(item) ? get(item, key) : undefined;
    if (!isYMap(item) || !isYScalar(id) || id.value === null) throw new NotModelled();
    const index = result.findIndex((entry) => isMap(entry) && entry[key] === id.value);
    const merged = mergeNode(index >= 0 ? result[index] : undefined, item, [...at, `[${key}=${String(id.value)}]`], merge);
    if (merged === DELETE) {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = merged;
    else result.push(merged);
  }
  return result;
}

/** A rule and the resource it reports. */
function subject(finding: ScannerFinding): string {
  return `${finding.ruleId}\n${String(finding.properties.resource ?? '')}`;
}

function counts(findings: readonly ScannerFinding[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const finding of findings) out.set(subject(finding), (out.get(subject(finding)) ?? 0) + 1);
  return out;
}

/** What a deletion does, as the findings it causes say it. */
function worded(d: Deletion): string {
  switch (d.directive) {
    case 'null':
      return `the patch removes ${d.where}: null deletes it`;
    case '$patch: delete':
      return `the patch removes ${d.where} with $patch: delete`;
    default:
      return `the patch replaces ${d.where} with $patch: replace, dropping what it does not repeat`;
  }
}

/** The patched object, or undefined when the patch deletes it or does what is not modelled. */
function merged(base: YMap, patch: YMap, merge: Merge): Json | undefined {
  try {
    const out = mergeNode(plain(base) as Json, patch, [], merge);
    if (out === DELETE || !isMap(out)) return undefined;
    // The object keeps its name (a patch applied by its entry's target may give a placeholder).
    const name = text(get(base, 'metadata', 'name'));
    if (name !== undefined && isMap(out.metadata)) out.metadata.name = name;
    return out;
  } catch (error) {
    if (error instanceof NotModelled) return undefined;
    throw error;
  }
}

/**
 * An object (as plain data) with a strategic-merge patch document merged in, every deletion applied, as kustomize
 * builds it; undefined when the patch deletes the object or does what is not modelled.
 */
export function mergedObject(base: Json, patch: YMap): Json | undefined {
  try {
    const out = mergeNode(structuredClone(base), patch, [], { on: () => true });
    return out === DELETE || !isMap(out) ? undefined : out;
  } catch (error) {
    if (error instanceof NotModelled) return undefined;
    throw error;
  }
}

/**
 * The findings of what a strategic-merge patch document deletes from its target, on the lines
 * of its deletions. `target` is the entry's; without one the document names its object.
 */
export function strategicDeleteFindings(path: string, documents: readonly (YNode | null)[], target: PatchTarget | undefined, objects: BaseObjects | undefined): PatchAnalysis {
  const out: ScannerFinding[] = [];
  const secrets: string[] = [];
  if (!objects) return { findings: out, secrets };
  for (const document of documents) {
    if (!isYMap(document)) continue;
    const kind = target?.kind ?? text(get(document, 'kind'));
    const name = target ? target.name : text(get(document, 'metadata', 'name'));
    const chosen = kind ? targetObject(objects, kind, name, target) : undefined;
    if (!chosen) continue;
    const [, root] = chosen;
    const deletions: Deletion[] = [];
    const none = merged(root, document, { on: () => false, met: (d) => deletions.push(d) });
    if (none === undefined || deletions.length === 0) continue;
    const all = merged(root, document, { on: () => true });
    if (all === undefined) continue;
    const judged = (doc: Json) => judgedObject(path, doc, secrets);
    const final = judged(all);
    const finalCounts = counts(final);
    const without = new Set(judged(none).map(findingKey));
    // What the whole patch leaves and the patch without one deletion does not is that deletion's (the others may change
    // a finding's words: a pod's seccomp finding names its containers, less those a patch deletes).
    for (const d of deletions.slice(0, MAX_DELETIONS)) {
      const others = merged(root, document, { on: (id) => id !== d.id });
      if (others === undefined) continue;
      const earlier = judged(others);
      const before = new Set(earlier.map(findingKey));
      const counted = counts(earlier);
      for (const finding of final) {
        if (PLACED_BY_BUILD.has(finding.ruleId)) continue;
        const key = findingKey(finding);
        // A finding the deletion only rewords (a pod's seccomp finding names the containers the patch leaves) is not its own.
        if (without.has(key) || before.has(key) || (counted.get(subject(finding)) ?? 0) >= (finalCounts.get(subject(finding)) ?? 0)) continue;
        const { fingerprintKey: _key, ...rest } = finding;
        const { detailLine: _detail, ...properties } = finding.properties;
        out.push({
          ...rest,
          message: `${finding.message.replace(/\.$/, '')} (${worded(d)}).`,
          location: { path, startLine: d.line },
          properties,
          fingerprintKey: `strategic-merge ${d.directive} ${d.where}\n${key}`,
        });
      }
    }
  }
  return { findings: out, secrets };
}
