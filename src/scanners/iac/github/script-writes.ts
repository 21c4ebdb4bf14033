import { parseSync } from 'oxc-parser';
import { exceedsSafeNesting } from '../../shared/js-nesting.js';
import { get, isYScalar, type YScalar } from '../yaml/tree.js';
import { downloadedFile, downloadedNames, inFolders } from './artifacts.js';
import { attackerContext, holdsAttackerContext } from './contexts.js';
import { expressions, isAction, type Step } from './model.js';
import { worst, type Source } from './taint.js';

/**
 * What the JavaScript of an actions/github-script step hands to later steps from text an
 * outsider wrote: `core.setOutput('pr', pr)` (and the script's `return`, which becomes
 * `steps.<id>.outputs.result`), `core.exportVariable` and `core.addPath`, and appends to
 * the files $GITHUB_OUTPUT, $GITHUB_ENV and $GITHUB_PATH name. The attacker's text comes
 * from the event payload (`context.payload.pull_request.title`), a pull request or issue
 * the API returns (`github.rest.pulls.get`), a file a pull request's run left in the downloaded
 * artifacts (`fs.readFileSync('./pr_number')`), a tainted env variable
 * (`process.env.TITLE`) or a `${{ }}` expression written into the script.
 *
 * The script is parsed with oxc (as the body of the async function github-script runs
 * it in), never run. Values are followed through variables, destructuring, string
 * methods, concatenation, template literals, JSON.parse / JSON.stringify and loops over
 * arrays, by name and in source order; `Number(...)`, `parseInt(...)`, a comparison or any
 * function secloop does not know ends the text's way. A script that does not parse
 * writes nothing secloop can follow.
 */

export interface ScriptWrite {
  /** `output`: core.setOutput, GITHUB_OUTPUT or the script's return (output `result`); `env`: core.exportVariable or GITHUB_ENV; `path`: core.addPath or GITHUB_PATH. */
  kind: 'output' | 'env' | 'path';
  /** The output's or variable's name; undefined when the script computes it. */
  name?: string;
  source: Source;
  /** Where the write is, as an offset in the script's text. */
  offset: number;
  /** The call that writes, for a message: `core.exportVariable('TITLE', ...)`. */
  call: string;
}

/** Where the script's inputs come from, judged at its step. */
export interface ScriptReads {
  /** The source of a `${{ }}` expression written into the script, by its inner text. */
  expression(inner: string): Source | undefined;
  /** The source of `process.env.NAME`, from the step's env. */
  env(name: string): Source | undefined;
  /** Folders holding another run's downloaded artifacts (artifacts.ts), when an earlier step downloaded some. */
  folders?: readonly string[];
}

/** A node of oxc's ESTree-compatible AST, read by field name. */
interface AstNode {
  type: string;
  start: number;
  end: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

interface Parsed {
  body: AstNode[];
  /** The `${{ }}` expressions of the script, masked for the parser, by offset in the wrapped text. */
  holes: Array<{ start: number; end: number; inner: string }>;
}

/** github-script runs the script as the body of an async function: `return` and `await` are allowed at its top. */
const PREFIX = '(async function () {\n';

const parsedCache = new WeakMap<YScalar, Parsed | null>();

function parsedScript(node: YScalar): Parsed | undefined {
  const cached = parsedCache.get(node);
  if (cached !== undefined) return cached ?? undefined;
  const parsed = parse(node.value as string) ?? null;
  parsedCache.set(node, parsed);
  return parsed ?? undefined;
}

function parse(script: string): Parsed | undefined {
  // Each `${{ }}` becomes an identifier of its own length (an expression where code is, text inside a string), so offsets stay those of the script.
  const holes = expressions(script).map((e) => ({ start: e.offset + PREFIX.length, end: e.offset + e.raw.length + PREFIX.length, inner: e.inner }));
  let masked = script;
  for (const e of expressions(script)) masked = masked.slice(0, e.offset) + '_'.repeat(e.raw.length) + masked.slice(e.offset + e.raw.length);
  const wrapped = `${PREFIX}${masked}\n})`;
  if (exceedsSafeNesting(wrapped)) return undefined;
  try {
    const result = parseSync('github-script.js', wrapped, { lang: 'js', sourceType: 'script', preserveParens: false });
    if (result.errors.some((e) => e.severity === 'Error')) return undefined;
    const fn = (result.program as unknown as AstNode).body?.[0]?.expression as AstNode | undefined;
    return fn?.type === 'FunctionExpression' ? { body: fn.body.body as AstNode[], holes } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The github-script steps of a workflow whose script cannot be read as JavaScript, so what
 * they write is not followed: the scan says so instead of skipping them silently.
 */
export function unreadableGithubScripts(steps: Iterable<Step>): Array<{ line: number; message: string }> {
  const problems: Array<{ line: number; message: string }> = [];
  for (const step of steps) {
    if (!isAction(step, 'actions/github-script')) continue;
    const node = get(step.with, 'script');
    if (!isYScalar(node) || typeof node.value !== 'string' || parsedScript(node)) continue;
    problems.push({ line: node.line, message: 'actions/github-script: the script could not be read as JavaScript (a syntax error, or a ${{ }} where code cannot take a placeholder), so what it writes to outputs and GITHUB_ENV is not followed' });
  }
  return problems;
}

/**
 * Whether the `${{ }}` at `offset` of a github-script script stands where JavaScript takes
 * an expression (`const pr = ${{ ... }}`), not inside a string or template literal or a
 * comment: text put there is read as code, and a JSON text as the value it writes.
 */
export function expressionAsCode(script: YScalar, offset: number): boolean {
  const parsed = typeof script.value === 'string' ? parsedScript(script) : undefined;
  const hole = parsed?.holes.find((h) => h.start === offset + PREFIX.length);
  if (!parsed || !hole) return false;
  const found = (node: unknown, depth: number): boolean => {
    if (!node || typeof node !== 'object' || depth > MAX_DEPTH * 8) return false;
    if (Array.isArray(node)) return node.some((item) => found(item, depth + 1));
    const n = node as AstNode;
    if (typeof n.type !== 'string' || n.end <= hole.start || n.start >= hole.end) return false;
    if (n.type === 'Identifier') return n.start === hole.start && n.end === hole.end;
    return Object.keys(n).some((key) => key !== 'type' && key !== 'start' && key !== 'end' && found(n[key], depth + 1));
  };
  return found(parsed.body, 0);
}

/**
 * Whether a github-script step's `result` output is JSON text: its `result-encoding` is not
 * `string` (JSON is the default), and the script writes no `result` output of its own.
 */
export function resultIsJson(step: Step): boolean {
  if (!isAction(step, 'actions/github-script')) return false;
  const encoding = get(step.with, 'result-encoding');
  if (isYScalar(encoding) && String(encoding.value ?? '').trim().toLowerCase() === 'string') return false;
  if (encoding !== undefined && !isYScalar(encoding)) return false;
  if (isYScalar(encoding) && /\$\{\{/.test(String(encoding.value ?? ''))) return false;
  const script = get(step.with, 'script');
  return isYScalar(script) && typeof script.value === 'string' && !/\bresult\b[\s\S]*\bGITHUB_OUTPUT\b|\bGITHUB_OUTPUT\b[\s\S]*\bresult\b|setOutput\s*\(\s*[^,)]*result/.test(script.value);
}

/** What the script writes from attacker-controlled text; empty for a step that is not actions/github-script. */
export function githubScriptWrites(step: Step, reads: ScriptReads): ScriptWrite[] {
  if (!isAction(step, 'actions/github-script')) return [];
  const node = get(step.with, 'script');
  if (!isYScalar(node) || typeof node.value !== 'string') return [];
  const parsed = parsedScript(node);
  return parsed ? new ScriptFlow(parsed, reads).run() : [];
}

/**
 * A value the script holds: attacker-controlled text (`source`), a place in an event-like
 * object (`path`, `github.event.pull_request.head`: judged when read as text), or an API
 * response whose `data` is such an object.
 */
interface Value {
  source?: Source;
  path?: string;
  response?: string;
  /** The API call a path or response came from. */
  via?: string;
}

/** API calls that return what an outsider wrote, with the payload object their `data` is like. */
const API_OBJECTS: ReadonlyArray<[RegExp, string]> = [
  [/(?:^|\.)pulls\.get$/, 'github.event.pull_request'],
  [/(?:^|\.)issues\.get$/, 'github.event.issue'],
  [/(?:^|\.)issues\.getComment$/, 'github.event.comment'],
];

/** Functions whose result carries the text of their arguments. */
const PASS_THROUGH = new Set(['JSON.parse', 'JSON.stringify', 'String', 'decodeURIComponent', 'decodeURI', 'unescape', 'atob', 'Buffer.from', 'Array.from', 'Object.values', 'Object.keys', 'Object.entries', 'path.basename', 'path.join', 'path.resolve', 'path.normalize']);

/** Methods whose result is a boolean, a number or undefined, whatever text they are called on. */
const NO_TEXT_METHODS = new Set(['test', 'includes', 'startsWith', 'endsWith', 'indexOf', 'lastIndexOf', 'search', 'localeCompare', 'charCodeAt', 'codePointAt', 'every', 'some', 'findIndex', 'findLastIndex', 'has', 'hasOwnProperty', 'forEach', 'push', 'unshift', 'setOutput', 'exportVariable', 'addPath', 'info', 'debug', 'warning', 'error', 'notice', 'log']);

/** Methods that call a function with each element of what they are called on. */
const ELEMENT_CALLBACKS = new Set(['forEach', 'map', 'flatMap', 'filter', 'find', 'findLast', 'some', 'every']);

const READS = new Set(['readFileSync', 'readFile']);
/** fs calls that give the names of a folder's files: a fork chooses the names of the files of its artifacts. */
const LISTS = new Set(['readdirSync', 'readdir']);
const WRITES = new Set(['appendFileSync', 'writeFileSync', 'appendFile', 'writeFile']);
const COMMAND_FILES: Readonly<Record<string, ScriptWrite['kind']>> = { GITHUB_OUTPUT: 'output', GITHUB_ENV: 'env', GITHUB_PATH: 'path' };
const CORE_WRITES: Readonly<Record<string, ScriptWrite['kind']>> = { 'core.setOutput': 'output', 'core.exportVariable': 'env', 'core.addPath': 'path' };

const MAX_DEPTH = 400;

class ScriptFlow {
  private readonly values = new Map<string, Value>();
  /** Variables holding a constant string (a folder or file name), for the paths of file reads. */
  private readonly strings = new Map<string, string>();
  private readonly writes: ScriptWrite[] = [];

  constructor(
    private readonly parsed: Parsed,
    private readonly reads: ScriptReads,
  ) {}

  run(): ScriptWrite[] {
    for (const statement of this.parsed.body) this.visit(statement, false, 0);
    return this.writes;
  }

  private visit(node: AstNode | null | undefined, inFunction: boolean, depth: number): void {
    if (!node || typeof node.type !== 'string' || depth > MAX_DEPTH) return;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        this.visit(node.body, true, depth + 1);
        return;
      case 'VariableDeclarator':
        this.visit(node.init, inFunction, depth + 1);
        this.bind(node.id, node.init ? this.value(node.init, 0) : undefined);
        if (node.id?.type === 'Identifier') {
          const constant = node.init ? this.pathText(node.init, 0) : undefined;
          if (constant !== undefined) this.strings.set(node.id.name, constant);
          else this.strings.delete(node.id.name);
        }
        return;
      case 'AssignmentExpression':
        this.visit(node.right, inFunction, depth + 1);
        if (node.left?.type === 'Identifier') {
          const value = this.value(node.right, 0);
          const name = node.left.name as string;
          if (node.operator === '=') this.bind(node.left, value);
          else if (node.operator === '+=') this.bind(node.left, merged(this.values.get(name), value));
        } else if (node.left?.type === 'ObjectPattern' || node.left?.type === 'ArrayPattern') this.bind(node.left, this.value(node.right, 0));
        return;
      case 'ForOfStatement':
      case 'ForInStatement': {
        this.visit(node.right, inFunction, depth + 1);
        const over = this.value(node.right, 0);
        const target = node.left?.type === 'VariableDeclaration' ? node.left.declarations?.[0]?.id : node.left;
        // The keys of an object an outsider wrote are theirs too.
        this.bind(target, node.type === 'ForOfStatement' ? element(over) : over && { source: sourceOf(over) });
        this.visit(node.body, inFunction, depth + 1);
        return;
      }
      case 'CallExpression': {
        this.bindCallback(node);
        this.children(node, inFunction, depth);
        this.sink(node);
        return;
      }
      case 'ReturnStatement':
        this.visit(node.argument, inFunction, depth + 1);
        // The script's own return value becomes the `result` output.
        if (!inFunction && node.argument) this.write('output', 'result', node.argument, node, 'return');
        return;
      default:
        this.children(node, inFunction, depth);
    }
  }

  private children(node: AstNode, inFunction: boolean, depth: number): void {
    for (const key of Object.keys(node)) {
      if (key === 'type' || key === 'start' || key === 'end') continue;
      const child = node[key];
      if (Array.isArray(child)) for (const item of child) this.visit(item, inFunction, depth + 1);
      else if (child && typeof child === 'object' && typeof child.type === 'string') this.visit(child, inFunction, depth + 1);
    }
  }

  /** `titles.forEach((t) => ...)`: the callback's first parameter is an element of what it is called on. */
  private bindCallback(call: AstNode): void {
    const callee = unwrap(call.callee);
    if (callee?.type !== 'MemberExpression' || !ELEMENT_CALLBACKS.has(propertyName(callee) ?? '')) return;
    const fn = call.arguments?.[0];
    if (!fn || (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') || !fn.params?.[0]) return;
    this.bind(fn.params[0], element(this.value(callee.object, 0)));
  }

  private bind(pattern: AstNode | null | undefined, value: Value | undefined): void {
    if (!pattern) return;
    switch (pattern.type) {
      case 'Identifier':
        if (value) this.values.set(pattern.name, value);
        else this.values.delete(pattern.name);
        return;
      case 'ObjectPattern':
        for (const property of pattern.properties ?? []) {
          if (property.type === 'RestElement') this.bind(property.argument, value);
          else this.bind(property.value, value && member(value, property.computed ? literalKey(property.key) : keyName(property.key)));
        }
        return;
      case 'ArrayPattern':
        for (const item of pattern.elements ?? []) this.bind(item?.type === 'RestElement' ? item.argument : item, element(value));
        return;
      case 'AssignmentPattern':
        this.bind(pattern.left, value ?? this.value(pattern.right, 0));
        return;
      default:
    }
  }

  /** core.setOutput / exportVariable / addPath, and appends to the files of $GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_PATH. */
  private sink(call: AstNode): void {
    const callee = unwrap(call.callee);
    const name = dottedName(callee);
    const args = (call.arguments ?? []) as AstNode[];
    const core = name ? CORE_WRITES[name] : undefined;
    if (core === 'path') this.write('path', undefined, args[0], call, `${name}(...)`);
    else if (core) {
      const key = this.constant(args[0]);
      this.write(core, key, args[1], call, `${name}(${key === undefined ? '...' : `'${key}'`}, ...)`);
    }
    const method = callee?.type === 'MemberExpression' ? propertyName(callee) : callee?.type === 'Identifier' ? (callee.name as string) : undefined;
    const file = WRITES.has(method ?? '') ? envName(args[0]) : undefined;
    const kind = file ? COMMAND_FILES[file] : undefined;
    if (kind && args[1]) {
      const first = leadingText(args[1]);
      const key = kind === 'path' ? undefined : /^([A-Za-z_][\w-]*)(?:=|<<)/.exec(first ?? '')?.[1];
      this.write(kind, key, args[1], call, `${method}(process.env.${file}, ...)`);
    }
  }

  private write(kind: ScriptWrite['kind'], name: string | undefined, node: AstNode | undefined, at: AstNode, call: string): void {
    const value = node ? this.value(node, 0) : undefined;
    const source = value && sourceOf(value);
    if (source) this.writes.push({ kind, ...(name !== undefined ? { name } : {}), source, offset: at.start - PREFIX.length, call });
  }

  /** The source of a `${{ }}` masked inside a node's text, if any. */
  private hole(node: AstNode): Source | undefined {
    return worst(this.parsed.holes.filter((hole) => hole.start < node.end && hole.end > node.start).map((hole) => this.reads.expression(hole.inner)));
  }

  private value(node: AstNode | null | undefined, depth: number): Value | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const next = depth + 1;
    switch (node.type) {
      case 'Identifier': {
        const hole = this.hole(node);
        if (hole) return { source: hole };
        return node.name === 'context' ? { path: 'context' } : this.values.get(node.name);
      }
      case 'Literal':
      case 'TemplateElement': {
        const hole = this.hole(node);
        return hole ? { source: hole } : undefined;
      }
      case 'TemplateLiteral':
        return textValue([...(node.quasis ?? []), ...(node.expressions ?? [])].map((n: AstNode) => this.value(n, next)));
      case 'MemberExpression': {
        if (dottedName(node.object) === 'process.env') {
          const name = propertyName(node);
          const source = name ? this.reads.env(name) : undefined;
          return source ? { source: { ...source, text: `process.env.${name}` } } : undefined;
        }
        const object = this.value(node.object, next);
        return object && member(object, propertyName(node) ?? '*');
      }
      case 'ChainExpression':
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSNonNullExpression':
        return this.value(node.expression, next);
      case 'AwaitExpression':
      case 'SpreadElement':
        return this.value(node.argument, next);
      case 'BinaryExpression':
        return node.operator === '+' ? textValue([this.value(node.left, next), this.value(node.right, next)]) : undefined;
      case 'LogicalExpression':
        return merged(node.operator === '&&' ? undefined : this.value(node.left, next), this.value(node.right, next));
      case 'ConditionalExpression':
        return merged(this.value(node.consequent, next), this.value(node.alternate, next));
      case 'AssignmentExpression':
        return this.value(node.right, next);
      case 'SequenceExpression':
        return this.value(node.expressions?.[node.expressions.length - 1], next);
      case 'ArrayExpression':
        return textValue((node.elements ?? []).map((n: AstNode | null) => this.value(n, next)));
      case 'ObjectExpression':
        return textValue((node.properties ?? []).map((p: AstNode) => this.value(p.type === 'Property' ? p.value : p, next)));
      case 'CallExpression':
      case 'NewExpression':
        return this.call(node, next);
      default:
        return undefined;
    }
  }

  private call(node: AstNode, depth: number): Value | undefined {
    const callee = unwrap(node.callee);
    const args = (node.arguments ?? []) as AstNode[];
    const name = dottedName(callee);
    const method = callee?.type === 'MemberExpression' ? propertyName(callee) : callee?.type === 'Identifier' ? callee.name : undefined;
    if (method && READS.has(method)) {
      const file = args[0] ? this.pathText(args[0], depth) : undefined;
      const folders = this.reads.folders;
      return file !== undefined && file !== '' && folders && inFolders(file, folders) ? { source: { text: downloadedFile(file) } } : undefined;
    }
    if (method && LISTS.has(method)) {
      const folder = args[0] ? this.pathText(args[0], depth) : undefined;
      const folders = this.reads.folders;
      return folder !== undefined && folder !== '' && folders && inFolders(folder, folders) ? { source: { text: downloadedNames(folder) } } : undefined;
    }
    if (name) {
      const api = API_OBJECTS.find(([pattern]) => pattern.test(name));
      if (api && /^github\./.test(name)) return { response: api[1], via: name };
      if (PASS_THROUGH.has(name)) return textValue(args.map((a) => this.value(a, depth)), name === 'JSON.parse' || name === 'Array.from' || /^Object\./.test(name));
    }
    if (callee?.type === 'MemberExpression' && method) {
      if (NO_TEXT_METHODS.has(method)) return undefined;
      const object = this.value(callee.object, depth);
      if (!object) return undefined;
      // A method of a string or an array an outsider wrote (trim, split, slice, toString, join, map...) gives back their text.
      const source = sourceOf(object);
      return source ? { source } : undefined;
    }
    return undefined;
  }

  /** A name the script writes as a string: `'pr'`, `` `pr` ``, or a constant holding it. */
  private constant(node: AstNode | undefined): string | undefined {
    const n = unwrap(node);
    if (n?.type === 'Literal') return typeof n.value === 'string' && !this.hole(n) ? n.value : undefined;
    if (n?.type === 'TemplateLiteral') return n.expressions?.length === 0 && !this.hole(n) ? (n.quasis?.[0]?.value?.cooked as string | undefined) : undefined;
    return n?.type === 'Identifier' ? this.strings.get(n.name) : undefined;
  }

  /** The text of a file path the script names, from the workspace: literals, constants, `${process.env.GITHUB_WORKSPACE}/...`, path.join(...); undefined when computed. */
  private pathText(node: AstNode | null | undefined, depth: number): string | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const next = depth + 1;
    switch (node.type) {
      case 'Literal':
        return typeof node.value === 'string' && !this.hole(node) ? node.value : undefined;
      case 'Identifier':
        return this.strings.get(node.name);
      case 'TemplateLiteral': {
        let out = '';
        for (let i = 0; i < (node.quasis ?? []).length; i++) {
          const quasi = node.quasis[i] as AstNode;
          if (this.hole(quasi)) return undefined;
          out += quasi.value?.cooked ?? '';
          const expression = node.expressions?.[i] as AstNode | undefined;
          if (!expression) continue;
          const part = this.pathText(expression, next);
          if (part === undefined) return undefined;
          out += part;
        }
        return normalisePath(out);
      }
      case 'MemberExpression':
        // The workspace, where github-script runs and the downloads land.
        return dottedName(node) === 'process.env.GITHUB_WORKSPACE' ? './' : undefined;
      case 'BinaryExpression': {
        if (node.operator !== '+') return undefined;
        const left = this.pathText(node.left, next);
        const right = this.pathText(node.right, next);
        return left === undefined || right === undefined ? undefined : normalisePath(left + right);
      }
      case 'CallExpression': {
        const name = dottedName(unwrap(node.callee));
        if (name === 'process.cwd') return './';
        if (name !== 'path.join' && name !== 'path.resolve') return undefined;
        const parts = ((node.arguments ?? []) as AstNode[]).map((a) => this.pathText(a, next));
        return parts.some((p) => p === undefined) ? undefined : normalisePath(parts.join('/'));
      }
      default:
        return undefined;
    }
  }
}

function normalisePath(path: string): string {
  return path.replace(/\/{2,}/g, '/').replace(/^(?:\.\/)+/, '');
}

function unwrap(node: AstNode | null | undefined): AstNode | undefined {
  let out = node ?? undefined;
  while (out && (out.type === 'ChainExpression' || out.type === 'ParenthesizedExpression')) out = out.expression;
  return out;
}

/** `core.setOutput` for a chain of plain names; undefined when a part is computed or a call. */
function dottedName(node: AstNode | null | undefined): string | undefined {
  const parts: string[] = [];
  // A loop, not recursion: a member chain can be as long as the script.
  for (let n = unwrap(node); n; n = unwrap(n.object)) {
    if (n.type === 'Identifier') return [n.name as string, ...parts.reverse()].join('.');
    if (n.type !== 'MemberExpression' || n.computed || n.property?.type !== 'Identifier' || parts.length > 20) return undefined;
    parts.push(n.property.name as string);
  }
  return undefined;
}

/** The property a member expression reads: `a.b`, `a['b']`, `a[0]`; undefined when computed. */
function propertyName(node: AstNode): string | undefined {
  if (!node.computed) return node.property?.type === 'Identifier' || node.property?.type === 'PrivateIdentifier' ? node.property.name : undefined;
  return literalKey(node.property);
}

function literalKey(node: AstNode | undefined): string | undefined {
  return node?.type === 'Literal' && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function keyName(node: AstNode | undefined): string | undefined {
  return node?.type === 'Identifier' ? node.name : literalKey(node);
}

/** `process.env.GITHUB_OUTPUT` (or `process.env['GITHUB_ENV']`) -> its name. */
function envName(node: AstNode | undefined): string | undefined {
  const n = unwrap(node);
  return n?.type === 'MemberExpression' && dottedName(n.object) === 'process.env' ? propertyName(n) : undefined;
}

/** The literal text a written value starts with (`pr=` of `` `pr=${pr}\n` ``). */
function leadingText(node: AstNode): string | undefined {
  let n = unwrap(node);
  for (let depth = 0; n?.type === 'BinaryExpression' && depth < MAX_DEPTH; depth++) n = unwrap(n.left);
  if (n?.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n?.type === 'TemplateLiteral') return n.quasis?.[0]?.value?.cooked;
  return undefined;
}

/** A member of a value: a step deeper into a payload-like object, the `data` of an API response, or more of an outsider's text. */
function member(value: Value, property: string | undefined): Value | undefined {
  const key = property ?? '*';
  // The length of a string or an array is a number.
  if (key === 'length') return undefined;
  if (value.path === 'context') return key === 'payload' ? { path: 'github.event' } : undefined;
  if (value.path) return { path: `${value.path}.${key}`, ...(value.via ? { via: value.via } : {}) };
  if (value.response) return key === 'data' ? { path: value.response, ...(value.via ? { via: value.via } : {}) } : undefined;
  return value.source ? { source: value.source } : undefined;
}

/** An element of an array value. */
function element(value: Value | undefined): Value | undefined {
  return value && member(value, '*');
}

/** What reading a value as text gives: its own source, or the attacker-written part of a payload-like object. */
function sourceOf(value: Value): Source | undefined {
  if (value.source) return value.source;
  const path = value.path;
  if (!path || !path.startsWith('github.event')) return undefined;
  if (!attackerContext(path) && !holdsAttackerContext(path)) return undefined;
  const relative = path.slice('github.event'.length).replace(/^\./, '').replace(/\.\*/g, '[*]');
  return { text: value.via ? `${relative} from ${value.via}` : `context.payload${relative ? `.${relative}` : ''}` };
}

/** A value built from parts (a concatenation, a template, an array): the text of its worst part. `keep` keeps a lone payload path (JSON.parse of a value, Array.from). */
function textValue(parts: Array<Value | undefined>, keep = false): Value | undefined {
  const present = parts.filter((p): p is Value => p !== undefined);
  if (keep && present.length === 1) return present[0];
  const source = worst(present.map(sourceOf));
  return source ? { source } : undefined;
}

/** One of two values (`a || b`, `c ? a : b`): an object path stays followable; else the worse text. */
function merged(a: Value | undefined, b: Value | undefined): Value | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.path || a.response) return a;
  if (b.path || b.response) return b;
  const source = worst([sourceOf(a), sourceOf(b)]);
  return source ? { source } : undefined;
}
