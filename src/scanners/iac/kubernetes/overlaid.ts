import type { ScannerFinding } from '../../../core/finding.js';
import type { ParseContext } from '../rule.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, plain, text, type YamlLoadResult } from '../yaml/tree.js';
import { applyOp, asJsonPatch, judgedObject, PLACED_BY_BUILD, pointer, type Json, type PatchTarget } from './json-patch.js';
import type { PatchStep } from './kustomize.js';
import { readKubernetes } from './model.js';
import { mergedObject } from './strategic-merge.js';

/**
 * A base that every build deploying it patches. A base manifest is checked on its own, as
 * written; but when every kustomization that deploys it (each overlay, kustomize.ts
 * deployedBy) changes one of its objects with a patch, the object as written is never
 * applied. A finding about that object which none of those builds keeps (the memory limit
 * every overlay sets, the securityContext each adds) is not reported on the base; one that
 * any build keeps stays, as does every finding when a build leaves the object as written or
 * patches it in a way not modelled here (a JSON 6902 operation that fails, a target chosen
 * by labels or a regex, a patch file that could not be read). Rules about where the build
 * places the object (its namespace) are left to the kustomizations' own reading.
 */

/** Builds judged for one file, at most (each is one analysis per patched object). */
const MAX_BUILDS = 16;

/** A patch whose effect on the object is unknown. */
const UNKNOWN = Symbol('unknown');

function isMap(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) && value.constructor === Object;
}

/** A rule and the resource it reports: one finding's identity across analyses of one object. */
function subject(finding: ScannerFinding): string {
  return `${finding.ruleId}\n${String(finding.properties.resource ?? '')}`;
}

/** Whether a patch entry's target (or, without one, the patch document's own kind and name) names the object; UNKNOWN when it may. */
function names(kind: string, name: string, target: PatchTarget | undefined, ownKind: string | undefined, ownName: string | undefined): boolean | typeof UNKNOWN {
  const wantedKind = target?.kind ?? ownKind;
  if (wantedKind !== undefined && wantedKind !== kind) return false;
  if (target) {
    if (target.name !== undefined && /[\^$*+?()[\]{}|\\]/.test(target.name)) return UNKNOWN;
    if (target.name !== undefined) return target.name === name && !target.selected ? true : target.name === name ? UNKNOWN : false;
    if (target.selected || target.kind === undefined) return UNKNOWN;
    return true;
  }
  return ownName === name;
}

/** The object after one patch: the same object when the patch is for another, UNKNOWN when what it does is not known. */
function patched(doc: Json, kind: string, name: string, step: PatchStep, parse: (step: PatchStep, text: string) => YamlLoadResult): { doc: Json; touched: boolean } | typeof UNKNOWN {
  if (step.text === undefined) return UNKNOWN;
  const loaded = parse(step, step.text);
  const ops = asJsonPatch(loaded.documents[0]?.root);
  if (ops) {
    // A JSON 6902 patch file names no object: only the entry's target does.
    if (!step.target) return UNKNOWN;
    const applies = names(kind, name, step.target, undefined, undefined);
    if (applies !== true) return applies === false ? { doc, touched: false } : UNKNOWN;
    const out = structuredClone(doc);
    for (const op of ops.items) {
      const segments = pointer(text(get(op, 'path')) ?? '');
      const from = text(get(op, 'from'));
      const value = get(op, 'value');
      if (!segments) return UNKNOWN;
      const outcome = applyOp(out, { op: text(get(op, 'op')) ?? '', segments, ...(from !== undefined ? { from: pointer(from) } : {}), ...(value !== undefined ? { value: plain(value) as Json } : {}) });
      if (outcome !== 'done') return UNKNOWN;
    }
    return { doc: out, touched: true };
  }
  let out = doc;
  let touched = false;
  for (const document of loaded.documents) {
    const root = document.root;
    if (!isYMap(root)) continue;
    const applies = names(kind, name, step.target, text(get(root, 'kind')), text(get(root, 'metadata', 'name')));
    if (applies === false) continue;
    if (applies === UNKNOWN) return UNKNOWN;
    const merged = mergedObject(out, root);
    if (merged === undefined) return UNKNOWN;
    out = merged;
    touched = true;
  }
  // The object keeps its name (a patch applied by its entry's target may give a placeholder).
  const metadata = isMap(out) ? out.metadata : undefined;
  if (touched && isMap(metadata)) metadata.name = name;
  return { doc: out, touched };
}

/** The object as one build deploys it; undefined when the build leaves it as written, UNKNOWN when a patch's effect is unknown. */
function deployed(doc: Json, kind: string, name: string, steps: readonly PatchStep[], parse: (step: PatchStep, text: string) => YamlLoadResult): Json | undefined | typeof UNKNOWN {
  let out = doc;
  let touched = false;
  for (const step of steps) {
    const next = patched(out, kind, name, step, parse);
    if (next === UNKNOWN) return UNKNOWN;
    out = next.doc;
    touched ||= next.touched;
  }
  return touched ? out : undefined;
}

/**
 * The findings of a base manifest less those about an object that every build deploying the
 * file patches so that the finding is gone (`builds`: kustomize.ts deployedBy). `load`: how
 * a patch file is parsed, the scan's parse of it (yaml/parses.ts), which the loop's reading
 * of the patch file shares; each patch is parsed once here, however many objects it is applied to.
 */
export function withoutFixedByEveryBuild(path: string, source: string, findings: ScannerFinding[], builds: readonly (readonly PatchStep[])[], context: ParseContext | undefined, load: (path: string, text: string) => YamlLoadResult = (_, text) => loadYamlCached(text)): ScannerFinding[] {
  if (findings.length === 0 || builds.length === 0 || builds.length > MAX_BUILDS) return findings;
  const input = readKubernetes(source, () => {});
  if (!input) return findings;
  const parses = new Map<PatchStep, YamlLoadResult>();
  const parse = (step: PatchStep, patch: string) => {
    let loaded = parses.get(step);
    if (!loaded) parses.set(step, (loaded = step.file !== undefined ? load(step.file, patch) : loadYamlCached(patch)));
    return loaded;
  };
  const reported = new Set(findings.filter((f) => !PLACED_BY_BUILD.has(f.ruleId)).map(subject));
  const fixed = new Set<string>();
  for (const object of input.objects) {
    if (object.label !== undefined || !object.kind || !object.name) continue;
    const base = plain(object.root) as Json;
    const judge = (doc: Json) => new Set(judgedObject(path, doc, [], context).map(subject));
    const forms: Json[] = [];
    let asWritten = false;
    for (const steps of builds) {
      const form = deployed(base, object.kind, object.name, steps, parse);
      if (form === undefined || form === UNKNOWN) {
        asWritten = true;
        break;
      }
      forms.push(form);
    }
    if (asWritten) continue;
    // What the object alone is reported for, of what the file's findings say: a finding of another object is not its.
    const candidates = new Set([...judge(base)].filter((s) => reported.has(s)));
    for (const form of forms) {
      if (candidates.size === 0) break;
      for (const kept of judge(form)) candidates.delete(kept);
    }
    for (const s of candidates) fixed.add(s);
  }
  return fixed.size === 0 ? findings : findings.filter((f) => PLACED_BY_BUILD.has(f.ruleId) || !fixed.has(subject(f)));
}
