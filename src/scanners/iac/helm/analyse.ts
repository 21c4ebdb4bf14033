import { severityRank, type Location, type ScannerFinding } from '../../../core/finding.js';
import { normaliseLine } from '../../../core/fingerprint.js';
import type { ScanWarning } from '../../scanner.js';
import { analyseFile } from '../analyse.js';
import { renderChart, type ChartInput, type PackedFile, type RenderedTemplate } from './chart.js';
import type { RenderLimits } from './render.js';
import type { Origin } from './values.js';
import { isDuplicateKeyWarning } from '../yaml/tree.js';

/**
 * The Kubernetes rules on a Helm chart: its templates are rendered (chart.ts) into one
 * stream of manifests, as `helm template` prints them, the rules run on that stream,
 * and every finding is moved to the line that wrote it: the template's line, or the
 * line of values.yaml that toYaml rendered. A finding that several templates (or
 * several objects) render from one line is reported once, at the highest severity they
 * give, and its message names the other objects or containers it stands for.
 */

export interface ChartAnalysis {
  findings: ScannerFinding[];
  secrets: string[];
}

interface Stream {
  text: string;
  origins: Origin[];
  /** The template that rendered each line. */
  templates: string[];
  /** The line of that template that wrote each line, when known. */
  writers: Array<number | undefined>;
}

/**
 * Rules that report what the other objects of the file lack (no workload carries the
 * labels a NetworkPolicy selects, no NetworkPolicy selects a pod): when a template of the
 * chart was not rendered, the object they miss may be in it, and they are not reported.
 */
const NEEDS_EVERY_OBJECT = new Set(['iac/k8s-network-policy-selects-nothing', 'iac/k8s-pod-not-isolated']);

/** Characters of one stream given to the YAML parser (below its limit). */
const MAX_STREAM = 3 * 1024 * 1024;

/**
 * The rendered templates as YAML streams, documents separated by `---`, as `helm
 * template` prints them: one stream, so that rules see the objects together, unless it
 * is too large for one parse (charts that ship CRDs), then several.
 */
function streams(templates: readonly RenderedTemplate[]): Stream[] {
  const out: Stream[] = [];
  let parts: string[] = [];
  let size = 0;
  let current: Stream = { text: '', origins: [], templates: [], writers: [] };
  const flush = () => {
    if (parts.length === 0) return;
    out.push({ ...current, text: parts.join('') });
    parts = [];
    size = 0;
    current = { text: '', origins: [], templates: [], writers: [] };
  };
  for (const { path, rendered: output } of templates) {
    if (!/\S/.test(output.text)) continue;
    // `---` glued to a comment (`---`, blank, `{{- if -}}`, blank, `# ...` renders so) is
    // still a separator to Helm, which splits on `---` at a line start whatever follows.
    const rendered = { ...output, text: output.text.replace(/^---(?=#)/gm, '--- ') };
    if (size > 0 && size + rendered.text.length > MAX_STREAM) flush();
    if (parts.length > 0) {
      parts.push('---\n');
      current.origins.push(current.origins.at(-1)!);
      current.templates.push(current.templates.at(-1)!);
      current.writers.push(undefined);
    }
    const lines = rendered.text.split('\n');
    // Each part ends with a line break; the empty line after the last one is not a line of the stream.
    const kept = rendered.text.endsWith('\n') ? lines.length - 1 : lines.length;
    parts.push(kept === lines.length ? `${rendered.text}\n` : rendered.text);
    size += rendered.text.length + 4;
    for (let i = 0; i < kept; i++) {
      current.origins.push(rendered.origins[i]!);
      current.templates.push(path);
      current.writers.push(rendered.writers[i]);
    }
  }
  flush();
  return out;
}

/** Relative path of a chart file, for messages. */
function inChart(dir: string, path: string): string {
  return dir === '' ? path : path.slice(dir.length + 1);
}

export function analyseChart(input: ChartInput, warnTo: (warning: Omit<ScanWarning, 'scanner'>) => void, limits?: RenderLimits): ChartAnalysis {
  const packed = input.packedFiles;
  // A file of a packaged subchart has no place on disk: what concerns it is reported on its archive.
  const warn = (warning: Omit<ScanWarning, 'scanner'>) => {
    const from = warning.path !== undefined ? packed?.get(warning.path) : undefined;
    if (!from) return warnTo(warning);
    const { line: _line, ...rest } = warning;
    warnTo({ ...rest, path: from.archive, message: `${warning.message} (in ${from.inner}${warning.line ? `:${warning.line}` : ''})` });
  };
  const rendered = renderChart(input, limits);
  for (const warning of rendered.warnings) warn(warning);
  const incomplete = rendered.warnings.some((w) => /^Helm templates? not (?:rendered|parsed)/.test(w.message));
  const renderedWith = `rendered by secloop with ${input.valuesOf ?? "the chart's default values"}`;
  const split = new Map<string, string[]>();
  const lineText = (path: string, line: number) => {
    let lines = split.get(path);
    if (!lines) split.set(path, (lines = (input.files.get(path) ?? input.otherFiles?.get(path))?.split('\n') ?? []));
    return lines[line - 1] ?? '';
  };
  const merged = new Map<string, { finding: ScannerFinding; templates: string[]; writers: Location[]; also: string[]; define: boolean }>();
  // A key written twice by a define's text (or a values line) is one mistake, however many templates include it: said once, naming them.
  const duplicates = new Map<string, { path: string; line: number; message: string; templates: string[] }>();
  const secrets: string[] = [];
  const parts = streams(rendered.templates);
  for (const [index, all] of parts.entries()) {
    // The rules compare the objects of the whole render (or of this part of it), not of one template.
    const scope = { chart: input.dir || '.', ...(parts.length > 1 ? { part: { index: index + 1, count: parts.length } } : {}) };
    const at = (line: number) => all.origins[line - 1] ?? all.origins.at(-1)!;
    const templateAt = (line: number) => all.templates[line - 1] ?? all.templates.at(-1)!;
    const analysis = analyseFile(`${input.dir || '.'}/(rendered chart)`, all.text, (warning) => {
      const line = warning.line ?? 1;
      const origin = at(line);
      // A key written twice names the line of the other pair in the rendered stream: said where that line comes from.
      const message = isDuplicateKeyWarning(warning.message)
        ? warning.message.replace(/\(also on line (\d+)\)/, (_, other: string) => {
            const from = at(Number(other));
            return from.path === origin.path ? `(also on line ${from.line})` : `(also at ${from.path}:${from.line})`;
          })
        : warning.message;
      const template = inChart(input.dir, templateAt(line));
      if (isDuplicateKeyWarning(warning.message)) {
        const key = `${origin.path}\0${origin.line}\0${message}`;
        const seen = duplicates.get(key);
        if (!seen) duplicates.set(key, { path: origin.path, line: origin.line, message, templates: [template] });
        else if (!seen.templates.includes(template)) seen.templates.push(template);
        return;
      }
      warn({ path: origin.path, line: origin.line, message: `${message} (in the output of ${template}, ${renderedWith})` });
    }, 'kubernetes', { kubernetes: { scope, ...(input.builtImages ? { builtImages: input.builtImages } : {}), ...(input.scriptBuiltImages?.size ? { scriptBuiltImages: input.scriptBuiltImages } : {}) } });
    secrets.push(...analysis.secrets);
    for (const finding of analysis.findings) {
      const origin = at(finding.location.startLine);
      const template = templateAt(finding.location.startLine);
      if (!relevant(finding, origin, template, lineText) || (incomplete && NEEDS_EVERY_OBJECT.has(finding.ruleId))) continue;
      const writer = all.writers[finding.location.startLine - 1];
      const written: Location[] = writer !== undefined && origin.path !== template ? [{ path: template, startLine: writer }] : [];
      const key = `${finding.ruleId}\0${origin.path}\0${origin.line}`;
      const seen = merged.get(key);
      if (seen) {
        if (!seen.templates.includes(template)) seen.templates.push(template);
        for (const at of written) if (!seen.writers.some((w) => w.path === at.path && w.startLine === at.startLine)) seen.writers.push(at);
        if (severityRank(finding.severity) > severityRank(seen.finding.severity)) seen.finding = { ...seen.finding, severity: finding.severity };
        const resource = finding.properties.resource;
        if (typeof resource === 'string' && resource !== seen.finding.properties.resource && !seen.also.includes(resource)) seen.also.push(resource);
        continue;
      }
      merged.set(key, { finding: relocate(finding, origin, all, lineText), templates: [template], writers: written, also: [], define: origin.define === true });
    }
  }
  for (const { path, line, message, templates } of duplicates.values()) {
    const named = templates.slice(0, MAX_ALSO).join(', ');
    warn({ path, line, message: `${message} (in the output of ${templates.length > MAX_ALSO ? `${named} and ${templates.length - MAX_ALSO} more templates` : named}, ${renderedWith})` });
  }
  const onDisk = (at: Location) => !packed?.has(at.path);
  const findings = [...merged.values()].map(({ finding, templates, writers: allWriters, also, define }) => {
    const writers = allWriters.filter(onDisk);
    const names = templates.map((t) => inChart(input.dir, t));
    const helm = { chart: input.dir || '.', template: names[0]!, ...(names.length > 1 ? { templates: names } : {}), ...(also.length > 0 ? { also } : {}) };
    const intoValues = !templates.includes(finding.location.path);
    const message = also.length > 0 ? withNote(finding.message, alsoNote(also)) : finding.message;
    return {
      ...finding,
      message: intoValues ? withNote(message, ` (rendered by ${names.join(', ')})`) : message,
      properties: { ...finding.properties, helm },
      // Where the template uses the value, or includes the helper: --since keeps the finding when that line changed.
      ...(intoValues && writers.length > 0 ? { related: [...(finding.related ?? []), ...writers.slice(0, 8).map((w) => ({ ...w, message: define ? 'the template line that includes this helper' : 'the template line that writes this value' }))] } : {}),
    };
  });
  return { findings: packed ? findings.map((f) => inArchive(f, packed, lineText)) : findings, secrets };
}

/**
 * A finding on a file of a packaged subchart, moved to the first line of the archive
 * (a binary file) with the place inside it in the message; its identity is that place's
 * text, so it survives changes of the archive's other files.
 */
function inArchive(finding: ScannerFinding, packed: ReadonlyMap<string, PackedFile>, lineText: (path: string, line: number) => string): ScannerFinding {
  const from = packed.get(finding.location.path);
  if (!from) return finding;
  const { startLine } = finding.location;
  const { detailLine: _detail, ...properties } = finding.properties;
  const { fingerprintKey: _key, related: _related, ...rest } = finding;
  return {
    ...rest,
    message: withNote(finding.message, ` (in the packaged subchart ${from.archive.slice(from.archive.lastIndexOf('/') + 1)}: ${from.inner}:${startLine})`),
    location: { path: from.archive, startLine: 1 },
    properties: { ...properties, packaged: { archive: from.archive, file: from.inner, line: startLine } },
    fingerprintKey: `${from.inner}\n${normaliseLine(lineText(finding.location.path, startLine))}`,
  };
}

/**
 * `helm template` puts every object in the release's namespace, which is chosen at
 * install: a rendered "default" namespace, or none, says nothing about the chart
 * unless a template writes `namespace: default` itself. A Secret's value that the chart
 * takes from its values (`{{ .Values.password | b64enc }}`, toYaml of a values map) is
 * the installer's to give: the chart commits a Secret value only where a template writes it.
 * The same holds for a credential in a ConfigMap; a container's configMapKeyRef is kept where
 * a template writes it.
 */
function relevant(finding: ScannerFinding, origin: Origin, template: string, lineText: (path: string, line: number) => string): boolean {
  if (finding.ruleId === 'iac/k8s-committed-secret' || finding.ruleId === 'iac/k8s-secret-in-configmap') return origin.path === template && origin.define !== true && !lineText(origin.path, origin.line).includes('{{');
  if (finding.ruleId !== 'iac/k8s-default-namespace') return true;
  return /^\s*namespace\s*:\s*["']?default["']?\s*(?:#.*)?$/.test(lineText(origin.path, origin.line));
}

/** The finding at its origin; an inner line is kept when it comes from the same file, below the key. */
function relocate(finding: ScannerFinding, origin: Origin, all: Stream, lineText: (path: string, line: number) => string): ScannerFinding {
  const { startColumn: _column, endLine, ...location } = finding.location;
  const detail = endLine !== undefined ? all.origins[endLine - 1] : undefined;
  const keepDetail = detail !== undefined && detail.path === origin.path && detail.line > origin.line;
  const { detailLine: _detail, ...properties } = finding.properties;
  let message = finding.message;
  if (endLine !== undefined) message = message.replace(` (line ${endLine})`, keepDetail ? ` (line ${detail!.line})` : '');
  const { fingerprintKey: _key, ...rest } = finding;
  return {
    ...rest,
    message,
    location: { ...location, path: origin.path, startLine: origin.line, ...(keepDetail ? { endLine: detail!.line } : {}) },
    properties: { ...properties, ...(keepDetail ? { detailLine: detail!.line } : {}) },
    ...(keepDetail ? { fingerprintKey: `${normaliseLine(lineText(origin.path, origin.line))}\n${normaliseLine(lineText(origin.path, detail!.line))}` } : {}),
  };
}

/** Objects named in the note on a merged finding before "and N more". */
const MAX_ALSO = 3;

/** The note on a finding that stands for other objects or containers too (their labels, `properties.helm.also`). */
function alsoNote(also: readonly string[]): string {
  const named = also.slice(0, MAX_ALSO).join(', ');
  return ` (also: ${also.length > MAX_ALSO ? `${named} and ${also.length - MAX_ALSO} more` : named})`;
}

/**
 * A chart finding's message without the note naming the other objects it stands for:
 * what renders of the chart with other values are compared by, as the objects a values line
 * reaches may differ between them while the finding is the same.
 */
export function withoutAlso(finding: ScannerFinding): string {
  const also = (finding.properties.helm as { also?: unknown } | undefined)?.also;
  if (!Array.isArray(also) || also.length === 0) return finding.message;
  const note = alsoNote(also as string[]);
  const at = finding.message.lastIndexOf(note);
  return at < 0 ? finding.message : finding.message.slice(0, at) + finding.message.slice(at + note.length);
}

/** A note before the final full stop of a message. */
export function withNote(message: string, note: string): string {
  return message.endsWith('.') ? `${message.slice(0, -1)}${note}.` : `${message}${note}`;
}
