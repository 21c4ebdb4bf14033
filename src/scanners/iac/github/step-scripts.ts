import { isShellProgram, localScriptCalls } from '../local-scripts.js';
import { bodyWithArguments, shellFunctions } from '../shell-functions.js';
import { commandsOf, effectiveWords, joinContinuations } from '../shell.js';
import { stepScriptRuns, type Step, type Workflow } from './model.js';

/**
 * The local shell scripts of the repository that a step's `run:` reads, read (never run)
 * through the reader of the repository's files, which keeps to the scan root: those it
 * sources (`source ci/util.sh`, `. ./ci/env.sh`), whose functions and commands become the
 * step's shell's, and those it runs (`./scripts/release.sh`, `bash scripts/publish.sh`),
 * each a shell of its own; and what those source or run in turn, {@link MAX_DEPTH} deep,
 * {@link MAX_READS} files at most per step.
 */

/** A shell's text from local scripts: the functions they define, and their own commands. */
export interface ScriptShell {
  functions: ReadonlyMap<string, string>;
  commands: readonly string[];
}

export interface StepScripts {
  /** What the scripts the step sources leave in the step's own shell. */
  sourced: ScriptShell;
  /** Each script the step runs (or one of them runs), with what it sources. */
  run: readonly ScriptShell[];
}

const MAX_DEPTH = 2;
const MAX_READS = 8;

const cache = new WeakMap<Step, StepScripts>();

interface Pending {
  path: string;
  cwd: string | undefined;
  depth: number;
  /** The shell the script's text runs in; undefined: a shell of its own (a script run, not sourced). */
  into: { functions: Map<string, string>; commands: string[] } | undefined;
  program: boolean;
  /** The arguments the command gives the script: its `$1`, `$@` (shell-functions.ts bodyWithArguments). */
  args: readonly string[] | undefined;
}

export function stepScripts(wf: Workflow, step: Step): StepScripts {
  const known = cache.get(step);
  if (known) return known;
  const sourced = { functions: new Map<string, string>(), commands: [] as string[] };
  const run: ScriptShell[] = [];
  const result: StepScripts = { sourced, run };
  cache.set(step, result);
  const callers = wf.callers;
  if (!callers?.repositoryFile || typeof step.run?.value !== 'string') return result;
  const queue: Pending[] = stepScriptRuns(wf, step)
    .filter((site) => site.how !== 'make' && !site.rootUnknown)
    .map((site) => ({ path: site.path, cwd: site.cwd, depth: 1, into: site.how === 'source' ? sourced : undefined, program: site.how === 'program', args: site.args }));
  // A file read once per shell it is read into (a script run twice is one shell's text).
  const seen = new Map<object | undefined, Set<string>>();
  let reads = 0;
  while (queue.length > 0 && reads < MAX_READS) {
    const next = queue.shift()!;
    const done = seen.get(next.into) ?? new Set<string>();
    seen.set(next.into, done);
    if (done.has(next.path)) continue;
    done.add(next.path);
    reads++;
    const text = callers.repositoryFile(wf, next.path);
    // Run as a program, a file is shell when its `#!` line says so (a Python release script is not read).
    if (text === undefined || (next.program && !isShellProgram(next.path, text))) continue;
    const read = shellFunctions(withoutNotes(text));
    const into = next.into ?? { functions: new Map<string, string>(), commands: [] };
    if (!next.into) run.push(into);
    for (const [name, body] of read.functions) into.functions.set(name, body);
    // Its own commands read the arguments it is given (`./release.sh --dry-run` into `npm publish "$@"`); its functions read their calls'.
    const commands = next.args ? bodyWithArguments(read.rest, next.args) : read.rest;
    into.commands.push(commands);
    if (next.depth >= MAX_DEPTH) continue;
    const slash = next.path.lastIndexOf('/');
    for (const call of localScriptCalls(commands, { dir: next.cwd }, { scriptDir: slash < 0 ? '' : next.path.slice(0, slash) }))
      if (call.how !== 'make') queue.push({ path: call.path, cwd: call.cwd, depth: next.depth + 1, into: call.how === 'source' ? into : undefined, program: call.how === 'program', args: call.args });
  }
  return result;
}

/**
 * Commands that only print, and the functions release scripts name for printing (`info`,
 * `print_warning`, `log_info`): their hints (`echo "then run: npm publish"`) run nothing.
 */
const PRINTS = /^(?:echo|printf|say|die|fail|abort)$|^(?:print|log|info|warn|warning|note|msg|error|err|status)(?:_\w+)?$|_(?:log|info|warn|warning|note|msg|error|status|print)$/i;

/**
 * A script with its comment lines (the shebang too) and the lines that only print blanked
 * (`# then: npm publish`, `echo "  2. docker push $IMAGE"`), a command continued over lines
 * judged whole (`printf '%s\n' \` then `"npm publish"`); lines keep their places.
 */
function withoutNotes(text: string): string {
  const lines = text.split('\n');
  const continues = (line: string) => joinContinuations(`${line}\n`) !== `${line}\n`;
  for (let first = 0; first < lines.length; ) {
    let last = first;
    while (last < lines.length - 1 && continues(lines[last]!)) last++;
    if (isNote(joinContinuations(lines.slice(first, last + 1).join('\n')))) lines.fill('', first, last + 1);
    first = last + 1;
  }
  return lines.join('\n');
}

/** A line that is a comment, or whose commands only print. */
function isNote(line: string): boolean {
  if (/^[ \t]*#/.test(line)) return true;
  if (!/["']|\b(?:echo|printf)\b/.test(line)) return false;
  const commands = commandsOf(line);
  return commands.length > 0 && commands.every((c) => PRINTS.test(effectiveWords(c)[0]?.text ?? ''));
}
