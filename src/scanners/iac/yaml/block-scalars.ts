/**
 * Block scalars and document separators, for the rewrites that read YAML the way libyaml's
 * readers do (indentFlowContinuations, indentQuotedContinuations): the text of a block
 * scalar (a shell script in a ConfigMap, a policy in a `|`) is text, its brackets and
 * quotes open nothing, and a document separator ends whatever an earlier document left open.
 */

/** The end of a line that opens a block scalar (`key: |`, `- >-`, `run: |2 # a comment`): its text follows, indented deeper. */
const BLOCK_SCALAR_HEADER = /(?:^|[:-][ \t]+)(?:![^\s]*[ \t]+)?[|>][-+0-9]*[ \t]*(?:#.*)?$/;

/** The column of a line's key, after its block sequence entry indicators (`- BACKENDS: [`, GitLab's parallel: matrix:). */
export function keyColumn(line: string): number {
  const indent = line.length - line.trimStart().length;
  return indent + (/^(?:-[ \t]+)*/.exec(line.trimStart())?.[0].length ?? 0);
}

/** Whether a line opens a block scalar; `keyColumn(line)` is then the column its text is indented beyond. */
export function opensBlockScalar(line: string): boolean {
  return BLOCK_SCALAR_HEADER.test(line.trimStart());
}

/** A document separator or end marker at the start of a line. */
export function isDocumentMarker(line: string): boolean {
  return /^(?:---|\.\.\.)(?:[ \t]|$)/.test(line);
}

/** Whether `line` is text of the block scalar opened at key column `blockKey`: blank, or indented deeper. */
export function inBlockScalar(line: string, blockKey: number): boolean {
  return line.trim() === '' || line.length - line.trimStart().length > blockKey;
}
