import type { Location, ScannerFinding, Severity } from '../../../core/finding.js';
import type { ParsedFile } from '../source/parse.js';
import type { LineIndex } from '../source/lines.js';
import { ruleForClass } from '../taint-rules.js';
import { traceOf, type Loc, type SinkClass, type Taint } from './value.js';

interface Reported {
  cls: SinkClass;
  sink: Loc;
  /** "child_process.exec()" */
  sinkWhat: string;
  taint: Taint;
  note?: string;
  group?: SinkGroup;
}

/**
 * Writes to one target (`o[k]`) in one function. Some of them only lead to the data:
 * - a fresh empty container (`o[k] = {}`) walks the path to a write of data;
 * - in a recursive merge, the write of what the nested call returned
 *   (`target[key] = merge(target[key] || {}, source[key])`) is the step into the nested
 *   object, whose pollution is the nested call's own write of data.
 * When the same function writes data to the same target, that write stands for them: one
 * finding per flow, which names the recursion's writes (the check to add is the same).
 */
export interface SinkGroup {
  key: string;
  /** The written value is a fresh empty object or array. */
  fresh: boolean;
  /** The written value is what a recursive call of the function holding the write returned. */
  recursive?: boolean;
  /** The function holding the write, and the write target (`o[k]`) without spaces. */
  scope?: string;
  target?: string;
  /**
   * A step of a path walk onto a container that may be Object.prototype (`o[a][b] = o[a][b] || {}`),
   * which the function fills next: it stands for the writes through its target (`o[a][b][c] = v`).
   */
  walk?: boolean;
}

const SEVERITY_ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/**
 * Collects taint findings: one per rule and sink position, preferring web input over
 * library input and then the shorter trace (so output does not depend on which
 * context reached the sink first).
 */
export class TaintCollector {
  private readonly found = new Map<string, Reported>();

  report(cls: SinkClass, sink: Loc, sinkWhat: string, taints: readonly Taint[], note?: string, group?: SinkGroup): void {
    for (const taint of taints) {
      const key = `${cls}|${sink.file}|${sink.start}`;
      const old = this.found.get(key);
      if (old && !better(taint, old.taint)) continue;
      this.found.set(key, { cls, sink, sinkWhat, taint, ...(note ? { note } : {}), ...(group ? { group } : {}) });
    }
  }

  /**
   * The reported sinks without the writes that a write of data to the same target stands
   * for (see SinkGroup); the recursion's writes it stands for are listed with it.
   */
  private representatives(): Array<{ r: Reported; also: Loc[]; through: Loc[] }> {
    const out: Array<{ r: Reported; also: Loc[]; through: Loc[] }> = [];
    const groups = new Map<string, Reported[]>();
    const { kept, through } = this.walkSteps();
    for (const r of kept) {
      if (!r.group) {
        out.push({ r, also: [], through: [] });
        continue;
      }
      const key = `${r.cls}|${r.sink.file}|${r.group.key}`;
      const members = groups.get(key);
      if (members) members.push(r);
      else groups.set(key, [r]);
    }
    for (const members of groups.values()) {
      const sorted = [...members].sort((a, b) => a.sink.start - b.sink.start);
      const data = sorted.filter((m) => !m.group!.fresh && !m.group!.recursive);
      const recursive = sorted.filter((m) => !m.group!.fresh && m.group!.recursive);
      const via = (r: Reported) => through.get(r) ?? [];
      if (data.length > 0) data.forEach((r, i) => out.push({ r, also: i === 0 ? recursive.map((m) => m.sink) : [], through: via(r) }));
      else if (recursive.length > 0) for (const r of recursive) out.push({ r, also: [], through: via(r) });
      else for (const r of sorted) out.push({ r, also: [], through: via(r) });
    }
    return out;
  }

  /**
   * Path-walk steps (SinkGroup.walk) stand for the writes of their function through their target:
   * `o[a][b] = o[a][b] || {}` for `o[a][b][c] = ...` and `o[a][b][c][d] = v`. One finding per flow, on
   * the write that first changes Object.prototype.
   */
  private walkSteps(): { kept: Reported[]; through: Map<Reported, Loc[]> } {
    const all = [...this.found.values()];
    const through = new Map<Reported, Loc[]>();
    const removed = new Set<Reported>();
    const steps = all.filter((r) => r.group?.walk).sort((a, b) => a.sink.start - b.sink.start);
    for (const step of steps) {
      if (removed.has(step)) continue;
      const prefix = `${step.group!.target}[`;
      for (const r of all) {
        if (r === step || removed.has(r) || r.cls !== step.cls || r.sink.file !== step.sink.file) continue;
        if (!r.group || r.group.scope !== step.group!.scope || !r.group.target?.startsWith(prefix)) continue;
        removed.add(r);
        const list = through.get(step) ?? [];
        list.push(r.sink, ...(through.get(r) ?? []));
        through.set(step, list);
        through.delete(r);
      }
    }
    return { kept: all.filter((r) => !removed.has(r)), through };
  }

  get size(): number {
    return this.found.size;
  }

  /**
   * The findings, located in `files`; `otherLines` locates trace steps in files that were
   * not analysed (where another part of the project wrote the stored data a flow read back).
   */
  findings(files: ReadonlyMap<string, ParsedFile>, otherLines?: ReadonlyMap<string, LineIndex>): ScannerFinding[] {
    const out: ScannerFinding[] = [];
    for (const { r, also, through } of this.representatives()) {
      const rule = ruleForClass(r.cls);
      const file = files.get(r.sink.file);
      if (!file) continue;
      const at = (loc: Loc): Location => {
        const lines = files.get(loc.file)?.lines ?? otherLines?.get(loc.file) ?? file.lines;
        const start = lines.position(loc.start);
        const end = lines.position(loc.end);
        return { path: loc.file, startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column };
      };
      const library = r.taint.label.kind === 'library';
      const severity: Severity = library ? capSeverity(rule.severity, 'medium') : rule.severity;
      const steps = traceOf(r.taint.step);
      const trace: Location[] = steps.map((s, i) => ({ ...at(s.loc), message: i === 0 ? `source: ${s.message}` : s.message }));
      trace.push({ ...at(r.sink), message: `sink: ${r.sinkWhat}` });
      const sourceLine = trace[0]!;
      const stored = r.taint.label.stored === true;
      const kindText = library ? 'library input' : stored ? 'request input stored in a database and read back' : 'request input';
      const origin = `${r.taint.label.what} (${kindText}, ${sourceLine.path}:${sourceLine.startLine})`;
      out.push({
        ruleId: rule.id,
        scanner: 'sast',
        severity,
        confidence: library || stored ? 'medium' : 'high',
        title: rule.title,
        message: `${origin} ${rule.harm} in ${r.sinkWhat}${r.note ? `; ${r.note}` : ''}${linesNote("also writes the recursive call's result to this target", also, file.lines)}${linesNote('then writes through this target', through, file.lines)}.`,
        cwe: [rule.cwe, ...(rule.alsoCwe ?? [])],
        location: at(r.sink),
        trace,
        ...(also.length + through.length > 0 ? { related: [...also, ...through].sort((a, b) => a.start - b.start).map((loc) => ({ ...at(loc), message: 'the same flow writes here too' })) } : {}),
        fix: { summary: rule.remediation },
        properties: {
          sourceKind: library ? 'library' : 'web',
          ...(stored ? { stored: true } : {}),
          source: r.taint.label.what,
          sink: r.sinkWhat,
          traceLength: trace.length,
        },
      });
    }
    return out;
  }
}

/** "; the same flow <what> at lines 12 and 15", or nothing without places. */
function linesNote(what: string, locs: readonly Loc[], lines: ParsedFile['lines']): string {
  if (locs.length === 0) return '';
  const numbers = [...new Set(locs.map((loc) => lines.position(loc.start).line))].sort((a, b) => a - b);
  const list = numbers.length === 1 ? String(numbers[0]) : `${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
  return `; the same flow ${what} at line${numbers.length === 1 ? '' : 's'} ${list}`;
}

function better(candidate: Taint, current: Taint): boolean {
  if (candidate.label.kind !== current.label.kind) return candidate.label.kind === 'web';
  return candidate.step.length < current.step.length;
}

function capSeverity(severity: Severity, cap: Severity): Severity {
  return SEVERITY_ORDER.indexOf(severity) > SEVERITY_ORDER.indexOf(cap) ? cap : severity;
}
