const SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);

/** Escapes one character for a JavaScript regular expression with the `u` flag. */
export function pythonRegexEscape(c: string): string {
  return SYNTAX.has(c) ? `\\${c}` : c;
}
