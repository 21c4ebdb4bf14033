import { localScriptCalls, pathEnvironment, type ShellDir } from '../local-scripts.js';
import type { ScriptDialect } from '../script-dialect.js';
import { setupCommands, SETUP_VARIABLE, type SetupCommand } from './ci-templates.js';
import { rule, type IacRule, type ParseContext, type ScriptRunSite } from '../rule.js';
import { loadYamlCached } from '../yaml/cache.js';
import { duplicateKeyMessage, get, isYMap, isYScalar, isYSeq, loadYaml, pair, text, type YamlLoadResult, type YMap, type YNode, type YPair, type YScalar, type YSeq } from '../yaml/tree.js';

/** A GitLab CI pipeline: global settings and jobs (hidden `.template` jobs included). */
export interface Pipeline {
  root: YMap;
  jobs: Array<{ name: string; node: YMap; line: number }>;
  lines: string[];
  /** The other files of the pipeline that `!reference` tags may name (ParseContext.gitlab), read when a tag needs them. */
  others: () => PipelineFile[];
  /** Whether the file includes configuration from outside the tree (remote, project, template, component): a tag may name a job of it. */
  includesRemote: boolean;
  /** The `!reference` tags met so far, resolved once. */
  references: Map<YSeq, Reference>;
  /** Tags that could not be resolved, by the line of this file that holds (or leads to) them: warned in readPipeline. */
  unresolved: Map<string, { line: number; message: string }>;
  /** The settings read through resolvedSetting, by owner node and key, resolved once. */
  settings: Map<YNode, Map<string, YPair | undefined>>;
  /** Variables of this file whose value is a tag, resolved once: whoever reads them reads the same pair. */
  variables: Map<YPair, YPair>;
  /** For the file of a child pipeline that runs only as one: the trigger jobs that start it (ParseContext.gitlab). */
  triggers?: NonNullable<ParseContext['gitlab']>['triggers'];
  /** For a file pipelines include: the first file of each, whose `workflow:` is the pipeline's (ParseContext.gitlab). */
  roots?: NonNullable<ParseContext['gitlab']>['roots'];
}

/** Another file of the pipeline: a local include of it, or the file that includes it. */
export interface PipelineFile {
  path: string;
  root: YMap;
  lines: string[];
}

/**
 * What a `!reference [job, key, ...]` tag names: the node, the file it is written in
 * (undefined: this one), the line of its last key, and the job and key when the tag
 * names a job's section (`[.setup, script]`).
 */
type Reference = { node: YNode; file?: PipelineFile; keyLine: number; section?: { job: YMap; key: string } } | { problem: string };

/** GitLab resolves `!reference` tags nested up to 10 levels deep. */
const MAX_REFERENCE_DEPTH = 10;

const RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'before_script', 'after_script', 'cache', 'types', 'spec']);

/** The pipeline document of a file: a file with a `spec:` header document keeps it in the second document. */
function pipelineRoot(documents: ReadonlyArray<{ root: YNode | null }>): YMap | undefined {
  const root = documents.map((d) => d.root).find((r) => isYMap(r) && !(r.pairs.length === 1 && r.pairs[0]!.key === 'spec'));
  return isYMap(root) ? root : undefined;
}

export function readPipeline(source: string, warn: (line: number, message: string) => void, context?: ParseContext): Pipeline | undefined {
  const load = context?.gitlab?.load;
  const loaded = load && context?.path !== undefined ? load(context.path, source) : loadYamlCached(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  for (const duplicate of loaded.duplicates) warn(duplicate.line, duplicateKeyMessage(duplicate, 'gitlab-ci'));
  const root = pipelineRoot(loaded.documents);
  if (!root) {
    // Valid YAML that is no pipeline (a list, a scalar, an empty file): said, not skipped quietly.
    if (loaded.problems.length === 0) warn(1, loaded.documents.length === 0 || loaded.documents.every((d) => d.root === null) ? 'the file is empty: GitLab rejects it as a pipeline, so it is not checked' : 'the file is not a mapping of jobs and keywords: GitLab rejects it as a pipeline, so it is not checked');
    return undefined;
  }
  const jobs = root.pairs.filter((p) => !RESERVED.has(p.key) && isYMap(p.value)).map((p) => ({ name: p.key, node: p.value as YMap, line: p.keyLine }));
  checkShape(root, jobs, warn);
  let others: PipelineFile[] | undefined;
  const pipeline: Pipeline = {
    root,
    jobs,
    lines: source.split('\n'),
    others: () => (others ??= (context?.gitlab?.files ?? []).flatMap((file) => {
      const other = load ? loadedPipelineFile(load(file.path, file.text), file.text) : pipelineFileOf(file.text);
      return other ? [{ path: file.path, ...other }] : [];
    })),
    includesRemote: includesRemote(root),
    references: new Map(),
    unresolved: new Map(),
    settings: new Map(),
    variables: new Map(),
    ...(context?.gitlab?.triggers?.length ? { triggers: context.gitlab.triggers } : {}),
    ...(context?.gitlab?.roots?.length ? { roots: context.gitlab.roots } : {}),
  };
  // The tags of the sections the rules read, resolved now so that those that cannot be are said.
  for (const _ of pipelineScripts(pipeline));
  variableScopes(pipeline);
  for (const node of settingOwners(pipeline)) for (const key of RESOLVED_SETTINGS) resolvedSetting(pipeline, node, key);
  for (const { line, message } of pipeline.unresolved.values()) warn(line, message);
  return pipeline;
}

/** Whether a file includes configuration from outside the tree: a URL, or a remote, project, template or component entry. */
function includesRemote(root: YMap): boolean {
  const include = get(root, 'include');
  return (isYSeq(include) ? include.items : include ? [include] : []).some((e) => (isYScalar(e) ? /^[a-z][a-z0-9+.-]*:\/\//i.test(String(e.value)) : isYMap(e) && !pair(e, 'local')));
}

/** A file of the pipeline from the scan's parse of it (ParseContext.gitlab.load), made once for all the files that read it. */
function loadedPipelineFile(loaded: YamlLoadResult, text: string): { root: YMap; lines: string[] } | undefined {
  if (loadedFiles.has(loaded)) return loadedFiles.get(loaded);
  const root = pipelineRoot(loaded.documents);
  const file = root ? { root, lines: text.split('\n') } : undefined;
  loadedFiles.set(loaded, file);
  return file;
}

const loadedFiles = new WeakMap<YamlLoadResult, { root: YMap; lines: string[] } | undefined>();

/** The parsed files of other pipelines, by text: a file is read once for all the files of its pipeline. */
const otherFiles = new Map<string, { root: YMap; lines: string[] } | undefined>();

function pipelineFileOf(text: string): { root: YMap; lines: string[] } | undefined {
  if (otherFiles.has(text)) return otherFiles.get(text);
  const root = pipelineRoot(loadYaml(text).documents);
  const file = root ? { root, lines: text.split('\n') } : undefined;
  if (otherFiles.size >= 32) otherFiles.delete(otherFiles.keys().next().value!);
  otherFiles.set(text, file);
  return file;
}

const isReference = (node: YNode | null | undefined): node is YSeq & { tag: '!reference' } => isYSeq(node) && node.tag === '!reference';

/** `!reference [.setup, script]` as written. */
function referenceText(node: YSeq): string {
  return `!reference [${node.items.map((i) => (isYScalar(i) ? String(i.value) : '...')).join(', ')}]`;
}

/**
 * The node a `!reference` tag names, in this file or (when this file does not define
 * it) the other files of the pipeline: GitLab reads the tags in the configuration that
 * all the files make together. A section that is itself a tag is followed, to 10 levels.
 */
function resolveReference(p: Pipeline, tag: YSeq, depth: number): Reference {
  if (depth >= MAX_REFERENCE_DEPTH) return { problem: `nests more than ${MAX_REFERENCE_DEPTH} !reference tags, GitLab's limit` };
  const known = p.references.get(tag);
  if (known) return known;
  const found = lookUpReference(p, tag, depth);
  // Too deep from here is not too deep from everywhere: only what the files say is kept.
  if (!('problem' in found) || !found.problem.startsWith('nests')) p.references.set(tag, found);
  return found;
}

function lookUpReference(p: Pipeline, tag: YSeq, depth: number): Reference {
  const keys = tag.items.map((i) => (isYScalar(i) && i.value !== null && typeof i.value !== 'boolean' ? String(i.value) : undefined));
  if (keys.length === 0 || keys.some((k) => k === undefined)) return { problem: 'is not a list of keys' };
  const [head, ...rest] = keys as string[];
  const files = function* (): Generator<PipelineFile | undefined> {
    yield undefined;
    yield* p.others();
  };
  for (const file of files()) {
    const root = file ? file.root : p.root;
    const named = pair(root, head!);
    if (!named?.value) continue;
    // GitLab merges `extends` before it resolves tags: a job's keys are also those the jobs it extends (in its file) write.
    const owners = rest.length > 0 && isYMap(named.value) ? extendsOrderIn(root, named.value) : [named.value];
    const found: Array<{ owner: YNode; node: YNode; at: PipelineFile | undefined; keyLine: number }> = [];
    for (const owner of owners) {
      const walked = walkKeys(p, owner, file, rest, named.keyLine, depth);
      if (walked && 'problem' in walked) return walked;
      if (walked) found.push({ owner, ...walked });
    }
    const first = found[0];
    if (!first) continue;
    if (isReference(first.node)) return resolveReference(p, first.node, depth + 1);
    // A map is merged key by key: the keys the jobs it extends write there that it does not.
    const merged = found.slice(1).filter((f) => isYMap(f.node) && f.at === first.at).map((f) => f.node as YMap);
    const node = isYMap(first.node) && merged.length > 0 ? mergedMap(first.node, merged) : first.node;
    const job = rest.length === 1 && first.at === file && isYMap(first.owner) ? first.owner : undefined;
    return { node, ...(first.at ? { file: first.at } : {}), keyLine: first.keyLine, ...(job ? { section: { job, key: rest[0]! } } : {}) };
  }
  const outside = p.includesRemote || p.others().some((file) => includesRemote(file.root)) ? ' (it may come from a remote, project, template or component include, which is not read)' : '';
  return { problem: `names ${keys.join('.')}, which neither this file nor the files of its pipeline in the scan define${outside}` };
}

/** The node under `keys` from `node`, following the tags met on the way (which may lead to another file); undefined when a key is missing. */
function walkKeys(p: Pipeline, node: YNode, at: PipelineFile | undefined, keys: readonly string[], keyLine: number, depth: number): { node: YNode; at: PipelineFile | undefined; keyLine: number } | { problem: string } | undefined {
  for (const key of keys) {
    if (isReference(node)) {
      const inner = resolveReference(p, node, depth + 1);
      if ('problem' in inner) return inner;
      node = inner.node;
      at = inner.file;
    }
    const entry = pair(node, key);
    if (!entry?.value) return undefined;
    node = entry.value;
    keyLine = entry.keyLine;
  }
  return { node, at, keyLine };
}

/** A map with the pairs of `below` (in order) for the keys it does not write. */
function mergedMap(map: YMap, below: readonly YMap[]): YMap {
  const keys = new Set(map.pairs.map((entry) => entry.key));
  const pairs = [...map.pairs];
  for (const other of below) for (const entry of other.pairs) if (!keys.has(entry.key)) keys.add(entry.key), pairs.push(entry);
  return { ...map, pairs };
}

/** Remembers a tag that could not be resolved, for readPipeline's warning. */
function unresolved(p: Pipeline, tag: YSeq, line: number, problem: string, what: string, outer: YSeq = tag): void {
  const written = referenceText(outer) === referenceText(tag) ? referenceText(tag) : `${referenceText(outer)} (through ${referenceText(tag)})`;
  const key = `${line}\0${written}`;
  if (!p.unresolved.has(key)) p.unresolved.set(key, { line, message: `${written} ${problem}; ${what}` });
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

/**
 * One line of a script. `file` is the other file of the pipeline it is written in, when a
 * `!reference` tag took it from there; `keyLine` the line of the key above it (of the
 * section a tag names, for a line a tag gave); `at` the line of this file that writes it
 * or the tag that leads to it; `referenced` whether a tag gave it.
 */
interface ScriptItem {
  scalar: YScalar;
  file?: PipelineFile;
  keyLine: number;
  at: number;
  referenced: boolean;
  /** The tag of this file that led to it. */
  via?: YSeq;
}

/**
 * The script lines a node writes under `key`: a string or a list, nested lists (a YAML
 * anchor, a `!reference` tag) flattened as GitLab flattens them, each tag replaced by the
 * lines it names. A tag that cannot be resolved gives nothing (readPipeline warns), so
 * its job and key are never read as commands. `sections` are the job sections of this
 * file that tags named.
 */
function scriptItems(p: Pipeline, node: YNode, key: string): ScriptItems | undefined {
  // Read once per node and key: every rule that reads scripts asks, and `!reference` tags that each name two others
  // expand to 2^10 lines at GitLab's nesting limit, for every job of such a file.
  let byNode = scriptItemsRead.get(p);
  if (!byNode) scriptItemsRead.set(p, (byNode = new Map()));
  let byKey = byNode.get(node);
  if (!byKey) byNode.set(node, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, readScriptItems(p, node, key));
  return byKey.get(key);
}

type ScriptItems = { items: ScriptItem[]; keyLine: number; sections: Array<{ job: YMap; key: string }> };
const scriptItemsRead = new WeakMap<Pipeline, Map<YNode, Map<string, ScriptItems | undefined>>>();

function readScriptItems(p: Pipeline, node: YNode, key: string): ScriptItems | undefined {
  const entry = pair(node, key);
  if (!entry) return undefined;
  const items: ScriptItem[] = [];
  const sections: Array<{ job: YMap; key: string }> = [];
  // `depth` counts the tags followed (GitLab stops at 10), `nesting` the lists, bounded as deep as those tags may lead.
  const walk = (value: YNode | null, from: Omit<ScriptItem, 'scalar'>, depth: number, nesting: number) => {
    if (!value || nesting > 3 * MAX_REFERENCE_DEPTH) return;
    if (isReference(value)) {
      const at = from.file || from.referenced ? from.at : value.line;
      const via = from.via ?? value;
      const found = resolveReference(p, value, depth);
      if ('problem' in found) return unresolved(p, value, at, found.problem, `it was left out of the ${key} it is part of, not read as commands.`, via);
      if (found.section && !found.file) sections.push(found.section);
      walk(found.node, { file: found.file, keyLine: found.keyLine, at, referenced: true, via }, depth + 1, nesting + 1);
    } else if (isYSeq(value)) {
      for (const item of value.items) walk(item, from.file || from.referenced ? from : { ...from, at: item.line }, depth, nesting + 1);
    } else if (isYScalar(value) && typeof value.value === 'string') items.push({ scalar: value, ...from });
  };
  walk(entry.value, { keyLine: entry.keyLine, at: entry.value?.line ?? entry.keyLine, referenced: false }, 0, 0);
  return { items, keyLine: entry.keyLine, sections };
}

/**
 * Every script entry of the pipeline (global and per job), with the line of its `script:` key.
 * A line a `!reference` tag gives a job is its own entry only when no entry reads it
 * where it is written (a hidden job's script is read as the hidden job's): a section
 * that is no script (`.snippets: { one: [...] }`) is read as the job's, on its own
 * lines. A line of another file of the pipeline that is no job's script there is read
 * on the line of the tag that takes it.
 */
export function* pipelineScripts(pipeline: Pipeline): Generator<{ owner: string; node: YNode; scalar: YScalar; text: string; keyLine: number; key: string }> {
  const owners: Array<{ owner: string; node: YNode }> = [
    { owner: 'global', node: pipeline.root },
    ...(isYMap(get(pipeline.root, 'default')) ? [{ owner: 'default', node: get(pipeline.root, 'default')! }] : []),
    ...pipeline.jobs.filter((j) => !neverRuns(pipeline, j)).map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode })),
  ];
  const read = owners.flatMap(({ owner, node }) => SCRIPT_KEYS.flatMap((key) => (scriptItems(pipeline, node, key)?.items ?? []).map((item) => ({ owner, node, key, item }))));
  // A line is read once, as the first owner's: a YAML alias (`<<: *template`, `script: *steps`) copies it into every job that uses it.
  const seen = new Set<string>();
  const once = (item: ScriptItem) => {
    const key = writtenAt(item.scalar, item.file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  for (const { owner, node, key, item } of read) {
    if (item.referenced || !once(item)) continue;
    yield { owner, node, scalar: item.scalar, text: item.scalar.value as string, keyLine: item.keyLine, key };
  }
  for (const { owner, node, key, item } of read) {
    if (!item.referenced || !once(item)) continue;
    if (!item.file) yield { owner, node, scalar: item.scalar, text: item.scalar.value as string, keyLine: item.keyLine, key };
    else if (!isJobScript(item.file, item.scalar)) yield { owner, node, scalar: { ...item.scalar, line: item.at }, text: item.scalar.value as string, keyLine: item.at, key };
  }
  // The command that ci-templates runs in the image a job builds: read as the first job's that runs it.
  for (const { job, scalar, keyLine } of imageSetups(pipeline)) {
    if (once({ scalar, keyLine, at: scalar.line, referenced: false })) yield { owner: `job ${job.name}`, node: job.node, scalar, text: scalar.value as string, keyLine, key: SETUP_VARIABLE };
  }
}

/**
 * A job's script lines in the order its shell runs them: before_script, script and
 * after_script, each the job's own, taken through `extends` or from `default:`, as GitLab
 * merges them (a list replaces the one it extends). Only lines this file writes, or that
 * a tag of this file takes, are read (on the tag's line).
 */
export function jobScriptLines(p: Pipeline, job: YMap): Array<{ scalar: YScalar; keyLine: number; text: string }> {
  const out: Array<{ scalar: YScalar; keyLine: number; text: string }> = [];
  for (const key of SCRIPT_KEYS) {
    let node: YMap | undefined = extendedSetting(p, job, key);
    if (!node && key !== 'script' && inheritsDefault(p, job, key)) {
      const defaults = get(p.root, 'default');
      node = isYMap(defaults) && pair(defaults, key) ? defaults : pair(p.root, key) ? p.root : undefined;
    }
    if (!node || jobFile(p, node)) continue;
    for (const item of scriptItems(p, node, key)?.items ?? []) {
      const scalar = item.file ? { ...item.scalar, line: item.at } : item.scalar;
      out.push({ scalar, keyLine: item.file ? item.at : item.keyLine, text: item.scalar.value as string });
    }
  }
  return out;
}

/** setupCommands of the pipeline's file, read once. */
function imageSetups(p: Pipeline): SetupCommand[] {
  let known = imageSetupsRead.get(p);
  if (!known) {
    const variable = (job: YMap, name: string) => {
      const found = extendedVariable(p, job, name);
      return found ? (jobFile(p, found.from) ? null : found.pair) : undefined;
    };
    imageSetupsRead.set(p, (known = setupCommands({ root: p.root, jobs: p.jobs, order: (job) => extendsOrder(p, job), variable, runs: (job) => !neverRuns(p, job) })));
  }
  return known;
}
const imageSetupsRead = new WeakMap<Pipeline, SetupCommand[]>();

/** Where a node is written: its file, line and column, the same for every copy a YAML alias makes of it. */
function writtenAt(node: { line: number; column: number }, file?: PipelineFile): string {
  return `${file?.path ?? ''}\0${node.line}:${node.column}`;
}

/** Whether a line is written in a script section of the file (its own rules read it there). */
function isJobScript(file: PipelineFile, scalar: YScalar): boolean {
  const holds = (node: YNode | null | undefined): boolean => (isYSeq(node) ? node.items.some(holds) : node === scalar);
  const owners = [file.root, get(file.root, 'default'), ...file.root.pairs.filter((p) => !RESERVED.has(p.key)).map((p) => p.value)];
  return owners.some((owner) => isYMap(owner) && SCRIPT_KEYS.some((key) => holds(get(owner, key))));
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
export function gitlabScriptRuns(pipeline: Pipeline, fixedFor?: (job: YMap | undefined) => ReadonlySet<string>, dialectOf?: (owner: { owner: string; node: YNode; key: string }) => ScriptDialect): ScriptRunSite[] {
  const out: ScriptRunSite[] = [];
  /** The local scripts one script line runs, each a site credited to `who`. */
  const sites = (who: string, scalar: YScalar, state: ShellDir, env: ReadonlyMap<string, string>, fixed: ReadonlySet<string> | undefined, file?: { path: string; lines: readonly string[] }, dialect: ScriptDialect = 'posix') => {
    for (const call of localScriptCalls(scalar.value as string, state, env.size > 0 ? { env } : {}, dialect))
      out.push({
        path: call.path,
        cwd: call.cwd,
        how: call.how,
        ...(call.make ? { make: call.make } : {}),
        ...(env.size > 0 ? { env } : {}),
        who,
        ...(fixed?.size ? { fixed } : {}),
        line: lineIn(file ? file.lines : pipeline.lines, scalar, call.offset),
        ...(file ? { file: file.path } : {}),
      });
  };
  // The shell of a job (its owner as pipelineScripts names it), or of `default:` and the top level.
  const add = (who: string, sections: ReadonlyArray<{ key: string; node: YNode }>, owner: { owner: string; node: YNode }, job?: YMap, runs = true) => {
    const env = jobPathVariables(pipeline, job);
    const fixed = sections.length > 0 ? fixedFor?.(runs ? job : undefined) : undefined;
    const dialect = sections.length > 0 ? dialectOf?.({ ...owner, key: sections[0]!.key }) : undefined;
    let state: ShellDir = { dir: '' };
    for (const { key, node } of sections) {
      if (key === 'after_script') state = { dir: '' };
      for (const { scalar, file } of scriptItems(pipeline, node, key)?.items ?? []) sites(who, scalar, state, env, fixed, file, dialect);
    }
  };
  const defaults = get(pipeline.root, 'default');
  for (const key of SCRIPT_KEYS) add(`the top-level ${key} of every job`, [{ key, node: pipeline.root }], { owner: 'global', node: pipeline.root });
  if (isYMap(defaults)) for (const key of SCRIPT_KEYS) add(`the default: ${key} of every job`, [{ key, node: defaults }], { owner: 'default', node: defaults });
  // What each job runs, and the sections of the templates that the jobs of the file take.
  const hidden = (name: string) => name.startsWith('.');
  const taken = new Map<YMap, Set<string>>();
  const runs = new Map<YMap, Array<{ key: string; node: YMap }>>();
  for (const job of pipeline.jobs) {
    if (hidden(job.name) || neverRuns(pipeline, job)) continue;
    // A section of a template of another file of the pipeline is credited there, to the template as a hidden job.
    const sections = SCRIPT_KEYS.flatMap((key) => {
      const node = extendedSetting(pipeline, job.node, key);
      return node && !jobFile(pipeline, node) ? [{ key, node }] : [];
    });
    runs.set(job.node, sections);
    // The sections it takes through `extends`, and those its `!reference` tags name.
    const named = sections.flatMap(({ key, node }) => [{ job: node, key }, ...(scriptItems(pipeline, node, key)?.sections ?? [])]);
    for (const { job: node, key } of named) taken.set(node, (taken.get(node) ?? new Set<string>()).add(key));
  }
  for (const job of pipeline.jobs) {
    const owner = { owner: `job ${job.name}`, node: job.node };
    if (!hidden(job.name)) add(`job "${job.name}"`, runs.get(job.node) ?? [], owner, job.node);
    else if (neverRuns(pipeline, job)) continue;
    // A hidden job runs under the conditions of whoever takes it, in another file: only the workflow's are known (fixedFor without a job).
    else add(`hidden job "${job.name}"`, SCRIPT_KEYS.filter((key) => !taken.get(job.node)?.has(key)).map((key) => ({ key, node: job.node })), owner, job.node, false);
  }
  // The FDO_DISTRIBUTION_EXEC command ci-templates runs in the image the job builds, from the repository root.
  for (const { job, scalar } of imageSetups(pipeline)) sites(`the ${SETUP_VARIABLE} image setup of job "${job.name}"`, scalar, { dir: '' }, jobPathVariables(pipeline, job.node), fixedFor?.(job.node));
  return out;
}

/**
 * The variables a job's scripts see whose value is a path (`SCRIPTS: ci`): the file's
 * global `variables:`, then those of the templates the job extends (the last of a list
 * winning) and its own, as written in this file (pathEnvironment).
 */
function jobPathVariables(pipeline: Pipeline, job: YMap | undefined): Map<string, string> {
  const maps = [pipeline.root as YNode, ...(job ? extendsOrder(pipeline, job).reverse() : [])].map((node) => get(node, 'variables'));
  const entries: Array<readonly [string, string | undefined]> = [];
  for (const map of maps) {
    if (!isYMap(map)) continue;
    for (const entry of map.pairs) {
      const { value } = variableValue(entry.value);
      entries.push([entry.key, typeof value === 'string' ? value : undefined]);
    }
  }
  return pathEnvironment(entries);
}

/** The source line of `offset` inside a script scalar (block scalars span several lines). */
export function lineOf(pipeline: Pipeline, scalar: YScalar, offset: number): number {
  return lineIn(pipeline.lines, scalar, offset);
}

function lineIn(lines: readonly string[], scalar: YScalar, offset: number): number {
  const body = String(scalar.value);
  const lineText = body.slice(body.lastIndexOf('\n', offset - 1) + 1).split('\n')[0]!.trim();
  // A one-line block scalar (`- >-` then the command on the next line) starts on its indicator's line.
  if (!body.includes('\n') && (lines[scalar.line - 1]?.includes(lineText) ?? true)) return scalar.line;
  for (let i = scalar.line - 1; i < Math.min(lines.length, scalar.line + body.split('\n').length + 1); i++) if (lines[i]!.includes(lineText)) return i + 1;
  return scalar.line;
}

/**
 * The `variables:` maps of the pipeline: global, those workflow: rules set, then each job's
 * and those its rules set, with what their `!reference` tags give (`variables: !reference
 * [.vars, variables]`, or one variable's value `KEY: !reference [.vars, variables, KEY]`).
 * A variable a tag takes from this file keeps its line there and is read once, as the
 * first job's that takes it (that job's services and settings are those it works with),
 * not as the template's; one taken from another file of the pipeline is read on the line
 * of the tag. A variable a YAML alias copies into several scopes is read once, as the
 * first scope's. A tag that cannot be resolved gives nothing (readPipeline warns; not for
 * the rules of a job, see ruleEntries).
 */
export function variableScopes(pipeline: Pipeline): Array<{ owner: string; map: YMap }> {
  const workflow = get(pipeline.root, 'workflow');
  const owners = [
    { owner: 'global', node: pipeline.root as YNode, job: false },
    ...(isYMap(workflow) ? [{ owner: 'workflow', node: workflow as YNode, job: false }] : []),
    ...pipeline.jobs.map((j) => ({ owner: `job ${j.name}`, node: j.node as YNode, job: !j.name.startsWith('.') })),
  ];
  const scopes = owners.flatMap(({ owner, node, job }) => {
    // The job's own variables (the top level's, for global), then those its rules set when they match (`rules: - if: ... variables:`).
    const own = owner === 'workflow' ? undefined : pair(node, 'variables')?.value;
    const rules = owner === 'global' ? [] : ruleEntries(pipeline, pair(node, 'rules')?.value ?? null, 0);
    const ruleMaps = rules.flatMap(({ rule, ...from }) => {
      const value = get(rule, 'variables');
      return value ? [{ value, ...from }] : [];
    });
    const maps: Array<{ value: YNode; referenced: boolean; at?: number }> = [...(own ? [{ value: own, referenced: false }] : []), ...ruleMaps];
    return maps.flatMap(({ value, referenced, at }) => {
      // A map of another file of the pipeline is read on the line of the tag that takes it.
      const pairs = variablePairs(pipeline, value, 0, at ?? value.line, referenced, at !== undefined);
      return pairs ? [{ owner, job, map: at === undefined ? value : { ...value, line: at }, pairs }] : [];
    });
  });
  // What jobs take from the templates of this file is theirs.
  const taken = new Set(scopes.filter((s) => s.job).flatMap((s) => s.pairs.filter((p) => p.referenced).map((p) => p.pair)));
  // A variable a YAML alias copies into several scopes (`variables: *common`, `<<: *template`) is read once too, as the first scope's.
  const done = new Set<string>();
  const at = (p: YPair) => `${writtenAt({ line: p.keyLine, column: p.keyColumn })}\0${p.key}`;
  return scopes.map(({ owner, job, map, pairs }) => {
    const kept = pairs.filter((p) => (job || p.referenced || !taken.has(p.pair)) && !done.has(at(p.pair))).map((p) => p.pair);
    for (const p of kept) done.add(at(p));
    return { owner, map: { kind: 'map' as const, pairs: kept, line: map.line, column: map.column } };
  });
}

/**
 * Whether a job never runs, and nothing of it runs in another job: its rules (its own or
 * those it extends) are all `when: never`, no job of the file extends it or takes its
 * sections with `!reference` tags, and no other file of the pipeline names it (a job
 * there may). GitLab leaves such a job out of every pipeline: a job disabled in place.
 */
export function neverRuns(p: Pipeline, job: { name: string; node: YMap }): boolean {
  const rules = jobRules(p, job.node);
  if (!rules || rules.length === 0 || !rules.every((rule) => isYMap(rule) && text(get(rule, 'when')) === 'never')) return false;
  if (p.jobs.some((other) => other.node !== job.node && (extendsOrder(p, other.node).includes(job.node) || takesSections(p, other.node, job.node)))) return false;
  return !p.others().some((file) => file.lines.some((line) => line.includes(job.name)));
}

/** The jobs of this file whose script sections a job takes with `!reference` tags (in its own scripts, or those it takes through `extends`). */
export function sectionsTakenFrom(p: Pipeline, job: YMap): YMap[] {
  return extendsOrder(p, job).flatMap((node) => SCRIPT_KEYS.flatMap((key) => (scriptItems(p, node, key)?.sections ?? []).map((s) => s.job)));
}

/** Whether a job's scripts (its own, or those it takes through `extends`) take a section of `template` with a `!reference` tag. */
export function takesSections(p: Pipeline, job: YMap, template: YMap): boolean {
  return extendsOrder(p, job).some((node) => SCRIPT_KEYS.some((key) => scriptItems(p, node, key)?.sections.some((s) => s.job === template)));
}

/**
 * The entries of a job's `rules:` (its own, or those of the first job it extends that
 * writes some: a list is taken whole), `!reference` tags resolved; null when the job has
 * no rules, undefined when a tag among them cannot be resolved (what they say is unknown).
 */
export function jobRules(p: Pipeline, job: YMap): YNode[] | null | undefined {
  const owner = extendedSetting(p, job, 'rules');
  if (!owner) return null;
  return completeRules(p, pair(owner, 'rules')?.value ?? null, 0);
}

/** The `workflow: rules:` entries, as jobRules reads them. */
export function workflowRules(p: Pipeline): YNode[] | null | undefined {
  const rules = pair(get(p.root, 'workflow'), 'rules');
  return rules ? completeRules(p, rules.value, 0) : null;
}

function completeRules(p: Pipeline, value: YNode | null, depth: number): YNode[] | undefined {
  if (!value || depth > MAX_REFERENCE_DEPTH) return undefined;
  if (isReference(value)) {
    const found = resolveReference(p, value, depth);
    return 'problem' in found ? undefined : completeRules(p, found.node, depth + 1);
  }
  if (!isYSeq(value)) return undefined;
  const out: YNode[] = [];
  for (const item of value.items) {
    if (!isReference(item)) {
      out.push(item);
      continue;
    }
    const inner = completeRules(p, item, depth + 1);
    if (!inner) return undefined;
    out.push(...inner);
  }
  return out;
}

/**
 * The entries of a `rules:` list, `!reference` tags resolved (a list a tag gives flattened
 * into it), each with whether a tag gave it and, for one of another file of the pipeline,
 * the line of the tag. A tag that cannot be resolved gives nothing, silently: only the
 * variables rules set are read from them, and rules often come from templates of remote
 * includes.
 */
function ruleEntries(p: Pipeline, value: YNode | null, depth: number, from: { referenced: boolean; at?: number } = { referenced: false }): Array<{ rule: YNode; referenced: boolean; at?: number }> {
  if (!value || depth > MAX_REFERENCE_DEPTH) return [];
  if (isReference(value)) {
    const found = resolveReference(p, value, depth);
    if ('problem' in found) return [];
    return ruleEntries(p, found.node, depth + 1, { referenced: true, ...(from.at !== undefined || found.file ? { at: from.at ?? value.line } : {}) });
  }
  if (!isYSeq(value)) return [];
  return value.items.flatMap((item) => (isReference(item) ? ruleEntries(p, item, depth + 1, from) : [{ rule: item, ...from }]));
}

/**
 * The variables a `variables:` value gives: its own pairs (values a tag names resolved), or
 * the map a tag names, its own values' tags resolved in turn. Undefined when it is no map.
 * `at` is the line of this file that leads to them, for what another file gives.
 */
function variablePairs(p: Pipeline, value: YNode, depth: number, at: number, referenced: boolean, inOther = false): Array<{ pair: YPair; referenced: boolean }> | undefined {
  if (isReference(value)) {
    const line = referenced ? at : value.line;
    const found = resolveReference(p, value, depth);
    if ('problem' in found) return unresolved(p, value, line, found.problem, 'its variables were not read.'), [];
    // From another file: read on the line of the tag.
    return isYMap(found.node) ? variablePairs(p, found.node, depth + 1, line, true, inOther || found.file !== undefined) : [];
  }
  if (!isYMap(value)) return undefined;
  return value.pairs.map((entry) => {
    const own = inOther ? { ...entry, keyLine: at } : entry;
    if (!isReference(entry.value)) return { pair: own, referenced };
    const known = inOther ? undefined : p.variables.get(entry);
    if (known) return { pair: known, referenced };
    const found = resolveReference(p, entry.value, depth);
    if ('problem' in found) unresolved(p, entry.value, referenced ? at : entry.value.line, found.problem, `the value of ${entry.key} was not read.`);
    const resolved = { ...own, value: 'problem' in found ? null : found.node };
    if (!inOther) p.variables.set(entry, resolved);
    return { pair: resolved, referenced };
  });
}

/** The settings besides scripts and variables that rules read and `!reference` tags may give: resolvedSetting. */
const RESOLVED_SETTINGS = ['image', 'services', 'artifacts'] as const;

/** Where those settings are written: the top level (image, services), `default:` and each job. */
function settingOwners(p: Pipeline): YNode[] {
  const defaults = get(p.root, 'default');
  return [p.root, ...(isYMap(defaults) ? [defaults] : []), ...p.jobs.map((j) => j.node)];
}

/**
 * A setting of a job (or of `default:`, or the top level) with the `!reference` tags it
 * holds resolved, at any depth (`image: !reference [.images, node]`, `services:
 * !reference [.dind, services]`, a tag among the services, `artifacts: { paths:
 * !reference [.keep, paths] }`): each tag is replaced by what it names, a list a tag
 * gives inside a list flattened into it. What lies in this file keeps its lines; what
 * another file of the pipeline gives is read on the line of the tag that takes it. A tag
 * that cannot be resolved is left out (readPipeline warns). The pair is a copy only when
 * a tag was resolved; undefined when the owner does not write the key.
 */
export function resolvedSetting(p: Pipeline, owner: YNode, key: string): YPair | undefined {
  let byKey = p.settings.get(owner);
  if (!byKey) p.settings.set(owner, (byKey = new Map()));
  if (byKey.has(key)) return byKey.get(key);
  const entry = pair(owner, key);
  const value = entry?.value ? resolvedTree(p, entry.value, key, 0, 0, undefined) : undefined;
  const resolved = entry && (value === entry.value || value === undefined && !entry.value ? entry : { ...entry, value: value ?? null });
  byKey.set(key, resolved);
  return resolved;
}

/**
 * A node with its tags resolved (the same node when it holds none); `at`, once defined,
 * the line of this file that every node is read on (a node of another file). Undefined for
 * a tag that cannot be resolved.
 */
function resolvedTree(p: Pipeline, node: YNode, key: string, depth: number, nesting: number, at: number | undefined, outer?: YSeq): YNode | undefined {
  // `depth` counts the tags followed (GitLab stops at 10), `nesting` the lists and maps, bounded as deep as those tags may lead.
  if (nesting > 3 * MAX_REFERENCE_DEPTH) return undefined;
  if (isReference(node)) {
    const line = at ?? node.line;
    const found = resolveReference(p, node, depth);
    if ('problem' in found) return unresolved(p, node, line, found.problem, `it was left out of the ${key} it is part of, not read.`, outer ?? node), undefined;
    return resolvedTree(p, found.node, key, depth + 1, nesting + 1, at ?? (found.file ? line : undefined), outer ?? node);
  }
  const moved = <T extends YNode>(n: T): T => (at === undefined || n.line === at ? n : { ...n, line: at });
  if (isYSeq(node)) {
    const items = node.items.flatMap((item) => {
      const value = resolvedTree(p, item, key, depth, nesting + 1, at, outer);
      // A list a tag gives inside a list is flattened into it.
      return value === undefined ? [] : isReference(item) && isYSeq(value) ? value.items : [value];
    });
    return items.length === node.items.length && items.every((item, k) => item === node.items[k]) ? moved(node) : { ...moved(node), items };
  }
  if (isYMap(node)) {
    const pairs = node.pairs.map((entry) => {
      const value = entry.value ? resolvedTree(p, entry.value, key, depth, nesting + 1, at, outer) : entry.value;
      const keyLine = at ?? entry.keyLine;
      return value === entry.value && keyLine === entry.keyLine ? entry : { ...entry, keyLine, value: value ?? null };
    });
    return pairs.every((entry, k) => entry === node.pairs[k]) ? moved(node) : { ...moved(node), pairs };
  }
  return moved(node);
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
 * A job and the jobs it `extends`, in the order their settings count for it: the job
 * itself, then its parents, the last of the list first (the last member of extends wins),
 * each followed by its own parents. GitLab merges them in reverse: a map (variables) key
 * by key, the first of them that writes the key giving it; anything else (a list such as
 * services or script) whole, from the first of them that writes it. Cycle-safe and bounded
 * to 10 levels. A parent that no job of this file is, is looked for in the other files of
 * the pipeline in the scan (its local includes, or the file that includes it), as GitLab
 * merges them into one configuration; jobFile says which file such a parent is written in.
 */
export function extendsOrder(pipeline: Pipeline, job: YMap): YMap[] {
  const local = extendsOrderIn(pipeline.root, job);
  const byName = jobIndex(pipeline.root).byName;
  // The other files are read only for a name this file does not define.
  if (!local.some((node) => extendsNames(node).some((name) => !byName.has(name))) || pipeline.others().length === 0) return local;
  let known = crossFileOrders.get(pipeline);
  if (!known) crossFileOrders.set(pipeline, (known = { orders: new Map(), files: new Map() }));
  const cached = known.orders.get(job);
  if (cached) return [...cached];
  const files = known.files;
  const lookUp = (name: string): YMap | undefined => {
    const own = byName.get(name);
    if (own) return own;
    for (const file of pipeline.others()) {
      const found = jobIndex(file.root).byName.get(name);
      if (found) {
        if (!files.has(found)) files.set(found, file);
        return found;
      }
    }
    return undefined;
  };
  const out = walkExtends(job, (node) => extendsNames(node).reverse().flatMap((name) => lookUp(name) ?? []));
  known.orders.set(job, out);
  return [...out];
}

/** A job, then depth first the parents parentsOf gives each job: cycle-safe, and bounded to 10 levels as GitLab's extends is. */
function walkExtends(job: YMap, parentsOf: (node: YMap) => readonly YMap[]): YMap[] {
  const out: YMap[] = [];
  const seen = new Set<YMap>();
  const visit = (node: YMap, depth: number) => {
    if (seen.has(node) || depth > 10) return;
    seen.add(node);
    out.push(node);
    for (const parent of parentsOf(node)) visit(parent, depth + 1);
  };
  visit(job, 0);
  return out;
}

/** The other file of the pipeline a job that extendsOrder gave is written in; undefined for a job of this file. */
export function jobFile(pipeline: Pipeline, node: YMap): PipelineFile | undefined {
  return crossFileOrders.get(pipeline)?.files.get(node);
}

/** extendsOrder's answers that reach into other files, and the file of each job of another file they hold, by pipeline. */
const crossFileOrders = new WeakMap<Pipeline, { orders: Map<YMap, YMap[]>; files: Map<YMap, PipelineFile> }>();

/** The names a job's `extends` lists, as written. */
function extendsNames(node: YMap): string[] {
  const written = get(node, 'extends');
  return (isYSeq(written) ? written.items : written ? [written] : []).flatMap((p) => (isYScalar(p) && typeof p.value === 'string' ? [p.value] : []));
}

/** extendsOrderIn's index of a file's jobs, built once per file. */
function jobIndex(root: YMap): { byName: Map<string, YMap>; parents: Map<YMap, YMap[]>; orders: Map<YMap, YMap[]> } {
  let known = extendsOrders.get(root);
  if (!known) {
    const jobs = root.pairs.filter((p) => !RESERVED.has(p.key) && isYMap(p.value));
    extendsOrders.set(root, (known = { byName: new Map(jobs.reverse().map((j) => [j.key, j.value as YMap])), parents: new Map(), orders: new Map() }));
  }
  return known;
}

/** extendsOrder among the jobs of a file's root (this file, or another file of the pipeline a `!reference` tag reads). */
function extendsOrderIn(root: YMap, job: YMap): YMap[] {
  // Read once per job: every rule asks, and a file of many templates that extend many others made each answer cost the whole file.
  const known = jobIndex(root);
  const cached = known.orders.get(job);
  if (cached) return [...cached];
  const { byName, parents: parentsOf } = known;
  const parentsOfNode = (node: YMap): YMap[] => {
    let parents = parentsOf.get(node);
    if (parents) return parents;
    parents = extendsNames(node).reverse().flatMap((name) => byName.get(name) ?? []);
    parentsOf.set(node, parents);
    return parents;
  };
  const out = walkExtends(job, parentsOfNode);
  known.orders.set(job, out);
  return [...out];
}

/** extendsOrderIn's index of a file's jobs by name (the first of a name), the parents of each job, and its answers, by the file's root. */
const extendsOrders = new WeakMap<YMap, { byName: Map<string, YMap>; parents: Map<YMap, YMap[]>; orders: Map<YMap, YMap[]> }>();

/**
 * The job that gives `job` its `key` (before_script, script, services...): the job itself
 * when it writes it, else the first of the jobs it `extends` that does (extendsOrder; one
 * of another file of the pipeline, jobFile says which). Undefined when none writes it (it
 * may come from default:, or from a file that is not in the scan).
 */
export function extendedSetting(pipeline: Pipeline, job: YMap, key: string): YMap | undefined {
  return extendsOrder(pipeline, job).find((node) => pair(node, key));
}

/**
 * Whether a job takes `key` from `default:` (or the top-level setting of the same name):
 * `inherit: default: false` says no, a list says yes only for the keywords it names. The
 * job's `inherit:` may come through `extends`, merged key by key.
 */
export function inheritsDefault(pipeline: Pipeline, job: YMap, key: string): boolean {
  for (const node of extendsOrder(pipeline, job)) {
    const setting = get(get(node, 'inherit'), 'default');
    if (!setting) continue;
    if (isYScalar(setting)) return setting.value !== false;
    if (isYSeq(setting)) return setting.items.some((item) => isYScalar(item) && item.value === key);
    return true;
  }
  return true;
}

/**
 * The variable `name` a job gets from its own `variables:` or those of the jobs it
 * `extends` (merged key by key, extendsOrder), `!reference` tags resolved, with the job
 * that writes it. Undefined when none of them sets it (it may come from the top level).
 */
export function extendedVariable(pipeline: Pipeline, job: YMap, name: string): { pair: YPair; from: YMap } | undefined {
  for (const node of extendsOrder(pipeline, job)) {
    const entry = pair(node, 'variables');
    const found = entry?.value ? variablePairs(pipeline, entry.value, 0, entry.value.line, false)?.find((p) => p.pair.key === name) : undefined;
    if (found) return { pair: found.pair, from: node };
  }
  return undefined;
}
