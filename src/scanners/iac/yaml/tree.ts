import {
  LineCounter,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
} from 'yaml';
import { yamlTooDeep } from '../../../core/yaml-depth.js';
import { aliasTarget } from './anchors.js';
import { jsonObjectStream } from './json-stream.js';
import { indentQuotedContinuations, isUnclosedQuote, UNDER_INDENTED_QUOTE } from '../cloudformation/quoted-continuations.js';
import { indentContinuations, keyColumn, opensBlockScalar } from './block-scalars.js';

/**
 * YAML documents as a small, plain tree that remembers where every node and key sits
 * (1-based lines and columns). Rules read this tree, never yaml's AST or `toJS`:
 * aliases are expanded here under a node budget, so an alias bomb stops with a
 * warning instead of eating the machine.
 */
export type YNode = YMap | YSeq | YScalar;

interface YBase {
  line: number;
  column: number;
  /** The node's explicit tag as written (`!reference`, `!Ref`, `!!str`), absent when it has none. */
  tag?: string;
}

export interface YMap extends YBase {
  kind: 'map';
  pairs: YPair[];
}

export interface YSeq extends YBase {
  kind: 'seq';
  items: YNode[];
}

export interface YScalar extends YBase {
  kind: 'scalar';
  value: string | number | boolean | null;
  /** The source text of the scalar (a quoted "true" stays a string, its raw text says how it was written). */
  quoted: boolean;
  /**
   * A value a Terraform file writes that is known only at apply (a variable without a value, a
   * resource's attribute): `value` is null, and this is the expression written for it, or ''.
   */
  atApply?: string;
}

export interface YPair {
  key: string;
  keyLine: number;
  keyColumn: number;
  /** null for `key:` with nothing after it. */
  value: YNode | null;
}

export interface YamlDocument {
  root: YNode | null;
  /** Line where the document starts (after `---`). */
  line: number;
  /** 0-based index of the document in the stream. */
  index: number;
}

export interface YamlProblem {
  line: number;
  message: string;
}

/**
 * A key written twice in one mapping: the tree keeps only the last pair (`line`), as
 * lenient loaders do, and `otherLine` is the line of the pair it replaced. Not a parse
 * problem: the file is read, but tools disagree on it (duplicateKeyMessage).
 */
export interface YamlDuplicate {
  key: string;
  line: number;
  otherLine: number;
}

export interface YamlLoadResult {
  documents: YamlDocument[];
  problems: YamlProblem[];
  /** Keys written twice in a mapping, in the order of their lines. */
  duplicates: YamlDuplicate[];
}

/** What each tool does with a key written twice in a mapping, by the platform that reads the file. */
const DUPLICATE_KEY_READERS: Record<string, string> = {
  'github-actions': 'GitHub Actions rejects this file; secloop checks the last value',
  compose: 'docker compose rejects this file; secloop checks the last value',
  cloudformation: 'CloudFormation rejects this template; secloop checks the last value',
  kubernetes: 'Kubernetes reads the last value, which secloop checks (strict field validation rejects the file)',
  'gitlab-ci': 'GitLab reads the last value, which secloop checks',
  'pre-commit': 'pre-commit reads the last value, which secloop checks',
  'helm-values': 'Helm reads the last value, which secloop renders with',
};

/** The warning for a key written twice (the start, `duplicate key '`, is what isDuplicateKeyWarning knows it by). */
export function duplicateKeyMessage(duplicate: YamlDuplicate, platform?: string): string {
  const readers = (platform !== undefined ? DUPLICATE_KEY_READERS[platform] : undefined) ?? 'some tools reject this file, others read the last value, which secloop checks';
  return `duplicate key '${duplicate.key.length > 60 ? `${duplicate.key.slice(0, 60)}...` : duplicate.key}' (also on line ${duplicate.otherLine}): ${readers}`;
}

/** A duplicateKeyMessage of a text read inside another file (an inline patch), with its other line moved as its line is. */
export function movedDuplicateKeyMessage(message: string, move: (line: number) => number | undefined): string {
  if (!isDuplicateKeyWarning(message)) return message;
  return message.replace(/\(also on line (\d+)\)/, (written, line: string) => {
    const moved = move(Number(line));
    return moved === undefined ? written : `(also on line ${moved})`;
  });
}

/** A warning made by duplicateKeyMessage: said on its own, never taken for a parse problem of the file. */
export function isDuplicateKeyWarning(message: string): boolean {
  return message.startsWith("duplicate key '");
}

/**
 * Keeps the last pair of each key of a mapping's explicit pairs (in their order) and
 * records each earlier one replaced; pairs without a scalar key (key '') are all kept.
 * `merged` pairs (from `<<`) come after, for the keys not written.
 */
export function lastPairs(pairs: YPair[], merged: YPair[], duplicates: Map<string, YamlDuplicate>): YPair[] {
  const last = new Map<string, YPair>();
  let replaced = false;
  for (const p of pairs) {
    if (p.key === '') continue;
    const earlier = last.get(p.key);
    if (earlier) {
      replaced = true;
      // An anchored mapping expanded by several aliases is seen again: one record for it.
      const id = `${p.keyLine}:${p.keyColumn}`;
      if (!duplicates.has(id)) duplicates.set(id, { key: p.key, line: p.keyLine, otherLine: earlier.keyLine });
    }
    last.set(p.key, p);
  }
  const kept = replaced ? pairs.filter((p) => p.key === '' || last.get(p.key) === p) : pairs;
  for (const p of merged) {
    if (last.has(p.key)) continue;
    last.set(p.key, p);
    kept.push(p);
  }
  return kept;
}

/** The duplicates recorded, by line. */
export function duplicatesInOrder(duplicates: Map<string, YamlDuplicate>): YamlDuplicate[] {
  return [...duplicates.values()].sort((a, b) => a.line - b.line);
}

export interface YamlLimits {
  /** Characters of input; a larger file is not parsed. */
  maxChars: number;
  /** Nodes in all documents after alias expansion. */
  maxNodes: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxChars: 4 * 1024 * 1024, maxNodes: 250_000 };

class BudgetExceeded extends Error {}

/**
 * The first line of a parser error, said for people: the parser reports nesting deeper
 * than its stack (`[[[[...`) as a stack overflow, which is not a syntax error of the file.
 */
export function parseErrorText(message: string, syntax: 'YAML' | 'JSON' = 'YAML'): string {
  if (/Maximum call stack size exceeded/i.test(message)) return `${syntax} nested too deeply to parse; not analysed`;
  return `invalid ${syntax}: ${message.split('\n')[0]}`;
}

function parseStream(text: string, lineCounter: LineCounter): Document[] {
  const docs = withoutStacks(() => parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: false }) as unknown as Document[]);
  return Array.isArray(docs) ? docs : [];
}

/**
 * Runs a parse without capturing a stack for each error it creates. The yaml library makes
 * an Error for every problem of a document and keeps going: a broken file of a few MB
 * made hundreds of thousands, and capturing their stacks took seconds and a GB of memory.
 * Only their messages and offsets are read.
 */
export function withoutStacks<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Calls of loadYaml, however made (through yaml/cache.ts or not), for tests to count. */
export const yamlLoadStats = { loads: 0 };

/** Parses a YAML stream. Syntax errors, oversize input and alias bombs are problems with a line, never exceptions. */
export function loadYaml(text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlLoadResult {
  yamlLoadStats.loads++;
  if (text.length > limits.maxChars) {
    return {
      documents: [],
      problems: [{ line: 1, message: `YAML file is larger than ${Math.round(limits.maxChars / 1024)} KiB; not parsed` }],
      duplicates: [],
    };
  }
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) return { documents: [], problems: [tooDeep], duplicates: [] };
  let lineCounter = new LineCounter();
  let docs: Document[];
  const problems: YamlProblem[] = [];
  try {
    docs = parseStream(text, lineCounter);
    // PyYAML (and so CloudFormation and Ansible) reads a flow collection whose continuation
    // lines are indented no deeper than its key; YAML 1.2 does not. Such a file is read
    // again with those lines indented, which moves no line. So is a quoted string continued
    // that way, as go-yaml writes a long one in a sequence's mapping (controller-gen's CRDs,
    // kubectl get -o yaml) and kubectl reads it back.
    // Each rewrite on top of the ones before (a file may need both), judged by the errors of the last attempt.
    let source = text;
    let attempt = { docs, counter: lineCounter };
    const readings: YamlProblem[] = [];
    for (const reading of LIBYAML_READINGS) {
      const refused = attempt.docs.flatMap((d) => d.errors).find(reading.raised);
      if (!refused) continue;
      readings.push({ line: attempt.counter.linePos(refused.pos[0]).line, message: reading.warning });
      source = reading.rewrite(source);
      const counter = new LineCounter();
      attempt = { docs: parseStream(source, counter), counter };
      if (attempt.docs.every((d) => d.errors.length === 0)) {
        problems.push(...readings);
        docs = attempt.docs;
        lineCounter = attempt.counter;
        break;
      }
    }
  } catch (error) {
    return { documents: [], problems: [{ line: 1, message: `YAML parser failed: ${(error as Error).message}` }], duplicates: [] };
  }
  const documents: YamlDocument[] = [];
  let position = (offset: number) => lineCounter.linePos(offset);
  const budget: Budget = { nodes: 0, max: limits.maxNodes, duplicates: new Map() };
  // Each document with where its offsets start in the text: 0 but for the objects of a JSON stream.
  let read = docs.map((doc) => ({ doc, at: 0 }));
  const stream = docs.some((d) => d.errors.length > 0) ? kubernetesJsonStream(text) : undefined;
  if (stream) {
    read = stream;
    problems.length = 0;
    const counter = new LineCounter();
    counter.addNewLine(0);
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
    position = (offset: number) => counter.linePos(offset);
  }

  read.forEach(({ doc, at }, index) => {
    const moved = (offset: number) => position(at + offset);
    const error = doc.errors[0];
    if (error) {
      problems.push({ line: moved(error.pos[0]).line, message: parseErrorText(error.message) });
      return;
    }
    const contents = doc.contents as YamlNode | null;
    const start = contents?.range ? moved(contents.range[0]).line : 1;
    try {
      const root = contents ? convert(contents, doc, moved, budget, 0) : null;
      documents.push({ root, line: start, index });
    } catch (failure) {
      if (!(failure instanceof BudgetExceeded)) throw failure;
      problems.push({
        line: start,
        message: `YAML document expands to more than ${budget.max} nodes (alias bomb or huge document); not analysed`,
      });
    }
  });
  return { documents, problems, duplicates: duplicatesInOrder(budget.duplicates) };
}

/**
 * A .json file of Kubernetes objects written one after another (`{...}\n{...}`), which kubectl
 * applies object by object and YAML cannot parse: each object parsed on its own, with its
 * offset in the text, when every one that parses is a mapping with apiVersion and kind (one
 * that does not parse is a document with its own error, at its own line). Otherwise
 * undefined, and the file's YAML error stands.
 */
function kubernetesJsonStream(text: string): Array<{ doc: Document; at: number }> | undefined {
  const objects = /^\s*\{/.test(text) ? jsonObjectStream(text) : undefined;
  if (!objects) return undefined;
  const read: Array<{ doc: Document; at: number }> = [];
  for (const [start, end] of objects) {
    const docs = parseStream(text.slice(start, end), new LineCounter());
    const doc = docs[0];
    if (docs.length !== 1 || !doc) return undefined;
    if (doc.errors.length > 0) {
      read.push({ doc, at: start });
      continue;
    }
    if (!isMap(doc.contents)) return undefined;
    const keys = new Set(doc.contents.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined)));
    if (!keys.has('apiVersion') || !keys.has('kind')) return undefined;
    read.push({ doc, at: start });
  }
  return read.some(({ doc }) => doc.errors.length === 0) ? read : undefined;
}

interface Budget {
  nodes: number;
  max: number;
  /** Keys written twice, by the position of the pair kept (lastPairs). */
  duplicates: Map<string, YamlDuplicate>;
}

const MAX_DEPTH = 200;

/** The warning for a file read again the PyYAML way (indentFlowContinuations). */
export const UNDER_INDENTED_FLOW = 'a flow collection ([...] or {...}) continues on lines indented no deeper than its key, which YAML 1.2 forbids; read as go-yaml, PyYAML and CloudFormation read it';

/** The YAML 1.2 error that PyYAML, and so CloudFormation and Ansible, would not raise: see indentFlowContinuations. */
export function isUnderIndentedFlow(error: { code: string; message: string }): boolean {
  return error.code === 'BAD_INDENT' && /^Flow (?:sequence|map|mapping) in block collection must be sufficiently indented/.test(error.message);
}

/**
 * Indents the lines inside an open flow collection (`[`/`{` not yet closed on an earlier
 * line) one space deeper than the key of the line that opened it, when they are not already.
 * Brackets inside quotes and comments do not count, nor those of a block scalar's text (a
 * shell script in a ConfigMap) or of an earlier document.
 */
export function indentFlowContinuations(text: string): string {
  let depth = 0;
  let openerIndent = 0;
  let quote: string | undefined;
  const read = (line: string): number | undefined => {
    const startDepth = depth;
    for (let j = 0; j < line.length; j++) {
      const c = line[j]!;
      if (quote) {
        if (c === quote && !(quote === '"' && line[j - 1] === '\\')) quote = undefined;
        continue;
      }
      if (c === '#' && (j === 0 || /\s/.test(line[j - 1]!))) break;
      if ((c === '"' || c === "'") && depth > 0) quote = c;
      else if (c === '[' || c === '{') depth++;
      else if ((c === ']' || c === '}') && depth > 0) depth--;
    }
    // A block sequence's entry indicators (`- BACKENDS: [`, GitLab's parallel: matrix:) indent the key after them.
    if (startDepth === 0 && depth > 0) openerIndent = keyColumn(line);
    return depth === 0 && quote === undefined && opensBlockScalar(line) ? keyColumn(line) : undefined;
  };
  return indentContinuations(text, {
    openerIndent: () => (depth > 0 ? openerIndent : undefined),
    reset: () => {
      depth = 0;
      quote = undefined;
    },
    read,
  });
}

/** What libyaml's readers (PyYAML, go-yaml) accept and YAML 1.2 refuses, in the order applied: see loadYaml. */
const LIBYAML_READINGS = [
  { raised: isUnderIndentedFlow, rewrite: indentFlowContinuations, warning: UNDER_INDENTED_FLOW },
  { raised: isUnclosedQuote, rewrite: indentQuotedContinuations, warning: UNDER_INDENTED_QUOTE },
];

function convert(
  node: YamlNode,
  doc: Document,
  position: (offset: number) => { line: number; col: number },
  budget: Budget,
  depth: number,
): YNode {
  if (++budget.nodes > budget.max || depth > MAX_DEPTH) throw new BudgetExceeded();
  if (isAlias(node)) {
    const target = aliasTarget(doc, node);
    const at = node.range ? position(node.range[0]) : { line: 1, col: 1 };
    if (!target) return { kind: 'scalar', value: null, quoted: false, line: at.line, column: at.col };
    return convert(target, doc, position, budget, depth + 1);
  }
  const at = node.range ? position(node.range[0]) : { line: 1, col: 1 };
  const tagged = typeof node.tag === 'string' && node.tag !== '' ? { tag: node.tag } : {};
  return convertNode(node, at, { position, duplicates: budget.duplicates, child: (child) => convert(child, doc, position, budget, depth + 1) }, tagged);
}

/**
 * A mapping, sequence or scalar of yaml's AST as a YNode at `at`, with `extra` (its tag):
 * its children converted by `reading.child` (loadYaml's convert, or CloudFormation's, which
 * reads the short-form tags), merge keys folded in, one pair per key (lastPairs).
 */
export function convertNode(
  node: YamlNode,
  at: { line: number; col: number },
  reading: { position: (offset: number) => { line: number; col: number }; duplicates: Map<string, YamlDuplicate>; child: (node: YamlNode) => YNode },
  extra: { tag?: string } = {},
): YNode {
  const { position, child } = reading;
  if (isMap(node)) {
    const pairs: YPair[] = [];
    const merged: YPair[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as YamlNode | null;
      const keyAt = keyNode?.range ? position(keyNode.range[0]) : at;
      const key = keyText(keyNode);
      const value = pair.value === null || pair.value === undefined ? null : child(pair.value as YamlNode);
      if (key === '<<' && value) {
        // Merge keys: `<<: *defaults` or `<<: [*a, *b]`; explicit keys win.
        const sources = value.kind === 'seq' ? value.items : [value];
        for (const source of sources) if (source.kind === 'map') merged.push(...source.pairs);
        continue;
      }
      pairs.push({ key, keyLine: keyAt.line, keyColumn: keyAt.col, value });
    }
    // One pair per key, the last written (then the merged ones for keys not written): no rule can read a value a later pair replaces.
    return { kind: 'map', pairs: lastPairs(pairs, merged, reading.duplicates), line: at.line, column: at.col, ...extra };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) => child(item as YamlNode));
    return { kind: 'seq', items, line: at.line, column: at.col, ...extra };
  }
  if (isScalar(node)) {
    const value = node.value;
    const plain =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null
        ? value
        : typeof value === 'bigint'
          ? Number(value)
          : String(value);
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    return { kind: 'scalar', value: plain, quoted, line: at.line, column: at.col, ...extra };
  }
  return { kind: 'scalar', value: null, quoted: false, line: at.line, column: at.col };
}

function keyText(node: YamlNode | null): string {
  if (!node) return '';
  // With `merge: true` the yaml library gives the `<<` key a symbol value.
  if (isScalar(node)) return typeof node.value === 'symbol' ? '<<' : String(node.value);
  return '';
}

// ---- Reading helpers -------------------------------------------------------------

export function isYMap(node: YNode | null | undefined): node is YMap {
  return node?.kind === 'map';
}

export function isYSeq(node: YNode | null | undefined): node is YSeq {
  return node?.kind === 'seq';
}

export function isYScalar(node: YNode | null | undefined): node is YScalar {
  return node?.kind === 'scalar';
}

/**
 * The line of the key path `keys` under `node`, or of the deepest part of it that exists
 * (`fallback` when not even the first key does): where a missing setting has to be added.
 */
export function deepestKeyLine(node: YNode | null | undefined, fallback: number, keys: readonly string[]): number {
  let current = node;
  let line = fallback;
  for (const key of keys) {
    const p = pair(current, key);
    if (!p) return line;
    line = p.keyLine;
    current = p.value;
  }
  return line;
}

/** The pair for `key` in a mapping (loadYaml keeps one per key, the last written, as most YAML loaders read it). */
export function pair(node: YNode | null | undefined, key: string): YPair | undefined {
  if (!isYMap(node)) return undefined;
  for (let i = node.pairs.length - 1; i >= 0; i--) if (node.pairs[i]!.key === key) return node.pairs[i];
  return undefined;
}

/** The value at a path of mapping keys, or undefined. */
export function get(node: YNode | null | undefined, ...keys: string[]): YNode | undefined {
  let current: YNode | null | undefined = node;
  for (const key of keys) {
    current = pair(current, key)?.value;
    if (current === null || current === undefined) return undefined;
  }
  return current ?? undefined;
}

/** Whether a mapping has `key` at all (even with an empty value). */
export function has(node: YNode | null | undefined, key: string): boolean {
  return pair(node, key) !== undefined;
}

/** A scalar's value as text (numbers and booleans as written in JSON), else undefined. */
export function text(node: YNode | null | undefined): string | undefined {
  if (!isYScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

/** A string scalar's value; undefined for a number, boolean or null (a broken file, not an image named `12`). */
export function stringValue(node: YNode | null | undefined): string | undefined {
  return isYScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** A scalar is the boolean `true` (YAML 1.2 true, or the strings "true"/"yes"/"on" as YAML 1.1 tools read them). */
export function isTrue(node: YNode | null | undefined): boolean {
  if (!isYScalar(node)) return false;
  if (node.value === true) return true;
  return typeof node.value === 'string' && !node.quoted && /^(true|yes|on)$/i.test(node.value);
}

export function isFalse(node: YNode | null | undefined): boolean {
  if (!isYScalar(node)) return false;
  if (node.value === false) return true;
  return typeof node.value === 'string' && !node.quoted && /^(false|no|off)$/i.test(node.value);
}

export function items(node: YNode | null | undefined): YNode[] {
  return isYSeq(node) ? node.items : [];
}

/** The line where a key's value is written: the key line, or the node itself. */
export function keyLine(node: YNode | null | undefined, key: string): number | undefined {
  return pair(node, key)?.keyLine;
}

/** Plain JavaScript value of a subtree (already bounded by the loader's budget). */
export function plain(node: YNode | null | undefined): unknown {
  if (!node) return null;
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map(plain);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const p of node.pairs) out[p.key] = plain(p.value);
      return out;
    }
  }
}
