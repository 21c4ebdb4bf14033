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

/** What a rewrite that indents continuation lines reads of a YAML text (indentContinuations). */
export interface ContinuationReader {
  /** The indentation the lines must go deeper than while something a line opened is open (a quoted string, a flow collection); undefined while nothing is. */
  openerIndent(): number | undefined;
  /** A document marker: what an earlier document left open is closed. */
  reset(): void;
  /** Reads a line outside block scalars' text, as it now stands: the key column of the block scalar it opens, if it opens one. */
  read(line: string, indent: number): number | undefined;
}

/**
 * Indents each line read while something is open one space deeper than the reader's
 * opener indentation, when it is not already; the text of block scalars is passed over
 * and a document marker resets the reader. Lines keep their place.
 */
export function indentContinuations(text: string, reader: ContinuationReader): string {
  const lines = text.split('\n');
  // The key column of the line that opened the block scalar being read, if one is.
  let blockKey: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockKey !== undefined) {
      if (inBlockScalar(line, blockKey)) continue;
      blockKey = undefined;
    }
    if (isDocumentMarker(line)) {
      reader.reset();
      continue;
    }
    const openerIndent = reader.openerIndent();
    if (openerIndent !== undefined && line.trim() !== '' && indent <= openerIndent) {
      line = ' '.repeat(openerIndent + 1 - indent) + line;
      lines[i] = line;
    }
    blockKey = reader.read(line, indent);
  }
  return lines.join('\n');
}
