import { indentContinuations, keyColumn, opensBlockScalar } from '../yaml/block-scalars.js';

/** The warning for a template read again the PyYAML way (indentQuotedContinuations). */
export const UNDER_INDENTED_QUOTE = 'a quoted string continues on lines indented no deeper than its key, which YAML 1.2 forbids; read as go-yaml, PyYAML and CloudFormation read it';

/** The YAML 1.2 error an under-indented quoted string raises (PyYAML, and so CloudFormation, accept it). */
export function isUnclosedQuote(error: { code: string; message: string }): boolean {
  return error.code === 'MISSING_CHAR' && /^Missing closing ["']quote/.test(error.message);
}

/** Whether the quote at `j` opens a quoted scalar: first on the line, or after `key:`, `- `, a tag or a flow indicator. */
function opensScalar(line: string, j: number): boolean {
  const before = line.slice(0, j);
  if (before.trim() === '') return true;
  if (!/[\s[{,]$/.test(before)) return false;
  return /(?:^|\s)-\s+$|:\s+$|[[{,]\s*$|(?:^|\s)!\S*\s+$/.test(before);
}

/**
 * Indents the continuation lines of a multi-line quoted string one space deeper than
 * the line that opened it, when they are not already: a policy written as
 * `PolicyDocument: !Sub '{` whose closing `}'` sits at the key's indentation. Folding
 * drops leading spaces of continuation lines, so the string's value is unchanged. Quotes in
 * a block scalar's text (a script in a ConfigMap) or in an earlier document open nothing.
 */
export function indentQuotedContinuations(text: string): string {
  let quote: string | undefined;
  let openerIndent = 0;
  let flowDepth = 0;
  const read = (line: string, indent: number): number | undefined => {
    // Inside a plain (unquoted) scalar a quote is text: `set to "bursting," this` opens nothing.
    let plain = false;
    for (let j = 0; j < line.length; j++) {
      const c = line[j]!;
      if (plain && quote === undefined) {
        if (c === '#' && /\s/.test(line[j - 1]!)) break;
        const ends = (c === ':' && (j + 1 === line.length || /\s/.test(line[j + 1]!))) || (flowDepth > 0 && /[,\]}]/.test(c));
        if (!ends) continue;
        plain = false;
      }
      if (quote === "'") {
        if (c === "'") {
          if (line[j + 1] === "'") j++;
          else quote = undefined;
        }
        continue;
      }
      if (quote === '"') {
        if (c === '\\') j++;
        else if (c === '"') quote = undefined;
        continue;
      }
      if (c === '#' && (j === 0 || /\s/.test(line[j - 1]!))) break;
      if ((c === '"' || c === "'") && opensScalar(line, j)) {
        quote = c;
        openerIndent = indent;
      } else if (c === '[' || c === '{') flowDepth++;
      else if (c === ']' || c === '}') flowDepth = Math.max(0, flowDepth - 1);
      else if (c === '!' || c === '&' || c === '*') {
        while (j + 1 < line.length && !/[\s,\[\]{}]/.test(line[j + 1]!)) j++;
      } else if (c === '|' || c === '>') {
        return flowDepth === 0 && opensBlockScalar(line) ? keyColumn(line) : undefined;
      }
      else if (!/[\s,:?-]/.test(c) || (c === '-' && j + 1 < line.length && !/\s/.test(line[j + 1]!))) plain = true;
    }
    return undefined;
  };
  return indentContinuations(text, {
    openerIndent: () => (quote ? openerIndent : undefined),
    reset: () => {
      quote = undefined;
      flowDepth = 0;
    },
    read,
  });
}
