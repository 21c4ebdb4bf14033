import type { ScannerFinding } from '../../../core/finding.js';
import { normaliseLine } from '../../../core/fingerprint.js';
import type { ScanWarning } from '../../scanner.js';
import { analyseFile } from '../analyse.js';
import type { ParseContext } from '../rule.js';
import { findingsOnWrittenValues } from '../written-values.js';
import type { BaseContainers, BaseObjects } from './kustomize.js';
import { get, isYMap, isYScalar, isYSeq, pair, plain, text, type YMap, type YNode, type YSeq } from '../yaml/tree.js';

/**
 * JSON 6902 patches of a kustomization (`- op: add`, `path: /spec/template/spec/hostNetwork`,
 * `value: true`). A list of operations is no manifest, so the Kubernetes rules cannot read
 * it as written. Each `add` or `replace` is applied to a skeleton of the target's kind
 * (a pod template with no containers for workloads) and the rules run on that; only the
 * findings on the value the operation writes are kept, reported on the operation's
 * `value:` line. A setting the patch leaves alone belongs to the base, analysed on its own.
 * A `remove` takes away what the base wrote: it is judged on the base's object (removeFindings).
 */

export interface PatchAnalysis {
  findings: ScannerFinding[];
  /** Secret values the findings quote, for the report to redact. */
  secrets: string[];
}

export interface PatchTarget {
  kind?: string;
  name?: string;
  group?: string;
  version?: string;
  /** The target selects objects by their labels or annotations too (`labelSelector`, `annotationSelector`). */
  selected?: true;
}

/** The target of a kustomization's patch entry (`target: {kind: Deployment, name: web}`). */
export function patchTarget(node: YNode | null | undefined): PatchTarget | undefined {
  if (!isYMap(node)) return undefined;
  const target: PatchTarget = {};
  for (const key of ['kind', 'name', 'group', 'version'] as const) {
    const value = text(get(node, key));
    if (value) target[key] = value;
  }
  if (text(get(node, 'labelSelector')) || text(get(node, 'annotationSelector'))) target.selected = true;
  return Object.keys(target).length > 0 ? target : undefined;
}

const APPS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);
const BATCH = new Set(['Job', 'CronJob']);

export function apiVersionOf(target: PatchTarget, kind: string): string {
  if (target.group) return `${target.group}/${target.version ?? 'v1'}`;
  if (target.version) return target.version;
  return APPS.has(kind) ? 'apps/v1' : BATCH.has(kind) ? 'batch/v1' : /^(Cluster)?Role(Binding)?$/.test(kind) ? 'rbac.authorization.k8s.io/v1' : 'v1';
}

/** Without a target kind, where the paths write says which kind of object is patched. */
function kindFromPaths(paths: readonly string[]): string {
  if (paths.some((p) => p.startsWith('/spec/jobTemplate/'))) return 'CronJob';
  if (paths.some((p) => p.startsWith('/spec/template/'))) return 'Deployment';
  if (paths.some((p) => /^\/spec\/(?:containers|initContainers|volumes|host\w+|securityContext|serviceAccountName|automountServiceAccountToken)\b/.test(p))) return 'Pod';
  if (paths.some((p) => p.startsWith('/rules'))) return 'ClusterRole';
  return 'Deployment';
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json } | Written;

/** A scalar the patch writes, boxed so that the emitter knows its line. */
class Written {
  constructor(readonly value: Json) {}
}

function skeleton(kind: string, target: PatchTarget): { [key: string]: Json } {
  const pod = (): Json => ({ containers: [] });
  const base: { [key: string]: Json } = { apiVersion: apiVersionOf(target, kind), kind, metadata: { name: target.name ?? '(patch target)' } };
  if (kind === 'Pod') base.spec = pod();
  else if (kind === 'CronJob') base.spec = { jobTemplate: { spec: { template: { metadata: {}, spec: pod() } } } };
  else if (APPS.has(kind) || kind === 'Job' || kind === 'ReplicationController') base.spec = { template: { metadata: {}, spec: pod() } };
  return base;
}

/** The container list of a skeleton's pod template, if it has one. */
function containersOf(doc: { [key: string]: Json }): Json[] | undefined {
  const at = (node: Json | undefined, ...keys: string[]): Json | undefined => keys.reduce<Json | undefined>((n, k) => (n !== null && typeof n === 'object' && !Array.isArray(n) && !(n instanceof Written) ? n[k] : undefined), node);
  for (const keys of [['spec'], ['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec']]) {
    const list = at(doc, ...keys, 'containers');
    if (Array.isArray(list)) return list;
  }
  return undefined;
}

/** `/a/b~1c/0` -> ['a', 'b/c', '0'] (RFC 6901). */
export function pointer(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  return path
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Bounds for hostile patches: list indexes padded, path depth, operations checked (each is one small analysis). */
const MAX_INDEX = 64;
const MAX_DEPTH = 32;
const MAX_WRITES = 500;
/** Lists whose entries a patch names by index: the messages call such a container `containers[0]`. */
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** Sets `value` at `segments` under `root`, creating maps and lists on the way; false when the path cannot be followed. */
function setAt(root: { [key: string]: Json }, segments: readonly string[], value: Json): boolean {
  let current: Json = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    const nextIsIndex = !last && /^(?:\d+|-)$/.test(segments[i + 1]!);
    const fresh = (): Json => (nextIsIndex ? [] : {});
    if (Array.isArray(current)) {
      if (!/^(?:\d+|-)$/.test(segment)) return false;
      const index: number = segment === '-' ? current.length : Number(segment);
      if (index > MAX_INDEX) return false;
      while (current.length < index) current.push(CONTAINER_LISTS.has(segments[i - 1] ?? '') ? { name: `${segments[i - 1]}[${current.length}]` } : {});
      if (last) {
        current[index] = value;
        return true;
      }
      if (current[index] === undefined || current[index] === null) current[index] = CONTAINER_LISTS.has(segments[i - 1] ?? '') && !nextIsIndex ? { name: `${segments[i - 1]}[${index}]` } : fresh();
      else if (typeof current[index] !== 'object' || current[index] instanceof Written) return false;
      current = current[index]!;
    } else if (current !== null && typeof current === 'object' && !(current instanceof Written)) {
      if (last) {
        current[segment] = value;
        return true;
      }
      const next: Json | undefined = current[segment];
      if (next === undefined || next === null) current[segment] = fresh();
      else if (typeof next !== 'object' || next instanceof Written) return false;
      current = current[segment]!;
    } else return false;
  }
  return false;
}

interface Emitted {
  lines: string[];
  /** Lines (1-based, inclusive) that hold the written value, its key or list dash included. */
  from: number;
  to: number;
}

/** YAML text of `doc` (block style, JSON scalars), with the lines of the node `written`. */
function emit(doc: Json, written: Json): Emitted {
  const lines: string[] = [];
  let from = 0;
  let to = 0;
  const scalar = (value: Json): string => (value instanceof Written ? scalar(value.value) : JSON.stringify(value));
  // Plain keys where YAML allows them, so that the text reads like a manifest (written-values.ts reads lines).
  const key = (name: string): string => (/^[A-Za-z_][\w./-]*$/.test(name) ? name : JSON.stringify(name));
  const isBlock = (value: Json): value is Json[] | { [key: string]: Json } => value !== null && typeof value === 'object' && !(value instanceof Written) && !isEmptyCollection(value);
  /** A scalar, or an empty list or map, on the line of its key or dash. */
  const inline = (value: Json): string => (isEmptyCollection(value) ? (Array.isArray(value) ? '[]' : '{}') : scalar(value));
  const visit = (value: Json, indent: number, lead: string) => {
    const mark = value === written && typeof value === 'object' && value !== null;
    const start = lines.length + 1;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const prefix = i === 0 ? lead : ' '.repeat(indent);
        if (isBlock(item)) visit(item, indent + 2, `${prefix}- `);
        else {
          if (item === written) from = to = lines.length + 1;
          lines.push(`${prefix}- ${inline(item)}`);
        }
      });
    } else if (value !== null && typeof value === 'object' && !(value instanceof Written)) {
      Object.entries(value).forEach(([name, item], i) => {
        const prefix = i === 0 ? lead : ' '.repeat(indent);
        if (isBlock(item)) {
          const keyLine = lines.length + 1;
          lines.push(`${prefix}${key(name)}:`);
          visit(item, indent + 2, ' '.repeat(indent + 2));
          if (item === written) from = keyLine;
        } else {
          if (item === written) from = to = lines.length + 1;
          lines.push(`${prefix}${key(name)}: ${inline(item)}`);
        }
      });
    }
    if (mark) {
      from ||= start;
      to = lines.length;
    }
  };
  visit(doc, 0, '');
  return { lines, from, to };
}

/**
 * The findings of a JSON 6902 patch, on the lines of the text the operations were read from:
 * what its `add` and `replace` operations write, and what its `remove` operations take away
 * from the base.
 */
export function jsonPatchFindings(
  path: string,
  ops: YSeq,
  target: PatchTarget | undefined,
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  base?: BaseContainers,
  objects?: BaseObjects,
): PatchAnalysis {
  const removed = removeFindings(path, ops, target, warn, objects);
  const written = writeFindings(path, ops, target, warn, base);
  return { findings: [...written.findings, ...removed.findings], secrets: [...written.secrets, ...removed.secrets] };
}

function writeFindings(path: string, ops: YSeq, target: PatchTarget | undefined, warn: (warning: Omit<ScanWarning, 'scanner'>) => void, base?: BaseContainers): PatchAnalysis {
  const writes = ops.items.flatMap((op) => {
    const kind = text(get(op, 'op'));
    const where = text(get(op, 'path'));
    const value = pair(op, 'value');
    return isYMap(op) && (kind === 'add' || kind === 'replace') && where !== undefined && value ? [{ where, value, line: value.keyLine }] : [];
  });
  if (writes.length === 0) return { findings: [], secrets: [] };
  if (writes.length > MAX_WRITES) {
    warn({ path, line: writes[MAX_WRITES]!.line, message: `the patch has ${writes.length} add and replace operations: only the first ${MAX_WRITES} are checked` });
    writes.length = MAX_WRITES;
  }
  const kind = target?.kind ?? kindFromPaths(writes.map((w) => w.where));
  const out: ScannerFinding[] = [];
  const secrets: string[] = [];
  for (const write of writes) {
    const segments = pointer(write.where);
    const doc = skeleton(kind, target ?? {});
    // An AppArmor annotation names its container, which the base declares: the rule needs one by that name.
    const annotated = segments?.at(-1)?.match(/^container\.apparmor\.security\.beta\.kubernetes\.io\/(.+)$/)?.[1];
    if (annotated) containersOf(doc)?.push({ name: annotated });
    if (segments) withBaseContainer(doc, segments, base, kind, target);
    // A fresh copy: the emitter finds the written node by identity.
    const value = structuredClone(plain(write.value.value)) as Json;
    const written: Json = value !== null && typeof value === 'object' && !isEmptyCollection(value) ? value : new Written(value);
    if (!segments || segments.length === 0 || segments.length > MAX_DEPTH || !setAt(doc, segments, written)) {
      warn({ path, line: write.line, message: `could not follow the patch path ${write.where.length > 120 ? `${write.where.slice(0, 120)}...` : write.where}: its value is not checked` });
      continue;
    }
    const { lines, from, to } = emit(doc, written);
    if (from === 0) continue;
    const synthetic = lines.join('\n') + '\n';
    const analysis = analyseFile(path, synthetic, () => {}, 'kubernetes');
    secrets.push(...analysis.secrets);
    // As in a strategic-merge patch, what the operation writes is judged, not what it leaves to the base.
    for (const finding of findingsOnWrittenValues(analysis.findings, synthetic)) {
      const at = finding.location.startLine;
      const detail = finding.location.endLine;
      const inside = (line: number | undefined) => line !== undefined && line >= from && line <= to;
      if (!inside(at) && !inside(detail)) continue;
      const { fingerprintKey: _key, ...rest } = finding;
      const { detailLine: _detail, ...properties } = finding.properties;
      out.push({
        ...rest,
        location: { path, startLine: write.line },
        properties,
        fingerprintKey: `json-patch ${write.where}\n${normaliseLine(lines[(inside(at) ? at : detail!) - 1] ?? '')}`,
      });
    }
  }
  return { findings: out, secrets };
}

/** `.../containers/0/image`: the pod spec's path, the container list and index of a write into a container, and what follows. */
const CONTAINER_WRITE = /^((?:spec\/)?(?:template\/spec\/|jobTemplate\/spec\/template\/spec\/)?)(containers|initContainers|ephemeralContainers)\/(\d+)\/(.+)$/;

/**
 * A write into a container the base declares (`/spec/template/spec/containers/0/image`) names
 * it only by index: the skeleton gets that container by its name from the base, so that
 * findings name it. A write into its env (`.../env/1/value`) gets the names of its variables
 * too, so that the rules know which variable the value is for.
 */
function withBaseContainer(doc: { [key: string]: Json }, segments: readonly string[], base: BaseContainers | undefined, kind: string, target: PatchTarget | undefined): void {
  const match = CONTAINER_WRITE.exec(segments.join('/'));
  if (!base || !match) return;
  const candidates = target?.name !== undefined ? [base.get(`${kind}/${target.name}`)] : [...base].filter(([object]) => object.startsWith(`${kind}/`)).map(([, list]) => list);
  // Without a name, the patch may apply to several objects of the kind: only one in the base is unambiguous.
  if (candidates.length !== 1 || !candidates[0]) return;
  const [, prefix, list, index, rest] = match;
  const container = candidates[0].filter((c) => c.list === list)[Number(index)];
  if (!container || Number(index) > MAX_INDEX) return;
  const env: Json = container.env.map((name): Json => (name ? { name } : {}));
  setAt(doc, [...prefix!.split('/').filter(Boolean), list!, index!], rest!.startsWith('env/') ? { name: container.name, env } : { name: container.name });
}

function isEmptyCollection(value: Json): boolean {
  return Array.isArray(value) ? value.length === 0 : value !== null && typeof value === 'object' && !(value instanceof Written) && Object.keys(value).length === 0;
}

/** A YAML or JSON text that is a JSON 6902 patch: a list of maps with `op` and `path`. */
export function asJsonPatch(root: YNode | null | undefined): YSeq | undefined {
  if (!isYSeq(root) || root.items.length === 0) return undefined;
  return root.items.every((item) => isYMap(item) && isYScalar(get(item, 'op')) && isYScalar(get(item, 'path'))) ? root : undefined;
}

/**
 * `remove` operations: the value they take away is the base's, which the skeleton lacks. The
 * patch is applied, as kustomize does, to the target object as the base declares it; what the
 * rules find in the patched object and not in it without the remove (a securityContext's
 * `runAsNonRoot: true`, a container's memory limit) is reported on the operation's `path:`
 * line. Without the base, or when the target is not one object of it (no name and several of
 * its kind, a regex name), what is removed is unknown and nothing is said. A remove of a path
 * the object does not have (`/-` included) makes `kustomize build` fail: a warning.
 */
function removeFindings(path: string, ops: YSeq, target: PatchTarget | undefined, warn: (warning: Omit<ScanWarning, 'scanner'>) => void, objects: BaseObjects | undefined): PatchAnalysis {
  const all = ops.items.flatMap((op): Op[] => {
    const name = text(get(op, 'op'));
    const where = pair(op, 'path');
    const segments = where && isYScalar(where.value) ? pointer(String(where.value.value)) : undefined;
    if (!name || !where || !segments || segments.length > MAX_DEPTH) return [];
    const from = text(get(op, 'from'));
    const value = pair(op, 'value');
    return [{ op: name, where: String((where.value as { value: unknown }).value), segments, line: where.keyLine, ...(from !== undefined ? { from: pointer(from) } : {}), ...(value ? { value: plain(value.value) as Json } : {}) }];
  });
  const removes = all.filter((op) => op.op === 'remove');
  if (removes.length === 0 || !objects) return { findings: [], secrets: [] };
  const kind = target?.kind ?? kindFromPaths(all.map((op) => op.where));
  const chosen = targetObject(objects, kind, target?.name, target);
  if (!chosen) return { findings: [], secrets: [] };
  const [object, root] = chosen;
  const out: ScannerFinding[] = [];
  const secrets: string[] = [];
  const judged = (doc: Json) => judgedObject(path, doc, secrets);
  // The operations in order, on the object as the base declares it: each remove is judged by what it changes
  // where it runs (an index names the entry the operations before it left), and only what the whole patch keeps counts
  // (a remove followed by an add that writes the value back takes nothing away).
  const doc = structuredClone(plain(root) as Json);
  const steps: Array<{ remove: Op; before: Json; after: Json }> = [];
  for (const op of all) {
    const before = op.op === 'remove' && steps.length < MAX_WRITES ? structuredClone(doc) : undefined;
    const outcome = applyOp(doc, op);
    // An operation not modelled leaves the object unknown from there on: the removes after it are not judged.
    if (outcome === 'unknown' && op.op !== 'test') break;
    if (op.op !== 'remove') continue;
    if (outcome === 'missing') {
      const shown = op.where.length > 120 ? `${op.where.slice(0, 120)}...` : op.where;
      warn({ path, line: op.line, message: `kustomize build fails here: ${object} has no ${shown} to remove${op.segments.at(-1) === '-' ? ' (- names the end of a list, no entry of it)' : ''}` });
    } else if (outcome === 'done' && before !== undefined) steps.push({ remove: op, before, after: structuredClone(doc) });
  }
  if (steps.length === 0) return { findings: [], secrets: [] };
  const kept = new Set(judged(doc).map(findingKey));
  for (const { remove, before, after } of steps) {
    const earlier = new Set(judged(before).map(findingKey));
    for (const finding of judged(after)) {
      if (PLACED_BY_BUILD.has(finding.ruleId)) continue;
      const key = findingKey(finding);
      if (earlier.has(key) || !kept.has(key)) continue;
      const { fingerprintKey: _key, ...rest } = finding;
      const { detailLine: _detail, ...properties } = finding.properties;
      out.push({
        ...rest,
        message: `${finding.message.replace(/\.$/, '')} (the patch removes ${remove.where}).`,
        location: { path, startLine: remove.line },
        properties,
        fingerprintKey: `json-patch remove ${remove.where}\n${key}`,
      });
    }
  }
  return { findings: out, secrets };
}

/**
 * The one base object a patch changes (`Kind/name` and its tree): the object of the kind and name, or without a
 * name the one object of the kind, unless labels or annotations select among them (unknown here). Undefined when
 * that is not exactly one object.
 */
export function targetObject(objects: BaseObjects, kind: string, name: string | undefined, target: PatchTarget | undefined): [string, YMap] | undefined {
  if (name === undefined && target?.selected) return undefined;
  const candidates = name !== undefined ? [...objects].filter(([object]) => object === `${kind}/${name}`) : [...objects].filter(([object]) => object.startsWith(`${kind}/`));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The findings of the rules on a whole object (a base as a patch leaves it); the secrets they quote are added to `secrets`. */
export function judgedObject(path: string, doc: Json, secrets: string[], context?: ParseContext): ScannerFinding[] {
  const analysis = analyseFile(path, emit(doc, NOTHING).lines.join('\n') + '\n', () => {}, 'kubernetes', context);
  secrets.push(...analysis.secrets);
  return analysis.findings;
}

/** A value the emitter never meets: no node of the text is marked. */
const NOTHING = new Written(null);

/**
 * Rules about where the build places the object (its namespace, which the kustomization or an overlay above it may
 * set): the object alone does not say, so what a patch deletes (a remove of /metadata/namespace, a strategic-merge
 * `namespace: null`) is not judged by them.
 */
export const PLACED_BY_BUILD: ReadonlySet<string> = new Set(['iac/k8s-default-namespace']);

/** One finding's identity across two analyses of one object: its lines move, not its rule, resource and message. */
export function findingKey(finding: ScannerFinding): string {
  return `${finding.ruleId}\n${String(finding.properties.resource ?? '')}\n${finding.message.replace(/\blines? \d+(?:[-,] ?\d+)*/g, 'line')}`;
}

interface Op {
  op: string;
  where: string;
  segments: string[];
  line: number;
  from?: string[] | undefined;
  value?: Json;
}

/** What applying an operation did: `missing` when its path is not in the object (kustomize fails), `unknown` for what is not modelled. */
export type Outcome = 'done' | 'missing' | 'unknown';

function isMap(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Written);
}

/** The value at `segments`, undefined when the path is not in `root`. */
function valueAt(root: Json, segments: readonly string[]): Json | undefined {
  let current: Json | undefined = root;
  for (const segment of segments) {
    if (Array.isArray(current)) current = /^\d+$/.test(segment) ? current[Number(segment)] : undefined;
    else if (isMap(current)) current = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    else return undefined;
  }
  return current;
}

/** Applies one RFC 6902 operation in place. `test` checks nothing here; negative indexes are not modelled. */
export function applyOp(root: Json, op: { op: string; segments: readonly string[]; from?: readonly string[] | undefined; value?: Json }): Outcome {
  // A negative index (from the end of a list, in some JSON patch libraries) is not modelled.
  if (op.segments.length === 0 || [...op.segments, ...(op.from ?? [])].some((segment) => /^-\d+$/.test(segment))) return 'unknown';
  const parent = valueAt(root, op.segments.slice(0, -1));
  const key = op.segments.at(-1)!;
  if (parent === undefined) return 'missing';
  switch (op.op) {
    case 'remove':
      if (Array.isArray(parent)) {
        if (!/^\d+$/.test(key) || Number(key) >= parent.length) return 'missing';
        parent.splice(Number(key), 1);
        return 'done';
      }
      if (!isMap(parent) || !Object.prototype.hasOwnProperty.call(parent, key)) return 'missing';
      delete parent[key];
      return 'done';
    case 'add':
    case 'replace': {
      if (op.value === undefined) return 'unknown';
      const value = structuredClone(op.value);
      if (Array.isArray(parent)) {
        const index = key === '-' && op.op === 'add' ? parent.length : /^\d+$/.test(key) ? Number(key) : -1;
        if (index < 0 || index > parent.length || (op.op === 'replace' && index === parent.length)) return 'missing';
        parent.splice(index, op.op === 'add' ? 0 : 1, value);
        return 'done';
      }
      if (!isMap(parent) || (op.op === 'replace' && !Object.prototype.hasOwnProperty.call(parent, key))) return 'missing';
      parent[key] = value;
      return 'done';
    }
    case 'move':
    case 'copy': {
      if (!op.from) return 'unknown';
      const value = valueAt(root, op.from);
      if (value === undefined) return 'missing';
      if (op.op === 'move' && applyOp(root, { op: 'remove', segments: op.from }) !== 'done') return 'missing';
      return applyOp(root, { op: 'add', segments: op.segments, value: structuredClone(value) });
    }
    case 'test':
      return 'done';
    default:
      return 'unknown';
  }
}
