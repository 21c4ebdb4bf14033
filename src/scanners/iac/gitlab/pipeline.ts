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

/** Every script entry of the pipeline (global and per job), with the line of its `script:` key. */
export function* pipelineScripts(pipeline: Pipeline): Generator<{ owner: string; scalar: YScalar; text: string; keyLine: number; key: string }> {
  const owners: Array<{ owner: string; node: YNode }> = [
    { owner: 'global', node: pipeline.root },
    ...(isYMap(get(pipeline.root, 'default')) ? [{ owner: 'default', node: get(pipeline.root, 'default')! }] : []),
    ...pipeline.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
  ];
  for (const { owner, node } of owners) {
    for (const key of ['before_script', 'script', 'after_script']) {
      const entry = pair(node, key);
      const value = entry?.value;
      const list = isYSeq(value) ? value.items.flatMap((i) => (isYSeq(i) ? i.items : [i])) : value ? [value] : [];
      for (const item of list) if (isYScalar(item) && typeof item.value === 'string') yield { owner, scalar: item, text: item.value, keyLine: entry!.keyLine, key };
    }
  }
}

/**
 * The local scripts the pipeline's jobs run (`- ./ci/build.sh`, `- bash .gitlab-ci/release.sh`),
 * from the repository root where GitLab starts every job ($CI_PROJECT_DIR): before_script
 * and script share one shell, so a `cd` in the first moves the second; after_script starts
 * at the root again.
 */
export function gitlabScriptRuns(pipeline: Pipeline): ScriptRunSite[] {
  const out: ScriptRunSite[] = [];
  let state: ShellDir = { dir: '' };
  let owner: string | undefined;
  for (const { owner: current, scalar, text, key } of pipelineScripts(pipeline)) {
    if (current !== owner || key === 'after_script') state = { dir: '' };
    owner = current;
    const who = current.startsWith('job ') ? `job "${current.slice(4)}"` : `the ${current === 'default' ? 'default:' : 'top-level'} ${key} of every job`;
    for (const call of localScriptCalls(text, state)) out.push({ path: call.path, cwd: call.cwd, how: call.how, who, line: lineOf(pipeline, scalar, call.offset) });
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
