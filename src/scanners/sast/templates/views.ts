import path from 'node:path/posix';
import type { Analyzer, CallSite } from '../analysis/analyzer.js';
import { isTainted, join, make, possibleStrings, taintOnly, type Value } from '../analysis/value.js';

/**
 * Server-side templates: which locals a view prints without escaping. ejs `<%- x %>`,
 * handlebars `{{{ x }}}` and `{{& x }}`, pug `!= x` and `!{x}`, and the `{{ x }}` family
 * (swig, nunjucks, twig-like engines in .html/.swig/.njk files): `{{ x | safe }}` always,
 * `{{ x }}` when the project turns autoescaping off. A view also prints what the views it
 * extends or includes print, and loop variables stand for the elements of their list.
 */

export const TEMPLATE_EXTENSIONS = ['.ejs', '.hbs', '.handlebars', '.pug', '.jade', '.swig', '.njk', '.nunjucks', '.html'];

/** .html is a template only in a views or templates folder; elsewhere it is a static page. */
export function isTemplatePath(p: string): boolean {
  if (p.endsWith('.html')) return /(^|\/)(views|templates)\//.test(p);
  return TEMPLATE_EXTENSIONS.some((e) => p.endsWith(e));
}

export interface UnescapedOutput {
  /**
   * The printed local and the member path after it: output.searchTerm -> ['output', 'searchTerm'];
   * '[]' stands for any element (output.products[i].name -> ['output', 'products', '[]', 'name']).
   */
  path: string[];
  line: number;
}

type Dialect = 'ejs' | 'hbs' | 'pug' | 'curly';

const DIALECTS: Readonly<Record<string, Dialect>> = {
  '.ejs': 'ejs', '.hbs': 'hbs', '.handlebars': 'hbs', '.pug': 'pug', '.jade': 'pug', '.swig': 'curly', '.njk': 'curly', '.nunjucks': 'curly', '.html': 'curly',
};

/** Unescaped output tags per dialect; group 1 is the printed expression. */
const OUTPUTS: Readonly<Record<Dialect, RegExp[]>> = {
  ejs: [/<%-([\s\S]*?)-?%>/g],
  hbs: [/\{\{\{([\s\S]*?)\}\}\}/g, /\{\{&([\s\S]*?)\}\}/g],
  pug: [/!=[ \t]*([^\n]+)/g, /!\{([^}\n]+)\}/g],
  // .html files of other engines: ejs tags and triple braces print unescaped too.
  curly: [/<%-([\s\S]*?)-?%>/g, /\{\{\{([\s\S]*?)\}\}\}/g],
};

/** `{{ expr }}` of the curly dialect (not `{{{`), with its filters. */
const CURLY = /(?<!\{)\{\{(?!\{)([\s\S]*?)\}\}/g;

/** References to other views: extends and includes. */
const REFERENCES: Readonly<Record<Dialect, RegExp[]>> = {
  ejs: [/<%[-=_]?\s*include\s*\(?\s*['"]([^'"]+)['"]/g, /<%\s*include\s+([\w./-]+)\s*%>/g],
  hbs: [/\{\{>\s*['"]?([\w./-]+)/g],
  pug: [/^\s*(?:extends|include)\s+([\w./-]+)/gm],
  curly: [/\{%-?\s*(?:extends|include|import)\s+['"]([^'"]+)['"]/g, /<%[-=_]?\s*include\s*\(?\s*['"]([^'"]+)['"]/g],
};

/** ejs includes of a view named by a local (`<%- include(page) %>`); group 1 is the local. */
const LOCAL_INCLUDE = /<%[-=_]?\s*include\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]/g;

/** Loop variables and their lists; group 1 the variable, group 2 the list (or the reverse, see `swap`). */
const LOOPS: Array<{ pattern: RegExp; swap?: boolean }> = [
  { pattern: /\{%-?\s*for\s+(?:[A-Za-z_$][\w$]*\s*,\s*)?([A-Za-z_$][\w$]*)\s+in\s+([A-Za-z_$][\w$.]*)/g },
  { pattern: /^\s*(?:each|for)\s+([A-Za-z_$][\w$]*)(?:\s*,\s*[A-Za-z_$][\w$]*)?\s+in\s+([A-Za-z_$][\w$.]*)/gm },
  { pattern: /([A-Za-z_$][\w$.]*)\.forEach\(\s*(?:function\s*)?\(?\s*([A-Za-z_$][\w$]*)/g, swap: true },
  { pattern: /for\s*\(\s*(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s+of\s+([A-Za-z_$][\w$.]*)/g },
];

/** Words of template expressions, not locals. */
const NOT_LOCALS = new Set(['true', 'false', 'null', 'undefined', 'typeof', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'loop', 'this', 'new']);
/** ejs helpers, not locals. */
const EJS_HELPERS = new Set(['include', 'body', 'locals']);
/** Filters and helpers that escape what they print. */
const ESCAPING = /^(e|escape|escapeHtml|escape_html|encodeURIComponent|encodeURI|url_encode|urlencode|json|dump|tojson|json_encode|JSON\.stringify|sanitize|sanitizeHtml|xss|striptags|int|float|length|count)$/;

function dialectOf(file: string): Dialect | undefined {
  const ext = TEMPLATE_EXTENSIONS.find((e) => file.endsWith(e));
  return ext ? DIALECTS[ext] : undefined;
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

const PATH = /[A-Za-z_$][\w$]*(?:\s*(?:\??\.\s*[A-Za-z_$][\w$]*|\[[^\][]*\]))*/g;

/** Member paths an expression prints: `a.b[i].c` -> ['a','b','[]','c']; calls print their arguments unless they escape. */
export function printedPaths(expr: string): string[][] {
  const out: string[][] = [];
  const text = expr.replace(/(['"`])(?:\\.|(?!\1)[^\\])*\1/g, (m, _q, offset: number) => {
    // Keep quoted keys of member access (a["b"]); blank other literals.
    return expr[offset - 1] === '[' ? m : ' '.repeat(m.length);
  });
  PATH.lastIndex = 0;
  for (let m = PATH.exec(text); m; m = PATH.exec(text)) {
    const start = m.index;
    const before = text.slice(0, start).trimEnd();
    // A property name after a dot, or a key in an object literal, is not a local.
    if (before.endsWith('.') || (/^\s*:/.test(text.slice(start + m[0].length)) && before.endsWith('{'))) continue;
    const segments = splitPath(m[0]);
    const after = text.slice(start + m[0].length);
    if (/^\s*\(/.test(after)) {
      // A call: an escaping helper prints nothing of its arguments; other calls print them.
      if (ESCAPING.test(segments.join('.'))) {
        const close = matchingParen(text, start + m[0].length + after.indexOf('('));
        PATH.lastIndex = close + 1;
      }
      continue;
    }
    if (NOT_LOCALS.has(segments[0]!) && segments.length === 1) continue;
    out.push(segments);
  }
  return out;
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return text.length;
}

function splitPath(p: string): string[] {
  const segments: string[] = [];
  const re = /([A-Za-z_$][\w$]*)|\[\s*(['"])(.*?)\2\s*\]|\[[^\]]*\]/g;
  for (let m = re.exec(p); m; m = re.exec(p)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[3] !== undefined) segments.push(m[3]);
    else segments.push('[]');
  }
  return segments;
}

/** Curly output: its expression without filters, and whether a filter prints it raw or escapes it. */
function curlyOutput(inner: string): { expr: string; raw: boolean; escaped: boolean } {
  const parts = inner.split(/(?<!\|)\|(?!\|)/);
  const filters = parts.slice(1).map((f) => f.trim().replace(/\(.*$/s, '').trim());
  return { expr: parts[0]!, raw: filters.some((f) => f === 'safe' || f === 'raw'), escaped: filters.some((f) => ESCAPING.test(f)) };
}

/** Outputs of one template file printed without escaping (`autoescapeOff`: the project turned escaping off). */
export function unescapedOutputs(file: string, text: string, autoescapeOff = false): UnescapedOutput[] {
  const dialect = dialectOf(file);
  if (!dialect) return [];
  const out: UnescapedOutput[] = [];
  const add = (expr: string, index: number) => {
    const line = lineAt(text, index);
    for (const p of printedPaths(expr)) {
      if (dialect === 'ejs' && p.length === 1 && EJS_HELPERS.has(p[0]!)) continue;
      out.push({ path: p, line });
    }
  };
  for (const pattern of OUTPUTS[dialect]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      if (dialect === 'ejs' || dialect === 'curly') {
        if (/^\s*include\b/.test(m[1]!)) continue;
      }
      add(m[1]!, m.index);
    }
  }
  if (dialect === 'curly') {
    const off = autoescapeOffRegions(text);
    CURLY.lastIndex = 0;
    for (let m = CURLY.exec(text); m; m = CURLY.exec(text)) {
      const { expr, raw, escaped } = curlyOutput(m[1]!);
      if (raw || (!escaped && (autoescapeOff || off.some(([a, b]) => m!.index > a && m!.index < b)))) add(expr, m.index);
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** `{% autoescape false %} ... {% endautoescape %}` regions. */
function autoescapeOffRegions(text: string): Array<[number, number]> {
  const regions: Array<[number, number]> = [];
  const re = /\{%-?\s*autoescape\s+false\s*-?%\}([\s\S]*?)(?:\{%-?\s*endautoescape\s*-?%\}|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) regions.push([m.index, m.index + m[0].length]);
  return regions;
}

/** Loop variables of a template: variable -> path of its list. */
export function loopAliases(text: string): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const { pattern, swap } of LOOPS) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const [variable, list] = swap ? [m[2]!, m[1]!] : [m[1]!, m[2]!];
      if (!aliases.has(variable)) aliases.set(variable, splitPath(list));
    }
  }
  return aliases;
}

/** Views a template extends or includes, as written. */
export function referencedViews(file: string, text: string): string[] {
  const dialect = dialectOf(file);
  if (!dialect) return [];
  const out: string[] = [];
  for (const pattern of REFERENCES[dialect]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) out.push(m[1]!);
  }
  return out;
}

/** Locals that name the views an ejs template includes (`<%- include(page) %>`). */
export function includedLocals(file: string, text: string): string[] {
  if (dialectOf(file) !== 'ejs') return [];
  LOCAL_INCLUDE.lastIndex = 0;
  return [...text.matchAll(LOCAL_INCLUDE)].map((m) => m[1]!).filter((name) => !EJS_HELPERS.has(name));
}

/** The template a view name refers to: views/<name>.<ext> preferred, else any file with that name. */
export function findTemplate(templates: ReadonlyMap<string, string>, view: string, from?: string): string | undefined {
  if (from !== undefined && /^\.\.?\//.test(view)) {
    const rel = path.join(path.dirname(from), view);
    const ext = path.extname(from);
    for (const candidate of [rel, `${rel}${ext}`]) if (templates.has(candidate)) return candidate;
  }
  const clean = path.normalize(view.replace(/^\/+/, '')).replace(/^(\.\.?\/)+/, '');
  const candidates = [...templates.keys()].filter((p) => {
    const ext = TEMPLATE_EXTENSIONS.find((e) => p.endsWith(e));
    if (!ext) return false;
    const stem = clean.endsWith(ext) ? p : p.slice(0, -ext.length);
    return stem === clean || stem.endsWith(`/${clean}`);
  });
  candidates.sort((a, b) => Number(b.includes('views/')) - Number(a.includes('views/')) || a.length - b.length || (a < b ? -1 : 1));
  return candidates[0];
}

/**
 * A view and the views it extends or includes (transitively, bounded), each once; `named`
 * gives the view names a local holds for includes of a view named by a local.
 */
function viewsOf(templates: ReadonlyMap<string, string>, start: string, named: (local: string) => readonly string[]): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  for (let i = 0; i < queue.length && seen.size < 20; i++) {
    const current = queue[i]!;
    const text = templates.get(current) ?? '';
    for (const ref of [...referencedViews(current, text), ...includedLocals(current, text).flatMap(named)]) {
      const target = findTemplate(templates, ref, current);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return queue;
}

/** The value a template path reads from the locals, loop variables standing for their list's elements. */
function resolvePath(an: Analyzer, locals: Value, segments: readonly string[], aliases: ReadonlyMap<string, string[]>, site: CallSite, depth = 0): Value {
  const alias = aliases.get(segments[0]!);
  if (alias && depth < 4 && alias[0] !== segments[0]) return resolvePath(an, locals, [...alias, '[]', ...segments.slice(1)], aliases, site, depth + 1);
  let value = locals;
  for (const key of segments) {
    value = key === '[]' ? join(an.elementsOf(value, false, site.node), taintOnly(value)) : an.readProp(value, key, null, site.node);
  }
  return value;
}

/** res.render(view, locals): tainted locals printed unescaped by the view or the views it uses. */
export function renderSink(an: Analyzer, args: readonly Value[], site: CallSite): void {
  const view = args[0]?.str;
  const locals = args[1];
  if (view === undefined || !locals) return;
  const start = findTemplate(an.templates, view);
  if (!start) return;
  layoutOption(an, start, locals, site);
  const autoescapeOff = an.templateAutoescapeOff();
  // Only a constant the code chose names a view here; a view name from the request is another problem.
  const named = (local: string) => {
    const v = an.readProp(locals, local, null, site.node);
    return isTainted(v) ? [] : possibleStrings(v);
  };
  for (const file of viewsOf(an.templates, start, named)) {
    const text = an.templates.get(file) ?? '';
    const aliases = loopAliases(text);
    for (const output of unescapedOutputs(file, text, autoescapeOff)) {
      const value = resolvePath(an, locals, output.path, aliases, site);
      if (!isTainted(value, 'xss')) continue;
      const printed = output.path.join('.').replace(/\.\[\]/g, '[]');
      an.sink('xss', value, site.node, `${an.text(site.node.callee, 40)}()`, `printed unescaped as '${printed}' at ${file}:${output.line}`);
    }
  }
}

/**
 * Locals that are a request object, whole or spread (`res.render(view, { ...req.body })`), also
 * set the engine's options: handlebars (hbs, express-handlebars) reads the file named by `layout`.
 */
function layoutOption(an: Analyzer, view: string, locals: Value, site: CallSite): void {
  if (dialectOf(view) !== 'hbs') return;
  const whole = locals.taint.filter((t) => t.raw && t.label.kind === 'web');
  if (whole.length === 0) return;
  an.sink('path', make({ taint: whole }), site.node, `${an.text(site.node.callee, 40)}()`, "it becomes the view's options, whose `layout` names the file the engine reads");
}

/**
 * Engine options that turn escaping off for every view: `autoescape: false` (swig,
 * nunjucks) or `noEscape: true` (handlebars) in the project's code, outside comments.
 */
export function disablesAutoescape(source: string): boolean {
  if (!/autoescape|noEscape/.test(source)) return false;
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"\\])\/\/[^\n]*/g, '$1');
  return /\bautoescape\s*:\s*false\b|\bnoEscape\s*:\s*true\b/.test(code);
}
