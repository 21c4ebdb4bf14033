/**
 * A guard in front of the JS/TS parser. oxc parses recursively in native code, and a
 * file nested some 10,000 levels deep (brackets, `a = a = ...`, `a ? b : c ? ...`,
 * `() => () => ...`, `!!!!x`) overflows its stack and kills the whole process with a
 * segmentation fault, which no try/catch can stop. A hostile repository can hold such a
 * file, so every file is measured first, in one linear pass, and a file that may nest
 * deeper than any real program is reported instead of parsed.
 *
 * The estimate errs high: bracket depth outside strings and comments, plus the longest
 * run of operators that nest to the right (assignment `=`, `=>`, conditional `?`, `**`,
 * prefix `!`, `~`, `-`, `+`) between two separators (`;`, `,`). Newlines do not end a run,
 * or one operator per line would slip through.
 *
 * Binary operators nest to the left (`1 + 1 + ... + 1` is as deep as it is long), and the
 * parser recurses over them too: about 70,000 in one expression crash an 8 MB stack. They
 * are counted the same way, against a separate, higher limit, since real code does chain
 * a few hundred of them (long string concatenations).
 *
 * Statements and keyword operators nest without brackets too: `if (a) if (a) ...`,
 * `while`, `for`, `with`, labels `a: b: ...`, `typeof`, `void`, `new`, `delete`, `yield`,
 * TypeScript's `keyof`, `class extends class extends ...`, type arguments `A<A<...>>`,
 * and `else if` chains (even with braced branches). Some 5,000 to 10,000 of them crash
 * the parser. They are counted until a brace or a separator (inside brackets, back to
 * the count where the bracket opened, so `for (;;)` does not end its own count), and
 * `else` until a statement other than `else` starts, against twice the bracket limit,
 * since code without semicolons runs many of them together.
 */
export const MAX_SAFE_NESTING = 1000;
export const MAX_SAFE_CHAIN = 20_000;

/** Words that nest what follows them, as a prefix operator or a statement's body. */
const NESTING_WORDS = new Set(['if', 'while', 'for', 'with', 'do', 'typeof', 'void', 'delete', 'new', 'yield', 'await', 'keyof', 'extends']);

export function exceedsSafeNesting(text: string, limit = MAX_SAFE_NESTING): boolean {
  let depth = 0;
  let run = 0;
  /** Binary operators since the last separator (`;`, `,`). */
  let chain = 0;
  /** Keyword prefixes, labels and type arguments since the last separator or brace. */
  let prefixes = 0;
  /** The count of prefixes where each open bracket started: a separator inside parentheses (`for (;;)`) goes back to it, not to 0. */
  const outerPrefixes = new Int32Array(limit + 1);
  /** `else` branches since a statement other than `else` started. */
  let elses = 0;
  /** The last character that was not white space, outside strings and comments. */
  let previous = 0x3b; // as if after a ';'
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    let nests = false;
    if (isWordStart(c)) {
      let end = i + 1;
      while (end < n && isWordPart(text.charCodeAt(end))) end++;
      if (end - i <= 7) {
        const word = text.slice(i, end);
        if (word === 'else') elses++;
        else if (previous === 0x3b || previous === 0x7d) elses = 0;
        if (NESTING_WORDS.has(word)) prefixes++;
      } else if (previous === 0x3b || previous === 0x7d) elses = 0;
      if (depth + prefixes + elses > 2 * limit) return true;
      i = end - 1;
      previous = text.charCodeAt(i);
      continue;
    }
    switch (c) {
      case 0x22: // "
      case 0x27: // '
      case 0x60: // `
        i = skipString(text, i, c);
        previous = 0x22;
        continue;
      case 0x2f: // /
        if (text.charCodeAt(i + 1) === 0x2f) {
          const end = text.indexOf('\n', i);
          i = end < 0 ? n : end;
          continue;
        }
        if (text.charCodeAt(i + 1) === 0x2a) {
          const end = text.indexOf('*/', i + 2);
          i = end < 0 ? n : end + 1;
          continue;
        }
        chain++; // division (or a regular expression: erring high)
        break;
      case 0x28: // (
      case 0x5b: // [
      case 0x7b: // {
        if (++depth > limit) return true;
        if (c === 0x7b) prefixes = 0;
        outerPrefixes[depth] = prefixes;
        break;
      case 0x29: // )
      case 0x5d: // ]
      case 0x7d: // }
        prefixes = c === 0x7d || depth === 0 ? 0 : outerPrefixes[depth]!;
        if (depth > 0) depth--;
        break;
      case 0x3b: // ;
      case 0x2c: // ,
        run = 0;
        chain = 0;
        prefixes = outerPrefixes[depth]!;
        break;
      case 0x3a: // ':' after a name: a label (or an object key or type annotation: erring high)
        if (isWordPart(previous)) prefixes++;
        break;
      case 0x3d: {
        // '=' nests as assignment or in '=>'; '==', '===', '<=', '>=', '!=' compare and do not.
        const next = text.charCodeAt(i + 1);
        if (next === 0x3e) {
          nests = true;
          i++;
        } else if (next === 0x3d) {
          while (text.charCodeAt(i + 1) === 0x3d) i++;
        } else if (previous !== 0x3c && previous !== 0x3e && previous !== 0x21 && previous !== 0x3d) {
          nests = true;
        }
        break;
      }
      case 0x3f: {
        // '?' of a conditional nests; '?.' and '??' do not.
        const next = text.charCodeAt(i + 1);
        if (next === 0x2e) i++;
        else if (next === 0x3f) {
          i++;
          chain++;
        } else nests = true;
        break;
      }
      case 0x2a: // '**' nests to the right; '*' to the left
        if (text.charCodeAt(i + 1) === 0x2a) {
          nests = true;
          i++;
        } else chain++;
        break;
      case 0x25: // %
      case 0x5e: // ^
        chain++;
        break;
      case 0x26: // '&', '&&'
      case 0x7c: // '|', '||'
        if (text.charCodeAt(i + 1) === c) i++;
        chain++;
        break;
      case 0x3c: // '<', '<<', '<=' (a JSX tag counts too: erring high); right after a name, perhaps type arguments
      case 0x3e: // '>', '>>', '>>>', '>='
        if (c === 0x3c && isWordPart(previous)) prefixes++;
        while (text.charCodeAt(i + 1) === c) i++;
        chain++;
        break;
      case 0x21: // '!' as a prefix nests; '!=' compares
        nests = text.charCodeAt(i + 1) !== 0x3d;
        break;
      case 0x7e: // ~
        nests = true;
        break;
      case 0x2d: // '-' and '+' nest to the right as prefixes (after an operator or an opening bracket), to the left as binary operators
      case 0x2b:
        nests = PREFIX_CONTEXT.has(previous);
        if (!nests) chain++;
        break;
    }
    if (chain > MAX_SAFE_CHAIN || depth + prefixes + elses > 2 * limit) return true;
    if (nests && depth + ++run > limit) return true;
    previous = c;
  }
  return false;
}

function isWordStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Characters after which '-' or '+' is a prefix operator rather than a binary one. */
const PREFIX_CONTEXT = new Set([..."=([{,;:?!~+-*/%&|^<>"].map((ch) => ch.charCodeAt(0)));

/** Index of the closing quote of the string starting at `start` (or the end of the text). */
function skipString(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++; // backslash escapes the next character
    else if (c === quote) return i;
    else if (c === 0x0a && quote !== 0x60) return i; // an unterminated string ends at the line
  }
  return text.length;
}
