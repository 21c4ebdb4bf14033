import pc from 'picocolors';
import { isTestCodeFinding } from '../core/code-kind.js';
import { SEVERITIES, type Finding, type Severity } from '../core/finding.js';
import type { ScanResult } from '../engine/scan.js';
import { locationText, summarise } from './summary.js';

export interface TextOptions {
  color: boolean;
  /** How many skipped files to list by name (all are counted). */
  listSkipped?: number;
}

type Paint = (text: string) => string;

/** Human report: findings grouped by severity, then file; a closing summary. */
export function writeText(result: ScanResult, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const severityColor: Record<Severity, Paint> = {
    critical: (t) => c.bold(c.red(t)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  const out: string[] = [];
  // A rule's advice is the same for each of its findings: it is printed with the first only.
  const fixesShown = new Set<string>();
  let fixesOmitted = false;
  for (const severity of SEVERITIES) {
    const group = result.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(severityColor[severity](c.bold(`${severity.toUpperCase()} (${group.length})`)));
    let currentPath = '';
    group.forEach((finding, i) => {
      if (finding.location.path !== currentPath) {
        currentPath = finding.location.path;
        out.push(`  ${c.bold(currentPath)}`);
      }
      // Findings on one line with one fix (several advisories on one package) share the fix line,
      // and, when they also have one trace and one set of tags, those lines: printed with the last of them.
      const next = group[i + 1];
      const fixFollows = next !== undefined && sameLine(next, finding) && next.fix?.summary === finding.fix?.summary;
      const tailFollows = fixFollows && sameTrace(next, finding) && tagsOf(next) === tagsOf(finding) && next.alsoReportedBy === undefined && finding.alsoReportedBy === undefined;
      const fixKey = `${finding.ruleId}\0${finding.fix?.summary ?? ''}`;
      const showFix = !fixFollows && !fixesShown.has(fixKey);
      if (showFix) fixesShown.add(fixKey);
      else if (finding.fix && !fixFollows) fixesOmitted = true;
      out.push(...findingLines(finding, c, severityColor[severity], { showFix, showTail: !tailFollows }));
    });
    out.push('');
  }

  if (result.warnings.length > 0) {
    out.push(c.yellow(c.bold(`Warnings (${result.warnings.length})`)));
    for (const warning of result.warnings) {
      const where = warning.path ? `${warning.path}${warning.line ? `:${warning.line}` : ''}: ` : '';
      out.push(`  ${where}${warning.message}${warning.scanner ? c.dim(` [${warning.scanner}]`) : ''}`);
    }
    out.push('');
  }

  const summary = summarise(result);
  const limit = options.listSkipped ?? 20;
  if (result.skipped.length > 0) {
    const reasons = Object.entries(summary.skippedByReason).map(([reason, n]) => `${n} ${reason}`).join(', ');
    out.push(c.bold(`Skipped files (${result.skipped.length}: ${reasons})`));
    for (const skip of result.skipped.slice(0, limit)) out.push(`  ${skip.path} ${c.dim(`(${skip.reason}${skip.detail ? `: ${skip.detail}` : ''})`)}`);
    if (result.skipped.length > limit) out.push(c.dim(`  … and ${result.skipped.length - limit} more (all are listed in --format json)`));
    out.push('');
  }

  const counts = SEVERITIES.filter((s) => summary.bySeverity[s] > 0)
    .map((s) => severityColor[s](`${summary.bySeverity[s]} ${s}`))
    .join(', ');
  const scanners = Object.entries(summary.byScanner).map(([id, n]) => `${id} ${n}`).join(', ');
  out.push(c.bold('Summary'));
  out.push(`  findings:   ${summary.total}${counts ? ` (${counts})` : ''}${scanners ? c.dim(`  by scanner: ${scanners}`) : ''}`);
  const inTestCode = result.findings.filter(isTestCodeFinding).length;
  if (inTestCode > 0) out.push(`  test code:  ${inTestCode} of ${summary.total} findings`);
  if (summary.suppressed.inSource + summary.suppressed.baseline > 0)
    out.push(`  suppressed: ${summary.suppressed.inSource} inline, ${summary.suppressed.baseline} by baseline`);
  out.push(`  scanners:   ${result.scanners.join(', ') || 'none'}${result.since ? c.dim(`  (lines changed since ${result.since})`) : ''}`);
  out.push(`  files:      ${summary.filesScanned} scanned, ${summary.filesSkipped} skipped, ${result.ignoredCount} ignored by rules`);
  out.push(`  time:       ${formatDuration(result.durationMs)}`);
  if (fixesOmitted) out.push(c.dim('  (a rule\'s fix is printed with its first finding; `secloop explain RULE` prints it again)'));
  return `${out.join('\n')}\n`;
}

function sameLine(a: Finding, b: Finding): boolean {
  return a.location.path === b.location.path && a.location.startLine === b.location.startLine;
}

function sameTrace(a: Finding, b: Finding): boolean {
  const key = (f: Finding) => JSON.stringify((f.trace ?? []).map((s) => [s.path, s.startLine, s.message ?? '']));
  return key(a) === key(b);
}

function tagsOf(finding: Finding): string {
  return [...finding.cwe, ...finding.owasp.filter((o) => o.endsWith(':2021'))].join(' ');
}

function findingLines(finding: Finding, c: ReturnType<typeof pc.createColors>, paint: Paint, options: { showFix: boolean; showTail: boolean }): string[] {
  const where = locationText(finding).slice(finding.location.path.length + 1);
  const tags = options.showTail ? tagsOf(finding) : '';
  const lines = [
    `    ${paint(where.padEnd(8))} ${c.bold(finding.title)} ${c.dim(`[${finding.ruleId}]${isTestCodeFinding(finding) ? ' (test code)' : ''}`)}`,
    `             ${finding.message}`,
  ];
  if (finding.trace && finding.trace.length > 0 && options.showTail) {
    for (const step of finding.trace) {
      // A step at the finding's own place (a dependency path in a lockfile) needs only its note.
      const here = step.path === finding.location.path && step.startLine === finding.location.startLine && step.message;
      lines.push(c.dim(`             ↳ ${here ? step.message : `${step.path}:${step.startLine}${step.message ? ` ${step.message}` : ''}`}`));
    }
  }
  if (finding.alsoReportedBy) lines.push(c.dim(`             also reported by ${finding.alsoReportedBy.map((o) => o.ruleId).join(', ')}`));
  if (finding.fix && options.showFix) lines.push(`             ${c.green('fix:')} ${finding.fix.summary}`);
  if (tags) lines.push(c.dim(`             ${tags}`));
  return lines;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
