import type { ScannerFinding } from '../../core/finding.js';
import { normaliseLine } from '../../core/fingerprint.js';
import type { ScanWarning } from '../scanner.js';
import { classify } from './detect.js';
import { PLATFORM_RULES } from './platforms.js';
import type { CarriedInput, Hit, IacRule, ParseContext, Platform, ScriptRunSite } from './rule.js';
import { findingOfRule } from '../../core/rule.js';
import { loadYamlCached } from './yaml/cache.js';
import { duplicateKeyMessage, isDuplicateKeyWarning, UNDER_INDENTED_FLOW } from './yaml/tree.js';
import { UNDER_INDENTED_QUOTE } from './cloudformation/quoted-continuations.js';
import { hasFillInComment } from './secret-names.js';

/** Whether a rule that opts in (IacRule.placeholderComments) leaves a hit out: its literal is one a comment beside it tells the reader to replace. */
export function placeholderByComment(rule: Pick<IacRule<unknown>, 'placeholderComments'>, hit: Hit, lineText: (line: number) => string): boolean {
  return rule.placeholderComments === true && hit.secret !== undefined && hasFillInComment(lineText, hit.detailLine ?? hit.line);
}

/** Warnings of YAML read again as PyYAML reads it: the file was parsed. */
const PYYAML_READINGS = new Set([UNDER_INDENTED_FLOW, UNDER_INDENTED_QUOTE]);

/** Platforms read as YAML, where `{{ }}` marks a template rather than a value (a CloudFormation template of a cookiecutter or copier project). */
const TEMPLATED = new Set<Platform>(['kubernetes', 'compose', 'github-actions', 'gitlab-ci', 'pre-commit', 'cloudformation']);
/** Kustomizations and helmfiles: YAML read by its name for what it says of other files (kustomize.ts, deployer-documents.ts). */
const READ_BY_NAME = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization|helmfile(?:\.[^/]*)?\.ya?ml)$/i;
/** `{{ }}` of a template language; a workflow's `${{ }}` and CloudFormation's dynamic references (`{{resolve:ssm:...}}`) are of the file's own format. */
const TEMPLATE_SYNTAX = /(?<!\$)\{\{(?!resolve:)[^\n]*\}\}/;

export interface FileAnalysis {
  platform: string | undefined;
  findings: ScannerFinding[];
  secrets: string[];
  /** The local scripts the file's jobs run (GitLab CI, GitHub Actions), judged by the scan after the loop (ci-scripts.ts). */
  scriptRuns?: ScriptRunSite[];
  /** Findings left out because a rule they yield to reports the same line (IacRule.yieldsTo); the benchmark still counts them for their rule. */
  yielded?: ScannerFinding[];
}

/**
 * Runs the rules of the file's platform on one file's text. Exposed for the benchmark
 * and tests; the scanner (index.ts) calls it for every wanted file, with what the file's
 * parse needs from other files (the module directory of a Terraform file) as `context`.
 */
export function analyseFile(
  path: string,
  text: string,
  warn: (warning: Omit<ScanWarning, 'scanner'>) => void,
  platformHint?: Platform,
  context?: ParseContext,
): FileAnalysis {
  const platformId = platformHint ?? classify(path, text);
  const platform = PLATFORM_RULES.find((p) => p.platform === platformId);
  if (!platform) {
    // A kustomization or a helmfile is read for what it says of other files, and no platform analyses it: its YAML problems are said here.
    if (platformId === undefined && READ_BY_NAME.test(path)) {
      const loaded = loadYamlCached(text);
      sayProblems(path, text, [...loaded.problems.map((p) => ({ path, ...p })), ...loaded.duplicates.map((d) => ({ path, line: d.line, message: duplicateKeyMessage(d) }))], true, context, warn);
    }
    return { platform: platformId, findings: [], secrets: [] };
  }
  let input: unknown;
  const problems: Array<Omit<ScanWarning, 'scanner'>> = [];
  try {
    input = platform.parse(text, (line, message) => problems.push({ path, line, message }), { ...context, path });
    sayProblems(path, text, problems, TEMPLATED.has(platformId!), context, warn);
  } catch (error) {
    // Parsers report bad input as problems; an exception here is a bug, reported and contained.
    warn({ path, message: `could not analyse this ${platformId} file: ${(error as Error).message}` });
    return { platform: platformId, findings: [], secrets: [] };
  }
  if (input === undefined) return { platform: platformId, findings: [], secrets: [] };
  const findings: ScannerFinding[] = [];
  const secrets: string[] = [];
  const suppressedBy = platform.foreignSuppressions?.(text, input, (line, message) => warn({ path, line, message }));
  const regradedBy = platform.foreignSeverities?.(input);
  let lines: string[] | undefined;
  const lineText = (n: number) => (lines ??= text.split('\n'))[n - 1] ?? '';
  // The file's own rules, with the suppressions and severities its platform reads from other tools; or those of a carried input (keep: which of their hits stand).
  const yieldsTo = new Map<string, readonly string[]>();
  const run = (rules: readonly IacRule<unknown>[], ruleInput: unknown, keep?: (hit: Hit, ruleId: string) => boolean, group?: (hits: Iterable<Hit>) => Iterable<Hit>) => {
    const own = keep === undefined;
    for (const rule of rules) {
      if (rule.yieldsTo) yieldsTo.set(rule.id, rule.yieldsTo);
      const seen = new Set<string>();
      try {
        const kept = keep ? filtered(rule.check(ruleInput), (hit) => keep(hit, rule.id)) : rule.check(ruleInput);
        for (const hit of group ? group(kept) : kept) {
          const key = `${hit.line}\0${hit.detailLine ?? ''}\0${hit.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          if (hit.secret) secrets.push(hit.secret);
          // A literal that a comment beside it marks as the reader's to replace is a placeholder (still redacted, in case it is not).
          if (placeholderByComment(rule, hit, lineText)) continue;
          const regraded = own ? regradedBy?.(rule.id, hit) : undefined;
          const finding = toFinding(rule, regraded ? { ...hit, severity: regraded.severity } : hit, path, lineText);
          if (regraded) finding.properties.severitySetBy = `${regraded.setBy} (secloop's own: ${hit.severity ?? rule.severity})`;
          // The file's foreign suppressions cover what it deploys too (a checkov skip of CKV_K8S_* in a kubernetes_* resource).
          const justification = suppressedBy?.(rule.id, hit);
          findings.push(justification ? { ...finding, inSourceSuppression: justification } : finding);
        }
      } catch (error) {
        // A rule bug must not hide the other rules' findings on this file.
        warn({ path, message: `rule ${rule.id} failed on this file: ${(error as Error).message}` });
      }
    }
  };
  run(platform.rules, input);
  let carried: CarriedInput[] = [];
  try {
    carried = platform.carried?.(input) ?? [];
  } catch (error) {
    warn({ path, message: `could not read what this ${platformId} file deploys for other rules: ${(error as Error).message}` });
  }
  // What the file deploys for another platform (Terraform's Kubernetes objects) is judged by that platform's rules, in this file.
  for (const other of carried) run(PLATFORM_RULES.find((p) => p.platform === other.platform)?.rules ?? [], other.input, other.keep ?? (() => true), other.group);
  let scriptRuns: ScriptRunSite[] | undefined;
  try {
    scriptRuns = platform.localScripts?.(input);
  } catch (error) {
    warn({ path, message: `could not read which local scripts this ${platformId} file runs: ${(error as Error).message}` });
  }
  const { kept, yielded } = stepAside(findings, yieldsTo);
  return { platform: platformId, findings: kept, secrets, ...(scriptRuns?.length ? { scriptRuns } : {}), ...(yielded.length ? { yielded } : {}) };
}

/** The findings of a file without those of a rule that yields to another rule's finding on the same line (IacRule.yieldsTo). */
function stepAside(findings: ScannerFinding[], yieldsTo: ReadonlyMap<string, readonly string[]>): { kept: ScannerFinding[]; yielded: ScannerFinding[] } {
  if (yieldsTo.size === 0) return { kept: findings, yielded: [] };
  const reported = new Set(findings.map((f) => `${f.ruleId}\0${f.location.startLine}`));
  const kept: ScannerFinding[] = [];
  const yielded: ScannerFinding[] = [];
  for (const finding of findings) {
    const stronger = yieldsTo.get(finding.ruleId)?.some((id) => reported.has(`${id}\0${finding.location.startLine}`));
    (stronger ? yielded : kept).push(finding);
  }
  return { kept, yielded };
}

/**
 * A file's parse problems, each with its line. YAML with `{{ }}` that does not parse is a
 * template of some tool (a Go template a program fills at run time, a chart's files/):
 * one warning says so, not one per line.
 */
function sayProblems(path: string, text: string, said: ReadonlyArray<Omit<ScanWarning, 'scanner'>>, templated: boolean, context: ParseContext | undefined, warn: (warning: Omit<ScanWarning, 'scanner'>) => void): void {
  // A key written twice is no parse problem: the file is read, and each is said on its line. Nor is YAML that
  // only PyYAML accepts, which a CloudFormation template is read again as (template.ts).
  const read = (p: Omit<ScanWarning, 'scanner'>) => isDuplicateKeyWarning(p.message) || PYYAML_READINGS.has(p.message);
  const problems = said.filter((p) => !read(p));
  const template = problems.length > 0 && templated && TEMPLATE_SYNTAX.test(text);
  if (!template) {
    for (const problem of said) warn(problem);
    return;
  }
  for (const readAnyway of said) if (read(readAnyway)) warn(readAnyway);
  // In a Helm chart's directory, such a file is the chart's data (read with .Files, rendered with tpl): a template by design.
  if (!context?.inHelmChart) warn({ path, line: problems[0]!.line, message: `holds template syntax ({{ ... }}) and is not valid YAML as written: its documents that do not parse are not checked (${problems.length} parse problem${problems.length === 1 ? '' : 's'}, the first: ${problems[0]!.message})` });
}

function* filtered(hits: Iterable<Hit>, keep: (hit: Hit) => boolean): Iterable<Hit> {
  for (const hit of hits) if (keep(hit)) yield hit;
}

function toFinding(rule: IacRule<unknown>, hit: Hit, path: string, lineText: (line: number) => string): ScannerFinding {
  const line = Math.max(1, hit.line);
  const detail = hit.detailLine !== undefined && hit.detailLine > line ? hit.detailLine : undefined;
  return {
    ...findingOfRule(rule, 'iac', hit),
    location: { path, startLine: line, ...(hit.column ? { startColumn: hit.column } : {}), ...(detail ? { endLine: detail } : {}) },
    properties: { platform: rule.platform, ...(hit.resource ? { resource: hit.resource } : {}), ...(hit.image ? { image: hit.image } : {}), ...(detail ? { detailLine: detail } : {}) },
    // Several findings can share a key line (one per bad entry of a list): the inner line
    // keeps each one's identity when unrelated lines move.
    ...(detail ? { fingerprintKey: `${normaliseLine(lineText(line))}\n${normaliseLine(lineText(detail))}` } : {}),
  };
}
