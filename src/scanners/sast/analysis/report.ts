import type { Location, ScannerFinding, Severity } from '../../../core/finding.js';
import type { ParsedFile } from '../source/parse.js';
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
 * Writes to one target (`o[k]`) in one function. A fresh empty container stored there
 * (`o[k] = {}`) only walks the path to a write of data to the same target: when that
 * write is reported too, it stands for both.
 */
export interface SinkGroup {
  key: string;
  /** The written value is a fresh empty object or array. */
  fresh: boolean;
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

  /** The reported sinks without the container writes that a data write to the same target stands for. */
  private representatives(): Reported[] {
    const withData = new Set<string>();
    const groupKey = (r: Reported, g: SinkGroup) => `${r.cls}|${r.sink.file}|${g.key}`;
    for (const r of this.found.values()) if (r.group && !r.group.fresh) withData.add(groupKey(r, r.group));
    return [...this.found.values()].filter((r) => !r.group?.fresh || !withData.has(groupKey(r, r.group)));
  }

  get size(): number {
    return this.found.size;
  }

  findings(files: ReadonlyMap<string, ParsedFile>): ScannerFinding[] {
    const out: ScannerFinding[] = [];
    for (const r of this.representatives()) {
      const rule = ruleForClass(r.cls);
      const file = files.get(r.sink.file);
      if (!file) continue;
      const at = (loc: Loc): Location => {
        const f = files.get(loc.file) ?? file;
        const start = f.lines.position(loc.start);
        const end = f.lines.position(loc.end);
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
        message: `${origin} ${rule.harm} in ${r.sinkWhat}${r.note ? `; ${r.note}` : ''}.`,
        cwe: [rule.cwe],
        location: at(r.sink),
        trace,
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

function better(candidate: Taint, current: Taint): boolean {
  if (candidate.label.kind !== current.label.kind) return candidate.label.kind === 'web';
  return candidate.step.length < current.step.length;
}

function capSeverity(severity: Severity, cap: Severity): Severity {
  return SEVERITY_ORDER.indexOf(severity) > SEVERITY_ORDER.indexOf(cap) ? cap : severity;
}
