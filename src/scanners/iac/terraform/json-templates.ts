import type { Block, Expr } from './hcl/ast.js';
import { UNKNOWN, evaluate, type Value } from './hcl/evaluate.js';
import { isObject } from './hcl/value.js';
import { instanceNamed, mentioned, valueOf, attribute, type TfInput } from './model.js';

/**
 * JSON documents that Terraform renders from a template file, read leniently: the
 * container definitions of an ECS task written as `templatefile("${path.module}/task.json.tpl",
 * { image = var.image })` or as `data.template_file.task.rendered` (its `template` read with
 * file() or written inline, its `vars`). The template file is one the module's file
 * functions read (files.ts: inside the scan root). Each `${name}` whose variable is known
 * is replaced by its value; any other interpolation is unknown: a JSON value that is only
 * that interpolation (`"cpu": ${cpu}`, `"image": "${image}"`) reads as UNKNOWN, and one
 * inside a longer string leaves that string's text as written. A template with directives
 * (`%{ for }`), or whose text is not JSON once rendered, is not read.
 */

/** A JSON string that stands for an unknown value while the rendered text is parsed: no template writes it. */
const UNKNOWN_MARK = '\u0000unknown\u0000';

/**
 * The JSON document an attribute holds (jsonencode, a JSON heredoc, file(), a template
 * rendered by templatefile() or a template_file data source: renderedJson), or
 * undefined when it cannot be read. A value that cannot be read inside it is UNKNOWN.
 */
export function jsonAttribute(input: TfInput, block: Block, name: string): Value | undefined {
  const a = attribute(block, name);
  if (!a) return undefined;
  let value = evaluate(a.expr, input.scope);
  if (value === UNKNOWN) value = renderedJson(input, a.expr) ?? UNKNOWN;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as Value;
    } catch {
      return undefined;
    }
  }
  return value === UNKNOWN ? undefined : value;
}

/** The JSON value an expression renders from a template (templatefile, a template_file data source), or undefined when it renders none or it cannot be read. */
export function renderedJson(input: TfInput, expr: Expr): Value | undefined {
  while (expr.kind === 'paren') expr = expr.expr;
  if (expr.kind === 'call' && expr.name === 'templatefile' && expr.args.length === 2 && !expr.expandFinal) {
    const path = expr.args[0]!;
    const text = evaluate({ kind: 'call', name: 'file', args: [path], expandFinal: false, line: expr.line, column: expr.column, endLine: expr.endLine, start: expr.start, end: expr.end }, input.scope);
    return typeof text === 'string' ? jsonOfTemplate(text, templateVars(input, expr.args[1])) : undefined;
  }
  if (expr.kind === 'traversal' && expr.path[0] === 'data' && expr.path[1] === 'template_file' && expr.path[expr.path.length - 1] === 'rendered') {
    const found = mentioned(input, expr).find((r) => r.kind === 'data' && r.type === 'template_file');
    if (!found) return undefined;
    const data = instanceNamed(input, expr, found);
    const text = valueOf(input, data.block, 'template');
    return typeof text === 'string' ? jsonOfTemplate(text, templateVars(input, attribute(data.block, 'vars')?.expr)) : undefined;
  }
  return undefined;
}

/** The template's variables that can be read; undefined when none can be (each is unknown). */
function templateVars(input: TfInput, expr: Expr | undefined): Map<string, Value> | undefined {
  if (!expr) return new Map();
  const value = evaluate(expr, input.scope);
  if (isObject(value)) return new Map(Object.entries(value));
  if (expr.kind !== 'object') return undefined;
  const out = new Map<string, Value>();
  for (const item of expr.items) {
    const key = item.keyName ?? evaluate(item.key, input.scope);
    if (typeof key === 'string') out.set(key, evaluate(item.value, input.scope));
  }
  return out;
}

/** A template's text rendered with `vars` (undefined: every name unknown) and read as JSON; undefined when it cannot be. */
export function jsonOfTemplate(text: string, vars: ReadonlyMap<string, Value> | undefined): Value | undefined {
  let out = '';
  let inString = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
      // `$${` and `%%{`: the characters as written.
      out += `${c}{`;
      i += 3;
      continue;
    }
    if (c === '%' && text[i + 1] === '{') return undefined;
    if (c === '$' && text[i + 1] === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) return undefined;
      const name = text.slice(i + 2, end).trim();
      const value = /^[A-Za-z_][\w-]*$/.test(name) ? vars?.get(name) : undefined;
      const known = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      if (known) out += inString ? JSON.stringify(String(value)).slice(1, -1) : String(value);
      else out += inString ? JSON.stringify(UNKNOWN_MARK).slice(1, -1) : JSON.stringify(UNKNOWN_MARK);
      i = end + 1;
      continue;
    }
    if (c === '\\' && inString) {
      out += c + (text[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
    i++;
  }
  const parsed = parseLeniently(out);
  return parsed === undefined ? undefined : withUnknowns(parsed);
}

/** The index of the `}` that closes an interpolation whose expression starts at `from` (braces of objects and quoted strings inside it skipped), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function parseLeniently(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Trailing commas, which a template written by hand often has.
    try {
      return JSON.parse(text.replace(/,(\s*[\]}])/g, '$1'));
    } catch {
      return undefined;
    }
  }
}

/** The parsed value with each string that is only an unknown interpolation as UNKNOWN, and the marks of partly unknown strings removed. */
function withUnknowns(value: unknown, depth = 0): Value {
  if (depth > 64) return UNKNOWN;
  if (typeof value === 'string') return value === UNKNOWN_MARK ? UNKNOWN : value.split(UNKNOWN_MARK).join('${?}');
  if (Array.isArray(value)) return value.map((v) => withUnknowns(v, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Value } = {};
    for (const [key, inner] of Object.entries(value)) if (key !== '__proto__') out[key] = withUnknowns(inner, depth + 1);
    return out;
  }
  return value as Value;
}
