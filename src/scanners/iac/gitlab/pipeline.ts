import { localScriptCalls, type ShellDir } from '../local-scripts.js';
import { rule, type IacRule, type ScriptRunSite } from '../rule.js';
import { loadYamlCached } from '../yaml/cache.js';
import { get, isYMap, isYScalar, isYSeq, pair, type YMap, type YNode, type YScalar } from '../yaml/tree.js';

/** A GitLab CI pipeline: global settings and jobs (hidden `.template` jobs included). */
export interface Pipeline {
  root: YMap;
  jobs: Array<{ name: string; node: YMap; line: number }>;
  lines: string[];
}

const RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'types', 'spec']);

export function readPipeline(source: string, warn: (line: number, message: string) => void): Pipeline | undefined {
  const loaded = loadYamlCached(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  // A file with a `spec:` header document keeps the pipeline in the second document.
  const root = loaded.documents.map((d) => d.root).find((r) => isYMap(r) && !(r.pairs.length === 1 && r.pairs[0]!.key === 'spec'));
  if (!isYMap(root)) return undefined;
  const jobs = root.pairs.filter((p) => !RESERVED.has(p.key) && isYMap(p.value)).map((p) => ({ name: p.key, node: p.value as YMap, line: p.keyLine }));
  checkShape(root, jobs, warn);
  return { root, jobs, lines: source.split('\n') };
}

const INCLUDE_KINDS = ['local', 'remote', 'project', 'template', 'component'];

/**
 * Settings the rules read whose shape GitLab would reject: said as warnings, since a
 * rule that skips them would otherwise stay silent about what it did not check.
 */
function checkShape(root: YMap, jobs: Pipeline['jobs'], warn: (line: number, message: string) => void): void {
  const include = pair(root, 'include');
  if (include?.value) {
    const entries = isYSeq(include.value) ? include.value.items : [include.value];
    for (const entry of entries) {
      const ok = isYScalar(entry) ? typeof entry.value === 'string' : isYMap(entry) ? INCLUDE_KINDS.some((k) => pair(entry, k)) : true; // a nested list is a !reference
      if (!ok) warn(entry.line, `include entry is neither a file path nor a map with ${INCLUDE_KINDS.join(', ')}; GitLab rejects it and it was not checked.`);
    }
  }
  for (const { owner, node } of [{ owner: 'global', node: root }, ...jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node }))]) {
    const services = pair(node, 'services');
    if (isYScalar(services?.value) && services!.value.value !== null) warn(services!.keyLine, `${owner}: services must be a list; it was read as one service.`);
  }
}

export type PipelineRule = IacRule<Pipeline>;
export const gitlabRule = (definition: Omit<PipelineRule, 'platform' | 'tags'>): PipelineRule => rule({ ...definition, platform: 'gitlab-ci' });

const SCRIPT_KEYS = ['before_script', 'script', 'after_script'] as const;

/** The script lines a node writes under `key` (a string or a list; a nested list, from a YAML anchor, flattened). */
function scriptItems(node: YNode, key: string): { scalars: YScalar[]; keyLine: number } | undefined {
  const entry = pair(node, key);
  if (!entry) return undefined;
  const value = entry.value;
  const list = isYSeq(value) ? value.items.flatMap((i) => (isYSeq(i) ? i.items : [i])) : value ? [value] : [];
  return { scalars: list.filter((item): item is YScalar => isYScalar(item) && typeof item.value === 'string'), keyLine: entry.keyLine };
}

/** Every script entry of the pipeline (global and per job), with the line of its `script:` key. */
export function* pipelineScripts(pipeline: Pipeline): Generator<{ owner: string; scalar: YScalar; text: string; keyLine: number; key: string }> {
  const owners: Array<{ owner: string; node: YNode }> = [
    { owner: 'global', node: pipeline.root },
    ...(isYMap(get(pipeline.root, 'default')) ? [{ owner: 'default', node: get(pipeline.root, 'default')! }] : []),
    ...pipeline.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
  ];
  for (const { owner, node } of owners) {
    for (const key of SCRIPT_KEYS) {
      const items = scriptItems(node, key);
      for (const scalar of items?.scalars ?? []) yield { owner, scalar, text: scalar.value as string, keyLine: items!.keyLine, key };
    }
  }
}

/**
 * The local scripts the pipeline's jobs run (`- ./ci/build.sh`, `- bash .gitlab-ci/release.sh`),
 * from the repository root where GitLab starts every job ($CI_PROJECT_DIR): before_script
 * and script share one shell, so a `cd` in the first moves the second; after_script starts
 * at the root again.
 *
 * A job runs the before_script, script and after_script it writes or takes through
 * `extends` (extendedSetting): a template's script is run by the jobs of the file that
 * take it, and reported as theirs. A hidden job (`.name`) does not run by itself; what it
 * writes that no job of the file takes (a template for the jobs of another file of the
 * pipeline) is credited to it as a hidden job.
 */
export function gitlabScriptRuns(pipeline: Pipeline): ScriptRunSite[] {
  const out: ScriptRunSite[] = [];
  const add = (who: string, sections: ReadonlyArray<{ key: string; node: YNode }>) => {
    let state: ShellDir = { dir: '' };
    for (const { key, node } of sections) {
      if (key === 'after_script') state = { dir: '' };
      for (const scalar of scriptItems(node, key)?.scalars ?? []) {
        for (const call of localScriptCalls(scalar.value as string, state)) out.push({ path: call.path, cwd: call.cwd, how: call.how, who, line: lineOf(pipeline, scalar, call.offset) });
      }
    }
  };
  const defaults = get(pipeline.root, 'default');
  for (const key of SCRIPT_KEYS) add(`the top-level ${key} of every job`, [{ key, node: pipeline.root }]);
  if (isYMap(defaults)) for (const key of SCRIPT_KEYS) add(`the default: ${key} of every job`, [{ key, node: defaults }]);
  // What each job runs, and the sections of the templates that the jobs of the file take.
  const hidden = (name: string) => name.startsWith('.');
  const taken = new Map<YMap, Set<string>>();
  const runs = new Map<YMap, Array<{ key: string; node: YMap }>>();
  for (const job of pipeline.jobs) {
    if (hidden(job.name)) continue;
    const sections = SCRIPT_KEYS.flatMap((key) => {
      const node = extendedSetting(pipeline, job.node, key);
      return node ? [{ key, node }] : [];
    });
    runs.set(job.node, sections);
    for (const { key, node } of sections) taken.set(node, (taken.get(node) ?? new Set<string>()).add(key));
  }
  for (const job of pipeline.jobs) {
    if (!hidden(job.name)) add(`job "${job.name}"`, runs.get(job.node) ?? []);
    else add(`hidden job "${job.name}"`, SCRIPT_KEYS.filter((key) => !taken.get(job.node)?.has(key)).map((key) => ({ key, node: job.node })));
  }
  return out;
}

/** The source line of `offset` inside a script scalar (block scalars span several lines). */
export function lineOf(pipeline: Pipeline, scalar: YScalar, offset: number): number {
  const body = String(scalar.value);
  const lineText = body.slice(body.lastIndexOf('\n', offset - 1) + 1).split('\n')[0]!.trim();
  if (!body.includes('\n')) return scalar.line;
  for (let i = scalar.line - 1; i < Math.min(pipeline.lines.length, scalar.line + body.split('\n').length + 1); i++) if (pipeline.lines[i]!.includes(lineText)) return i + 1;
  return scalar.line;
}

/** The `variables:` maps of the pipeline: global, then each job's. */
export function variableScopes(pipeline: Pipeline): Array<{ owner: string; map: YMap }> {
  const out: Array<{ owner: string; map: YMap }> = [];
  const top = get(pipeline.root, 'variables');
  if (isYMap(top)) out.push({ owner: 'global', map: top });
  for (const job of pipeline.jobs) {
    const vars = get(job.node, 'variables');
    if (isYMap(vars)) out.push({ owner: `job ${job.name}`, map: vars });
  }
  return out;
}

/** A variable's value: `KEY: value` or `KEY: { value: ..., description: ... }`. */
export function variableValue(node: YNode | null): { value: unknown; scalar?: YScalar } {
  if (isYScalar(node)) return { value: node.value, scalar: node };
  const inner = get(node, 'value');
  return isYScalar(inner) ? { value: inner.value, scalar: inner } : { value: undefined };
}

/** A minimal pipeline for rule examples. */
export const pipeline = (body: string) => `stages: [build]\n${body}`;

/**
 * A job and the jobs of this file it `extends` (a name or a list, templates first
 * searched in the job's own order), cycle-safe and bounded: a setting the job does not
 * write itself may come from one of them.
 */
export function extendsChain(pipeline: Pipeline, job: YMap): YMap[] {
  const out: YMap[] = [];
  const seen = new Set<YMap>();
  const visit = (node: YMap, depth: number) => {
    if (seen.has(node) || depth > 10) return;
    seen.add(node);
    out.push(node);
    const parents = get(node, 'extends');
    for (const parent of isYSeq(parents) ? parents.items : parents ? [parents] : []) {
      const name = isYScalar(parent) && typeof parent.value === 'string' ? parent.value : undefined;
      const found = name === undefined ? undefined : pipeline.jobs.find((j) => j.name === name);
      if (found) visit(found.node, depth + 1);
    }
  };
  visit(job, 0);
  return out;
}

/**
 * The job of this file that gives `job` its `key` (before_script, script...): the job
 * itself when it writes it, else the jobs it `extends`, the last of the list first (the
 * last member of extends wins), each with its own parents; cycle-safe and bounded.
 * Undefined when none writes it (it may come from a file this one includes, or default:).
 */
export function extendedSetting(pipeline: Pipeline, job: YMap, key: string): YMap | undefined {
  const seen = new Set<YMap>();
  const visit = (node: YMap, depth: number): YMap | undefined => {
    if (seen.has(node) || depth > 10) return undefined;
    seen.add(node);
    if (pair(node, key)) return node;
    const parents = get(node, 'extends');
    const names = (isYSeq(parents) ? parents.items : parents ? [parents] : []).flatMap((p) => (isYScalar(p) && typeof p.value === 'string' ? [p.value] : []));
    for (const name of names.reverse()) {
      const found = pipeline.jobs.find((j) => j.name === name);
      const from = found ? visit(found.node, depth + 1) : undefined;
      if (from) return from;
    }
    return undefined;
  };
  return visit(job, 0);
}
