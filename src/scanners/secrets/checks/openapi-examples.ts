import type { MatchInfo } from '../detector.js';

/**
 * An example of an OpenAPI (Swagger) document: a value under `example:`, `examples:` or
 * `x-examples:` in a YAML file whose top level says `openapi:` or `swagger:`. API references
 * show what a response looks like (a cart's token, a refresh token, the password of the
 * sample data) with values made up for the page; a secret recognised only by its name there
 * is documentation. A value in a format of its own (a live key with its checksum) is still
 * judged by its detector.
 */
const EXAMPLE_KEYS = new Set(['example', 'examples', 'x-example', 'x-examples']);
/** Lines read above the value at a time while looking for its example block, then more. */
const STEPS = [64, 1024, 16384, 262144];
/** Lines at the head of the file where the document says what it is. */
const HEAD_LINES = 40;

export function isOpenApiExample(match: MatchInfo): boolean {
  if (match.kind !== 'yaml') return false;
  for (const before of STEPS) {
    const { lines, at } = match.around(before, 0);
    const verdict = underExampleKey(lines, at);
    if (verdict === undefined && at >= before) continue;
    return verdict === true && isOpenApiDocument(match);
  }
  return false;
}

/** true under an example key, false when the top level is reached without one, undefined when the lines ran out first. */
function underExampleKey(lines: readonly string[], at: number): boolean | undefined {
  let indent = indentOf(lines[at]!);
  for (let i = at - 1; i >= 0 && indent > 0; i--) {
    const line = lines[i]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const depth = indentOf(line);
    if (depth >= indent) continue;
    indent = depth;
    const key = /^\s*(?:-\s+)?["']?([\w$.-]+)["']?\s*:(?:\s|$)/.exec(line)?.[1];
    if (key !== undefined && EXAMPLE_KEYS.has(key)) return true;
  }
  return indent === 0 ? false : undefined;
}

function isOpenApiDocument(match: MatchInfo): boolean {
  const { lines, at } = match.around(1 << 30, 0);
  return lines.slice(0, Math.min(at, HEAD_LINES)).some((line) => /^(?:openapi|swagger)\s*:/.test(line));
}

/** Indentation of a line, a list item's dash counted as indentation of its first key. */
function indentOf(line: string): number {
  return /^[ \t]*(?:-[ \t]+)*/.exec(line)![0].length;
}
