import type { Severity } from '../../../core/finding.js';
import type { WorkspaceFile } from '../../../workspace/files.js';
import type { Hit } from '../rule.js';
import { isYMap, isYScalar, isYSeq, loadYaml, stringValue, type YNode } from '../yaml/tree.js';
import { parseUses, type Workflow } from './model.js';
import { ZIZMOR_AUDIT_RULES } from './zizmor-ignore.js';

/**
 * A zizmor configuration file (`zizmor.yml`), read for what it says about findings secloop
 * also reports: `rules.<audit>.ignore`, `rules.<audit>.disable` and the `unpinned-uses`
 * policies. Every finding they cover stays in the report, suppressed, with the config
 * entry as the reason. `rules.<audit>.remap.severity` regrades the findings of the audit's
 * rules, as zizmor does with its own (whatever severity they had).
 */
export interface ZizmorConfig {
  /** The file's path from the scan root, named in every justification. */
  path: string;
  ignores: ZizmorIgnore[];
  /** Audits with `disable: true`. */
  disabled: Set<string>;
  /** `rules.<audit>.remap.severity`, as secloop's severity. */
  remaps: Map<string, Severity>;
  /** `rules.unpinned-uses.config.policies`, most specific first; `*` is `fallback`. */
  policies: UsesPolicyRule[];
  fallback?: UsesPolicyRule;
  /** `rules.forbidden-uses.config`: the actions a `uses:` may name (`allow`) or may not (`deny`). */
  forbiddenUses?: ForbiddenUses;
}

/** `rules.forbidden-uses.config.allow` or `.deny`: repository patterns, in the config's order. */
export interface ForbiddenUses {
  mode: 'allow' | 'deny';
  patterns: UsesPattern[];
}

/** One `rules.<audit>.ignore` entry: `file.yml[:line[:column]]`. */
export interface ZizmorIgnore {
  audit: string;
  index: number;
  entry: string;
  filename: string;
  line?: number;
  column?: number;
}

type UsesPolicy = 'any' | 'ref-pin' | 'hash-pin';

/** A repository pattern of zizmor (docs/configuration.md, "Repository patterns"; its `RepositoryUsesPattern`). */
export interface UsesPattern {
  pattern: string;
  /** In zizmor's order of specificity. */
  kind: 'exact-with-ref' | 'exact-path' | 'exact-repo' | 'in-repo' | 'in-owner' | 'any';
  owner: string;
  repo: string;
  /** '' for none (`owner/repo@ref` has none). */
  subpath: string;
  /** `exact-with-ref` only. */
  ref?: string;
}

/** A repository pattern with its pinning policy. */
interface UsesPolicyRule extends UsesPattern {
  policy: UsesPolicy;
}

/** Where zizmor looks in a repository's root, in its order; the first one found is the config. */
export const ZIZMOR_CONFIG_CANDIDATES = ['.github/zizmor.yml', '.github/zizmor.yaml', 'zizmor.yml', 'zizmor.yaml'] as const;

type Warn = (warning: { path: string; line?: number; message: string }) => void;

/** The zizmor config at the scan's root (or its .github/), read once per scan; problems go to `warn` with the config's line. */
export async function findZizmorConfig(files: readonly WorkspaceFile[], warn: Warn): Promise<ZizmorConfig | undefined> {
  for (const candidate of ZIZMOR_CONFIG_CANDIDATES) {
    const file = files.find((f) => f.path === candidate);
    if (!file) continue;
    let text: string | null;
    try {
      text = await file.text();
    } catch (error) {
      warn({ path: file.path, message: `zizmor configuration could not be read, so its ignore rules are not honoured: ${(error as Error).message}` });
      return undefined;
    }
    if (text === null) return undefined; // binary: the workspace records the skip
    return readZizmorConfig(file.path, text, warn);
  }
  return undefined;
}

/** `key:` with nothing after it, or `~`. */
const empty = (node: YNode | null | undefined) => node === null || node === undefined || (isYScalar(node) && node.value === null);

const SECTION_KEYS = new Set(['disable', 'ignore', 'config', 'remap']);
const POLICIES = new Set<string>(['any', 'ref-pin', 'hash-pin']);

/** A zizmor config's text; undefined when it holds nothing secloop can honour. Bad entries are warnings and are skipped. */
export function readZizmorConfig(path: string, source: string, warn: Warn): ZizmorConfig | undefined {
  const loaded = loadYaml(source);
  const problem = (line: number | undefined, message: string) => warn({ path, ...(line ? { line } : {}), message: `zizmor configuration: ${message}` });
  if (loaded.problems.length > 0) {
    const first = loaded.problems[0]!;
    problem(first.line, `not valid YAML (${first.message}), so none of its rules are honoured`);
    return undefined;
  }
  const root = loaded.documents[0]?.root;
  if (root === null || root === undefined || empty(root)) return undefined;
  if (!isYMap(root)) {
    problem(root.line, 'expected a mapping with `rules:`; nothing in it is honoured');
    return undefined;
  }
  const config: ZizmorConfig = { path, ignores: [], disabled: new Set(), remaps: new Map(), policies: [] };
  for (const top of root.pairs) {
    if (top.key !== 'rules') {
      problem(top.keyLine, `unknown key \`${top.key}\` (zizmor knows only \`rules\`), ignored`);
      continue;
    }
    if (empty(top.value)) continue;
    if (!isYMap(top.value)) {
      problem(top.keyLine, '`rules` should map audit names to their settings; nothing in it is honoured');
      continue;
    }
    for (const section of top.value.pairs) readSection(config, section.key, section.keyLine, section.value, problem);
  }
  return config;
}

function readSection(config: ZizmorConfig, audit: string, line: number, node: YNode | null, problem: (line: number | undefined, message: string) => void): void {
  if (empty(node)) return;
  if (!isYMap(node)) {
    problem(line, `rules.${audit} should be a mapping (disable, ignore, config, remap); ignored`);
    return;
  }
  for (const setting of node.pairs) {
    const at = `rules.${audit}.${setting.key}`;
    if (!SECTION_KEYS.has(setting.key)) problem(setting.keyLine, `unknown setting ${at}, ignored`);
    else if (setting.key === 'disable') {
      if (isYScalar(setting.value) && typeof setting.value.value === 'boolean') {
        if (setting.value.value) config.disabled.add(audit);
      } else problem(setting.keyLine, `${at} should be true or false; ignored`);
    } else if (setting.key === 'ignore') {
      if (empty(setting.value)) continue;
      if (!isYSeq(setting.value)) {
        problem(setting.keyLine, `${at} should be a list of file.yml[:line[:column]] entries; ignored`);
        continue;
      }
      setting.value.items.forEach((item, index) => {
        const entry = stringValue(item);
        const parsed = entry === undefined ? undefined : parseIgnore(entry);
        if (entry === undefined || typeof parsed === 'string') problem(item.line, `${at}[${index}] ${parsed ?? 'should be a string file.yml[:line[:column]]'}; ignored`);
        else config.ignores.push({ audit, index, entry, ...parsed! });
      });
    } else if (setting.key === 'config' && audit === 'unpinned-uses') readPolicies(config, setting.value, setting.keyLine, problem);
    else if (setting.key === 'config' && audit === 'forbidden-uses') readForbiddenUses(config, setting.value, setting.keyLine, problem);
    else if (setting.key === 'remap') readRemap(config, audit, setting.value, setting.keyLine, problem);
  }
}

/** zizmor's `RemapSeverity` (docs/configuration.md, `rules.<id>.remap.severity`, zizmor 1.25.0) and secloop's severity for each. */
const REMAP_SEVERITIES: Readonly<Record<string, Severity>> = { informational: 'info', low: 'low', medium: 'medium', high: 'high' };

function readRemap(config: ZizmorConfig, audit: string, node: YNode | null, line: number, problem: (line: number | undefined, message: string) => void): void {
  if (empty(node)) return;
  if (!isYMap(node)) {
    problem(line, `rules.${audit}.remap should be a mapping with \`severity:\`; ignored`);
    return;
  }
  for (const p of node.pairs) {
    if (p.key !== 'severity') {
      problem(p.keyLine, `unknown setting rules.${audit}.remap.${p.key} (zizmor remaps only severity), ignored`);
      continue;
    }
    const value = stringValue(p.value);
    const severity = value === undefined ? undefined : REMAP_SEVERITIES[value];
    if (severity) config.remaps.set(audit, severity);
    else problem(p.keyLine, `rules.${audit}.remap.severity should be informational, low, medium or high; ignored`);
  }
}

/** zizmor's `WorkflowRule::from_str`: up to three `:`-separated parts from the right; line and column 1-based. A string is the problem. */
function parseIgnore(entry: string): Pick<ZizmorIgnore, 'filename' | 'line' | 'column'> | string {
  const parts: string[] = [];
  let rest = entry;
  while (parts.length < 2 && rest.includes(':')) {
    parts.unshift(rest.slice(rest.lastIndexOf(':') + 1));
    rest = rest.slice(0, rest.lastIndexOf(':'));
  }
  const filename = rest;
  if (!/\.ya?ml$/.test(filename)) return `(${JSON.stringify(entry)}) does not name a .yml or .yaml file`;
  const [line, column] = parts.map((p) => (/^\+?\d+$/.test(p) && Number(p) > 0 ? Number(p) : NaN));
  if (line !== undefined && Number.isNaN(line)) return `(${JSON.stringify(entry)}) has a line that is not a number from 1`;
  if (column !== undefined && Number.isNaN(column)) return `(${JSON.stringify(entry)}) has a column that is not a number from 1`;
  return { filename, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) };
}

/** zizmor's `REPOSITORY_USES_PATTERN`: owner/repo[/subpath][@ref]. */
const USES_PATTERN = /^([\w-]+)\/([\w.-]+|\*)(?:\/([^\s@*]+|\*))?(?:@([^\s*]+))?$/;
const SPECIFICITY: ReadonlyArray<UsesPattern['kind']> = ['exact-with-ref', 'exact-path', 'exact-repo', 'in-repo', 'in-owner', 'any'];
const PATTERN_SHAPES = 'owner/*, owner/repo, owner/repo/*, owner/repo/path, owner/repo[/path]@ref or *';

function readPolicies(config: ZizmorConfig, node: YNode | null, line: number, problem: (line: number | undefined, message: string) => void): void {
  if (empty(node)) return;
  const policies = isYMap(node) ? node.pairs.find((p) => p.key === 'policies') : undefined;
  if (!isYMap(node) || (policies && !empty(policies.value) && !isYMap(policies.value))) {
    problem(line, 'rules.unpinned-uses.config should hold `policies:`, a mapping of patterns to any, ref-pin or hash-pin; ignored');
    return;
  }
  for (const other of node.pairs) if (other.key !== 'policies') problem(other.keyLine, `unknown setting rules.unpinned-uses.config.${other.key}, ignored`);
  for (const p of isYMap(policies?.value) ? policies.value.pairs : []) {
    const policy = isYScalar(p.value) && typeof p.value.value === 'string' ? p.value.value : '';
    const rule = policyRule(p.key, policy);
    if (typeof rule === 'string') problem(p.keyLine, `rules.unpinned-uses.config.policies[${JSON.stringify(p.key)}] ${rule}; ignored`);
    else if (rule.kind === 'any') config.fallback = rule;
    else config.policies.push(rule);
  }
  config.policies.sort((a, b) => SPECIFICITY.indexOf(a.kind) - SPECIFICITY.indexOf(b.kind));
}

/**
 * zizmor's `ForbiddenUsesConfig`: a mapping with exactly one key, `allow` or `deny`, whose
 * value is a list of repository patterns. zizmor refuses a config with a bad pattern or
 * another key; here the bad entry is a warning and is skipped (in allow mode, that forbids
 * what it would have allowed), and a config with both keys or neither is ignored.
 */
function readForbiddenUses(config: ZizmorConfig, node: YNode | null, line: number, problem: (line: number | undefined, message: string) => void): void {
  if (empty(node)) return;
  const modes = isYMap(node) ? node.pairs.filter((p) => p.key === 'allow' || p.key === 'deny') : [];
  if (!isYMap(node) || modes.length !== 1) {
    problem(line, 'rules.forbidden-uses.config should hold one of `allow:` or `deny:`, a list of repository patterns; ignored');
    return;
  }
  for (const other of node.pairs) if (other !== modes[0]) problem(other.keyLine, `unknown setting rules.forbidden-uses.config.${other.key}, ignored`);
  const mode = modes[0]!.key as ForbiddenUses['mode'];
  const list = modes[0]!.value;
  if (!empty(list) && !isYSeq(list)) {
    problem(modes[0]!.keyLine, `rules.forbidden-uses.config.${mode} should be a list of repository patterns; ignored`);
    return;
  }
  const patterns: UsesPattern[] = [];
  (isYSeq(list) ? list.items : []).forEach((item, index) => {
    const entry = stringValue(item);
    const pattern = entry === undefined ? 'should be a string' : usesPattern(entry);
    if (typeof pattern === 'string') problem(item.line, `rules.forbidden-uses.config.${mode}[${index}] ${pattern}; ignored`);
    else patterns.push(pattern);
  });
  config.forbiddenUses = { mode, patterns };
}

/** zizmor's `RepositoryUsesPattern::from_str`; a string is the problem. */
function usesPattern(pattern: string): UsesPattern | string {
  const base = { pattern, owner: '', repo: '', subpath: '' };
  if (pattern === '*') return { ...base, kind: 'any' };
  const m = USES_PATTERN.exec(pattern);
  if (!m) return `is not a repository pattern (${PATTERN_SHAPES})`;
  const [, owner, repo, subpath, ref] = m as unknown as [string, string, string, string | undefined, string | undefined];
  if (repo === '*') return subpath === undefined && ref === undefined ? { ...base, kind: 'in-owner', owner } : `is not a repository pattern (${PATTERN_SHAPES})`;
  if (subpath === '*') return ref === undefined ? { ...base, kind: 'in-repo', owner, repo } : `is not a repository pattern (${PATTERN_SHAPES})`;
  if (ref !== undefined) return { ...base, kind: 'exact-with-ref', owner, repo, subpath: subpath ?? '', ref };
  return subpath === undefined ? { ...base, kind: 'exact-repo', owner, repo } : { ...base, kind: 'exact-path', owner, repo, subpath };
}

function policyRule(pattern: string, policy: string): UsesPolicyRule | string {
  if (!POLICIES.has(policy)) return 'should be any, ref-pin or hash-pin';
  const parsed = usesPattern(pattern);
  if (typeof parsed === 'string') return parsed;
  if (parsed.kind === 'exact-with-ref') return 'names a ref, which a pinning policy cannot use';
  return { ...parsed, policy: policy as UsesPolicy };
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * zizmor's `RepositoryUsesPattern::matches` for a repository `uses:` (`ref.action` of
 * `parseUses`: owner/repo[/subpath], and its ref): owner and repository without regard to
 * case, the subpath and the ref exactly.
 */
export function usesPatternMatches(p: UsesPattern, action: string, ref: string | undefined): boolean {
  if (p.kind === 'any') return true;
  const [owner = '', repo = '', ...rest] = action.split('/');
  const subpath = rest.join('/');
  if (!same(p.owner, owner)) return false;
  if (p.kind === 'in-owner') return true;
  if (!same(p.repo, repo)) return false;
  if (p.kind === 'in-repo') return true;
  if (p.kind === 'exact-with-ref') return subpath === p.subpath && ref === p.ref;
  return subpath === p.subpath;
}

/** zizmor's `get_policy`: the most specific pattern that matches the action, else `*`, else hash-pin. */
function policyFor(config: ZizmorConfig, action: string): UsesPolicyRule | undefined {
  return config.policies.find((p) => usesPatternMatches(p, action, undefined)) ?? config.fallback;
}

/**
 * Why the config's `rules.forbidden-uses` forbids a repository `uses:` (`action`, `ref`
 * as `parseUses` gives them), to end a sentence: the deny entry it matches, or the allow
 * list it matches nothing of. Undefined when it is allowed or the config says nothing of it.
 */
export function forbiddenUsesEntry(config: ZizmorConfig, action: string, ref: string | undefined): string | undefined {
  const policy = config.forbiddenUses;
  if (!policy) return undefined;
  const at = `${config.path}: rules.forbidden-uses.config.${policy.mode}`;
  if (policy.mode === 'deny') {
    const index = policy.patterns.findIndex((p) => usesPatternMatches(p, action, ref));
    return index < 0 ? undefined : `matches ${at}[${index}] (${policy.patterns[index]!.pattern})`;
  }
  if (policy.patterns.some((p) => usesPatternMatches(p, action, ref))) return undefined;
  const shown = policy.patterns.slice(0, 5).map((p) => p.pattern);
  const more = policy.patterns.length - shown.length;
  return shown.length === 0 ? `is not allowed by ${at}, which is empty` : `matches nothing in ${at} (${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The justification the config gives for a hit of `ruleId` in the workflow `wf`, if any: an
 * ignore entry naming the file's name (and the line the finding starts on or points at,
 * as zizmor matches any location of a finding), a disabled audit, or an `unpinned-uses`
 * policy that accepts the action's ref. secloop's findings carry no column, so an entry's
 * column is only compared when the hit has one.
 */
export function zizmorConfigJustification(config: ZizmorConfig, wf: Workflow, ruleId: string, hit: Hit): string | undefined {
  const justification = zizmorIgnoreJustification(config, wf.path, ruleId, hit);
  if (justification) return justification;
  if (ruleId === 'iac/gha-unpinned-action' && (config.policies.length > 0 || config.fallback)) return policyJustification(config, wf, hit);
  return undefined;
}

/**
 * The `disable` or `ignore` entry of the config that silences a finding of `ruleId` in the
 * file at `path` (any file zizmor audits: a workflow, an action, dependabot.yml).
 */
export function zizmorIgnoreJustification(
  config: ZizmorConfig,
  path: string | undefined,
  ruleId: string,
  hit: { line: number; detailLine?: number; column?: number },
): string | undefined {
  const name = path === undefined ? undefined : basename(path);
  for (const [audit, rules] of Object.entries(ZIZMOR_AUDIT_RULES)) {
    if (!rules.includes(ruleId)) continue;
    if (config.disabled.has(audit)) return `${config.path}: rules.${audit}.disable`;
    if (name === undefined) continue;
    const entry = config.ignores.find(
      (i) =>
        i.audit === audit &&
        i.filename === name &&
        (i.line === undefined || ((i.line === hit.line || i.line === hit.detailLine) && (i.column === undefined || hit.column === undefined || i.column === hit.column))),
    );
    if (entry) return `${config.path}: rules.${audit}.ignore[${entry.index}] (${entry.entry})`;
  }
  return undefined;
}

/**
 * The severity the config's `rules.<audit>.remap.severity` gives findings of `ruleId`, with
 * the entry that says so. A rule that reports the problems of several audits
 * (iac/gha-all-secrets-exposed: secrets-inherit and overprovisioned-secrets) is regraded
 * only when every one of them is remapped to the same severity, since its finding does
 * not say which audit's it is.
 */
export function zizmorSeverity(config: ZizmorConfig, ruleId: string): { severity: Severity; setBy: string } | undefined {
  const audits = Object.entries(ZIZMOR_AUDIT_RULES).flatMap(([audit, rules]) => (rules.includes(ruleId) ? [audit] : []));
  const severity = audits.length > 0 ? config.remaps.get(audits[0]!) : undefined;
  if (severity === undefined || audits.some((audit) => config.remaps.get(audit) !== severity)) return undefined;
  return { severity, setBy: audits.map((audit) => `${config.path}: rules.${audit}.remap.severity`).join(', ') };
}

function policyJustification(config: ZizmorConfig, wf: Workflow, hit: Hit): string | undefined {
  const uses = usesAt(wf, hit.line);
  if (uses === undefined) return undefined;
  const ref = parseUses(uses);
  // zizmor's unpinned-uses judges repository actions only; an image is the unpinned-images audit's.
  if (ref.local || ref.docker) return undefined;
  const rule = policyFor(config, ref.action);
  if (!rule || rule.policy === 'hash-pin' || (rule.policy === 'ref-pin' && !ref.ref)) return undefined;
  return `${config.path}: rules.unpinned-uses.config.policies[${JSON.stringify(rule.pattern)}] is ${rule.policy}`;
}

/** The `uses:` of a step or reusable-workflow job whose key is on `line`. */
function usesAt(wf: Workflow, line: number): string | undefined {
  for (const job of wf.jobs) {
    for (const step of job.steps) if (step.usesLine === line && step.uses !== undefined) return step.uses;
    const own = job.node.pairs.find((p) => p.key === 'uses');
    if (own && own.keyLine === line && isYScalar(own.value) && typeof own.value.value === 'string') return own.value.value;
  }
  return undefined;
}
