/**
 * GitHub Actions expressions (the text inside `${{ }}` or a bare `if:`) read into a small
 * tree: literals, contexts, function calls, `!`, comparisons, `&&` and `||`. Enough to tell
 * a constant from a context, to find `a && '' || b`, and to evaluate a condition for a
 * known event; anything the reader does not understand makes it give up (undefined),
 * never guess.
 */
export type ExprNode =
  | { kind: 'literal'; value: string | number | boolean | null; start: number; end: number }
  | { kind: 'context'; head: string; access: Access[]; start: number; end: number }
  | { kind: 'call'; name: string; args: ExprNode[]; start: number; end: number }
  | { kind: 'not'; operand: ExprNode; start: number; end: number }
  | { kind: 'binary'; op: BinaryOp; left: ExprNode; right: ExprNode; start: number; end: number };

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=';
type Access = { name: string } | { index: ExprNode } | { star: true };

interface Token {
  kind: 'string' | 'number' | 'word' | 'op';
  text: string;
  value?: string | number;
  start: number;
  end: number;
}

const MAX_LENGTH = 8_000;
const MAX_DEPTH = 100;

function tokenize(source: string): Token[] | undefined {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      // Expression strings write a quote inside as ''.
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= source.length) return undefined;
        if (source[j] === "'") {
          if (source[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += source[j];
        j++;
      }
      tokens.push({ kind: 'string', text: source.slice(i, j + 1), value, start: i, end: j + 1 });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9.]/.test(source[i + 1] ?? '') && !/^(?:string|number|word)$/.test(tokens[tokens.length - 1]?.kind ?? ''))) {
      const m = /^-?(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)/i.exec(source.slice(i));
      if (!m) return undefined;
      tokens.push({ kind: 'number', text: m[0], value: Number(m[0]), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(source.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      const op = /^(?:&&|\|\||==|!=|<=|>=|[()[\],.!<>*])/.exec(source.slice(i))?.[0];
      if (!op) return undefined;
      tokens.push({ kind: 'op', text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): ExprNode | undefined {
    const node = this.or();
    return node && this.at === this.tokens.length ? node : undefined;
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.at];
    return token && (text === undefined || (token.kind === 'op' && token.text === text)) ? token : undefined;
  }

  private binary(next: () => ExprNode | undefined, ops: readonly string[]): ExprNode | undefined {
    let left = next();
    while (left) {
      const token = this.tokens[this.at];
      if (!token || token.kind !== 'op' || !ops.includes(token.text)) break;
      this.at++;
      const right = next();
      if (!right) return undefined;
      left = { kind: 'binary', op: token.text as BinaryOp, left, right, start: left.start, end: right.end };
    }
    return left;
  }

  private or = (): ExprNode | undefined => {
    if (++this.depth > MAX_DEPTH) return undefined;
    const node = this.binary(this.and, ['||']);
    this.depth--;
    return node;
  };
  private and = (): ExprNode | undefined => this.binary(this.equality, ['&&']);
  private equality = (): ExprNode | undefined => this.binary(this.comparison, ['==', '!=']);
  private comparison = (): ExprNode | undefined => this.binary(this.unary, ['<', '<=', '>', '>=']);

  private unary = (): ExprNode | undefined => {
    const bang = this.peek('!');
    if (!bang) return this.postfix();
    this.at++;
    if (++this.depth > MAX_DEPTH) return undefined;
    const operand = this.unary();
    this.depth--;
    return operand && { kind: 'not', operand, start: bang.start, end: operand.end };
  };

  private postfix(): ExprNode | undefined {
    const node = this.primary();
    if (!node) return undefined;
    if (this.peek('.') || this.peek('[')) {
      // `fromJSON(x).field` or `(a || b).c`: a context whose head is an expression; kept as a context.
      const access = this.accesses();
      if (!access) return undefined;
      const end = this.tokens[this.at - 1]!.end;
      return { kind: 'context', head: '', access: [{ index: node }, ...access], start: node.start, end };
    }
    return node;
  }

  private accesses(): Access[] | undefined {
    const out: Access[] = [];
    for (;;) {
      if (this.peek('.')) {
        this.at++;
        const name = this.tokens[this.at];
        if (name?.kind === 'op' && name.text === '*') out.push({ star: true });
        else if (name?.kind === 'word' || name?.kind === 'number') out.push({ name: name.text });
        else return undefined;
        this.at++;
      } else if (this.peek('[')) {
        this.at++;
        if (this.peek('*')) {
          this.at++;
          out.push({ star: true });
        } else {
          const index = this.or();
          if (!index) return undefined;
          out.push({ index });
        }
        if (!this.peek(']')) return undefined;
        this.at++;
      } else return out;
    }
  }

  private primary(): ExprNode | undefined {
    const token = this.tokens[this.at];
    if (!token) return undefined;
    if (token.kind === 'string' || token.kind === 'number') {
      this.at++;
      return { kind: 'literal', value: token.value!, start: token.start, end: token.end };
    }
    if (token.kind === 'op' && token.text === '(') {
      this.at++;
      const inner = this.or();
      if (!inner || !this.peek(')')) return undefined;
      const close = this.tokens[this.at++]!;
      return { ...inner, start: token.start, end: close.end };
    }
    if (token.kind !== 'word') return undefined;
    this.at++;
    const lower = token.text.toLowerCase();
    if (this.peek('(')) {
      this.at++;
      const args: ExprNode[] = [];
      if (!this.peek(')')) {
        for (;;) {
          const arg = this.or();
          if (!arg) return undefined;
          args.push(arg);
          if (this.peek(',')) this.at++;
          else break;
        }
      }
      if (!this.peek(')')) return undefined;
      const close = this.tokens[this.at++]!;
      return { kind: 'call', name: lower, args, start: token.start, end: close.end };
    }
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', start: token.start, end: token.end };
    if (lower === 'null') return { kind: 'literal', value: null, start: token.start, end: token.end };
    if (lower === 'nan' || lower === 'infinity') return { kind: 'literal', value: lower === 'nan' ? NaN : Infinity, start: token.start, end: token.end };
    const access = this.accesses();
    if (!access) return undefined;
    return { kind: 'context', head: lower, access, start: token.start, end: this.tokens[this.at - 1]!.end };
  }
}

/** The tree of an expression (without `${{ }}`), or undefined when it is not one secloop can read. */
export function parseExpression(source: string): ExprNode | undefined {
  if (source.length > MAX_LENGTH) return undefined;
  const tokens = tokenize(source);
  if (!tokens || tokens.length === 0) return undefined;
  return new Parser(tokens).parse();
}

/**
 * Functions whose result depends only on their arguments. fromJSON is left out:
 * `contains(fromJSON('["a", "b"]'), github.ref)` is how a list is written.
 */
const PURE = new Set(['format', 'join', 'tojson', 'contains', 'startswith', 'endswith']);

/** Whether an expression reads no context and calls only pure functions: its value is fixed when the file is written. */
export function isConstant(node: ExprNode): boolean {
  switch (node.kind) {
    case 'literal':
      return true;
    case 'context':
      return false;
    case 'call':
      return PURE.has(node.name) && node.args.every(isConstant);
    case 'not':
      return isConstant(node.operand);
    case 'binary':
      return isConstant(node.left) && isConstant(node.right);
  }
}

/** Sub-expressions that are constants without being plain literals (`format('{0}', 'x')` inside a larger expression). */
export function constantParts(node: ExprNode): ExprNode[] {
  if (node.kind !== 'literal' && isConstant(node)) return [node];
  switch (node.kind) {
    case 'call':
      return node.args.flatMap(constantParts);
    case 'context':
      return node.access.flatMap((a) => ('index' in a ? constantParts(a.index) : []));
    case 'not':
      return constantParts(node.operand);
    case 'binary':
      return [...constantParts(node.left), ...constantParts(node.right)];
    default:
      return [];
  }
}

function isFalsyLiteral(node: ExprNode): boolean {
  return node.kind === 'literal' && (node.value === '' || node.value === 0 || node.value === false || node.value === null);
}

/** The operands of a chain `a || b || c`, left to right. */
function orOperands(node: ExprNode): ExprNode[] {
  return node.kind === 'binary' && node.op === '||' ? [...orOperands(node.left), ...orOperands(node.right)] : [node];
}

/**
 * The "true" values of pseudo-ternaries `cond && value || fallback` whose value is falsy
 * ('', 0, false, null): the expression then yields the fallback whatever the condition.
 * Each comes with the operands after it, one of which is taken instead.
 */
export function falsyTernaryValues(node: ExprNode): Array<{ value: ExprNode; fallbacks: ExprNode[] }> {
  const out: Array<{ value: ExprNode; fallbacks: ExprNode[] }> = [];
  const visit = (n: ExprNode): void => {
    if (n.kind === 'binary' && n.op === '||') {
      const operands = orOperands(n);
      operands.slice(0, -1).forEach((operand, k) => {
        if (operand.kind === 'binary' && operand.op === '&&' && isFalsyLiteral(operand.right)) out.push({ value: operand.right, fallbacks: operands.slice(k + 1) });
      });
      operands.forEach(visit);
      return;
    }
    if (n.kind === 'binary') {
      visit(n.left);
      visit(n.right);
    } else if (n.kind === 'not') visit(n.operand);
    else if (n.kind === 'call') n.args.forEach(visit);
    else if (n.kind === 'context') for (const a of n.access) if ('index' in a) visit(a.index);
  };
  if (!isConstant(node)) visit(node);
  return out;
}

/** Functions whose result is a boolean or a hash: no argument's text comes out of them. */
const OPAQUE_CALLS = new Set(['contains', 'startswith', 'endswith', 'success', 'failure', 'always', 'cancelled', 'hashfiles']);

/**
 * Whether the value of an expression can hold the text of a context with head `head`:
 * `secrets.X || 'none'` can, `secrets.X && 'yes' || 'no'` and `secrets.X != ''` cannot
 * (`a && b` is `b` unless `a` is falsy, and a falsy string is empty). Anything
 * unrecognised counts as able to.
 */
export function mayYield(node: ExprNode, head: string): boolean {
  switch (node.kind) {
    case 'literal':
      return false;
    case 'context':
      return node.head === head || node.access.some((a) => 'index' in a && mayYield(a.index, head));
    case 'not':
      return false;
    case 'call':
      return !OPAQUE_CALLS.has(node.name.toLowerCase()) && node.args.some((a) => mayYield(a, head));
    case 'binary':
      if (node.op === '&&') return mayYield(node.right, head);
      if (node.op === '||') return mayYield(node.left, head) || mayYield(node.right, head);
      return false;
  }
}

/**
 * The contexts and calls whose text can come out as the value of an expression: both sides
 * of `||`, the right side of `&&` (the left one only when falsy, that is empty), the
 * calls to format(), join(), toJSON(), fromJSON() with such an argument; never a comparison, a `!` or a
 * call that returns a boolean or a hash. `inputs.platform == 'mac' && 'darwin' || 'linux'`
 * has none: whatever the input holds, the value is one of two literals.
 */
export function dataflowParts(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case 'literal':
    case 'not':
      return [];
    case 'context':
      return [node];
    case 'call':
      // Whole, as its text is read: toJSON(github.event) carries what github.event alone does not.
      return OPAQUE_CALLS.has(node.name.toLowerCase()) || node.args.every((a) => dataflowParts(a).length === 0) ? [] : [node];
    case 'binary':
      if (node.op === '&&') return dataflowParts(node.right);
      if (node.op === '||') return [...dataflowParts(node.left), ...dataflowParts(node.right)];
      return [];
  }
}

/** Every context an expression reads, by its head (`secrets`, `github`, ...). */
export function contextHeads(node: ExprNode): string[] {
  switch (node.kind) {
    case 'context':
      return [...(node.head ? [node.head] : []), ...node.access.flatMap((a) => ('index' in a ? contextHeads(a.index) : []))];
    case 'call':
      return node.args.flatMap(contextHeads);
    case 'not':
      return contextHeads(node.operand);
    case 'binary':
      return [...contextHeads(node.left), ...contextHeads(node.right)];
    default:
      return [];
  }
}

/** The dotted name of a context without computed parts (`github.event.issue.title`), if it has one. */
export function contextName(node: ExprNode): string | undefined {
  if (node.kind !== 'context' || node.head === '') return undefined;
  const parts = [node.head];
  for (const a of node.access) {
    if ('name' in a) parts.push(a.name.toLowerCase());
    else if ('index' in a && a.index.kind === 'literal' && typeof a.index.value === 'string') parts.push(a.index.value.toLowerCase());
    else return undefined;
  }
  return parts.join('.');
}

/**
 * A value while evaluating for a known event: a string of which only the start is known
 * (`refs/tags/...`) is a `prefix`; `unknown` is anything the event does not fix.
 */
type Value = string | number | boolean | null | { prefix: string } | 'unknown';
const UNKNOWN = 'unknown' as const;

export interface EventFacts {
  /** Context names in lower case -> values (`github.event_name` -> `push`). */
  [context: string]: Value;
}

function truthy(value: Value): boolean | undefined {
  if (value === UNKNOWN) return undefined;
  if (typeof value === 'object' && value !== null) return value.prefix !== '' ? true : undefined;
  return value !== '' && value !== 0 && value !== false && value !== null && !Number.isNaN(value);
}

function equal(a: Value, b: Value): boolean | undefined {
  if (a === UNKNOWN || b === UNKNOWN) return undefined;
  const prefixed = (p: { prefix: string }, other: Value) => (typeof other === 'string' && !other.toLowerCase().startsWith(p.prefix.toLowerCase()) ? false : undefined);
  if (typeof a === 'object' && a !== null) return prefixed(a, b);
  if (typeof b === 'object' && b !== null) return prefixed(b, a);
  // Strings compare without regard to case; other types are coerced to numbers.
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b) return a === b;
  return undefined;
}

/** The value of an expression for an event whose relevant contexts are `facts`; 'unknown' where it depends on anything else. */
export function evaluate(node: ExprNode, facts: EventFacts): Value {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'context': {
      const name = contextName(node);
      return name !== undefined && name in facts ? facts[name]! : UNKNOWN;
    }
    case 'not': {
      const t = truthy(evaluate(node.operand, facts));
      return t === undefined ? UNKNOWN : !t;
    }
    case 'binary': {
      const left = evaluate(node.left, facts);
      if (node.op === '&&' || node.op === '||') {
        const l = truthy(left);
        if (node.op === '&&' && l === false) return left;
        if (node.op === '||' && l === true) return left;
        const right = evaluate(node.right, facts);
        if (l !== undefined) return right;
        const r = truthy(right);
        return node.op === '&&' && r === false ? false : node.op === '||' && r === true ? true : UNKNOWN;
      }
      const right = evaluate(node.right, facts);
      if (node.op === '==' || node.op === '!=') {
        const same = equal(left, right);
        return same === undefined ? UNKNOWN : node.op === '==' ? same : !same;
      }
      return UNKNOWN;
    }
    case 'call': {
      if (node.name !== 'startswith' && node.name !== 'endswith' && node.name !== 'contains') return UNKNOWN;
      if (node.args.length !== 2) return UNKNOWN;
      const list = node.name === 'contains' ? literalList(node.args[0]!) : undefined;
      if (list) return memberOf(list, evaluate(node.args[1]!, facts));
      const [subject, search] = node.args.map((a) => evaluate(a, facts)) as [Value, Value];
      // UNKNOWN is itself a string: without this, startsWith(<unknown>, 'x') would read 'unknown'.
      if (typeof search !== 'string' || search === UNKNOWN || subject === UNKNOWN) return UNKNOWN;
      const needle = search.toLowerCase();
      if (typeof subject === 'string') {
        const hay = subject.toLowerCase();
        return node.name === 'startswith' ? hay.startsWith(needle) : node.name === 'endswith' ? hay.endsWith(needle) : hay.includes(needle);
      }
      if (typeof subject === 'object' && subject !== null && node.name !== 'endswith') {
        const prefix = subject.prefix.toLowerCase();
        if (node.name === 'startswith') return prefix.startsWith(needle) ? true : needle.startsWith(prefix) ? UNKNOWN : false;
        return prefix.includes(needle) ? true : UNKNOWN;
      }
      return UNKNOWN;
    }
  }
}

/**
 * The items of a list written in the file, `fromJSON('["push", "schedule"]')`: strings,
 * numbers, booleans and nulls only. Undefined for anything else.
 */
function literalList(node: ExprNode): Array<string | number | boolean | null> | undefined {
  if (node.kind !== 'call' || node.name !== 'fromjson' || node.args.length !== 1) return undefined;
  const arg = node.args[0]!;
  if (arg.kind !== 'literal' || typeof arg.value !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(arg.value);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) return undefined;
  return parsed as Array<string | number | boolean | null>;
}

/** `contains(list, item)`: true when an item equals the value, false when none can, unknown otherwise. */
function memberOf(list: ReadonlyArray<string | number | boolean | null>, value: Value): Value {
  if (value === UNKNOWN) return UNKNOWN;
  let open = false;
  for (const item of list) {
    const same = equal(item, value);
    if (same === true) return true;
    if (same === undefined) open = true;
  }
  return open ? UNKNOWN : false;
}

/** Whether a value given to an action input reads as on, as the actions toolkit reads a boolean input. */
export function inputIsOn(value: Value): boolean | undefined {
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    return lower === 'true' ? true : lower === 'false' || lower === '' ? false : undefined;
  }
  return truthy(value);
}
