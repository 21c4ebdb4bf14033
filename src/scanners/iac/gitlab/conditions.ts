import { get, isYMap, isYSeq, stringValue, text, type YMap, type YNode } from '../yaml/tree.js';
import { extendsOrder, jobRules, readPipeline, takesSections, workflowRules, type Pipeline } from './pipeline.js';

/**
 * Which predefined variables the conditions under which a job runs fix to a text the
 * pipeline's authors chose: `if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, `if:
 * $CI_COMMIT_TAG =~ /^v\d+\.\d+\.\d+$/`, `only: [main]`. When a job runs only on the
 * branch `main`, $CI_COMMIT_BRANCH is `main` whoever pushed it, and no contributor's
 * text reaches the job through it.
 */

/** Variables a branch or tag comparison fixes, and those it leaves unset: a branch pipeline has no tag and no merge request, and so on. */
const IMPLIED: Record<string, readonly string[]> = {
  CI_COMMIT_BRANCH: ['CI_COMMIT_REF_NAME', 'CI_COMMIT_TAG', 'CI_COMMIT_TAG_MESSAGE', 'CI_MERGE_REQUEST_TITLE', 'CI_MERGE_REQUEST_DESCRIPTION', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME'],
  CI_COMMIT_TAG: ['CI_COMMIT_REF_NAME', 'CI_COMMIT_BRANCH', 'CI_MERGE_REQUEST_TITLE', 'CI_MERGE_REQUEST_DESCRIPTION', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME'],
  // A ref name is the branch's in a branch pipeline, the tag's in a tag pipeline (a merge request's source branch in its pipeline).
  CI_COMMIT_REF_NAME: ['CI_COMMIT_BRANCH', 'CI_COMMIT_TAG', 'CI_MERGE_REQUEST_SOURCE_BRANCH_NAME'],
};

function withImplied(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    out.add(name);
    for (const implied of IMPLIED[name] ?? []) out.add(implied);
  }
  return out;
}

type Token = '(' | ')' | '&&' | '||' | { atom: string };

/** The tokens of a rules `if:` expression; undefined when it cannot be read (an unclosed quote or regex). */
function tokens(expression: string): Token[] | undefined {
  const out: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const c = expression[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push(c);
      i++;
      continue;
    }
    const two = expression.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      out.push(two);
      i += 2;
      continue;
    }
    // An atom: a comparison, up to the next operator or parenthesis outside quotes and regular expressions.
    let atom = '';
    while (i < expression.length) {
      const d = expression[i]!;
      const pair = expression.slice(i, i + 2);
      if (d === '(' || d === ')' || pair === '&&' || pair === '||') break;
      if (d === '"' || d === "'" || (d === '/' && /[=!]~\s*$/.test(atom))) {
        const close = d;
        let j = i + 1;
        while (j < expression.length && expression[j] !== close) j += expression[j] === '\\' ? 2 : 1;
        if (j >= expression.length) return undefined;
        atom += expression.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      atom += d;
      i++;
    }
    out.push({ atom: atom.trim() });
  }
  return out;
}

/**
 * A regular expression whose every match is made of letters, digits and `._/+-`:
 * anchored at both ends (`^...$`, or RE2's `\A...\z`, which GitLab's rules take too:
 * gitlab-runner's `/\Av[0-9]+\.[0-9]+\.[0-9]+\z/`), without `.`, negated classes or
 * classes such as \S that take any character. What it lets through is no shell code.
 */
export function safeRefPattern(source: string): boolean {
  const start = source.startsWith('^') ? 1 : source.startsWith('\\A') ? 2 : 0;
  // The anchor at the end, unless its backslash or dollar is itself escaped (`\\z`, `\$`).
  const escaped = (at: number) => (/\\*$/.exec(source.slice(0, at))![0].length % 2) === 1;
  const end = source.endsWith('$') && !escaped(source.length - 1) ? 1 : source.endsWith('\\z') && !escaped(source.length - 2) ? 2 : 0;
  if (start === 0 || end === 0 || source.length < start + end) return false;
  const body = source.slice(start, source.length - end);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1] ?? '';
      if (!/[dw.\-/+_]/.test(next)) return false;
      i++;
      continue;
    }
    if (c === '[') {
      if (body[i + 1] === '^') return false;
      const end = body.indexOf(']', i + 2);
      if (end < 0) return false;
      const inner = body.slice(i + 1, end).replace(/\\[dw.\-/+_]/g, '');
      if (!/^[A-Za-z0-9._/+\-]*$/.test(inner)) return false;
      i = end;
      continue;
    }
    // Literal text, groups, alternatives and quantifiers; `.` takes any character.
    if (!/[A-Za-z0-9_/+\-()|?*{},:]/.test(c)) return false;
  }
  return true;
}

const NAME = String.raw`\$\{?([A-Za-z_]\w*)\}?`;
const EQUALS = new RegExp(String.raw`^${NAME}\s*==\s*("[^"]*"|'[^']*'|\$\{?CI_DEFAULT_BRANCH\}?)$`);
const EQUALS_REVERSED = new RegExp(String.raw`^("[^"]*"|'[^']*'|\$\{?CI_DEFAULT_BRANCH\}?)\s*==\s*${NAME}$`);
const MATCHES = new RegExp(String.raw`^${NAME}\s*=~\s*/(.*)/[a-z]*$`);

/** The variables one comparison fixes. */
function atomFixes(atom: string): Set<string> {
  const equals = EQUALS.exec(atom);
  if (equals && equals[1] !== 'CI_DEFAULT_BRANCH') return new Set([equals[1]!]);
  const reversed = EQUALS_REVERSED.exec(atom);
  if (reversed && reversed[2] !== 'CI_DEFAULT_BRANCH') return new Set([reversed[2]!]);
  const matches = MATCHES.exec(atom);
  if (matches && safeRefPattern(matches[2]!)) return new Set([matches[1]!]);
  return new Set();
}

/**
 * The variables an `if:` expression fixes whenever it is true: those a comparison fixes,
 * for `&&` those either side fixes, for `||` those both sides fix. Undefined when the
 * expression cannot be read.
 */
export function fixedBy(expression: string): Set<string> | undefined {
  const list = tokens(expression);
  if (!list) return undefined;
  let at = 0;
  let broken = false;
  const or = (): Set<string> => {
    let fixed = and();
    while (list[at] === '||') {
      at++;
      const right = and();
      fixed = new Set([...fixed].filter((name) => right.has(name)));
    }
    return fixed;
  };
  const and = (): Set<string> => {
    const fixed = new Set(primary());
    while (list[at] === '&&') {
      at++;
      for (const name of primary()) fixed.add(name);
    }
    return fixed;
  };
  const primary = (): Set<string> => {
    const token = list[at];
    if (token === '(') {
      at++;
      const inner = or();
      if (list[at] !== ')') broken = true;
      at++;
      return inner;
    }
    if (token && typeof token === 'object') {
      at++;
      return atomFixes(token.atom);
    }
    broken = true;
    at++;
    return new Set();
  };
  const fixed = or();
  return broken || at !== list.length ? undefined : withImplied(fixed);
}

/**
 * The variables every rule that lets a job (or the pipeline) run fixes: a rule with
 * `when: never` keeps it from running, one without `if:` lets it run whatever the refs.
 * Undefined when there are no rules, or a tag among them could not be read.
 */
function fixedByRules(rules: YNode[] | null | undefined): Set<string> | undefined {
  if (!rules || rules.length === 0) return undefined;
  let fixed: Set<string> | undefined;
  for (const rule of rules) {
    if (!isYMap(rule)) return undefined;
    if (text(get(rule, 'when')) === 'never') continue;
    const condition = get(rule, 'if');
    const expression = stringValue(condition);
    const names = expression === undefined ? new Set<string>() : (fixedBy(expression) ?? new Set<string>());
    fixed = fixed ? new Set([...fixed].filter((name) => names.has(name))) : names;
  }
  // No rule lets it run: it never runs, and nothing of it reaches a shell.
  return fixed ?? new Set(Object.keys(IMPLIED).flatMap((name) => [name, ...IMPLIED[name]!]));
}

/** Keywords of `only:` and `except:` that name kinds of pipeline, not refs. */
const ONLY_KEYWORDS = new Set(['api', 'branches', 'chat', 'external', 'external_pull_requests', 'merge_requests', 'pipelines', 'pushes', 'schedules', 'tags', 'triggers', 'web']);

/** The ref names `only:` (a list, or `refs:`) allows, when each is a name or a safe pattern: the ref's name is then fixed. */
function fixedByOnly(job: YMap, p: Pipeline): Set<string> | undefined {
  const owner = extendsOrder(p, job).find((node) => get(node, 'only') || get(node, 'rules'));
  const only = owner ? get(owner, 'only') : undefined;
  if (!only) return undefined;
  const refs = isYSeq(only) ? only : isYMap(only) ? get(only, 'refs') : undefined;
  if (!isYSeq(refs) || refs.items.length === 0) return undefined;
  const safe = refs.items.every((item) => {
    const ref = stringValue(item);
    if (ref === undefined || ONLY_KEYWORDS.has(ref)) return false;
    const pattern = /^\/(.*)\/[a-z]*$/.exec(ref);
    return pattern ? safeRefPattern(pattern[1]!) : !ref.includes('@');
  });
  return safe ? withImplied(['CI_COMMIT_REF_NAME']) : undefined;
}

/** What the workflow fixes for every job, read once per pipeline. */
const workflowFixed = new WeakMap<Pipeline, Set<string>>();

function pipelineFixes(p: Pipeline): Set<string> {
  let fixed = workflowFixed.get(p);
  if (!fixed) workflowFixed.set(p, (fixed = new Set([...workflowFixes(p), ...triggerFixes(p)])));
  return fixed;
}

/**
 * What the workflow of the pipelines a file is part of fixes: the `workflow: rules` of the
 * file itself or, for a file pipelines include, those of each pipeline's first file, which
 * GitLab takes over the included file's (the file's own where the first file has none).
 * Only what every such pipeline fixes counts.
 */
function workflowFixes(p: Pipeline): Set<string> {
  const own = fixedByRules(workflowRules(p)) ?? new Set<string>();
  if (!p.roots) return own;
  let fixed: Set<string> | undefined;
  for (const root of p.roots) {
    // No workflow rules there: the included file's own count; rules that cannot be read fix nothing.
    const names = rootWorkflowFixes(root.text) ?? own;
    fixed = fixed ? new Set([...fixed].filter((name) => names.has(name))) : names;
  }
  return fixed ?? own;
}

/** What the workflow of a pipeline's first file fixes, by its text, read once for the files it includes; null when it writes no workflow rules. */
const rootWorkflows = new Map<string, Set<string> | null>();

function rootWorkflowFixes(text: string): Set<string> | null {
  // Most first files write no workflow: their text is not parsed again.
  if (!/^["']?workflow["']?[ \t]*:/m.test(text)) return null;
  let fixed = rootWorkflows.get(text);
  if (fixed === undefined) {
    const first = readPipeline(text, () => {});
    const rules = first ? workflowRules(first) : undefined;
    fixed = rules === null ? null : (fixedByRules(rules) ?? new Set<string>());
    if (rootWorkflows.size >= 64) rootWorkflows.clear();
    rootWorkflows.set(text, fixed);
  }
  return fixed;
}

/**
 * What the trigger jobs that start a child pipeline fix (each job's conditions and its
 * pipeline's workflow, read in its own file): the child pipeline runs only when one of
 * them runs, with the same branch, tag and merge request. Only what every trigger job fixes counts.
 * A `trigger:` a template writes starts the child from each job that extends it (ownerFixes):
 * the template's own rules are not those a job that takes it runs under.
 */
function triggerFixes(p: Pipeline): Set<string> {
  let fixed: Set<string> | undefined;
  for (const trigger of p.triggers ?? []) {
    const parent = readPipeline(trigger.text, () => {}, { gitlab: { files: trigger.files, ...(trigger.triggers ? { triggers: trigger.triggers } : {}) } });
    const names = parent ? ownerFixes(parent, `job ${trigger.job}`) : new Set<string>();
    fixed = fixed ? new Set([...fixed].filter((name) => names.has(name))) : names;
  }
  return fixed ?? new Set();
}

/** What the conditions a job runs under fix, or without a job those of every job (the workflow's): gitlabScriptRuns's fixedFor. */
export function runFixes(p: Pipeline, job: YMap | undefined): Set<string> {
  return job ? jobFixes(p, job) : pipelineFixes(p);
}

/** The predefined variables whose text the conditions a job runs under fix (its rules or only:, and the workflow's rules). */
export function jobFixes(p: Pipeline, job: YMap): Set<string> {
  const rules = jobRules(p, job);
  const own = rules === null ? fixedByOnly(job, p) : fixedByRules(rules);
  return new Set([...pipelineFixes(p), ...(own ?? [])]);
}

/**
 * The variables fixed for every job that runs the scripts an owner of pipelineScripts
 * writes (`global`, `default`, `job NAME`): a job, the jobs of this file that extend it,
 * and those whose scripts take its sections with `!reference` tags. A hidden job that
 * none of them takes, or a job whose name another file of the pipeline writes (a job
 * there may take it), runs under conditions this file does not say: only the workflow's
 * count.
 */
export function ownerFixes(p: Pipeline, owner: string): Set<string> {
  const name = owner.startsWith('job ') ? owner.slice(4) : undefined;
  const job = name === undefined ? undefined : p.jobs.find((j) => j.name === name);
  if (!job) return pipelineFixes(p);
  const runners = p.jobs.filter((j) => !j.name.startsWith('.') && (j.node === job.node || extendsOrder(p, j.node).includes(job.node) || takesSections(p, j.node, job.node)));
  const elsewhere = p.others().some((file) => file.lines.some((line) => line.includes(name!)));
  if (runners.length === 0 || elsewhere) return pipelineFixes(p);
  let fixed: Set<string> | undefined;
  for (const runner of runners) {
    const names = jobFixes(p, runner.node);
    fixed = fixed ? new Set([...fixed].filter((n) => names.has(n))) : names;
  }
  return fixed!;
}
