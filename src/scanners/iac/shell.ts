/**
 * Just enough POSIX shell reading for configuration checks: a script is split into
 * pipelines and simple commands of unquoted words, each word with its offset in the
 * script so that a finding can name its line. Command substitutions are kept inside
 * their word; nothing is expanded or run.
 */
export interface ShellWord {
  /** The word with quotes removed. */
  readonly text: string;
  /** Offset of the word's first character in the script. */
  readonly offset: number;
}

/** A here-document a command opens (`cat <<EOF`, `bash <<-'END'`). */
export interface HereDocument {
  readonly delimiter: string;
  /** The delimiter is quoted (`<<'EOF'`, `<<"EOF"`, `<<\\EOF`): the body is taken as written, with nothing expanded. */
  readonly quoted: boolean;
  /** Offsets of the body in the script: from the line after the operator's up to the delimiter line (the end of the script when it has none). */
  readonly start: number;
  readonly end: number;
}

export interface ShellCommand {
  /** Words without leading VAR=value assignments and redirections. */
  readonly words: readonly ShellWord[];
  /** Leading `NAME=value` assignments. */
  readonly assignments: readonly ShellWord[];
  readonly offset: number;
  /** The subshells `( ... )` the command runs in, outermost first, each by a number of its own; absent outside any. */
  readonly subshells?: readonly number[];
  /** The here-documents the command opens, when it opens any. */
  readonly heredocs?: readonly HereDocument[];
  /** Its redirections to files (`>> "$GITHUB_PATH"`, `2>/dev/null`), when it has any: the operator, the stream written before it (`2`, PowerShell's `*`; absent for standard output's default) and the target word. */
  readonly redirects?: ReadonlyArray<{ readonly op: string; readonly fd?: string; readonly target: ShellWord }>;
  /** PowerShell: the command's output is assigned to a variable (`$out = git log -1`), not written out. */
  readonly captured?: boolean;
}

/** Commands joined by `|`; a pipeline ends at `;`, `&&`, `||`, `&` or a newline. */
export type ShellPipeline = readonly ShellCommand[];

const MAX_SCRIPT = 200_000;

/** Programs that run a here-document fed to them as a shell script, or the script of their -c. */
const POSIX_SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);

/**
 * Reserved words that open, continue or close a compound command: where a command name
 * is expected they are not a program, and the next word is (`if x; then curl ... | sh; fi`).
 */
const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', 'esac', 'in', '{', '}', '!']);

/**
 * Inside `case WORD in ... esac`: the subject word, the `in`, the patterns of an item
 * (`a|b)`: `|` separates alternatives, `)` ends them) and the commands of an item (up to `;;`).
 */
type CaseMode = 'subject' | 'in' | 'pattern' | 'body';

/** Scripts whose parse parseShell keeps (the most recently used), and the characters they may hold together. */
const KEPT_SCRIPTS = 256;
const MAX_KEPT_CHARS = 4 * 1024 * 1024;
const kept = new Map<string, readonly ShellPipeline[]>();
let keptChars = 0;
let parses = 0;

/**
 * The pipelines of a script. The rules of a file each read its scripts (a CI job's script is
 * read by a dozen checks, and again for each caller of a local script), so the parse of
 * the most recent scripts is kept and shared: it is read-only to its readers.
 */
export function parseShell(script: string): readonly ShellPipeline[] {
  const known = kept.get(script);
  if (known !== undefined) {
    // Most recently used last.
    kept.delete(script);
    kept.set(script, known);
    return known;
  }
  parses++;
  const parsed = readShell(script);
  if (script.length <= MAX_KEPT_CHARS) {
    kept.set(script, parsed);
    keptChars += script.length;
    for (const [oldest] of kept) {
      if (kept.size <= KEPT_SCRIPTS && keptChars <= MAX_KEPT_CHARS) break;
      kept.delete(oldest);
      keptChars -= oldest.length;
    }
  }
  return parsed;
}

/** Scripts parsed so far (not taken from those kept): what a test counts. */
export function shellParses(): number {
  return parses;
}

function readShell(script: string): ShellPipeline[] {
  const source = script.length > MAX_SCRIPT ? script.slice(0, MAX_SCRIPT) : script;
  const pipelines: ShellPipeline[] = [];
  let pipeline: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let word = '';
  let wordStart = -1;
  let i = 0;
  // Open `case` commands, innermost last.
  const cases: CaseMode[] = [];
  // After `for`/`select` (the loop header up to `;` or a newline) and `function` (the name): words that are no command.
  let skipRest = false;
  let skipName = false;
  const caseMode = () => cases[cases.length - 1];
  // Open subshells, innermost last, each numbered.
  const subshells: number[] = [];
  let subshellCount = 0;

  // Here-documents opened on the current line (`cat <<EOF`, `<<-'END'`): their bodies follow the line and are text, not commands.
  // A body fed to a shell (`bash <<EOF`, `sudo sh -s <<EOF`) is a script: it is read as commands, not skipped.
  const heredocs: Array<{ delimiter: string; stripTabs: boolean; script: boolean; doc: { -readonly [K in keyof HereDocument]: HereDocument[K] } }> = [];
  let heredocOperator: { stripTabs: boolean; script: boolean } | undefined;
  // The here-documents of the command being read, given to it when it ends.
  let commandDocs: HereDocument[] = [];
  const feedsShell = () => words.some((w) => POSIX_SHELLS.has(basename(w.text)));
  const openHeredoc = (delimiter: string, raw: string, operator: { stripTabs: boolean; script: boolean }) => {
    const doc = { delimiter, quoted: /['"\\]/.test(raw), start: source.length, end: source.length };
    heredocs.push({ delimiter, ...operator, doc });
    commandDocs.push(doc);
  };
  const endWord = () => {
    if (wordStart >= 0) {
      const opened = /^<<(-?)(.*)$/.exec(word);
      const raw = source.slice(wordStart, i);
      if (heredocOperator && word !== '') {
        openHeredoc(word, raw, heredocOperator);
        heredocOperator = undefined;
      } else if (opened && !word.startsWith('<<<')) {
        if (opened[2] === '') heredocOperator = { stripTabs: opened[1] === '-', script: feedsShell() };
        else openHeredoc(opened[2]!, raw.replace(/^<<-?/, ''), { stripTabs: opened[1] === '-', script: feedsShell() });
      }
      takeWord({ text: word, offset: wordStart });
    }
    word = '';
    wordStart = -1;
  };
  /** Moves past the bodies of the here-documents opened on the line that ends at `i` (a newline). */
  const skipHeredocBodies = () => {
    // Bodies follow one another, each after the delimiter line of the one before.
    let from = i + 1;
    for (const { delimiter, stripTabs, script, doc } of heredocs.splice(0)) {
      let at = from;
      doc.start = from;
      while (at < source.length) {
        const end = source.indexOf('\n', at);
        const line = source.slice(at, end < 0 ? source.length : end);
        const lineStart = at;
        at = end < 0 ? source.length : end + 1;
        if ((stripTabs ? line.replace(/^\t+/, '') : line).replace(/\r$/, '') === delimiter) {
          doc.end = lineStart;
          break;
        }
      }
      from = at;
      // A shell's script body stays in place (its delimiter line reads as a harmless word).
      if (!script) i = at - 1;
    }
    heredocOperator = undefined;
  };
  const takeWord = (w: ShellWord) => {
    const mode = caseMode();
    if (mode === 'subject') cases[cases.length - 1] = 'in';
    else if (mode === 'in') cases[cases.length - 1] = 'pattern';
    else if (mode === 'pattern') {
      if (w.text === 'esac') cases.pop();
    } else if (skipName) {
      skipName = false;
    } else if (skipRest) {
      // loop header
    } else if (words.length > 0) words.push(w);
    else if (w.text === 'case') cases.push('subject');
    else if (w.text === 'for' || w.text === 'select') skipRest = true;
    else if (w.text === 'function') skipName = true;
    else if (w.text === 'esac') {
      if (mode === 'body') cases.pop();
    } else if (!RESERVED.has(w.text) && !/^[A-Za-z_][\w.:-]*\(\)$/.test(w.text)) words.push(w);
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) {
      const command = subshells.length > 0 ? { ...toCommand(words), subshells: [...subshells] } : toCommand(words);
      pipeline.push(commandDocs.length > 0 ? { ...command, heredocs: commandDocs } : command);
    }
    commandDocs = [];
    words = [];
    skipRest = false;
    skipName = false;
  };
  // After a `|` that ends a command: a line break before the next command does not end the pipeline (`env |` then `  grep X`).
  let pipeOpen = false;
  const endPipeline = () => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
    pipeOpen = false;
  };
  const append = (text: string, at: number) => {
    if (wordStart < 0) wordStart = at;
    word += text;
  };

  while (i < source.length) {
    const c = source[i]!;
    if (c === '\\') {
      if (source[i + 1] === '\n') {
        i += 2; // line continuation
        continue;
      }
      append(source[i + 1] ?? '', i);
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = source.indexOf("'", i + 1);
      const stop = end < 0 ? source.length : end;
      append(source.slice(i + 1, stop), i);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      let text = '';
      while (i < source.length && source[i] !== '"') {
        if (source[i] === '\\' && i + 1 < source.length && '"\\$`\n'.includes(source[i + 1]!)) {
          if (source[i + 1] !== '\n') text += source[i + 1];
          i += 2;
          continue;
        }
        if (source[i] === '$' && source[i + 1] === '(') {
          const end = matchParen(source, i + 1);
          text += source.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        text += source[i];
        i++;
      }
      append(text, start);
      i++;
      continue;
    }
    if (c === '$' && source[i + 1] === '{') {
      // `${PACKAGES//,/ }`, `${VAR:-a b}`: a parameter expansion is one word, whatever spaces or operators it holds.
      const end = matchBrace(source, i + 1);
      append(source.slice(i, end + 1), i);
      i = end + 1;
      continue;
    }
    if ((c === '$' || c === '<' || c === '>') && source[i + 1] === '(') {
      const end = matchParen(source, i + 1);
      append(source.slice(i, end + 1), i);
      i = end + 1;
      continue;
    }
    if (c === '`') {
      const end = source.indexOf('`', i + 1);
      const stop = end < 0 ? source.length : end;
      append(source.slice(i, stop + 1), i);
      i = stop + 1;
      continue;
    }
    if (c === '#' && wordStart < 0) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (caseMode() === 'pattern' && (c === '|' || c === ')' || c === '(' || c === '\n' || c === ';')) endWord(); // may read `esac`
    const mode = caseMode();
    if (mode === 'pattern' && (c === '|' || c === ')' || c === '(' || c === '\n' || c === ';')) {
      // `a|b)`: alternatives of a case pattern, not a pipe; `)` starts the item's commands.
      if (c === ')') cases[cases.length - 1] = 'body';
      i++;
      continue;
    }
    if (c === ';' && (source[i + 1] === ';' || source[i + 1] === '&')) {
      // `;;`, `;&`, `;;&`: the end of a case item; the next pattern follows.
      endPipeline();
      if (mode === 'body') cases[cases.length - 1] = 'pattern';
      i += source[i + 1] === ';' && source[i + 2] === '&' ? 3 : 2;
      continue;
    }
    if (c === '\n' && pipeOpen && words.length === 0 && wordStart < 0 && pipeline.length > 0) {
      if (heredocs.length > 0) skipHeredocBodies();
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      endPipeline();
      if (c === '\n' && heredocs.length > 0) skipHeredocBodies();
      i++;
      continue;
    }
    if (c === '&' && wordStart >= 0 && /[<>]$/.test(word)) {
      // `>&2`, `2>&1`, `<&3`: a redirection to a file descriptor, not a background job.
      append(c, i);
      i++;
      continue;
    }
    if (c === '&') {
      if (source[i + 1] === '&') i++;
      else if (source[i + 1] === '>') {
        // `&> file`, `&>> file`: standard output and error to a file, a word of its own as `>` starts one
        endWord();
        append('&', i);
        append('>', i + 1);
        i += 2;
        continue;
      }
      endPipeline();
      i++;
      continue;
    }
    if (c === '|') {
      if (source[i + 1] === '|') {
        endPipeline();
        i += 2;
        continue;
      }
      endCommand();
      pipeOpen = true;
      i += source[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === '(' && source[i + 1] === '(' && wordStart < 0) {
      // `(( i++ ))`, `for (( i = 0; i < n; i++ ))`: arithmetic, whose `|`, `;` and `<` are operators.
      i = matchParen(source, i) + 1;
      continue;
    }
    if (c === '(' && wordStart >= 0) {
      if (/^[A-Za-z_]\w*\+?=$/.test(word)) {
        // `list=(a b c)`: an array assignment, one word.
        const end = matchParen(source, i);
        append(source.slice(i, end + 1), i);
        i = end + 1;
        continue;
      }
      if (source[i + 1] === ')') {
        // `name()`: a function definition.
        append('()', i);
        i += 2;
        continue;
      }
    }
    if (c === '(' || c === ')') {
      // A subshell opens or closes: `(cd dir && make)` ends its last word at `)`.
      endPipeline();
      if (c === '(') subshells.push(++subshellCount);
      else subshells.pop();
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    append(c, i);
    i++;
  }
  endPipeline();
  return pipelines;
}

/** The `}` that closes the parameter expansion opened at `open` (a `{`), past nested `${...}` and quoted text; the end of the script if none does. */
function matchBrace(source: string, open: number): number {
  let depth = 0;
  for (let k = open; k < source.length; k++) {
    const ch = source[k];
    if (ch === '\\') k++;
    else if (ch === "'" || ch === '"') {
      const close = source.indexOf(ch, k + 1);
      if (close < 0) return source.length - 1;
      k = close;
    } else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return k;
    else if (ch === '\n') return k - 1;
  }
  return source.length - 1;
}

function matchParen(source: string, open: number): number {
  let depth = 0;
  for (let k = open; k < source.length; k++) {
    const ch = source[k];
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return k;
  }
  return source.length - 1;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const REDIRECT = /^(\d*)(>>?|<<?|>&|<&|&>>?)(.*)$/;

function toCommand(all: ShellWord[]): ShellCommand {
  const assignments: ShellWord[] = [];
  const words: ShellWord[] = [];
  const redirects: Array<{ op: string; fd?: string; target: ShellWord }> = [];
  let k = 0;
  while (k < all.length && ASSIGNMENT.test(all[k]!.text)) assignments.push(all[k++]!);
  for (; k < all.length; k++) {
    const w = all[k]!;
    const redirect = REDIRECT.exec(w.text);
    // `<(cmd)` and `>(cmd)` are process substitutions (arguments), not redirections.
    if (redirect && !w.text.startsWith('-') && !/^[<>]\(/.test(w.text)) {
      // The target is in the word (`>>$GITHUB_PATH`) or the next one; `2>&1` names a descriptor.
      const target = redirect[3] !== '' ? { text: redirect[3]!, offset: w.offset + w.text.length - redirect[3]!.length } : all[++k];
      if (target !== undefined && !redirect[2]!.endsWith('&') && !target.text.startsWith('&')) redirects.push({ op: redirect[2]!, ...(redirect[1] ? { fd: redirect[1] } : {}), target });
      continue;
    }
    words.push(w);
  }
  const command = { words, assignments, offset: all[0]?.offset ?? 0 };
  return redirects.length > 0 ? { ...command, redirects } : command;
}

const WRAPPERS = new Set(['sudo', 'env', 'exec', 'time', 'nohup', 'nice', 'command', 'builtin', 'doas', 'su-exec', 'gosu', 'timeout', 'xvfb-run', 'dbus-run-session', 'arch']);
/** Options of a wrapper that take the next word as their value (`sudo -u user`, `env -u NAME`, `xvfb-run -s "-screen 0 1024x768x24"`, macOS's `arch -arch arm64`). */
const WRAPPER_VALUES: Readonly<Record<string, RegExp>> = { sudo: /^-[ugpChDrt]$/, env: /^-[uC]$|^--(?:unset|chdir)$/, timeout: /^-[sk]$|^--(?:signal|kill-after)$/, 'xvfb-run': /^-[efnpsw]$|^--(?:error-file|auth-file|server-num|xauth-protocol|server-args|wait)$/, arch: /^-(?:arch|e|d)$/ };

/**
 * The words of the command that actually runs, without wrappers (`sudo -E`,
 * `env X=1`, `time`, `timeout 30m`, the session runners of GUI and D-Bus tests:
 * `xvfb-run -a`, `dbus-run-session --`, and macOS's `arch -arm64`, which runs the command
 * as that architecture) and their options.
 */
export function effectiveWords(command: ShellCommand): readonly ShellWord[] {
  let words = command.words;
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const name = basename(words[0]!.text);
    if (!WRAPPERS.has(name)) break;
    let k = 1;
    while (k < words.length && (words[k]!.text.startsWith('-') || (name === 'env' && ASSIGNMENT.test(words[k]!.text)))) {
      if (WRAPPER_VALUES[name]?.test(words[k]!.text)) k++;
      k++;
    }
    if ((name === 'gosu' || name === 'su-exec' || name === 'timeout') && k < words.length) k++; // the user; the duration
    words = words.slice(k);
  }
  return words;
}

export function programOf(command: ShellCommand): string | undefined {
  const first = effectiveWords(command)[0];
  return first ? basename(first.text) : undefined;
}

/** An option of a shell that holds `c` (`-c`, `-ec`, `-lc`): the next word is the script it runs. */
const HOLDS_C = /^-[a-z]*c[a-z]*$/i;

/**
 * The scripts a command hands to a POSIX shell with -c (`bash -c "..."`, `sh -ec '...'`,
 * `bash --login -c '...'`): of the shell that is the command's program, or with `wrapped`
 * of every shell among its words (`docker run image sh -c '...'`).
 */
export function shellCScripts(words: readonly ShellWord[], wrapped = false): ShellWord[] {
  const out: ShellWord[] = [];
  for (let k = 0; k < (wrapped ? words.length : Math.min(words.length, 1)); k++) {
    if (!POSIX_SHELLS.has(basename(words[k]!.text))) continue;
    let option = k + 1;
    while (option < words.length && /^--?[a-z][\w-]*$/i.test(words[option]!.text) && !HOLDS_C.test(words[option]!.text)) option++;
    const script = HOLDS_C.test(words[option]?.text ?? '') ? words[option + 1] : undefined;
    if (script) out.push(script);
  }
  return out;
}

export function basename(word: string): string {
  const at = word.lastIndexOf('/');
  return at >= 0 ? word.slice(at + 1) : word;
}

/**
 * A script with each line continuation (a `\` ending a line) and its line break turned into
 * spaces, the rest as written: a command continued over several lines (`curl -fsSL \`,
 * `  http://... | apt-key add -`) is one line for the patterns that read a command on one
 * line, at the same offsets, so a match still maps to the line its command starts on. A
 * comment line ending in `\` continues nothing; an escaped backslash (`\\`) is no continuation.
 */
export function joinContinuations(script: string): string {
  if (!script.includes('\\\n') && !script.includes('\\\r\n')) return script;
  return script.replace(/^([^\n]*?)(\\+)(\r?\n)/gm, (all, before: string, slashes: string, end: string) =>
    slashes.length % 2 === 0 || /^[ \t]*#/.test(before) ? all : `${before}${slashes.slice(1)}${' '.repeat(1 + end.length)}`,
  );
}

/** All commands of a script, flattened. */
export function commandsOf(script: string): ShellCommand[] {
  return parseShell(script).flat();
}

/** Command substitutions `$(...)` and backticks inside words, parsed as scripts of their own (one level). */
export function substitutions(command: ShellCommand): Array<{ script: string; offset: number }> {
  const out: Array<{ script: string; offset: number }> = [];
  for (const word of command.words.concat(command.assignments)) {
    for (const match of word.text.matchAll(/\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|`([^`]*)`/g)) {
      out.push({ script: match[1] ?? match[2] ?? '', offset: word.offset });
    }
  }
  return out;
}

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'powershell', 'iex']);

export function isInterpreter(program: string | undefined): boolean {
  return program !== undefined && SHELLS.has(program);
}

export function isDownloader(program: string | undefined): boolean {
  return program === 'curl' || program === 'wget' || program === 'fetch' || program === 'Invoke-WebRequest' || program === 'iwr';
}

/** A download run by a shell: where it is, and whether it is fetched over plain http:// (anyone on the path can replace it). */
export interface PipeToShellSite {
  offset: number;
  plainHttp: boolean;
  /** What runs the download as code when it is no shell reading a pipe: PowerShell's `Invoke-Expression`. */
  runner?: string;
}

/** A plain http:// URL to another machine (not the runner itself). */
export const PLAIN_HTTP_URL = /(?:^|[\s'"(=])http:\/\/(?!(?:localhost|127\.0\.0\.1|\[::1\])[:/\s'"]|(?:localhost|127\.0\.0\.1)$)/i;

/** What a download piped into a shell over plain http adds to the finding's message. */
export const PLAIN_HTTP_PIPE_NOTE = ', over plain http://, so anyone on the network path can replace what runs';

/** The downloads a script pipes into (or substitutes into) an interpreter, with the scheme they are fetched over. */
export function pipeToShellSites(script: string): PipeToShellSite[] {
  const sites: PipeToShellSite[] = [];
  for (const pipeline of parseShell(script)) {
    const downloadAt = pipeline.findIndex((c) => isDownloader(programOf(c)));
    if (downloadAt >= 0 && pipeline.slice(downloadAt + 1).some((c) => isInterpreter(programOf(c)) && runsStdin(c))) {
      const download = pipeline[downloadAt]!;
      sites.push({ offset: download.offset, plainHttp: download.words.some((w) => PLAIN_HTTP_URL.test(w.text)) });
      continue;
    }
    for (const command of pipeline) {
      if (!isInterpreter(programOf(command))) continue;
      const fetched = effectiveWords(command).filter((w) => /^(?:\$\(|`|<\()\s*(?:curl|wget)\b/.test(w.text));
      if (fetched.length > 0) sites.push({ offset: command.offset, plainHttp: fetched.some((w) => PLAIN_HTTP_URL.test(w.text)) });
    }
  }
  return sites;
}

/** `sh`, `bash -s -- args`, `python3 -`: reads its program from stdin (not `bash script.sh`). */
export function runsStdin(command: ShellCommand): boolean {
  const words = effectiveWords(command).slice(1);
  for (const w of words) {
    if (w.text === '-' || w.text === '-s' || w.text === '--') return true;
    if (w.text.startsWith('-')) continue;
    return false;
  }
  return true;
}

/** git's global options that take the next word as their value (`git -C dir log`). */
const GIT_VALUE_OPTIONS = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--exec-path']);

/** The git subcommand a command runs (`git -C dir --no-pager log ...`) and its arguments; undefined for another program. */
export function gitSubcommand(command: ShellCommand): { name: string; args: readonly ShellWord[] } | undefined {
  const words = effectiveWords(command);
  if (basename(words[0]?.text ?? '') !== 'git') return undefined;
  let k = 1;
  while (k < words.length && words[k]!.text.startsWith('-')) k += GIT_VALUE_OPTIONS.has(words[k]!.text) ? 2 : 1;
  const name = words[k]?.text;
  return name === undefined ? undefined : { name, args: words.slice(k + 1) };
}

/**
 * Text a git command prints that whoever made the commits or pushed the refs wrote, not git:
 * `message` (subject and body), `author` and `committer` (name and email, as the committer's
 * git configuration set them), `refs` (branch and tag names decorating a commit, `%d`),
 * `branch` (the name of the branch checked out, which says nothing of its writer by itself:
 * on a detached HEAD it prints `HEAD`, and a branch may be one the script named).
 */
export type GitText = 'message' | 'author' | 'committer' | 'refs' | 'branch';

/** Formats of `--pretty=<name>` (and `--oneline`): each shows at least the subject. */
const NAMED_FORMATS = new Set(['oneline', 'short', 'medium', 'full', 'fuller', 'reference', 'email', 'mboxrd', 'raw']);
/** Placeholders of `--format` that print such text. `%f` (the subject reduced to a file name's characters), hashes and dates do not. */
const FORMAT_TEXT: Readonly<Record<string, GitText>> = {
  s: 'message', b: 'message', B: 'message', d: 'refs', D: 'refs',
  an: 'author', aN: 'author', ae: 'author', aE: 'author', al: 'author', aL: 'author',
  cn: 'committer', cN: 'committer', ce: 'committer', cE: 'committer', cl: 'committer', cL: 'committer',
};

/** What a `--pretty`/`--format` value prints: the first placeholder of such text; undefined for a format of hashes, dates and the like, or an alias the repository's configuration defines. */
function formatText(format: string): GitText | undefined {
  const custom = /^t?format:([\s\S]*)$/.exec(format)?.[1] ?? (format.includes('%') ? format : undefined);
  if (custom === undefined) return NAMED_FORMATS.has(format) ? 'message' : undefined;
  for (let i = custom.indexOf('%'); i >= 0 && i < custom.length; i = custom.indexOf('%', i)) {
    const next = custom[i + 1];
    if (next === '(') {
      // `%(trailers:key=Signed-off-by)`: lines of the message.
      if (/^trailers\b/.test(custom.slice(i + 2))) return 'message';
      i += 2;
      continue;
    }
    // Two-letter placeholders start with a, c or g (`%an`, `%cd`, `%gs`); `%%` is a percent sign.
    const code = next === 'a' || next === 'c' || next === 'g' ? custom.slice(i + 1, i + 3) : (next ?? '');
    const text = FORMAT_TEXT[code];
    if (text) return text;
    i += 1 + Math.max(code.length, 1);
  }
  return undefined;
}

/** Commands a pipeline's text passes through whole or in part, as lines (`| head -1`): with options only, they print what they read. */
const LINE_FILTERS = new Set(['head', 'tail', 'cat']);

/** Whether a command only passes on (some of) the lines it reads: `head -n 1`, `tail -1`, `cat`, not `head file` or `wc -l`. */
function passesLines(command: ShellCommand): boolean {
  const [program, ...args] = effectiveWords(command);
  if (!program || !LINE_FILTERS.has(basename(program.text))) return false;
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!.text;
    if (/^-[nc]$/.test(arg) && program.text !== 'cat') k++;
    else if (!arg.startsWith('-')) return false;
  }
  return true;
}

/** What one git command prints of such text (GitText), if anything. A file of a commit (`git show HEAD:VERSION`) is the repository's content, like `cat`, and not counted. */
export function gitText(command: ShellCommand): GitText | undefined {
  const git = gitSubcommand(command);
  if (!git) return undefined;
  const args = git.args.map((w) => w.text);
  const end = args.indexOf('--');
  const options = end < 0 ? args : args.slice(0, end);
  switch (git.name) {
    case 'log':
    case 'show': {
      if (git.name === 'show' && options.some((a) => !a.startsWith('-') && a.includes(':'))) return undefined;
      let format = 'medium';
      for (const arg of options) {
        if (arg === '--oneline') format = 'oneline';
        else if (arg === '--pretty') format = 'medium';
        // `--format %H` is no option of git log's (it takes `--format=`): unknown.
        else if (arg === '--format') format = '';
        else format = /^--(?:pretty|format)=([\s\S]*)$/.exec(arg)?.[1] ?? format;
      }
      return formatText(format);
    }
    case 'rev-parse':
      return options.includes('HEAD') && options.some((a) => a === '--symbolic-full-name' || a === '--abbrev-ref' || a.startsWith('--abbrev-ref=')) ? 'branch' : undefined;
    case 'symbolic-ref':
      return options.includes('HEAD') && options.filter((a) => !a.startsWith('-')).length === 1 && !options.some((a) => a === '-d' || a === '--delete') ? 'branch' : undefined;
    case 'branch':
      return options.includes('--show-current') ? 'branch' : undefined;
    default:
      return undefined;
  }
}

/**
 * What a command substitution's script (`git log -1 --pretty=%B`, `cd app && git log -1
 * --format=%s | head -1`) prints of such text: a pipeline whose last command prints it, or
 * passes on the lines of one that does.
 */
export function gitTextOutput(script: string): GitText | undefined {
  for (const pipeline of parseShell(script)) {
    let last = pipeline.length - 1;
    while (last > 0 && passesLines(pipeline[last]!)) last--;
    const text = last >= 0 ? gitText(pipeline[last]!) : undefined;
    if (text) return text;
  }
  return undefined;
}
