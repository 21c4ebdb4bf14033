import { LineIndex } from '../../../core/line-index.js';
import { GoInt, type Value } from './values.js';

/**
 * The parser of the Go text/template language as Helm charts use it: text and actions
 * (`{{ }}` with the `{{- ` / ` -}}` trim markers and comments), pipelines of
 * commands, variables, and the control structures if / else if / with / range / define /
 * template / block / break / continue. Functions are names here; whether one exists is
 * decided when it is called (render.ts), so that a helper using an unsupported function
 * only fails the templates that call it.
 */

export type Node =
  | { t: 'text'; text: string; line: number }
  | { t: 'action'; pipe: Pipe; line: number }
  | { t: 'if' | 'with'; pipe: Pipe; then: Node[]; else?: Node[]; line: number }
  | { t: 'range'; pipe: Pipe; body: Node[]; else?: Node[]; line: number }
  | { t: 'template'; name: string; pipe?: Pipe; line: number }
  | { t: 'break' | 'continue'; line: number };

export interface Pipe {
  /** Variables declared (`$x :=`, `$i, $v :=`) or assigned (`$x =`). */
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
  line: number;
}

export interface Cmd {
  args: Arg[];
  line: number;
}

export type Arg =
  | { t: 'field'; names: string[] }
  | { t: 'dot' }
  | { t: 'var'; name: string; names: string[] }
  | { t: 'ident'; name: string }
  | { t: 'const'; value: Value }
  | { t: 'nil' }
  | { t: 'pipe'; pipe: Pipe; names: string[] };

export interface Define {
  name: string;
  body: Node[];
  /** The file that defines it (relative to the scan root), for origins and messages. */
  file: string;
  line: number;
}

export interface ParsedTemplate {
  body: Node[];
  defines: Define[];
}

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const MAX_NESTING = 100;

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlnum = (c: string | undefined) => {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return /[\p{L}\p{N}]/u.test(c);
};

type Token =
  | { k: 'field'; names: string[]; at: number; space: boolean }
  | { k: 'dot'; at: number; space: boolean }
  | { k: 'var'; name: string; names: string[]; at: number; space: boolean }
  | { k: 'ident'; name: string; at: number; space: boolean }
  | { k: 'const'; value: Value; at: number; space: boolean }
  | { k: 'chain'; names: string[]; at: number; space: boolean }
  | { k: '(' | ')' | '|' | ':=' | '=' | ','; at: number; space: boolean };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', '"': '"', "'": "'" };

/** A quoted string's value; the string is at `at` in the template, whose line an error names. */
function unquote(raw: string, lines: LineIndex, at: number): string {
  // Most strings of a chart hold no escape: their text as it is, not built a character at a time.
  if (!raw.includes('\\')) return raw.slice(1, -1);
  let out = '';
  for (let i = 1; i < raw.length - 1; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = raw[++i]!;
    if (ESCAPES[e] !== undefined) out += ESCAPES[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = raw.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) throw new TemplateSyntaxError(`bad escape \\${e} in string`, lines.lineAt(at));
      const code = parseInt(hex, 16);
      out += e === 'x' ? String.fromCharCode(code) : String.fromCodePoint(Math.min(code, 0x10ffff));
      i += len;
    } else if (/[0-7]/.test(e)) {
      const oct = raw.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new TemplateSyntaxError('bad octal escape in string', lines.lineAt(at));
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new TemplateSyntaxError(`unknown escape sequence \\${e}`, lines.lineAt(at));
  }
  return out;
}

const NUMBER = /^[+-]?(?:0[xX](?:[0-9a-fA-F_]*\.[0-9a-fA-F_]*|[0-9a-fA-F_]+)(?:[pP][+-]?\d[\d_]*)?|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d+)?|\d[\d_]*\.)/;

/** A hexadecimal floating-point literal (`0x1p20`, `0x1.8p-2`), a float64 to Go (a `p` exponent is required with a point). */
function hexFloat(body: string): number | undefined {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(body);
  if (!m || (m[1] === '' && !m[2])) return undefined;
  const fraction = m[2] ?? '';
  return parseInt(`${m[1]}${fraction}` || '0', 16) * 2 ** (Number(m[3]) - 4 * fraction.length);
}

function numberValue(text: string, line: number): Value {
  const clean = text.replace(/_/g, '');
  const sign = clean.startsWith('-') ? -1 : 1;
  const body = clean.replace(/^[+-]/, '');
  if (/^0[xX].*[.pP]/.test(body)) {
    const n = hexFloat(body);
    if (n === undefined) throw new TemplateSyntaxError(`bad number syntax: ${JSON.stringify(text)}`, line);
    return sign * n;
  }
  if (/^0[xXoObB]/.test(body)) return new GoInt(sign * Number(body.replace(/^0[oO]/, '0o')));
  if (/^\d+$/.test(body)) return new GoInt(sign * (body.length > 1 && body.startsWith('0') ? parseInt(body, 8) : Number(body)));
  const n = Number(body);
  if (Number.isNaN(n)) throw new TemplateSyntaxError(`bad number syntax: ${JSON.stringify(text)}`, line);
  return sign * n;
}

/**
 * Parses one template file (or a `tpl` string). `file` names it in the Define records.
 * Throws TemplateSyntaxError with the 1-based line of the problem.
 */
export function parseTemplate(src: string, file: string): ParsedTemplate {
  const lines = new LineIndex(src);
  const defines: Define[] = [];
  const root: Node[] = [];
  type Frame = { node: Node; kind: 'if' | 'with' | 'range' | 'define' | 'block'; list: Node[]; implicit: boolean; name?: string; line: number; hasElse: boolean };
  const stack: Frame[] = [];
  const current = () => stack.at(-1)?.list ?? root;
  let i = 0;
  let trimNext = false;

  const addText = (start: number, end: number) => {
    let s = start;
    if (trimNext) while (s < end && isSpace(src[s])) s++;
    trimNext = false;
    if (s < end) current().push({ t: 'text', text: src.slice(s, end), line: lines.lineAt(s) });
  };

  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) {
      addText(i, src.length);
      break;
    }
    let inner = open + 2;
    const leftTrim = src[inner] === '-' && isSpace(src[inner + 1]);
    let textEnd = open;
    if (leftTrim) {
      inner += 2;
      while (textEnd > i && isSpace(src[textEnd - 1])) textEnd--;
    }
    addText(i, textEnd);
    const line = lines.lineAt(open);
    // Comments: `{{/*` to `*\/}}`, with optional trim markers around.
    let c = inner;
    while (leftTrim && c < src.length && isSpace(src[c])) c++;
    if (src.startsWith('/*', c)) {
      const close = src.indexOf('*/', c + 2);
      if (close < 0) throw new TemplateSyntaxError('unclosed comment', line);
      let after = close + 2;
      if (src.startsWith(' -}}', after) || (isSpace(src[after]) && src.startsWith('-}}', after + 1))) {
        trimNext = true;
        after += 4;
      } else if (src.startsWith('}}', after)) after += 2;
      else throw new TemplateSyntaxError('comment ends before closing delimiter', line);
      i = after;
      continue;
    }
    const { tokens, end, rightTrim } = lexAction(src, inner, line, lines);
    i = end;
    trimNext = rightTrim;
    handleAction(tokens, line);
  }
  if (stack.length > 0) {
    const open = stack.at(-1)!;
    throw new TemplateSyntaxError(`unexpected EOF: {{${open.kind}}} opened at line ${open.line} has no {{end}}`, open.line);
  }
  return { body: root, defines };

  function handleAction(tokens: Token[], line: number): void {
    const first = tokens[0];
    if (!first) throw new TemplateSyntaxError('missing value for command', line);
    const keyword = first.k === 'ident' ? first.name : undefined;
    const rest = tokens.slice(1);
    switch (keyword) {
      case 'if':
      case 'with':
      case 'range': {
        if (stack.length >= MAX_NESTING) throw new TemplateSyntaxError(`control structures nested deeper than ${MAX_NESTING}`, line);
        const pipe = parsePipe(rest, line, keyword);
        const node: Node = keyword === 'range' ? { t: 'range', pipe, body: [], line } : { t: keyword, pipe, then: [], line };
        current().push(node);
        stack.push({ node, kind: keyword, list: keyword === 'range' ? (node as { body: Node[] }).body : (node as { then: Node[] }).then, implicit: false, line, hasElse: false });
        return;
      }
      case 'else': {
        const frame = stack.at(-1);
        if (!frame || (frame.kind !== 'if' && frame.kind !== 'with' && frame.kind !== 'range') || frame.hasElse) throw new TemplateSyntaxError('unexpected {{else}}', line);
        frame.hasElse = true;
        const list: Node[] = [];
        (frame.node as { else?: Node[] }).else = list;
        frame.list = list;
        const chained = rest[0]?.k === 'ident' ? rest[0].name : undefined;
        if (chained === 'if' || chained === 'with') {
          if (frame.kind === 'range') throw new TemplateSyntaxError(`{{else ${chained}}} in range`, line);
          const pipe = parsePipe(rest.slice(1), line, chained);
          const node: Node = { t: chained, pipe, then: [], line };
          list.push(node);
          stack.push({ node, kind: chained, list: node.then, implicit: true, line, hasElse: false });
        } else if (rest.length > 0) throw new TemplateSyntaxError('unexpected tokens after {{else}}', line);
        return;
      }
      case 'end': {
        if (rest.length > 0) throw new TemplateSyntaxError('unexpected tokens after {{end}}', line);
        let frame = stack.pop();
        while (frame?.implicit) frame = stack.pop();
        if (!frame) throw new TemplateSyntaxError('unexpected {{end}}', line);
        if (frame.kind === 'define' || frame.kind === 'block') defines.push({ name: frame.name!, body: frame.list, file, line: frame.line });
        return;
      }
      case 'define':
      case 'block': {
        const name = rest[0];
        if (name?.k !== 'const' || typeof name.value !== 'string') throw new TemplateSyntaxError(`{{${keyword}}} needs a quoted template name`, line);
        if (keyword === 'define') {
          if (stack.length > 0 || rest.length > 1) throw new TemplateSyntaxError('{{define}} must be at the top level, with only a name', line);
          stack.push({ node: { t: 'break', line }, kind: 'define', list: [], implicit: false, name: name.value, line, hasElse: false });
          return;
        }
        const pipe = rest.length > 1 ? parsePipe(rest.slice(1), line, 'block') : undefined;
        current().push({ t: 'template', name: name.value, ...(pipe ? { pipe } : {}), line });
        stack.push({ node: { t: 'break', line }, kind: 'block', list: [], implicit: false, name: name.value, line, hasElse: false });
        return;
      }
      case 'template': {
        const name = rest[0];
        if (name?.k !== 'const' || typeof name.value !== 'string') throw new TemplateSyntaxError('{{template}} needs a quoted template name', line);
        const pipe = rest.length > 1 ? parsePipe(rest.slice(1), line, 'template') : undefined;
        current().push({ t: 'template', name: name.value, ...(pipe ? { pipe } : {}), line });
        return;
      }
      case 'break':
      case 'continue': {
        if (rest.length > 0 || !stack.some((f) => f.kind === 'range')) throw new TemplateSyntaxError(`{{${keyword}}} outside {{range}}`, line);
        current().push({ t: keyword, line });
        return;
      }
      default:
        current().push({ t: 'action', pipe: parsePipe(tokens, line, 'command'), line });
    }
  }
}

function lexAction(src: string, start: number, line: number, lines: LineIndex): { tokens: Token[]; end: number; rightTrim: boolean } {
  const tokens: Token[] = [];
  let i = start;
  let space = true;
  let depth = 0;
  for (;;) {
    if (i >= src.length) throw new TemplateSyntaxError('unclosed action', line);
    const c = src[i]!;
    if (isSpace(c)) {
      let j = i;
      while (isSpace(src[j])) j++;
      if (src.startsWith('-}}', j)) return { tokens, end: j + 3, rightTrim: true };
      i = j;
      space = true;
      continue;
    }
    if (src.startsWith('}}', i)) {
      if (depth > 0) throw new TemplateSyntaxError('unclosed left paren', line);
      return { tokens, end: i + 2, rightTrim: false };
    }
    const at = i;
    if (c === '(' || c === ')' || c === '|' || c === ',' || c === '=') {
      if (c === '(') depth++;
      if (c === ')' && --depth < 0) throw new TemplateSyntaxError('unexpected right paren', lines.lineAt(at));
      tokens.push({ k: c, at, space });
      i++;
    } else if (c === ':' && src[i + 1] === '=') {
      tokens.push({ k: ':=', at, space });
      i += 2;
    } else if (c === '"' || c === '`' || c === "'") {
      let j = i + 1;
      if (c === '`') {
        j = src.indexOf('`', j);
        if (j < 0) throw new TemplateSyntaxError('unterminated raw quoted string', lines.lineAt(at));
        tokens.push({ k: 'const', value: src.slice(i + 1, j), at, space });
      } else {
        while (j < src.length && src[j] !== c) {
          if (src[j] === '\n') throw new TemplateSyntaxError('unterminated quoted string', lines.lineAt(at));
          if (src[j] === '\\') j++;
          j++;
        }
        if (j >= src.length) throw new TemplateSyntaxError('unterminated quoted string', lines.lineAt(at));
        const text = unquote(src.slice(i, j + 1), lines, at);
        if (c === "'") {
          const cp = text.codePointAt(0);
          if (cp === undefined || [...text].length !== 1) throw new TemplateSyntaxError('malformed character constant', lines.lineAt(at));
          tokens.push({ k: 'const', value: new GoInt(cp), at, space });
        } else tokens.push({ k: 'const', value: text, at, space });
      }
      i = j + 1;
    } else if (c === '.' || c === '$') {
      let j = i + 1;
      let name = '';
      if (c === '$') {
        while (isAlnum(src[j])) j++;
        name = src.slice(i, j);
      }
      const names: string[] = [];
      let k = c === '.' ? i : j;
      while (src[k] === '.' && isAlnum(src[k + 1])) {
        let e = k + 1;
        while (isAlnum(src[e])) e++;
        names.push(src.slice(k + 1, e));
        k = e;
      }
      if (c === '.' && names.length === 0) {
        if (/\d/.test(src[i + 1] ?? '')) {
          const m = NUMBER.exec(src.slice(i))!;
          tokens.push({ k: 'const', value: numberValue(m[0], lines.lineAt(at)), at, space });
          i += m[0].length;
          space = false;
          continue;
        }
        tokens.push({ k: 'dot', at, space });
        i++;
      } else if (c === '.') {
        const prev = tokens.at(-1);
        // `(pipeline).field` or `$x .y`: a field right after `)` without space chains on it.
        if (prev && !space && prev.k === ')') tokens.push({ k: 'chain', names, at, space });
        else tokens.push({ k: 'field', names, at, space });
        i = k;
      } else {
        tokens.push({ k: 'var', name, names, at, space });
        i = k;
      }
    } else if (/[0-9+-]/.test(c)) {
      const m = NUMBER.exec(src.slice(i, i + 64));
      if (!m || m[0] === '' || m[0] === '+' || m[0] === '-') throw new TemplateSyntaxError(`unexpected ${JSON.stringify(c)} in command`, lines.lineAt(at));
      tokens.push({ k: 'const', value: numberValue(m[0], lines.lineAt(at)), at, space });
      i += m[0].length;
    } else if (isAlnum(c)) {
      let j = i;
      while (isAlnum(src[j])) j++;
      const word = src.slice(i, j);
      if (word === 'true' || word === 'false') tokens.push({ k: 'const', value: word === 'true', at, space });
      else if (word === 'nil') tokens.push({ k: 'ident', name: 'nil', at, space });
      else tokens.push({ k: 'ident', name: word, at, space });
      i = j;
    } else throw new TemplateSyntaxError(`unexpected ${JSON.stringify(c)} in command`, lines.lineAt(at));
    space = false;
  }
}

/** Parses a pipeline (with its declaration) from the tokens of an action. */
function parsePipe(tokens: Token[], line: number, context: string): Pipe {
  let pos = 0;
  const decl: string[] = [];
  let assign = false;
  // `$x :=`, `$x =`, `$i, $v :=`
  const declEnd = tokens.findIndex((t) => t.k === ':=' || t.k === '=');
  if (declEnd > 0 && tokens.slice(0, declEnd).every((t, k) => (k % 2 === 0 ? t.k === 'var' && t.names.length === 0 : t.k === ','))) {
    for (let k = 0; k < declEnd; k += 2) decl.push((tokens[k] as { name: string }).name);
    assign = tokens[declEnd]!.k === '=';
    if (decl.length > 2 || (decl.length === 2 && (context !== 'range' || assign))) throw new TemplateSyntaxError('too many declarations', line);
    if (decl.includes('$')) throw new TemplateSyntaxError('cannot assign to $', line);
    pos = declEnd + 1;
  }
  const [pipe, next] = pipeline(tokens, pos, line, 0);
  if (next !== tokens.length) throw new TemplateSyntaxError(`unexpected ${describe(tokens[next]!)} in ${context}`, line);
  if (pipe.cmds.length === 0) throw new TemplateSyntaxError(`missing value for ${context}`, line);
  return { ...pipe, decl, assign };
}

function describe(token: Token): string {
  return token.k === 'ident' ? token.name : token.k === 'const' ? 'constant' : token.k;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

function pipeline(tokens: Token[], start: number, line: number, depth: number): [Pipe, number] {
  if (depth > MAX_NESTING) throw new TemplateSyntaxError(`parentheses nested deeper than ${MAX_NESTING}`, line);
  const cmds: Cmd[] = [];
  let pos = start;
  for (;;) {
    const args: Arg[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos]!;
      if (token.k === '|' || token.k === ')') break;
      if (token.k === '(') {
        const [inner, after] = pipeline(tokens, pos + 1, line, depth + 1);
        if (tokens[after]?.k !== ')') throw new TemplateSyntaxError('unclosed left paren', line);
        if (inner.cmds.length === 0) throw new TemplateSyntaxError('missing value in parentheses', line);
        pos = after + 1;
        const chain = tokens[pos];
        const names = chain?.k === 'chain' ? chain.names : [];
        if (chain?.k === 'chain') pos++;
        args.push({ t: 'pipe', pipe: { ...inner, decl: [], assign: false }, names });
        continue;
      }
      if (token.k === 'field') args.push({ t: 'field', names: token.names });
      else if (token.k === 'dot') args.push({ t: 'dot' });
      else if (token.k === 'var') args.push({ t: 'var', name: token.name, names: token.names });
      else if (token.k === 'const') args.push({ t: 'const', value: token.value });
      else if (token.k === 'ident') {
        if (KEYWORDS.has(token.name))
          throw new TemplateSyntaxError(`unexpected keyword ${token.name} in command`, line);
        args.push(token.name === 'nil' ? { t: 'nil' } : { t: 'ident', name: token.name });
      } else throw new TemplateSyntaxError(`unexpected ${describe(token)} in command`, line);
      pos++;
    }
    if (args.length === 0) {
      if (tokens[pos]?.k === '|') throw new TemplateSyntaxError('missing command before |', line);
      break;
    }
    if (args[0]!.t === 'nil') throw new TemplateSyntaxError('nil is not a command', line);
    cmds.push({ args, line });
    if (tokens[pos]?.k !== '|') break;
    pos++;
    // Go's parser ends a pipeline at the delimiter or `)` even right after a `|`
    // (`{{ toYaml . | nindent 4 | }}` runs); only a second `|` is an error.
    if (tokens[pos]?.k === '|') throw new TemplateSyntaxError('missing command after |', line);
  }
  return [{ decl: [], assign: false, cmds, line }, pos];
}
