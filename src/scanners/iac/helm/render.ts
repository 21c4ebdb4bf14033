import { FUNCTIONS, type CallContext } from './functions.js';
import { parseTemplate, TemplateSyntaxError, type Arg, type Cmd, type Define, type Node, type ParsedTemplate, type Pipe } from './template.js';
import { goQuote, GoInt, GoObject, isDict, isString, Mapped, originsOf, printValue, sortedKeys, strval, TemplateError, truth, typeName, type Dict, type Origin, type Value } from './values.js';

/**
 * Executes parsed templates as text/template does under Helm (missing map keys are
 * "no value", printed as nothing), bounded against hostile charts, and records for
 * every line of the output where it came from: the template's own line for literal
 * text and actions of the rendered file, values.yaml for lines that toYaml wrote from
 * values, and for anything produced inside a helper, the line of the top-level action
 * that called it.
 */

export interface RenderLimits {
  /** Characters of output of one template, and of any string built while rendering it. */
  maxOutput: number;
  /** Nested include / template / tpl calls. */
  maxDepth: number;
  /** Nodes and commands executed for one template. */
  maxSteps: number;
  /** Iterations of range (and items built by list functions) for one template. */
  maxRange: number;
  /** Nodes and commands executed for all the templates of a chart. */
  maxChartSteps: number;
  /** Characters of output of all the templates of a chart. */
  maxChartOutput: number;
}

export const DEFAULT_LIMITS: RenderLimits = {
  maxOutput: 2 * 1024 * 1024,
  maxDepth: 50,
  maxSteps: 2_000_000,
  maxRange: 100_000,
  maxChartSteps: 20_000_000,
  maxChartOutput: 32 * 1024 * 1024,
};

export interface Where {
  file: string;
  line: number;
}

/** Why a template could not be rendered: the innermost place first, then the calls that led there. */
export class RenderError extends Error {
  constructor(
    message: string,
    readonly at: Where[],
    /** A bound was exceeded (hostile or runaway template), not a problem of the chart's language. */
    readonly bound = false,
  ) {
    super(message);
  }
}

export interface Rendered {
  text: string;
  /** One origin per line of `text`. */
  origins: Origin[];
  /** Per line of `text`, the line of the template file whose text or action wrote it (for a value taken from values.yaml, where the template uses it). */
  writers: Array<number | undefined>;
}

type LineOrigin = (line: number) => Origin | undefined;
/** The file of the frames of a string rendered by tpl. */
export const TPL_FILE = '(tpl)';
const NO_ORIGIN: LineOrigin = () => undefined;

/**
 * Output with the origin of each line: that of its first non-blank character, or, on a
 * line of a helper (whose own text is a define's: Origin.define), that of the one value
 * on the line that has an origin (`runAsUser: {{ .Values.uid }}`); a line made of several
 * such values (`image: {{ .Values.registry }}/{{ .Values.repository }}`) keeps the
 * define's line, or none when the helper wrote no text on it.
 */
class Sink {
  private readonly parts: string[] = [];
  private size = 0;
  readonly origins: Array<Origin | undefined> = [];
  /** Per line, the template line that wrote the text its origin comes from (see Rendered.writers). */
  readonly writers: Array<number | undefined> = [];
  private writer: number | undefined;
  private firstWriter: number | undefined;
  private nonBlankWriter: number | undefined;
  private laterWriter: number | undefined;
  private first: Origin | undefined;
  private hasFirst = false;
  private nonBlank: Origin | undefined;
  private hasNonBlank = false;
  /** On a line whose first non-blank text has no origin or a define's: the origin of a later value, and whether values of different origins follow. */
  private later: Origin | undefined;
  private mixed = false;
  private last: Origin | undefined;

  constructor(private readonly max: number) {}

  write(text: string, originOf: ((line: number) => Origin | undefined) | undefined, fallback: Origin | undefined, writerOf?: (line: number) => number | undefined): void {
    if (text === '') return;
    this.size += text.length;
    if (this.size > this.max) throw new RenderError(`output larger than ${this.max} characters`, [], true);
    this.parts.push(text);
    let start = 0;
    for (let k = 0; ; k++) {
      const end = text.indexOf('\n', start);
      const segment = end < 0 ? text.slice(start) : text.slice(start, end);
      const origin = originOf?.(k) ?? fallback;
      const writer = writerOf?.(k);
      this.writer = writer;
      if (segment !== '' && !this.hasFirst) {
        this.first = origin;
        this.firstWriter = writer;
        this.hasFirst = true;
      }
      if (/\S/.test(segment)) {
        if (!this.hasNonBlank) {
          this.nonBlank = origin;
          this.nonBlankWriter = writer;
          this.hasNonBlank = true;
        } else if ((this.nonBlank === undefined || this.nonBlank.define) && origin !== undefined && !origin.define) {
          if (this.later === undefined) {
            this.later = origin;
            this.laterWriter = writer;
          } else if (this.later.path !== origin.path || this.later.line !== origin.line) this.mixed = true;
        }
      }
      this.last = origin;
      if (end < 0) break;
      this.endLine(origin);
      start = end + 1;
    }
  }

  private endLine(newline: Origin | undefined): void {
    // A define's text gives way to the one value printed after it on the line.
    const byValue = this.hasNonBlank && (this.nonBlank === undefined || this.nonBlank.define === true) && !this.mixed && this.later !== undefined;
    this.origins.push(this.hasNonBlank ? (byValue ? this.later : this.nonBlank) : this.hasFirst ? this.first : newline);
    this.writers.push(this.hasNonBlank ? (byValue ? this.laterWriter : this.nonBlank !== undefined ? this.nonBlankWriter : undefined) : this.hasFirst ? this.firstWriter : this.writer);
    this.hasFirst = this.hasNonBlank = this.mixed = false;
    this.later = undefined;
  }

  finish(): Mapped | string {
    const text = this.parts.join('');
    this.endLine(this.last);
    return this.origins.some((o) => o !== undefined) ? new Mapped(text, this.origins) : text;
  }
}

type Signal = 'break' | 'continue' | undefined;

interface Frame {
  vars: Array<{ name: string; value: Value }>;
  origin: LineOrigin;
  file: string;
  sink: Sink;
}

/** Longest string given to tpl whose parse is kept for the next call. */
const MAX_CACHED_TPL = 64 * 1024;

/** The arguments of a command that has none after its head. */
const NO_ARGS: readonly Arg[] = [];

/** No value piped into a command. */
const NONE = Symbol('none');
type Final = Value | typeof NONE;

export class Engine {
  private steps = 0;
  /** Steps and characters of output of the templates rendered so far. */
  private totalSteps = 0;
  private totalOutput = 0;
  private ranges = 0;
  private depth = 0;
  private readonly tplCache = new Map<string, ParsedTemplate | TemplateSyntaxError>();
  /** Templates defined by the strings being rendered by tpl, innermost last: they win inside that tpl only. */
  private readonly tplDefines: Array<ReadonlyMap<string, Define>> = [];
  private readonly ctx: CallContext;
  /** Scalars read from maps of values.yaml by the action being evaluated in a helper, with the line of their key. */
  /** The template file being rendered: only its own lines write the output (Rendered.writers). */
  private file = '';
  private lookups: Array<{ value: Value; origin: Origin }> | undefined;

  constructor(
    private readonly defines: ReadonlyMap<string, Define>,
    private readonly limits: RenderLimits = DEFAULT_LIMITS,
  ) {
    this.ctx = {
      include: (name, data) => this.call(name, data),
      tpl: (text, data) => this.tpl(text, data),
      maxChars: limits.maxOutput,
      jsonSources: new Map(),
      count: (items) => this.countRange(items),
      step: (units) => {
        this.steps += Math.max(0, units - 1);
        this.step();
      },
      afford: (units) => {
        const steps = this.steps;
        this.steps += Math.max(0, units - 1);
        try {
          this.step();
        } finally {
          this.steps = steps;
        }
      },
    };
  }

  /** Renders a template file's body: its lines map to `file`. */
  render(body: Node[], file: string, dot: Value): Rendered {
    if (this.exhausted()) throw new RenderError(`the chart's templates take more than ${this.limits.maxChartSteps} steps or ${this.limits.maxChartOutput} characters of output`, [], true);
    this.totalSteps += this.steps;
    this.steps = this.ranges = this.depth = 0;
    const origin: LineOrigin = (line) => ({ path: file, line });
    this.file = file;
    const sink = new Sink(this.limits.maxOutput);
    this.exec(body, dot, { vars: [{ name: '$', value: dot }], origin, file, sink });
    const out = sink.finish();
    const text = typeof out === 'string' ? out : out.s;
    const origins = typeof out === 'string' ? [] : out.origins;
    this.totalOutput += text.length;
    const lines = text.split('\n');
    return { text, origins: lines.map((_l, i) => origins[i] ?? { path: file, line: 1 }), writers: lines.map((_l, i) => sink.writers[i]) };
  }

  /** Whether the chart's budget is spent: no further template is rendered. */
  exhausted(): boolean {
    return this.totalSteps + this.steps > this.limits.maxChartSteps || this.totalOutput > this.limits.maxChartOutput;
  }

  private step(): void {
    if (++this.steps > this.limits.maxSteps) throw new RenderError(`more than ${this.limits.maxSteps} steps`, [], true);
    if (this.totalSteps + this.steps > this.limits.maxChartSteps) throw new RenderError(`the chart's templates take more than ${this.limits.maxChartSteps} steps`, [], true);
  }

  private countRange(items: number): void {
    this.ranges += items;
    if (this.ranges > this.limits.maxRange) throw new RenderError(`more than ${this.limits.maxRange} range iterations or list items`, [], true);
  }

  private fail(message: string, line: number, frame: Frame): never {
    throw new RenderError(message, [{ file: frame.file, line }]);
  }

  private exec(nodes: readonly Node[], dot: Value, frame: Frame): Signal {
    for (const node of nodes) {
      this.step();
      switch (node.t) {
        case 'text':
          frame.sink.write(node.text, (k) => frame.origin(node.line + k), undefined, frame.file === this.file ? (k) => node.line + k : undefined);
          break;
        case 'action': {
          // In a helper, a value of values.yaml printed as it is (or quoted) keeps the line of its key.
          const outer = this.lookups;
          const own = frame.origin(node.line);
          this.lookups = (own === undefined || own.define) && node.pipe.decl.length === 0 ? [] : undefined;
          let value: Value;
          let found: Array<{ value: Value; origin: Origin }> | undefined;
          try {
            value = this.pipeline(node.pipe, dot, frame, true);
            found = this.lookups;
          } finally {
            this.lookups = outer;
          }
          if (node.pipe.decl.length === 0) this.emit(printValue(value), node.line, frame, found && printedFrom(value, found));
          break;
        }
        case 'if':
        case 'with': {
          const mark = frame.vars.length;
          const value = this.pipeline(node.pipe, dot, frame, true);
          const signal = truth(value) ? this.exec(node.then, node.t === 'with' ? value : dot, frame) : node.else ? this.exec(node.else, dot, frame) : undefined;
          frame.vars.length = mark;
          if (signal) return signal;
          break;
        }
        case 'range': {
          const signal = this.range(node, dot, frame);
          if (signal) return signal;
          break;
        }
        case 'template': {
          const data = node.pipe ? this.pipeline(node.pipe, dot, frame, false) : null;
          this.emit(this.invoke(`template "${node.name}"`, () => this.call(node.name, data), node.line, frame), node.line, frame);
          break;
        }
        case 'break':
        case 'continue':
          return node.t;
      }
    }
    return undefined;
  }

  private emit(value: string | Mapped, line: number, frame: Frame, valueOrigin?: Origin): void {
    // What a define's action prints is not the define's text: without a value's origin, the line of the include that prints it.
    const own = frame.origin(line);
    const fallback = (own?.define ? undefined : own) ?? valueOrigin;
    // Only the template file's own frames name a line of it; a helper's output is written by the include's line.
    const writer = frame.file === this.file ? () => line : undefined;
    if (typeof value === 'string') frame.sink.write(value, undefined, fallback, writer);
    else frame.sink.write(value.s, (k) => value.origins[k], fallback, writer);
  }

  private range(node: Extract<Node, { t: 'range' }>, dot: Value, frame: Frame): Signal {
    const mark = frame.vars.length;
    const value = this.pipeline(node.pipe, dot, frame, false);
    let entries: Array<[Value, Value]>;
    if (value === null) entries = [];
    else if (Array.isArray(value)) entries = value.map((v, i) => [new GoInt(i), v]);
    else if (isDict(value)) entries = sortedKeys(value).map((k) => [k, value.get(k)!]);
    else if (value instanceof GoObject && value.entries) entries = [...value.entries];
    else if (value instanceof GoInt) entries = Array.from({ length: Math.max(0, Math.min(value.n, this.limits.maxRange + 1)) }, (_v, i) => [new GoInt(i), new GoInt(i)]);
    else this.fail(`range can't iterate over ${typeName(value)}`, node.line, frame);
    if (entries.length === 0) {
      const signal = node.else ? this.exec(node.else, dot, frame) : undefined;
      frame.vars.length = mark;
      return signal;
    }
    const [first, second] = node.pipe.decl;
    for (const [key, item] of entries) {
      this.countRange(1);
      this.step();
      frame.vars.length = mark;
      if (first !== undefined && second !== undefined) frame.vars.push({ name: first, value: key }, { name: second, value: item });
      else if (first !== undefined) frame.vars.push({ name: first, value: item });
      const signal = this.exec(node.body, item, frame);
      if (signal === 'break') break;
    }
    frame.vars.length = mark;
    return undefined;
  }

  /** A pipeline's value; with `declare`, its variable declaration or assignment takes effect. */
  private pipeline(pipe: Pipe, dot: Value, frame: Frame, declare: boolean): Value {
    let value: Final = NONE;
    for (const cmd of pipe.cmds) value = this.command(cmd, dot, frame, value);
    const result = value === NONE ? null : value;
    if (declare && pipe.decl.length > 0) {
      const name = pipe.decl[0]!;
      if (pipe.assign) {
        const slot = frame.vars.findLast((v) => v.name === name);
        if (!slot) this.fail(`undefined variable: ${name}`, pipe.line, frame);
        slot.value = result;
      } else frame.vars.push({ name, value: result });
    }
    return result;
  }

  private command(cmd: Cmd, dot: Value, frame: Frame, final: Final): Value {
    this.step();
    const head = cmd.args[0]!;
    const rest = cmd.args.length === 1 ? NO_ARGS : cmd.args.slice(1);
    if (head.t === 'ident') return this.function(head.name, rest, dot, frame, final, cmd.line);
    const chained = head.t === 'field' || ((head.t === 'var' || head.t === 'pipe') && head.names.length > 0);
    if (!chained) {
      if (rest.length > 0 || final !== NONE) this.fail(`can't give argument to non-function ${describeArg(head)}`, cmd.line, frame);
      return this.arg(head, dot, frame, cmd.line);
    }
    const receiver = head.t === 'field' ? dot : head.t === 'var' ? this.variable(head.name, frame, cmd.line) : this.pipeline(head.pipe, dot, frame, false);
    return this.fields(receiver, head.names, rest, dot, frame, final, cmd.line);
  }

  private function(name: string, rest: readonly Arg[], dot: Value, frame: Frame, final: Final, line: number): Value {
    if (name === 'and' || name === 'or') {
      const args = final === NONE ? rest : [...rest, { t: 'const' as const, value: final }];
      if (args.length === 0) this.fail(`wrong number of args for ${name}: want at least 1 got 0`, line, frame);
      let value: Value = null;
      for (const arg of args) {
        value = this.arg(arg, dot, frame, line);
        if (truth(value) !== (name === 'and')) return value;
      }
      return value;
    }
    const fn = FUNCTIONS.get(name);
    if (!fn) this.fail(`function "${name}" is not supported by secloop's Helm renderer`, line, frame);
    const args = rest.map((arg) => this.arg(arg, dot, frame, line));
    if (final !== NONE) args.push(final);
    let value: Value;
    try {
      value = fn(args, this.ctx);
    } catch (error) {
      this.failedCall(error, `calling ${name}`, line, frame);
    }
    // Every result is bounded as the output is: calls that each double their input (quote of quote of ...) grow exponentially before anything is written.
    const size = typeof value === 'string' ? value.length : value instanceof Mapped ? value.s.length : 0;
    if (size > this.limits.maxOutput) throw new RenderError(`${name} gave a result longer than ${this.limits.maxOutput} characters`, [{ file: frame.file, line }], true);
    return value;
  }

  /** Runs a call made at `line`: an error of an include or tpl inside gets this call added to its chain. */
  private invoke<T>(what: string, call: () => T, line: number, frame: Frame): T {
    try {
      return call();
    } catch (error) {
      this.failedCall(error, what, line, frame);
    }
  }

  /** What a call made at `line` threw, thrown again: a RenderError with this call added to its chain, a TemplateError as Go reports it. */
  private failedCall(error: unknown, what: string, line: number, frame: Frame): never {
    if (error instanceof RenderError) {
      error.at.push({ file: frame.file, line });
      throw error;
    }
    if (error instanceof TemplateError) this.fail(`error ${what}: ${error.message}`, line, frame);
    throw error;
  }

  /**
   * `.a.b` on a receiver; the last name may be a method called with `args`. A nil
   * receiver (dot, a variable or a parenthesised pipeline that has no value) gives no
   * value, as in Go, where `(.Values.a).b` is how charts guard against a missing `a`;
   * a nil met inside the chain (`.Values.a.b` without `a`) is an error.
   */
  private fields(receiver: Value, names: readonly string[], args: readonly Arg[], dot: Value, frame: Frame, final: Final, line: number): Value {
    if (receiver === null && names.length > 0) return null;
    let value = receiver;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const last = i === names.length - 1;
      const hasArgs = last && (args.length > 0 || final !== NONE);
      if (value instanceof GoObject) {
        const method = value.methods.get(name);
        if (method) {
          const values = last ? args.map((a) => this.arg(a, dot, frame, line)) : [];
          if (last && final !== NONE) values.push(final);
          try {
            value = method(values);
          } catch (error) {
            if (error instanceof TemplateError) this.fail(`error calling ${name}: ${error.message}`, line, frame);
            throw error;
          }
          continue;
        }
        if (!value.fields.has(name)) this.fail(`can't evaluate field ${name} in type ${value.type}`, line, frame);
        if (hasArgs) this.fail(`${name} is not a method but has arguments`, line, frame);
        value = value.fields.get(name)!;
        continue;
      }
      if (isDict(value)) {
        if (hasArgs) this.fail(`${name} is not a method but has arguments`, line, frame);
        const map: Dict = value;
        value = map.get(name) ?? null;
        if (last && this.lookups && isScalar(value)) {
          const from = originsOf(map);
          const origin = from && 'keys' in from ? from.keys.get(name) : undefined;
          if (origin && this.lookups.length < 16) this.lookups.push({ value, origin });
        }
        continue;
      }
      if (value === null) this.fail(`nil pointer evaluating interface {}.${name}`, line, frame);
      this.fail(`can't evaluate field ${name} in type ${typeName(value)}`, line, frame);
    }
    return value;
  }

  private variable(name: string, frame: Frame, line: number): Value {
    const slot = frame.vars.findLast((v) => v.name === name);
    if (!slot) this.fail(`undefined variable: ${name}`, line, frame);
    return slot.value;
  }

  private arg(arg: Arg, dot: Value, frame: Frame, line: number): Value {
    switch (arg.t) {
      case 'dot':
        return dot;
      case 'const':
        return arg.value;
      case 'nil':
        return null;
      case 'field':
        return this.fields(dot, arg.names, [], dot, frame, NONE, line);
      case 'var':
        return this.fields(this.variable(arg.name, frame, line), arg.names, [], dot, frame, NONE, line);
      case 'pipe':
        return this.fields(this.pipeline(arg.pipe, dot, frame, false), arg.names, [], dot, frame, NONE, line);
      case 'ident':
        return this.function(arg.name, [], dot, frame, NONE, line);
    }
  }

  /** include / template: a named template rendered with `data` as dot. */
  private call(name: string, data: Value): string | Mapped {
    const inTpl = this.tplDefines.findLast((defines) => defines.has(name))?.get(name);
    const define = inTpl ?? this.defines.get(name);
    if (!define) throw new TemplateError(`template "${name}" is not defined`);
    // A file's define keeps the lines of its own text (a finding on a line it writes lands there, not on the include); one in a tpl string has no file.
    return this.nested(define.body, define.file, inTpl ? NO_ORIGIN : (line) => ({ path: define.file, line, define: true }), data);
  }

  private nested(body: Node[], file: string, origin: LineOrigin, data: Value): string | Mapped {
    if (++this.depth > this.limits.maxDepth) throw new RenderError(`include, template or tpl nested deeper than ${this.limits.maxDepth}`, [], true);
    // What the nested template reads is not what the calling action prints.
    const lookups = this.lookups;
    this.lookups = undefined;
    try {
      const sink = new Sink(this.limits.maxOutput);
      this.exec(body, data, { vars: [{ name: '$', value: data }], origin, file, sink });
      return sink.finish();
    } finally {
      this.depth--;
      this.lookups = lookups;
    }
  }

  /** Helm's tpl: the string is a template of its own; its lines keep the origins the string had. */
  private tpl(source: string | Mapped, data: Value): string | Mapped {
    const text = isString(source) ? (typeof source === 'string' ? source : source.s) : '';
    let parsed = this.tplCache.get(text);
    if (!parsed) {
      try {
        parsed = parseTemplate(text, 'tpl');
      } catch (error) {
        if (!(error instanceof TemplateSyntaxError)) throw error;
        parsed = error;
      }
      if (this.tplCache.size > 256) this.tplCache.clear();
      if (text.length <= MAX_CACHED_TPL) this.tplCache.set(text, parsed);
    }
    if (parsed instanceof TemplateSyntaxError) throw new TemplateError(`parse error in the string given to tpl (line ${parsed.line}): ${parsed.message}`);
    const origins = source instanceof Mapped ? source.origins : undefined;
    const defines = parsed.defines.length > 0 ? new Map(parsed.defines.map((d) => [d.name, d])) : undefined;
    if (defines) this.tplDefines.push(defines);
    try {
      return this.nested(parsed.body, TPL_FILE, origins ? (line) => origins[line - 1] : NO_ORIGIN, data);
    } finally {
      if (defines) this.tplDefines.pop();
    }
  }
}

function isScalar(v: Value): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** The origin of the value an action prints, when it is one of the values it read, as it is or quoted. */
function printedFrom(printed: Value, lookups: ReadonlyArray<{ value: Value; origin: Origin }>): Origin | undefined {
  if (!isScalar(printed)) return undefined;
  return lookups.find(({ value }) => value === printed || (typeof printed === 'string' && (printed === goQuote(strval(value)) || printed === `'${strval(value)}'`)))?.origin;
}

function describeArg(arg: Arg): string {
  switch (arg.t) {
    case 'const':
      return typeof arg.value === 'string' ? JSON.stringify(arg.value) : String(arg.value instanceof GoInt ? arg.value.n : arg.value);
    case 'dot':
      return '.';
    case 'var':
      return arg.name;
    default:
      return arg.t;
  }
}
