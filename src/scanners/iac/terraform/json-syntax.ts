import type { Attribute, Block, Body, Expr, Pos } from './hcl/ast.js';
import { parseHcl } from './hcl/parser.js';

/**
 * Terraform's JSON syntax (`*.tf.json`) read into the same body model as the native
 * syntax, so every rule reads both. A JSON object is a nested block inside resource,
 * data and provider bodies, and an object value (a map) in module inputs, locals and
 * variable defaults, as Terraform decides from its schemas; strings are templates, so
 * `"${aws_s3_bucket.b.id}"` is a reference. Keys named `//` are comments.
 */
export interface JsonSyntaxFile {
  body: Body;
  problems: Array<{ line: number; message: string }>;
}

const MAX_CHARS = 4 * 1024 * 1024;
const MAX_DEPTH = 150;

/** Object values of these names are maps even inside resource bodies. */
const MAP_ATTRIBUTES = new Set(['tags', 'tags_all', 'labels', 'variables', 'parameters', 'triggers', 'environment_variables']);
/** The azapi provider's resources and data sources also take the ARM body, and request headers and query parameters, as objects. */
const AZAPI_MAP_ATTRIBUTES = new Set([...MAP_ATTRIBUTES, 'body', 'sensitive_body', 'headers', 'query_parameters']);

export function parseTerraformJson(source: string): JsonSyntaxFile {
  if (source.length > MAX_CHARS) return { body: empty(), problems: [{ line: 1, message: `Terraform JSON file is larger than ${MAX_CHARS / 1024} KiB; not parsed` }] };
  let root: JsonValue;
  try {
    root = new JsonReader(source).document();
  } catch (error) {
    if (!(error instanceof JsonError)) throw error;
    return { body: empty(), problems: [{ line: error.line, message: `invalid JSON: ${error.message}` }] };
  }
  if (root.kind !== 'object') return { body: empty(), problems: [{ line: root.line, message: `not Terraform JSON: the top level is ${root.kind === 'array' ? 'an array' : `a ${root.kind}`}, where Terraform expects an object` }] };
  if (isPlan(root)) return { body: planBody(source, root), problems: [] };
  const body = empty();
  for (const entry of members(root)) {
    switch (entry.key) {
      case 'resource':
      case 'data':
        // { "aws_s3_bucket": { "logs": { ... } } }
        for (const type of members(entry.value))
          for (const name of members(type.value)) for (const value of objects(name.value)) body.blocks.push(blockOf(source, entry.key, [type.key, name.key], value, 'block'));
        break;
      case 'module':
      case 'variable':
      case 'output':
        for (const name of members(entry.value)) for (const value of objects(name.value)) body.blocks.push(blockOf(source, entry.key, [name.key], value, 'map'));
        break;
      case 'provider':
        for (const name of members(entry.value)) for (const value of objects(name.value)) body.blocks.push(blockOf(source, 'provider', [name.key], value, 'block'));
        break;
      case 'locals':
        for (const value of objects(entry.value)) body.blocks.push(blockOf(source, 'locals', [], value, 'map'));
        break;
      default:
        for (const value of objects(entry.value)) body.blocks.push(blockOf(source, entry.key, [], value, 'block'));
    }
  }
  return { body, problems: [] };
}

// ---- Plans ------------------------------------------------------------------------

/** `terraform show -json <plan>` output: the planned values of every resource, variables and modules resolved. */
export function isPlanJson(text: string): boolean {
  return /"format_version"\s*:/.test(text.slice(0, 4096)) && /"planned_values"\s*:/.test(text);
}

function isPlan(root: JsonObject): boolean {
  return members(root).some((m) => m.key === 'planned_values') && members(root).some((m) => m.key === 'format_version');
}

/**
 * The planned resources of a plan as resource blocks named by their address, so that a
 * finding names `module.web.aws_instance.this[0]` and points at its values in the plan.
 */
function planBody(source: string, root: JsonObject): Body {
  const body = empty();
  const visit = (module: JsonValue, depth: number) => {
    if (depth > 32) return;
    for (const resource of arrayMembers(module, 'resources')) {
      const field = (key: string) => members(resource).find((m) => m.key === key)?.value;
      const type = field('type');
      const mode = field('mode');
      const address = field('address');
      const values = field('values');
      if (type?.kind !== 'string' || values?.kind !== 'object') continue;
      const name = address?.kind === 'string' ? address.value.replace(new RegExp(`^(?:.*\\.)?${escape(type.value)}\\.`), '') : 'planned';
      const kind = mode?.kind === 'string' && mode.value === 'data' ? 'data' : 'resource';
      body.blocks.push(blockOf(source, kind, [type.value, name], values, 'block'));
    }
    for (const child of arrayMembers(module, 'child_modules')) visit(child, depth + 1);
  };
  const planned = members(root).find((m) => m.key === 'planned_values')?.value;
  const rootModule = planned ? members(planned).find((m) => m.key === 'root_module')?.value : undefined;
  if (rootModule) visit(rootModule, 0);
  return body;
}

function arrayMembers(value: JsonValue, key: string): JsonValue[] {
  const found = members(value).find((m) => m.key === key)?.value;
  return found?.kind === 'array' ? found.items : [];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- Conversion ------------------------------------------------------------------

function empty(): Body {
  return { attributes: [], blocks: [] };
}

/** Members of an object, comments left out; nothing for other values. */
function members(value: JsonValue): JsonMember[] {
  return value.kind === 'object' ? value.members.filter((m) => m.key !== '//') : [];
}

/** A block body may be written once (an object) or repeated (an array of objects). */
function objects(value: JsonValue): JsonObject[] {
  if (value.kind === 'object') return [value];
  if (value.kind === 'array') return value.items.filter((i): i is JsonObject => i.kind === 'object');
  return [];
}

function blockOf(source: string, type: string, labels: string[], value: JsonObject, objectsAre: 'block' | 'map'): Block {
  const body = empty();
  const maps = (type === 'resource' || type === 'data') && labels[0]?.startsWith('azapi_') ? AZAPI_MAP_ATTRIBUTES : MAP_ATTRIBUTES;
  for (const member of members(value)) {
    const v = member.value;
    const blockish = objectsAre === 'block' && !maps.has(member.key);
    if (blockish && member.key === 'dynamic') {
      // { "dynamic": { "ingress": { "for_each": ..., "content": { ... } } } }
      for (const label of members(v)) for (const inner of objects(label.value)) body.blocks.push(blockOf(source, 'dynamic', [label.key], inner, 'block'));
    } else if (blockish && (v.kind === 'object' || (v.kind === 'array' && v.items.length > 0 && v.items.every((i) => i.kind === 'object')))) {
      for (const inner of objects(v)) body.blocks.push(blockOf(source, member.key, [], inner, 'block'));
    } else {
      body.attributes.push({ name: member.key, expr: exprOf(source, v), ...pos(member.keyLine, member.keyStart, v.end) } satisfies Attribute);
    }
  }
  return { type, labels, body, ...pos(value.line, value.start, value.end) };
}

function exprOf(source: string, value: JsonValue): Expr {
  const where = pos(value.line, value.start, value.end);
  switch (value.kind) {
    case 'string':
      return stringExpr(value.value, where);
    case 'number':
    case 'boolean':
    case 'null':
      return { kind: 'literal', value: value.value, ...where };
    case 'array':
      return { kind: 'tuple', items: value.items.map((i) => exprOf(source, i)), ...where };
    case 'object':
      return {
        kind: 'object',
        items: value.members
          .filter((m) => m.key !== '//')
          .map((m) => ({ keyName: m.key, key: { kind: 'literal', value: m.key, ...pos(m.keyLine, m.keyStart, m.keyStart) } as Expr, value: exprOf(source, m.value), ...pos(m.keyLine, m.keyStart, m.value.end) })),
        ...where,
      };
  }
}

/**
 * A JSON string is an HCL template: parse it as one, then give every node of the result
 * the place of the JSON string, so lines and source text (for references) are right.
 */
function stringExpr(text: string, where: Pos): Expr {
  if (!text.includes('${') && !text.includes('%{')) return { kind: 'template', parts: [{ kind: 'text', value: text }], text, heredoc: false, ...where };
  const quoted = `x = "${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"\n`;
  const parsed = parseHcl(quoted);
  const expr = parsed.problems.length === 0 ? parsed.body.attributes[0]?.expr : undefined;
  if (!expr) return { kind: 'template', parts: [{ kind: 'text', value: text }], text, heredoc: false, ...where };
  relocate(expr, where);
  return expr;
}

function relocate(node: unknown, where: Pos): void {
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (typeof record['line'] === 'number') Object.assign(record, where);
  for (const value of Object.values(record)) {
    if (Array.isArray(value)) for (const item of value) relocate(item, where);
    else if (value && typeof value === 'object') relocate(value, where);
  }
}

function pos(line: number, start: number, end: number): Pos {
  return { line, column: 1, endLine: line, start, end };
}

// ---- A JSON reader that keeps lines and offsets ------------------------------------

/** A JSON text with the line (1-based, within the text) of every value and key, or undefined when it is not valid JSON. */
export function readJson(text: string): JsonValue | undefined {
  try {
    return new JsonReader(text).document();
  } catch (error) {
    if (error instanceof JsonError) return undefined;
    throw error;
  }
}

export type JsonValue = JsonObject | JsonArray | JsonScalar;

export interface JsonBase {
  line: number;
  start: number;
  end: number;
}

export interface JsonMember {
  key: string;
  keyLine: number;
  keyStart: number;
  value: JsonValue;
}

export interface JsonObject extends JsonBase {
  kind: 'object';
  members: JsonMember[];
}

export interface JsonArray extends JsonBase {
  kind: 'array';
  items: JsonValue[];
}

export type JsonScalar = JsonBase & ({ kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'boolean'; value: boolean } | { kind: 'null'; value: null });

class JsonError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

class JsonReader {
  private at = 0;
  private line = 1;
  private depth = 0;

  constructor(private readonly text: string) {}

  document(): JsonValue {
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail('unexpected text after the top-level value');
    return value;
  }

  private fail(message: string): never {
    throw new JsonError(message, this.line);
  }

  private space(): void {
    while (this.at < this.text.length) {
      const c = this.text[this.at]!;
      if (c === '\n') this.line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r' && !(c === '\uFEFF' && this.at === 0)) return;
      this.at++;
    }
  }

  private value(): JsonValue {
    this.space();
    const c = this.text[this.at];
    const start = this.at;
    const line = this.line;
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string(), line, start, end: this.at };
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(this.text.slice(this.at, this.at + 64));
    if (!literal) this.fail(c === undefined ? 'unexpected end of input' : `unexpected ${JSON.stringify(c)}`);
    this.at += literal[0].length;
    const word = literal[0];
    if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true', line, start, end: this.at };
    if (word === 'null') return { kind: 'null', value: null, line, start, end: this.at };
    return { kind: 'number', value: Number(word), line, start, end: this.at };
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  private object(): JsonObject {
    const start = this.at;
    const line = this.line;
    this.enter();
    this.at++;
    const members: JsonMember[] = [];
    this.space();
    if (this.text[this.at] === '}') this.at++;
    else {
      for (;;) {
        this.space();
        if (this.text[this.at] !== '"') this.fail('expected a quoted key');
        const keyStart = this.at;
        const keyLine = this.line;
        const key = this.string();
        this.space();
        if (this.text[this.at] !== ':') this.fail('expected ":" after a key');
        this.at++;
        members.push({ key, keyLine, keyStart, value: this.value() });
        this.space();
        const next = this.text[this.at++];
        if (next === '}') break;
        if (next !== ',') this.fail('expected "," or "}"');
      }
    }
    this.depth--;
    return { kind: 'object', members, line, start, end: this.at };
  }

  private array(): JsonArray {
    const start = this.at;
    const line = this.line;
    this.enter();
    this.at++;
    const items: JsonValue[] = [];
    this.space();
    if (this.text[this.at] === ']') this.at++;
    else {
      for (;;) {
        items.push(this.value());
        this.space();
        const next = this.text[this.at++];
        if (next === ']') break;
        if (next !== ',') this.fail('expected "," or "]"');
      }
    }
    this.depth--;
    return { kind: 'array', items, line, start, end: this.at };
  }

  private string(): string {
    const start = this.at;
    this.at++;
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === '\\') this.at += 2;
      else if (c === '"') break;
      else this.at++;
    }
    this.at++;
    try {
      return JSON.parse(this.text.slice(start, this.at)) as string;
    } catch {
      return this.fail('invalid escape in a string');
    }
  }
}
