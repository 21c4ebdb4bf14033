import { resolveWithinRoot } from '../../workspace/relative-path.js';
import { parseScript, type ScriptDialect } from './script-dialect.js';
import { basename, effectiveWords } from './shell.js';

/**
 * The shell scripts of the repository that a CI job's own script runs: a path written
 * literally as the command (`./ci/build.sh`, `ci/build.sh arg`) or as the script of a
 * shell (`bash .gitlab-ci/release.sh`, `sh -e scripts/deploy.sh`, `source ci/env.sh`,
 * `. ci/env.sh`), resolved against the folder the command runs in. Nothing is run: the
 * scan reads these files (ci-scripts.ts) and judges them with the rules that judge the
 * job's own shell text.
 */

/** How a script is run: as a program (its `#!` line says by what), by a shell, sourced into the job's shell, or a Makefile's targets by make. */
export type ScriptHow = 'program' | 'shell' | 'source' | 'make';

/** What `make` is asked to run: its targets (none: the Makefile's default goal), from the Makefile `path` names or the one make finds in that folder. */
export interface MakeGoals {
  targets: string[];
  /** `path` is the Makefile itself (`-f`), not `Makefile` in the folder make runs in (which may be GNUmakefile, makefile or Makefile). */
  file: boolean;
  /** The folder make runs in (`-C`), from the repository root: where recipes run and includes are read. */
  dir: string;
  /** The variables the command line sets (`make X=1`), by name, sorted; undefined: to a value not known. */
  variables?: Array<[string, string | undefined]>;
}

export interface ScriptCall {
  /** The script's path from the repository root. */
  path: string;
  /** The folder the command ran in, from the repository root: a script it calls runs there too; undefined when not known. */
  cwd: string | undefined;
  how: ScriptHow;
  /** Offset of the command in the shell text. */
  offset: number;
  /** For `make`: what it runs. */
  make?: MakeGoals;
  /** The words after the script's, as the shell expands them: its positional parameters; absent when there are none. */
  args?: string[];
}

/**
 * The folder a job's shell is in, from the repository root, as `cd` moves it; undefined
 * once it cannot be known (`cd "$DIR"`, `cd ..` above the root, `pushd`, `cd -`).
 */
export interface ShellDir {
  dir: string | undefined;
  /**
   * The shell variables the text set so far that name a path (`DIR=ci`, `HERE="$(dirname "$0")"`),
   * as they would be written in its place; undefined for one set to what is not known.
   */
  vars?: Map<string, string | undefined>;
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
  /** The environment the CI file gives the job (GitLab `variables:`, GitHub `env:`), the literal values only. */
  env?: ReadonlyMap<string, string>;
  /** The folder make runs a recipe in (`$(CURDIR)`), for the lines of a Makefile. */
  makeDir?: string;
}

/** Variables the runner sets whose value is a folder: they are read as prefixes, never replaced by a value the file sets. */
const RUNNER_FOLDERS = new Set(['CI_PROJECT_DIR', 'GITHUB_WORKSPACE', 'GITHUB_ACTION_PATH', 'PWD']);

/** The script's own path (`$0`, `${BASH_SOURCE[0]}`), quoted or not. */
const SELF = String.raw`"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE(?:\[0\])?)"?`;
/** `$(dirname "$0")`, `$(dirname -- "${BASH_SOURCE[0]}")`, `$(dirname "$(realpath "$0")")`, `$(realpath "$(dirname "$0")")`. */
const DIRNAME = String.raw`\$\(\s*dirname\s+(?:--\s+)?(?:${SELF}|"?\$\(\s*(?:realpath|readlink\s+-[fe])\s+(?:--\s+)?${SELF}\s*\)"?)\s*\)`;
const REAL_DIRNAME = String.raw`\$\(\s*(?:realpath|readlink\s+-[fe])\s+(?:--\s+)?"?${DIRNAME}"?\s*\)`;
/** `$(cd "$(dirname "$0")/.." && pwd)`, with `--`, `-P`, redirections to /dev/null and `pwd -P`; the folder below or above it in `sub`. */
const CD_PWD = String.raw`\$\(\s*cd\s+(?:-P\s+)?(?:--\s+)?"?(?:${DIRNAME}|${REAL_DIRNAME})(?<sub>/[\w.\-/]*)?"?(?:\s*(?:[0-9]*>>?|&>)\s*/dev/null|\s*2>&1)*\s*(?:&&|;)\s*pwd(?:\s+-P)?\s*\)`;
/** The folder of the script being read, in any of the idioms above or `${0%/*}`, `${BASH_SOURCE%/*}`, at the start of a word. */
const SCRIPT_DIR_IDIOM = new RegExp(String.raw`^(?:${DIRNAME}|${REAL_DIRNAME}|${CD_PWD}|\$\{(?:0|BASH_SOURCE(?:\[0\])?)%/\*\})(?=/|$)`);
/** How the script's folder is written once an idiom is read. */
const SCRIPT_DIR = '$(dirname "$0")';

/**
 * The folder a word starts from, when it starts with one the reader knows (the repository
 * root, the composite action's folder, the script's own, the shell's current one, make's
 * CURDIR), and the rest of the word; `base` is undefined when that folder is not known.
 */
function anchored(word: string, dir: string | undefined, bases: ScriptBases): { base: string | undefined; rest: string } | undefined {
  const self = SCRIPT_DIR_IDIOM.exec(word);
  if (self) return { base: bases.scriptDir, rest: (self.groups?.sub ?? '') + word.slice(self[0].length) };
  const prefixes: ReadonlyArray<readonly [RegExp, string | undefined]> = [
    [ROOT_PREFIX, workspaceOf(bases)],
    [ACTION_PREFIX, bases.actionDir],
    [/^\$\{?PWD\}?(?=\/|$)/, dir],
    [/^\$[({]CURDIR[)}](?=\/|$)/, bases.makeDir],
  ];
  for (const [prefix, base] of prefixes) {
    const found = prefix.exec(word);
    if (found) return { base, rest: word.slice(found[0].length) };
  }
  return undefined;
}

/** A path as written, from the repository root: undefined when it is not literal, is absolute, or leaves the root. */
function literalPath(word: string, dir: string | undefined, bases: ScriptBases): string | undefined {
  const from = anchored(word, dir, bases);
  if (from) return from.base === undefined ? undefined : afterPrefix(from.rest.replace(/^\/+/, ''), from.base);
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

/**
 * A word with the variables it names replaced by what the text or the CI file set them to
 * (`./$SCRIPTS/build.sh` with `SCRIPTS: ci`), a few levels deep; a variable not known stays.
 */
function expandWord(word: string, vars: ReadonlyMap<string, string | undefined> | undefined, env: ReadonlyMap<string, string> | undefined): string {
  if ((!vars || vars.size === 0) && (!env || env.size === 0)) return word;
  let text = word;
  for (let round = 0; round < 4 && text.includes('$'); round++) {
    let changed = false;
    text = text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (match, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      if (RUNNER_FOLDERS.has(name)) return match;
      const value = vars?.has(name) ? vars.get(name) : env?.get(name);
      if (value === undefined) return match;
      changed = true;
      return value;
    });
    if (!changed) break;
  }
  return text;
}

/**
 * The value an assignment gives a variable, as the reader keeps it: a literal path, or one
 * from a folder it knows (written as its prefix, a script-folder idiom as `$(dirname "$0")`);
 * undefined for anything else.
 */
export function knownPathValue(value: string): string | undefined {
  const self = SCRIPT_DIR_IDIOM.exec(value);
  const rest = self ? (self.groups?.sub ?? '') + value.slice(self[0].length) : value.replace(ROOT_PREFIX, '/').replace(ACTION_PREFIX, '/');
  const text = self ? SCRIPT_DIR + rest : value;
  if (text === '' || /[`*?[\]{}~\\\0\s;|&<>()'"]/.test(rest) || rest.includes('$')) return undefined;
  return text;
}

/**
 * The variables a CI file gives a job (outer scopes first, a later one of the same name
 * winning), as the scripts see them: those whose value is a path the reader knows
 * (`SCRIPTS: ci`, `TOOLS: $CI_PROJECT_DIR/tools`, one naming an earlier one); a later
 * value it cannot read hides an earlier one. `undefined` is a value not known.
 */
export function pathEnvironment(entries: Iterable<readonly [string, string | undefined]>): Map<string, string> {
  const env = new Map<string, string>();
  for (const [name, value] of entries) {
    if (RUNNER_FOLDERS.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const known = value === undefined ? undefined : knownPathValue(expandWord(value, undefined, env));
    if (known === undefined) env.delete(name);
    else env.set(name, known);
  }
  return env;
}

/** The folder a literal `cd` argument leads to, or undefined when it is not known. */
function cdTarget(args: readonly string[], dir: string | undefined, bases: ScriptBases): string | undefined {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length !== 1) return undefined; // `cd` alone goes home; `cd -P x` is rare enough to leave unknown
  const target = operands[0]!;
  const from = anchored(target, dir, bases);
  if (from) {
    const rest = from.rest.replace(/^\/+|\/+$/g, '');
    return from.base === undefined ? undefined : rest === '' ? from.base : NOT_LITERAL.test(rest) ? undefined : resolveWithinRoot(from.base, rest);
  }
  if (dir === undefined || target === '-' || target.startsWith('/') || NOT_LITERAL.test(target)) return undefined;
  return resolveWithinRoot(dir, target);
}

/** Builtins that set variables from their operands (`export DIR=ci`, `local d=...`); their options are skipped. */
const DECLARING = new Set(['export', 'readonly', 'local', 'declare', 'typeset']);

/** Records what the assignments of a command set: a known path, else unknown (a variable set twice to different values is unknown from then on). */
function assign(state: ShellDir, words: readonly string[], bases: ScriptBases, assigned: Map<string, string | undefined>): void {
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, at))) continue;
    const name = word.slice(0, at);
    if (RUNNER_FOLDERS.has(name)) continue;
    const value = knownPathValue(expandWord(word.slice(at + 1), state.vars, bases.env));
    // Set in two places to two values (`if ...; then D=a; else D=b; fi`): which one holds is not known.
    const kept = assigned.has(name) && assigned.get(name) !== value ? undefined : value;
    assigned.set(name, kept);
    (state.vars ??= new Map()).set(name, kept);
  }
}

/**
 * The local scripts a shell text runs, in order, with the folder each runs from; `state`
 * carries the folder from one part of a job's script to the next (GitLab runs
 * before_script and script in one shell). `bases` are the other folders its paths may
 * start from.
 */
export function localScriptCalls(script: string, state: ShellDir, bases: ScriptBases = {}, dialect: ScriptDialect = 'posix'): ScriptCall[] {
  const out: ScriptCall[] = [];
  // The subshells the last command ran in, each with the folder and variables at its start: what a subshell changes ends with it.
  let frames: Array<{ id: number; dir: string | undefined; vars: Map<string, string | undefined> | undefined }> = [];
  const assigned = new Map<string, string | undefined>();
  for (const command of parseScript(script, dialect).flat()) {
    const open = command.subshells ?? [];
    let kept = 0;
    while (kept < frames.length && frames[kept]!.id === open[kept]) kept++;
    if (kept < frames.length) {
      state.dir = frames[kept]!.dir;
      state.vars = frames[kept]!.vars;
    }
    frames = frames.slice(0, kept).concat(open.slice(kept).map((id) => ({ id, dir: state.dir, vars: state.vars && new Map(state.vars) })));
    const words = effectiveWords(command).map((w) => expandWord(w.text, state.vars, bases.env));
    const program = words[0];
    if (program === undefined) {
      // `DIR=ci` alone sets a shell variable; before a command (`X=1 ./a.sh`) it is only that command's.
      assign(state, command.assignments.map((w) => w.text), bases, assigned);
      continue;
    }
    if (DECLARING.has(program)) {
      assign(state, effectiveWords(command).slice(1).map((w) => w.text), bases, assigned);
      continue;
    }
    if (program === 'cd' || (dialect === 'powershell' && /^(?:Set-Location|sl|chdir)$/i.test(program))) {
      state.dir = cdTarget(words.slice(1), state.dir, bases);
      continue;
    }
    if (program === 'pushd' || program === 'popd') {
      state.dir = undefined;
      continue;
    }
    // PowerShell runs a POSIX script only through bash (`C:\msys64\usr\bin\bash ci/test.sh`, `bash -lc "..."`):
    // a file it runs itself, dot-sources or hands to make is no shell script of the job's.
    if (dialect === 'powershell' && !SCRIPT_SHELLS.has(basename(program).replace(/\.exe$/i, '').toLowerCase())) continue;
    const make = makeCall(words, state.dir, bases);
    if (make !== undefined) {
      if (make) out.push({ path: make.path, cwd: state.dir, how: 'make', offset: command.offset, make: make.goals });
      continue;
    }
    const found = scriptWord(dialect === 'powershell' ? [basename(program).replace(/\.exe$/i, '').toLowerCase(), ...words.slice(1)] : words);
    if (!found) continue;
    if (found.inline !== undefined) {
      // `sh -c "./ci/build.sh"`: the text is read as a script of its own, from the same folder.
      for (const inner of localScriptCalls(found.inline, { dir: state.dir }, bases)) out.push({ ...inner, offset: command.offset });
      continue;
    }
    const path = literalPath(found.word, state.dir, bases);
    const args = words.slice(found.at + 1);
    if (path !== undefined) out.push({ path, cwd: state.dir, how: found.how, offset: command.offset, ...(args.length > 0 ? { args } : {}) });
  }
  if (frames.length > 0) {
    // The text ends inside a subshell (`(cd x && ./y.sh)`): what it changed ends there.
    state.dir = frames[0]!.dir;
    state.vars = frames[0]!.vars;
  }
  return out;
}

/** make's options that take a value in the next word when written alone. */
const MAKE_VALUE_OPTIONS = new Set(['-C', '-f', '-I', '-o', '-W', '-E', '--directory', '--file', '--makefile', '--include-dir', '--old-file', '--assume-old', '--new-file', '--assume-new', '--what-if', '--eval']);

/**
 * A `make` command (`make`, `gmake`, `$(MAKE)` in a recipe): the Makefile it reads and the
 * targets it runs; null when it runs none the reader can know (`make -n`, `make --version`,
 * a folder or file not known, only targets written with variables); undefined for another command.
 */
function makeCall(words: readonly string[], dir: string | undefined, bases: ScriptBases): { path: string; goals: MakeGoals } | null | undefined {
  const program = words[0]!;
  if (program !== 'make' && program !== 'gmake' && !/^\$[({]MAKE[)}]$/.test(program)) return undefined;
  let folder = dir;
  let file: string | undefined;
  const targets: string[] = [];
  const variables = new Map<string, string | undefined>();
  let named = false;
  const cd = (value: string) => {
    folder = cdTarget([value], folder, bases);
  };
  for (let k = 1; k < words.length; k++) {
    const word = words[k]!;
    if (word === '--') {
      for (const rest of words.slice(k + 1)) (named = true), !/[$%*?`]/.test(rest) && targets.push(rest);
      break;
    }
    const long = /^(--[a-z-]+)=(.*)$/.exec(word);
    const option = long ? long[1]! : word;
    let value: string | undefined = long ? long[2] : undefined;
    if (/^-[CfIoWE]./.test(word)) value = word.slice(2);
    const name = /^-[CfIoWE]./.test(word) ? word.slice(0, 2) : option;
    if (value === undefined && MAKE_VALUE_OPTIONS.has(name)) value = words[++k];
    if (name === '-C' || name === '--directory') {
      if (value === undefined) return null;
      cd(value);
      continue;
    }
    if (name === '-f' || name === '--file' || name === '--makefile') {
      if (value === undefined || folder === undefined) return null;
      file = literalPath(value, folder, bases);
      if (file === undefined) return null;
      continue;
    }
    if (MAKE_VALUE_OPTIONS.has(name)) continue;
    if (/^-(?:j|l)$/.test(word) && /^\d+(?:\.\d+)?$/.test(words[k + 1] ?? '')) {
      k++;
      continue;
    }
    // Only print, check or touch: nothing runs; help and version: no target.
    if ((/^-[a-zA-Z]+$/.test(word) && !/^-[Ojl]/.test(word) && /[nqt]/.test(word)) || /^--(?:dry-run|just-print|recon|question|touch|help|version)$/.test(word) || word === '-v') return null;
    if (word.startsWith('-')) continue;
    const variable = /^([A-Za-z_][A-Za-z0-9_.-]*)(::?=|[+?!]?=)(.*)$/s.exec(word);
    if (variable) {
      // `make VAR=value`: make's files do not change it; a value the shell makes is not known.
      const value = (variable[2] === '=' || variable[2] === ':=' || variable[2] === '::=') && !/[$`]/.test(variable[3]!) ? variable[3] : undefined;
      variables.set(variable[1]!, value);
      continue;
    }
    named = true;
    if (!/[$%*?`]/.test(word)) targets.push(word);
  }
  if (named && targets.length === 0) return null;
  if (folder === undefined) return null;
  const path = file ?? (folder === '' ? 'Makefile' : `${folder}/Makefile`);
  return { path, goals: { targets, file: file !== undefined, dir: folder, ...(variables.size > 0 ? { variables: [...variables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) } : {}) } };
}

/** The word naming a script in a command, and how it is run; or the text of `sh -c TEXT`. */
function scriptWord(words: readonly string[]): { word: string; how: ScriptHow; at: number; inline?: undefined } | { inline: string; word?: undefined; how?: undefined } | undefined {
  const program = words[0]!;
  if (program === 'source' || program === '.') return words[1] === undefined ? undefined : { word: words[1], how: 'source', at: 1 };
  if (SCRIPT_SHELLS.has(basename(program))) {
    for (let k = 1; k < words.length; k++) {
      const word = words[k]!;
      if (word === '--') return words[k + 1] === undefined ? undefined : { word: words[k + 1]!, how: 'shell', at: k + 1 };
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(word)) return words[k + 1] === undefined ? undefined : { inline: words[k + 1]! };
      // The program from stdin (`-s`, `-`), or only a syntax check (`-n`).
      if (word === '-' || /^-[a-zA-Z]*[sn]/.test(word)) return undefined;
      if (word.startsWith('-') || word.startsWith('+')) {
        if (VALUE_OPTIONS.test(word)) k++; // `-o pipefail`, `-euo pipefail`
        continue;
      }
      return { word, how: 'shell', at: k };
    }
    return undefined;
  }
  // A command word with a slash is a file, never looked up in PATH.
  return program.includes('/') ? { word: program, how: 'program', at: 0 } : undefined;
}

/** Interpreters of a `#!` line that read POSIX shell. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'busybox']);

/** A file run as a program that the job's shell would run as shell: a `#!` line naming a POSIX shell, or none and no other language's extension. */
export function isShellProgram(file: string, text: string): boolean {
  const shebang = /^#!\s*(\S+)(?:[ \t]+(?:-S[ \t]+)?(\S+))?/.exec(text);
  if (shebang) {
    const program = basename(shebang[1]!) === 'env' ? basename(shebang[2] ?? '') : basename(shebang[1]!);
    return POSIX_SHELLS.has(program);
  }
  const name = basename(file);
  return /\.(?:sh|bash|zsh|ksh)$/i.test(name) || !/\.[A-Za-z0-9]+$/.test(name);
}
