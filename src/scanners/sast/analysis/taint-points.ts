import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { Frame } from './frame.js';
import type { SinkGroup } from './report.js';
import { liveTaints, make, newLabel, newTaint, passedThrough, type Loc, type SinkClass, type SourceKind, type Value } from './value.js';
import { LIBRARY_CLASSES } from '../models/sinks.js';

/** Where taint starts and ends: request sources, sink reports, and the locations and source text they quote. */

export function locOf(an: Analyzer, node: AstNode): Loc {
  return { file: an.frame?.moduleId ?? '', start: node.start, end: node.end };
}

export function snippet(an: Analyzer, node: AstNode, max = 60): string {
  const file = an.files.get(an.frame?.moduleId ?? '');
  if (!file) return '';
  const raw = file.text.slice(node.start, Math.min(node.end, node.start + max + 1)).replace(/\s+/g, ' ');
  return raw.length > max ? `${raw.slice(0, max - 1)}…` : raw;
}

/** A value read from request input at `node`. */
export function taintSource(an: Analyzer, node: AstNode, what: string, raw: boolean, apis: string[] = [], kind: SourceKind = 'web', moduleId?: string): Value {
  const loc = moduleId ? { file: moduleId, start: node.start, end: node.end } : locOf(an, node);
  const id = `${kind}:${loc.file}:${loc.start}:${what}`;
  let label = an.labels.get(id);
  if (!label) {
    label = newLabel(id, kind, what);
    an.labels.set(id, label);
  }
  return make({ taint: [newTaint(label, loc, what, raw)], apis });
}

/** Reports every live taint of `value` for a sink class. */
export function sink(an: Analyzer, cls: SinkClass, value: Value, node: AstNode, what: string, note?: string, group?: SinkGroup): boolean {
  // A library's caller naming the whole path (readJson(file)) or its base directory (path.join(dir, 'x.json'))
  // is the function's contract, not traversal: traversal needs a root the package meant to confine the input to.
  const live = liveTaints(value, cls).filter(
    (t) => !t.label.probe && (t.label.kind === 'web' || (LIBRARY_CLASSES.has(cls) && !(cls === 'path' && (passedThrough(value) || t.base)))),
  );
  if (live.length === 0) return false;
  an.collector.report(cls, locOf(an, node), what, live, note, group);
  return true;
}

export function frameName(an: Analyzer, frame: Frame): string {
  const fn = frame.fn;
  if (!fn) return 'module';
  if (fn.kind === 'closure' || fn.kind === 'class') return `${fn.name || 'anonymous function'}()`;
  return 'function';
}
