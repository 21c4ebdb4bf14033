import { inside, rule, type Hit, type IacRule } from '../rule.js';
import { joinContinuations, parseShell, type ShellCommand, type ShellPipeline } from '../shell.js';
import { effective, lineAt, type DockerInstruction } from './parser.js';
import { expandArgs, instructionsOf, scriptsOf, type DockerfileInput, type Script } from './model.js';

export type DockerRule = IacRule<DockerfileInput>;

export const dockerRule = (definition: Omit<DockerRule, 'platform' | 'tags'>): DockerRule => rule({ ...definition, platform: 'dockerfile' });

/** Every pipeline of every RUN script, with the script it belongs to. */
export function* runPipelines(input: DockerfileInput): Generator<{ pipeline: ShellPipeline; script: Script }> {
  for (const instruction of instructionsOf(input.file, 'RUN')) {
    for (const script of scriptsOf(instruction)) {
      for (const pipeline of parseShell(script.text)) yield { pipeline, script };
    }
  }
}

/** Every command of every RUN, with the line it starts on. */
export function* runCommands(input: DockerfileInput): Generator<{ command: ShellCommand; script: Script; line: number }> {
  for (const { pipeline, script } of runPipelines(input)) {
    for (const command of pipeline) yield { command, script, line: script.line(command.offset) };
  }
}

/** Lines of RUN scripts matching a pattern, once per line; a command continued over lines of a heredoc is read as one line. */
export function* runMatches(input: DockerfileInput, pattern: RegExp): Generator<{ line: number; match: RegExpExecArray; instruction: DockerInstruction }> {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  for (const instruction of instructionsOf(input.file, 'RUN')) {
    const seen = new Set<number>();
    for (const script of scriptsOf(instruction)) {
      for (const match of joinContinuations(script.text).matchAll(global)) {
        const line = script.line(match.index);
        if (seen.has(line)) continue;
        seen.add(line);
        yield { line, match: match as RegExpExecArray, instruction };
      }
    }
  }
}

/**
 * Where a problem inside an instruction is reported: the instruction's first line, with
 * the continuation line it sits on as detail (a RUN written over several lines, a heredoc).
 */
export function at(instruction: DockerInstruction, innerLine: number): Pick<Hit, 'line' | 'detailLine'> {
  return inside(instruction.line, innerLine);
}

export function stageLabel(input: DockerfileInput, instruction: DockerInstruction): string {
  const stage = input.file.stages[instruction.stage];
  return stage ? `stage ${stage.name ?? stage.index}` : 'global';
}

/**
 * The arguments of a COPY, ADD or VOLUME (flags aside): the exec form's strings, or the
 * shell form's words with their quotes removed, as BuildKit reads them
 * (`ADD "https://example.org/a" "/a"` fetches https://example.org/a).
 */
export function argumentWords(instruction: DockerInstruction): string[] {
  if (instruction.exec) return instruction.exec;
  const words: string[] = [];
  let word: string | undefined;
  const text = instruction.rest;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      const end = close < 0 ? text.length : close;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The sources of a COPY or ADD (every argument but the destination), exec or shell form. */
export function copySources(instruction: DockerInstruction): string[] {
  return argumentWords(instruction).slice(0, -1);
}

/**
 * Images pulled by `COPY --from=<image>` and `RUN --mount=...,from=<image>`: a `from`
 * that names no stage of the file (by name or number) is an image reference.
 */
export function* pulledImages(input: DockerfileInput): Generator<{ instruction: DockerInstruction; image: string; how: string; line: number }> {
  const stageNames = new Set(input.file.stages.flatMap((s) => (s.name ? [s.name] : [])));
  const isImage = (from: string) => from !== '' && !/^\d+$/.test(from) && !stageNames.has(from.toLowerCase());
  for (const instruction of input.file.instructions) {
    const own = effective(instruction);
    if (own.keyword === 'COPY') {
      const from = own.flags.get('from');
      if (typeof from !== 'string') continue;
      const image = expandArgs(from, input.globalArgs);
      if (isImage(image)) yield { instruction, image, how: `COPY --from=${from}`, line: instruction.line };
    } else if (own.keyword === 'RUN') {
      // Every --mount, not only the last (the parsed flags keep one value per name).
      const options = own.args.slice(0, own.restOffset);
      for (const mount of options.matchAll(/--mount=(?:"([^"]*)"|'([^']*)'|(\S*))/g)) {
        const spec = mount[1] ?? mount[2] ?? mount[3] ?? '';
        const from = /(?:^|,)from=([^,]*)/.exec(spec)?.[1];
        if (from === undefined) continue;
        const image = expandArgs(from, input.globalArgs);
        if (isImage(image)) yield { instruction, image, how: `RUN --mount from=${from}`, line: lineAt(own, mount.index) };
      }
    }
  }
}
