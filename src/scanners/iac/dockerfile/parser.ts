/**
 * A Dockerfile reader that keeps every instruction's source lines: parser directives
 * (`# escape=`), comments, line continuations (also across comment lines), JSON exec
 * form, `--flags`, heredocs (`RUN <<EOF`), ONBUILD and build stages. It never throws;
 * what it cannot read is a problem with a line.
 */
export interface Heredoc {
  delimiter: string;
  /** Body text, lines joined with \n (tabs stripped for `<<-`). */
  body: string;
  /** Line of the first body line. */
  line: number;
  /** Whether the delimiter was quoted (no expansion in the body). */
  quoted: boolean;
}

export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, ... */
  keyword: string;
  /** Everything after the keyword, continuations joined, comment lines dropped. */
  args: string;
  /** `args` without the leading `--flag[=value]` options. */
  rest: string;
  /** Offset of `rest` inside `args`. */
  restOffset: number;
  flags: Map<string, string | true>;
  /** The JSON array of the exec form, when `rest` is one. */
  exec?: string[];
  heredocs: Heredoc[];
  /** For ONBUILD: the wrapped instruction. */
  inner?: DockerInstruction;
  line: number;
  endLine: number;
  /** Build stage index (0-based); -1 before the first FROM (ARG). */
  stage: number;
  /** Where each physical line starts inside `args`, to map an offset back to its line. */
  segments: ReadonlyArray<{ offset: number; line: number }>;
}

export interface DockerStage {
  index: number;
  /** `AS name`, lower-cased as Docker matches it. */
  name?: string;
  /** The image reference as written (may contain ${ARG}s). */
  image: string;
  from: DockerInstruction;
  instructions: DockerInstruction[];
}

export interface Dockerfile {
  directives: Map<string, string>;
  escape: string;
  instructions: DockerInstruction[];
  stages: DockerStage[];
  problems: Array<{ line: number; message: string }>;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;
const KEYWORD = /^([A-Za-z][A-Za-z0-9_-]*)(?:\s+|$)/;
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
/** `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'` but not the here-string `<<<`. */
const HEREDOC = /(?<!<)<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2(?![<\w])/g;
const MAX_LINES = 100_000;

export function parseDockerfile(source: string): Dockerfile {
  const lines = source.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const problems: Dockerfile['problems'] = [];
  if (lines.length > MAX_LINES) {
    problems.push({ line: 1, message: `Dockerfile has more than ${MAX_LINES} lines; only the first ${MAX_LINES} are read` });
    lines.length = MAX_LINES;
  }
  const directives = new Map<string, string>();
  let i = 0;
  for (; i < lines.length; i++) {
    const match = DIRECTIVE.exec(lines[i]!);
    if (!match) break;
    const name = match[1]!.toLowerCase();
    if (directives.has(name)) break;
    directives.set(name, match[2]!);
  }
  const escapeDirective = directives.get('escape');
  const escape = escapeDirective === '`' ? '`' : '\\';
  if (escapeDirective !== undefined && escapeDirective !== '`' && escapeDirective !== '\\')
    problems.push({ line: 1, message: `invalid escape directive '${escapeDirective}' (only \\ and \` are allowed)` });

  const instructions: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  while (i < lines.length) {
    const first = lines[i]!;
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i++;
      continue;
    }
    // One logical line: follow continuations, dropping comment and empty lines inside them.
    const startLine = i + 1;
    const segments: Array<{ offset: number; line: number }> = [];
    let logical = '';
    let lastLine = startLine;
    let continued = true;
    let firstLine = true;
    while (continued && i < lines.length) {
      const raw = lines[i]!;
      const lineNo = i + 1;
      i++;
      if (!firstLine) {
        const t = raw.trim();
        if (t.startsWith('#')) continue;
        if (t === '') continue;
      }
      firstLine = false;
      const { text, continues } = stripContinuation(raw, escape);
      segments.push({ offset: logical.length, line: lineNo });
      logical += text;
      lastLine = lineNo;
      continued = continues;
      if (continues) logical += ' ';
    }
    const match = KEYWORD.exec(logical.trimStart());
    if (!match) {
      problems.push({ line: startLine, message: `cannot read an instruction here: '${logical.trim().slice(0, 40)}'` });
      continue;
    }
    const lead = logical.length - logical.trimStart().length;
    const keyword = match[1]!.toUpperCase();
    const argsStart = lead + match[0].length;
    const args = logical.slice(argsStart);
    const shifted = segments.map((s) => ({ offset: Math.max(0, s.offset - argsStart), line: s.line }));
    const instruction = buildInstruction(keyword, args, startLine, lastLine, shifted, stages.length - 1);

    const heredocOwner = instruction.inner ?? instruction;
    if (HEREDOC_KEYWORDS.has(heredocOwner.keyword) && !heredocOwner.exec) {
      for (const match of heredocOwner.rest.matchAll(HEREDOC)) {
        const strip = match[1] === '-';
        const delimiter = match[3]!;
        const bodyLines: string[] = [];
        const bodyStart = i + 1;
        let closed = false;
        while (i < lines.length) {
          const raw = lines[i]!;
          i++;
          const candidate = strip ? raw.replace(/^\t+/, '') : raw;
          if (candidate === delimiter) {
            closed = true;
            break;
          }
          bodyLines.push(candidate);
        }
        if (!closed) problems.push({ line: startLine, message: `heredoc <<${delimiter} is never closed` });
        heredocOwner.heredocs.push({ delimiter, body: bodyLines.join('\n'), line: bodyStart, quoted: match[2] !== '' });
        heredocOwner.endLine = instruction.endLine = Math.max(instruction.endLine, i);
      }
    }

    if (keyword === 'FROM') {
      const stage = readStage(instruction, stages.length);
      instruction.stage = stage.index;
      stages.push(stage);
    }
    instructions.push(instruction);
    if (instruction.stage >= 0) stages[instruction.stage]?.instructions.push(instruction);
  }
  return { directives, escape, instructions, stages, problems };
}

function stripContinuation(raw: string, escape: string): { text: string; continues: boolean } {
  const trimmedEnd = raw.replace(/[ \t]+$/, '');
  if (trimmedEnd.endsWith(escape)) {
    // An escaped escape character (`\\`) at the end is not a continuation.
    let count = 0;
    for (let k = trimmedEnd.length - 1; k >= 0 && trimmedEnd[k] === escape; k--) count++;
    if (count % 2 === 1) return { text: trimmedEnd.slice(0, -1), continues: true };
  }
  return { text: raw, continues: false };
}

function buildInstruction(
  keyword: string,
  args: string,
  line: number,
  endLine: number,
  segments: Array<{ offset: number; line: number }>,
  stage: number,
): DockerInstruction {
  const { flags, restOffset } = readFlags(args);
  const rest = args.slice(restOffset).trim();
  const instruction: DockerInstruction = {
    keyword,
    args,
    rest,
    restOffset: restOffset + (args.slice(restOffset).length - args.slice(restOffset).trimStart().length),
    flags,
    heredocs: [],
    line,
    endLine,
    stage,
    segments,
  };
  const exec = readExecForm(rest);
  if (exec) instruction.exec = exec;
  if (keyword === 'ONBUILD') {
    const match = KEYWORD.exec(rest);
    if (match) {
      const innerArgs = rest.slice(match[0].length);
      const shift = instruction.restOffset + match[0].length;
      instruction.inner = buildInstruction(
        match[1]!.toUpperCase(),
        innerArgs,
        line,
        endLine,
        segments.map((s) => ({ offset: Math.max(0, s.offset - shift), line: s.line })),
        stage,
      );
    }
  }
  return instruction;
}

/** Leading `--name=value` / `--name` options (FROM --platform, RUN --mount, COPY --from ...). */
function readFlags(args: string): { flags: Map<string, string | true>; restOffset: number } {
  const flags = new Map<string, string | true>();
  let offset = 0;
  const pattern = /^\s*--([A-Za-z][A-Za-z0-9-]*)(?:=("[^"]*"|'[^']*'|\S*))?(?=\s|$)/;
  for (;;) {
    const match = pattern.exec(args.slice(offset));
    if (!match) break;
    const raw = match[2];
    flags.set(match[1]!.toLowerCase(), raw === undefined ? true : raw.replace(/^(["'])(.*)\1$/, '$2'));
    offset += match[0].length;
  }
  return { flags, restOffset: offset };
}

function readExecForm(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined;
  try {
    const value = JSON.parse(rest) as unknown;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // Not JSON: Docker runs it in shell form.
  }
  return undefined;
}

function readStage(from: DockerInstruction, index: number): DockerStage {
  const words = from.rest.split(/\s+/).filter(Boolean);
  const image = words[0] ?? '';
  const asAt = words.findIndex((w, k) => k > 0 && w.toLowerCase() === 'as');
  const name = asAt > 0 ? words[asAt + 1]?.toLowerCase() : undefined;
  return { index, ...(name ? { name } : {}), image, from, instructions: [] };
}

/** The source line of an offset inside an instruction's `args`. */
export function lineAt(instruction: DockerInstruction, offset: number): number {
  // The last segment that starts at or before the offset (their offsets never decrease): found by halves,
  // since the rules ask for every command of a RUN, and a RUN of many continued lines made that quadratic.
  const segments = instruction.segments;
  let low = 0;
  let high = segments.length - 1;
  let line = instruction.line;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (segments[middle]!.offset <= offset) {
      line = segments[middle]!.line;
      low = middle + 1;
    } else high = middle - 1;
  }
  return line;
}

/** The line of the first match of `pattern` in the instruction (its first line when absent). */
export function lineOfMatch(instruction: DockerInstruction, pattern: RegExp): number {
  const match = pattern.exec(instruction.args);
  if (match) return lineAt(instruction, match.index);
  for (const doc of instruction.heredocs) {
    const m = pattern.exec(doc.body);
    if (m) return doc.line + (doc.body.slice(0, m.index).match(/\n/g)?.length ?? 0);
  }
  return instruction.line;
}

/** Instructions of a stage including ONBUILD triggers, which run in images built from this one. */
export function effective(instruction: DockerInstruction): DockerInstruction {
  return instruction.inner ?? instruction;
}
