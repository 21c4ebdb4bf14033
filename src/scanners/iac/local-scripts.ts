import { resolveWithinRoot } from '../../workspace/relative-path.js';
import { basename, effectiveWords, parseShell } from './shell.js';

/**
 * The shell scripts of the repository that a CI job's own script runs: a path written
 * literally as the command (`./ci/build.sh`, `ci/build.sh arg`) or as the script of a
 * shell (`bash .gitlab-ci/release.sh`, `sh -e scripts/deploy.sh`, `source ci/env.sh`,
 * `. ci/env.sh`), resolved against the folder the command runs in. Nothing is run: the
 * scan reads these files (ci-scripts.ts) and judges them with the rules that judge the
 * job's own shell text.
 */

/** How a script is run: as a program (its `#!` line says by what), by a shell, or sourced into the job's shell. */
export type ScriptHow = 'program' | 'shell' | 'source';

export interface ScriptCall {
  /** The script's path from the repository root. */
  path: string;
  /** The folder the command ran in, from the repository root: a script it calls runs there too; undefined when not known. */
  cwd: string | undefined;
  how: ScriptHow;
  /** Offset of the command in the shell text. */
  offset: number;
}

/**
 * The folder a job's shell is in, from the repository root, as `cd` moves it; undefined
 * once it cannot be known (`cd "$DIR"`, `cd ..` above the root, `pushd`, `cd -`).
 */
export interface ShellDir {
  dir: string | undefined;
}

/** Shells whose first operand is a script file. */
const SCRIPT_SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'ash', 'mksh']);
/** Shell options that take a value (`bash -o pipefail x.sh`, `bash -O extglob x.sh`), alone or last of a group (`-euo pipefail`). */
const VALUE_OPTIONS = /^[-+][a-zA-Z]*[oO]$/;

/**
 * Variables that hold the repository root, written before a path (`$CI_PROJECT_DIR/ci/build.sh`,
 * `$GITHUB_WORKSPACE/scripts/x.sh`): what follows them is from the root, whatever `cd` did.
 */
const ROOT_PREFIX = /^\$\{?(?:CI_PROJECT_DIR|GITHUB_WORKSPACE)\}?(?:\/|$)/;
/**
 * The folder of the composite action being run (`$GITHUB_ACTION_PATH/build.sh`, written
 * `${{ github.action_path }}` in the action): what follows is from that folder.
 */
const ACTION_PREFIX = /^\$\{?GITHUB_ACTION_PATH\}?(?:\/|$)/;
/** What a literal path may not hold: expansions, globs, a home directory, a NUL, braces. */
const NOT_LITERAL = /[$`*?[\]{}~\\\0]|^-/;

/**
 * The folders a shell text's paths may start from, besides the folder it runs in: the
 * repository root ('', unless `rootUnknown` says it is not known, as for a composite
 * action outside `.github/`, which runs in its callers' workspace), the folder of the
 * script being read (`scriptDir`, for `$(dirname "$0")/x.sh`) and the folder of the
 * composite action whose step runs the text (`actionDir`, for `$GITHUB_ACTION_PATH/x.sh`).
 */
export interface ScriptBases {
  rootUnknown?: boolean;
  scriptDir?: string;
  actionDir?: string;
}

/** A path as written, from the repository root: undefined when it is not literal, is absolute, or leaves the root. */
function literalPath(word: string, dir: string | undefined, bases: ScriptBases): string | undefined {
  for (const [prefix, base] of [[ROOT_PREFIX, workspaceOf(bases)], [ACTION_PREFIX, bases.actionDir]] as const) {
    const found = prefix.exec(word);
    if (found) return base === undefined ? undefined : afterPrefix(word.slice(found[0].length), base);
  }
  // `"$(dirname "$0")/common.sh"` in a script: beside the script itself.
  const beside = /^\$\((?:dirname|cd)\s+"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"?\s*\)\/|^\$\{BASH_SOURCE(?:\[0\])?%\/\*\}\//.exec(word);
  if (beside) return bases.scriptDir === undefined ? undefined : afterPrefix(word.slice(beside[0].length), bases.scriptDir);
  if (dir === undefined || word.startsWith('/')) return undefined;
  return afterPrefix(word, dir);
}

function workspaceOf(bases: ScriptBases): string | undefined {
  return bases.rootUnknown ? undefined : '';
}

function afterPrefix(rest: string, base: string): string | undefined {
  if (rest === '' || NOT_LITERAL.test(rest) || rest.endsWith('/')) return undefined;
  const resolved = resolveWithinRoot(base, rest);
  return resolved === undefined || resolved === '' ? undefined : resolved;
}

/** The folder a literal `cd` argument leads to, or undefined when it is not known. */
function cdTarget(args: readonly string[], dir: string | undefined, bases: ScriptBases): string | undefined {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length !== 1) return undefined; // `cd` alone goes home; `cd -P x` is rare enough to leave unknown
  const target = operands[0]!;
  for (const [prefix, base] of [[ROOT_PREFIX, workspaceOf(bases)], [ACTION_PREFIX, bases.actionDir]] as const) {
    const rooted = prefix.exec(target);
    if (!rooted) continue;
    const rest = target.slice(rooted[0].length).replace(/\/+$/, '');
    return base === undefined ? undefined : rest === '' ? base : NOT_LITERAL.test(rest) ? undefined : resolveWithinRoot(base, rest);
  }
  if (dir === undefined || target === '-' || target.startsWith('/') || NOT_LITERAL.test(target)) return undefined;
  return resolveWithinRoot(dir, target);
}

/**
 * The local scripts a shell text runs, in order, with the folder each runs from; `state`
 * carries the folder from one part of a job's script to the next (GitLab runs
 * before_script and script in one shell). `bases` are the other folders its paths may
 * start from.
 */
export function localScriptCalls(script: string, state: ShellDir, bases: ScriptBases = {}): ScriptCall[] {
  const out: ScriptCall[] = [];
  // The subshells the last command ran in, each with the folder at its start: a `cd` inside one ends with it.
  let frames: Array<{ id: number; dir: string | undefined }> = [];
  for (const command of parseShell(script).flat()) {
    const open = command.subshells ?? [];
    let kept = 0;
    while (kept < frames.length && frames[kept]!.id === open[kept]) kept++;
    if (kept < frames.length) state.dir = frames[kept]!.dir;
    frames = frames.slice(0, kept).concat(open.slice(kept).map((id) => ({ id, dir: state.dir })));
    const words = effectiveWords(command).map((w) => w.text);
    const program = words[0];
    if (program === undefined) continue;
    if (program === 'cd') {
      state.dir = cdTarget(words.slice(1), state.dir, bases);
      continue;
    }
    if (program === 'pushd' || program === 'popd') {
      state.dir = undefined;
      continue;
    }
    const found = scriptWord(words);
    if (!found) continue;
    if (found.inline !== undefined) {
      // `sh -c "./ci/build.sh"`: the text is read as a script of its own, from the same folder.
      for (const inner of localScriptCalls(found.inline, { dir: state.dir }, bases)) out.push({ ...inner, offset: command.offset });
      continue;
    }
    const path = literalPath(found.word, state.dir, bases);
    if (path !== undefined) out.push({ path, cwd: state.dir, how: found.how, offset: command.offset });
  }
  if (frames.length > 0) state.dir = frames[0]!.dir; // the text ends inside a subshell (`(cd x && ./y.sh)`): its `cd` ends there
  return out;
}

/** The word naming a script in a command, and how it is run; or the text of `sh -c TEXT`. */
function scriptWord(words: readonly string[]): { word: string; how: ScriptHow; inline?: undefined } | { inline: string; word?: undefined; how?: undefined } | undefined {
  const program = words[0]!;
  if (program === 'source' || program === '.') return words[1] === undefined ? undefined : { word: words[1], how: 'source' };
  if (SCRIPT_SHELLS.has(basename(program))) {
    for (let k = 1; k < words.length; k++) {
      const word = words[k]!;
      if (word === '--') return words[k + 1] === undefined ? undefined : { word: words[k + 1]!, how: 'shell' };
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(word)) return words[k + 1] === undefined ? undefined : { inline: words[k + 1]! };
      // The program from stdin (`-s`, `-`), or only a syntax check (`-n`).
      if (word === '-' || /^-[a-zA-Z]*[sn]/.test(word)) return undefined;
      if (word.startsWith('-') || word.startsWith('+')) {
        if (VALUE_OPTIONS.test(word)) k++; // `-o pipefail`, `-euo pipefail`
        continue;
      }
      return { word, how: 'shell' };
    }
    return undefined;
  }
  // A command word with a slash is a file, never looked up in PATH.
  return program.includes('/') ? { word: program, how: 'program' } : undefined;
}
