import type { Attribute, Block, Body, Expr, ObjectItem, Pos, TemplateExpr, TemplatePart } from './ast.js';
import { HclSyntaxError, tokenize, type RawPart, type Token } from './lexer.js';

/**
 * A recursive-descent parser for the HCL2 native syntax (the configuration language of
 * Terraform): bodies, blocks, attributes and the full expression grammar (operators,
 * conditionals, function calls, for expressions, splats, templates, heredocs). It never
 * throws: a syntax error becomes a problem with its line, and the blocks read before it
 * are kept.
 */
export interface HclFile {
  body: Body;
  problems: Array<{ line: number; message: string }>;
}

export interface HclLimits {
  maxChars: number;
  maxDepth: number;
}

export const DEFAULT_HCL_LIMITS: HclLimits = { maxChars: 4 * 1024 * 1024, maxDepth: 150 };

export function parseHcl(source: string, limits: HclLimits = DEFAULT_HCL_LIMITS): HclFile {
  if (source.length > limits.maxChars)
    return { body: { attributes: [], blocks: [] }, problems: [{ line: 1, message: `HCL file is larger than ${Math.round(limits.maxChars / 1024)} KiB; not parsed` }] };
  const lines = new LineIndex(source);
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (error) {
    if (!(error instanceof HclSyntaxError)) throw error;
    // Parse what comes before the bad token: most problems are near the end of a block.
    const problem = { line: lines.position(error.offset).line, message: `invalid HCL: ${error.message}` };
    const partial = safeTokensBefore(source, error.offset);
    const parser = new Parser(source, partial, lines, limits);
    const body = parser.parseFile();
    return { body, problems: [problem, ...parser.problems.slice(0, 1)] };
  }
  const parser = new Parser(source, tokens, lines, limits);
  const body = parser.parseFile();
  return { body, problems: parser.problems };
}

/** Tokens of the text before the last top-level block that contains `offset`, so earlier blocks still parse. */
function safeTokensBefore(source: string, offset: number): Token[] {
  let cut = source.lastIndexOf('\n}', offset);
  while (cut > 0) {
    try {
      return tokenize(source, 0, cut + 2);
    } catch {
      cut = source.lastIndexOf('\n}', cut - 1);
    }
  }
  return [{ kind: 'eof', value: '', start: 0, end: 0 }];
}

class LineIndex {
  private readonly starts: number[] = [0];

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

const BINARY_PRECEDENCE: Record<string, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '>': 4,
  '<=': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};

class Parser {
  readonly problems: Array<{ line: number; message: string }> = [];
  private pos = 0;
  /** Inside (), [] or an object's {}: newlines are not significant there. */
  private nesting = 0;
  /**
   * Whether the innermost bracket is an object constructor's `{`, where a new line may end
   * an item (`{ a = var.x` NEWLINE `b = 1 }`); inside `(` or `[` it never does, so a traversal
   * may go on on the next line (`(var.a` NEWLINE `.b)`).
   */
  private inObject = false;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
    private readonly lines: LineIndex,
    private readonly limits: HclLimits,
  ) {}

  parseFile(): Body {
    const body: Body = { attributes: [], blocks: [] };
    for (;;) {
      try {
        this.parseBodyInto(body, false);
        return body;
      } catch (error) {
        if (!(error instanceof HclSyntaxError)) throw error;
        this.problems.push({ line: this.lines.position(error.offset).line, message: `invalid HCL: ${error.message}` });
        // Resume at the next line that starts at column 1 with a name: the next top-level block.
        const from = this.tokens.findIndex((t) => t.start > error.offset);
        const resume = from < 0 ? -1 : this.tokens.findIndex((t, k) => k >= from && t.kind === 'ident' && this.tokens[k - 1]?.kind === 'newline' && this.lines.position(t.start).column === 1);
        if (resume < 0 || this.problems.length >= 20) return body;
        this.pos = resume;
        this.nesting = 0;
        this.depth = 0;
      }
    }
  }

  // ---- tokens ----

  private peek(): Token {
    if (this.nesting > 0) while (this.tokens[this.pos]?.kind === 'newline') this.pos++;
    return this.tokens[this.pos] ?? this.tokens[this.tokens.length - 1]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isPunct(value: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.value === value;
  }

  private expectPunct(value: string): Token {
    const token = this.next();
    if (token.kind !== 'punct' || token.value !== value) throw this.error(token, `expected '${value}' but found ${describe(token)}`);
    return token;
  }

  private error(token: Token, message: string): HclSyntaxError {
    return new HclSyntaxError(message, token.start);
  }

  private pos3(start: number, end: number): Pos {
    const a = this.lines.position(start);
    return { line: a.line, column: a.column, endLine: this.lines.position(Math.max(start, end - 1)).line, start, end };
  }

  private skipNewlines(): void {
    while (this.tokens[this.pos]?.kind === 'newline') this.pos++;
  }

  // ---- bodies ----

  private parseBodyInto(body: Body, inBlock: boolean): void {
    const savedNesting = this.nesting;
    const savedObject = this.inObject;
    this.nesting = 0;
    this.inObject = false;
    try {
      for (;;) {
        this.skipNewlines();
        const token = this.peek();
        if (token.kind === 'eof') {
          if (inBlock) throw this.error(token, "missing '}' to close the block");
          return;
        }
        if (inBlock && token.kind === 'punct' && token.value === '}') return;
        if (token.kind !== 'ident') throw this.error(token, `expected an attribute or block name but found ${describe(token)}`);
        this.next();
        const after = this.peek();
        if (after.kind === 'punct' && after.value === '=') {
          this.next();
          const expr = this.parseExpression();
          const attribute: Attribute = { name: token.value, expr, ...this.pos3(token.start, expr.end) };
          body.attributes.push(attribute);
          this.endOfStatement();
          continue;
        }
        const labels: string[] = [];
        for (;;) {
          const label = this.peek();
          if (label.kind === 'ident') labels.push(this.next().value);
          else if (label.kind === 'string') labels.push(templateText(this.next().parts ?? []));
          else break;
        }
        this.expectPunct('{');
        if (++this.depth > this.limits.maxDepth) throw this.error(token, `blocks nested deeper than ${this.limits.maxDepth}`);
        const blockBody: Body = { attributes: [], blocks: [] };
        this.parseBodyInto(blockBody, true);
        this.depth--;
        const close = this.expectPunct('}');
        const block: Block = { type: token.value, labels, body: blockBody, ...this.pos3(token.start, close.end) };
        body.blocks.push(block);
        this.endOfStatement();
      }
    } finally {
      this.nesting = savedNesting;
      this.inObject = savedObject;
    }
  }

  /** Reads inside a bracket: `object` for an object constructor's items, where a new line may end an item. */
  private bracketed<T>(object: boolean, read: () => T): T {
    const saved = this.inObject;
    this.inObject = object;
    try {
      return read();
    } finally {
      this.inObject = saved;
    }
  }

  private endOfStatement(): void {
    const token = this.tokens[this.pos];
    if (!token || token.kind === 'newline' || token.kind === 'eof') return;
    // A one-line block `x { a = 1 }` ends its only attribute with the closing brace.
    if (token.kind === 'punct' && token.value === '}') return;
    throw this.error(token, `expected a new line after the statement but found ${describe(token)}`);
  }

  // ---- expressions ----

  parseExpression(): Expr {
    if (++this.depth > this.limits.maxDepth) throw this.error(this.peek(), `expression nested deeper than ${this.limits.maxDepth}`);
    try {
      const condition = this.parseBinary(1);
      if (!this.isPunct('?')) return condition;
      this.next();
      this.nesting++;
      const then = this.parseExpression();
      this.expectPunct(':');
      this.nesting--;
      const otherwise = this.parseExpression();
      return { kind: 'conditional', condition, then, else: otherwise, ...this.pos3(startOf(condition), endOf(otherwise)) };
    } finally {
      this.depth--;
    }
  }

  private parseBinary(minPrecedence: number): Expr {
    let left = this.parseUnary();
    for (;;) {
      const token = this.peek();
      const precedence = token.kind === 'punct' ? BINARY_PRECEDENCE[token.value] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      this.next();
      const right = this.parseBinary(precedence + 1);
      left = { kind: 'binary', op: token.value, left, right, ...this.pos3(startOf(left), endOf(right)) };
    }
  }

  private parseUnary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && (token.value === '!' || token.value === '-')) {
      this.next();
      // `!!!!...x` nests as deep as brackets do: bounded the same way, before the stack is.
      if (++this.depth > this.limits.maxDepth) throw this.error(token, `expression nested deeper than ${this.limits.maxDepth}`);
      try {
        const operand = this.parseUnary();
        return { kind: 'unary', op: token.value, operand, ...this.pos3(token.start, endOf(operand)) };
      } finally {
        this.depth--;
      }
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(base: Expr): Expr {
    let expr = base;
    for (;;) {
      const token = this.tokens[this.continuation()];
      if (!token || token.kind !== 'punct') return expr;
      if (token.value === '.') {
        this.pos = this.continuation() + 1;
        const name = this.next();
        if (name.kind === 'punct' && name.value === '*') {
          expr = this.parseSplatRest(expr, name.end);
          continue;
        }
        if (name.kind !== 'ident' && name.kind !== 'number') throw this.error(name, `expected an attribute name after '.' but found ${describe(name)}`);
        expr = this.extend(expr, name.kind === 'number' ? `[${name.value}]` : name.value, name.end);
        continue;
      }
      if (token.value === '[') {
        this.pos = this.continuation() + 1;
        this.nesting++;
        if (this.isPunct('*')) {
          this.next();
          const close = this.expectPunct(']');
          this.nesting--;
          expr = this.parseSplatRest(expr, close.end);
          continue;
        }
        const index = this.bracketed(false, () => this.parseExpression());
        const close = this.expectPunct(']');
        this.nesting--;
        const key = index.kind === 'literal' ? JSON.stringify(index.value) : index.kind === 'template' && index.parts.every((p) => p.kind === 'text') ? JSON.stringify(index.text) : '?';
        expr = this.extend(expr, `[${key}]`, close.end, key === '?' ? index : undefined);
        continue;
      }
      return expr;
    }
  }

  /** Where a traversal may go on: the next token, or past new lines inside `(` or `[`. */
  private continuation(): number {
    let at = this.pos;
    if (this.nesting > 0 && !this.inObject) while (this.tokens[at]?.kind === 'newline') at++;
    return at;
  }

  private parseSplatRest(source: Expr, end: number): Expr {
    const path: string[] = [];
    let last = end;
    for (;;) {
      const at = this.continuation();
      const token = this.tokens[at];
      if (token?.kind === 'punct' && token.value === '.' && this.tokens[at + 1]?.kind === 'ident') {
        path.push(this.tokens[at + 1]!.value);
        last = this.tokens[at + 1]!.end;
        this.pos = at + 2;
        continue;
      }
      break;
    }
    return { kind: 'splat', source, path, ...this.pos3(startOf(source), last) };
  }

  /** `expr` followed by one more step; `index` is the expression of a computed index step ('[?]'). */
  private extend(expr: Expr, step: string, end: number, index?: Expr): Expr {
    if (expr.kind === 'traversal') {
      // The traversal parsePostfix is building, which nothing else holds: its steps are added in place, not copied at each step (quadratic in a long chain).
      expr.path.push(step);
      if (index) (expr.indexes ??= []).push(index);
      return { ...expr, ...this.pos3(startOf(expr), end) };
    }
    return { kind: 'traversal', path: [step], source: expr, ...(index ? { indexes: [index] } : {}), ...this.pos3(startOf(expr), end) };
  }

  private parsePrimary(): Expr {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: Number(token.value), ...this.pos3(token.start, token.end) };
      case 'string':
      case 'heredoc':
        return this.template(token);
      case 'ident': {
        if (token.value === 'true' || token.value === 'false') return { kind: 'literal', value: token.value === 'true', ...this.pos3(token.start, token.end) };
        if (token.value === 'null') return { kind: 'literal', value: null, ...this.pos3(token.start, token.end) };
        // Inside brackets a new line may come between a function's name and its `(` (peek skips it there).
        const after = this.peek();
        if (after.kind === 'punct' && after.value === '(') return this.parseCall(token);
        return { kind: 'traversal', path: [token.value], ...this.pos3(token.start, token.end) };
      }
      case 'punct':
        if (token.value === '(') {
          this.nesting++;
          const inner = this.bracketed(false, () => this.parseExpression());
          const close = this.expectPunct(')');
          this.nesting--;
          return { kind: 'paren', expr: inner, ...this.pos3(token.start, close.end) };
        }
        if (token.value === '[') return this.parseTuple(token);
        if (token.value === '{') return this.parseObject(token);
        break;
      default:
        break;
    }
    throw this.error(token, `expected an expression but found ${describe(token)}`);
  }

  private parseCall(name: Token): Expr {
    this.next(); // (
    this.nesting++;
    const args: Expr[] = [];
    let expandFinal = false;
    while (!this.isPunct(')')) {
      args.push(this.bracketed(false, () => this.parseExpression()));
      if (this.isPunct('...')) {
        this.next();
        expandFinal = true;
      }
      if (this.isPunct(',')) this.next();
      else break;
    }
    const close = this.expectPunct(')');
    this.nesting--;
    return { kind: 'call', name: name.value, args, expandFinal, ...this.pos3(name.start, close.end) };
  }

  private isForKeyword(): boolean {
    const token = this.peek();
    if (token.kind !== 'ident' || token.value !== 'for') return false;
    // Looks ahead in place: copying the rest of the tokens for each tuple and object made parsing quadratic.
    let at = this.pos + 1;
    while (this.tokens[at]?.kind === 'newline') at++;
    return this.tokens[at]?.kind === 'ident';
  }

  private parseTuple(open: Token): Expr {
    this.nesting++;
    if (this.isForKeyword()) return this.bracketed(false, () => this.parseFor(open, false));
    const items: Expr[] = [];
    while (!this.isPunct(']')) {
      items.push(this.bracketed(false, () => this.parseExpression()));
      if (this.isPunct(',')) this.next();
      else break;
    }
    const close = this.expectPunct(']');
    this.nesting--;
    return { kind: 'tuple', items, ...this.pos3(open.start, close.end) };
  }

  private parseObject(open: Token): Expr {
    this.nesting++;
    if (this.isForKeyword()) return this.bracketed(false, () => this.parseFor(open, true));
    const items: ObjectItem[] = [];
    while (!this.isPunct('}')) {
      const key = this.bracketed(true, () => this.parseExpression());
      const separator = this.next();
      if (separator.kind !== 'punct' || (separator.value !== '=' && separator.value !== ':'))
        throw this.error(separator, `expected '=' or ':' after an object key but found ${describe(separator)}`);
      const value = this.bracketed(true, () => this.parseExpression());
      const keyName = objectKeyName(key);
      items.push({ key, value, ...(keyName !== undefined ? { keyName } : {}), ...this.pos3(startOf(key), endOf(value)) });
      if (this.isPunct(',')) this.next();
    }
    const close = this.expectPunct('}');
    this.nesting--;
    return { kind: 'object', items, ...this.pos3(open.start, close.end) };
  }

  private parseFor(open: Token, object: boolean): Expr {
    this.next(); // for
    const first = this.next();
    if (first.kind !== 'ident') throw this.error(first, 'expected a variable name after for');
    let keyVar: string | undefined;
    let valueVar = first.value;
    if (this.isPunct(',')) {
      this.next();
      const second = this.next();
      if (second.kind !== 'ident') throw this.error(second, 'expected a variable name');
      keyVar = first.value;
      valueVar = second.value;
    }
    const inKeyword = this.next();
    if (inKeyword.kind !== 'ident' || inKeyword.value !== 'in') throw this.error(inKeyword, "expected 'in'");
    const collection = this.parseExpression();
    this.expectPunct(':');
    let keyExpr: Expr | undefined;
    let valueExpr = this.parseExpression();
    if (object) {
      this.expectPunct('=>');
      keyExpr = valueExpr;
      valueExpr = this.parseExpression();
    }
    let grouping = false;
    if (object && this.isPunct('...')) {
      this.next();
      grouping = true;
    }
    let condition: Expr | undefined;
    const ifToken = this.peek();
    if (ifToken.kind === 'ident' && ifToken.value === 'if') {
      this.next();
      condition = this.parseExpression();
    }
    const close = this.expectPunct(object ? '}' : ']');
    this.nesting--;
    return {
      kind: 'for',
      object,
      ...(keyVar ? { keyVar } : {}),
      valueVar,
      collection,
      ...(keyExpr ? { keyExpr } : {}),
      valueExpr,
      ...(condition ? { condition } : {}),
      grouping,
      ...this.pos3(open.start, close.end),
    };
  }

  private template(token: Token): TemplateExpr {
    const raw = token.parts ?? [];
    const parts: TemplatePart[] = raw.map((part) => this.templatePart(part));
    return { kind: 'template', parts, text: templateText(raw), heredoc: token.kind === 'heredoc', ...this.pos3(token.start, token.end) };
  }

  private templatePart(part: RawPart): TemplatePart {
    if (part.kind === 'text') return { kind: 'text', value: part.value };
    if (part.kind === 'directive') return { kind: 'directive', source: part.value };
    // `${~ expr ~}` strip markers are whitespace control, not part of the expression.
    let from = part.start;
    let to = part.end;
    if (this.source[from] === '~') from++;
    if (this.source[to - 1] === '~') to--;
    try {
      const tokens = tokenize(this.source, from, to);
      const inner = new Parser(this.source, tokens, this.lines, this.limits);
      inner.nesting = 1;
      inner.depth = this.depth;
      const expr = inner.parseExpression();
      return { kind: 'interpolation', source: part.value, expr };
    } catch (error) {
      if (!(error instanceof HclSyntaxError)) throw error;
      return { kind: 'interpolation', source: part.value };
    }
  }
}

/** The template as written, with interpolations kept: `logs-${var.env}`. */
export function templateText(parts: readonly RawPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.value : p.kind === 'interpolation' ? `\${${p.value}}` : `%{${p.value}}`)).join('');
}

function objectKeyName(key: Expr): string | undefined {
  if (key.kind === 'traversal' && !key.source && key.path.length === 1) return key.path[0];
  if (key.kind === 'template' && key.parts.every((p) => p.kind === 'text')) return key.text;
  if (key.kind === 'literal' && key.value !== null) return String(key.value);
  // `(k) = v` is the value of k, never the name "k".
  return undefined;
}

function startOf(expr: Expr): number {
  return expr.start;
}

function endOf(expr: Expr): number {
  return expr.end;
}

function describe(token: Token): string {
  if (token.kind === 'eof') return 'the end of the file';
  if (token.kind === 'newline') return 'a new line';
  return `'${token.value.slice(0, 30)}'`;
}
