/**
 * The `yaml` package parses nested collections recursively, and past about a thousand
 * levels (a 2 KB line of `- - - -`, or `[[[[`) V8 aborts the whole process while it
 * compiles a regular expression deep in that recursion: an error no `try` can catch. So
 * every YAML text secloop reads is measured first, in one linear pass, and a text nested
 * deeper than any real configuration is refused with its line.
 *
 * The measure is an upper bound of the parser's nesting: the block levels open at a line
 * (by indentation), the compact collections started on it (`- - x`, `? ? x`, `a: b: c`),
 * and the flow collections (`[`, `{`) open at that point. Quoted scalars and comments do
 * not count, nor does a bracket inside a plain scalar in block context (`a[0]`).
 */

/** A line that ends with a block scalar header: `key: |`, `- >-`, `run: |2 # comment`. */
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?\r?$/;

/** Deeper than any real configuration, far below where the parser fails. */
export const MAX_YAML_NESTING = 200;

export interface TooDeep {
  line: number;
  message: string;
}

/** The first line of a YAML text nested deeper than `limit`, if any. */
export function yamlTooDeep(text: string, limit = MAX_YAML_NESTING): TooDeep | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let line = 1;
  let i = 0;
  /** The indentation of the line that opened a block scalar (`key: |`) whose content lines follow. */
  let scalarParent: number | undefined;
  const n = text.length;
  const tooDeep = (): TooDeep => ({ line, message: `nested more than ${limit} levels deep; not analysed` });
  while (i < n) {
    // Start of a line: indentation, then the block structure (outside flow collections and quoted scalars).
    let compact = 0;
    const lineStart = i;
    let indent = 0;
    if (flow === 0 && quote === undefined) {
      while (i < n && text[i] === ' ') (indent++, i++);
      const blank = i >= n || text[i] === '\n' || text[i] === '\r';
      // The content of a block scalar is text, not structure.
      if (scalarParent !== undefined && (blank || indent > scalarParent)) {
        while (i < n && text[i] !== '\n') i++;
        i++;
        line++;
        continue;
      }
      scalarParent = undefined;
      if (!blank && text[i] !== '#') {
        while (indents.length > 0 && indents[indents.length - 1]! > indent) indents.pop();
        if (indents.length === 0 || indents[indents.length - 1]! < indent) indents.push(indent);
        // `- - x` and `? x` open one collection per indicator on the line.
        while (i < n && (text[i] === '-' || text[i] === '?') && (i + 1 >= n || text[i + 1] === ' ' || text[i + 1] === '\n')) {
          compact++;
          i++;
          while (i < n && text[i] === ' ') i++;
        }
        if (indents.length + compact > limit) return tooDeep();
      }
    }
    let valueStart = true;
    // Whether the line holds a `|` or `>`, which BLOCK_SCALAR_HEADER needs: most lines do not, and are not tested.
    let headerChar = false;
    for (; i < n && text[i] !== '\n'; i++) {
      const c = text[i]!;
      if (c === '|' || c === '>') headerChar = true;
      if (quote !== undefined) {
        if (c === quote) {
          if (quote === "'" && text[i + 1] === "'") i++;
          else quote = undefined;
        } else if (c === '\\' && quote === '"') i++;
        continue;
      }
      if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t')) {
        while (i < n && text[i] !== '\n') {
          if (text[i] === '|' || text[i] === '>') headerChar = true;
          i++;
        }
        break;
      }
      if ((c === '"' || c === "'") && valueStart) {
        quote = c;
        continue;
      }
      if ((c === '[' || c === '{') && (flow > 0 || valueStart)) {
        flow++;
        if (indents.length + compact + flow > limit) return tooDeep();
        continue;
      }
      if ((c === ']' || c === '}') && flow > 0) {
        flow--;
        continue;
      }
      if (c === ':' && flow === 0 && (i + 1 >= n || text[i + 1] === ' ' || text[i + 1] === '\n')) {
        // `a: b: c` on one line is not valid YAML, but each `key: ` may open a level while it is read.
        compact++;
        if (indents.length + compact > limit) return tooDeep();
        valueStart = true;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\r') continue;
      if (flow === 0 && (c === '-' || c === '?') && valueStart && (text[i + 1] === ' ' || text[i + 1] === '\n' || i + 1 >= n)) continue;
      valueStart = flow > 0 && (c === ',' || c === '[' || c === '{' || c === ':');
    }
    if (headerChar && flow === 0 && quote === undefined && BLOCK_SCALAR_HEADER.test(text.slice(lineStart, i))) scalarParent = indent;
    i++;
    line++;
  }
  return undefined;
}
