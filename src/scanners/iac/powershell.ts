import { basename, isInterpreter, PLAIN_HTTP_URL, programOf, runsStdin, type PipeToShellSite, type ShellCommand, type ShellPipeline, type ShellWord } from './shell.js';

/**
 * Just enough PowerShell reading for the download checks (downloads.ts): a script of a
 * `shell: pwsh` or `shell: powershell` step is split into pipelines and commands of words,
 * as the POSIX reader (shell.ts) splits a shell script, each word with its offset.
 *
 * - `'...'` and `"..."` are quoted text (a backtick escapes in double quotes and in bare
 *   words, `''` in single quotes); `\` is no escape but a path separator, read as `/`
 *   (`.\tool.exe` is `./tool.exe`). A here-string (`@"` or `@'` ending its line, up to a
 *   line that starts with `"@` or `'@`) is one word of the lines between, quotes being text.
 * - Groups (`(...)`, `$(...)`, `@(...)`, `@{...}`, `${...}`) stay inside their word as written.
 * - Block braces, `;`, newlines, `&&` and `||` end a pipeline; `|` a command in it.
 * - The call operator `& path` runs what follows; `$x = command` (`[string]$x = ...`) is the command; a
 *   statement that is an expression (`"text"`, `$path`, `(Get-Item x)`) outputs its value:
 *   it reads as `Write-Output <value>`, which runs nothing. Keywords (`if (...)`, `try`,
 *   `foreach (...)`) open blocks and are no commands.
 * - `(New-Object Net.WebClient).DownloadFile(url, path)` (or `$client.DownloadFile(...)`)
 *   reads as `WebClient.DownloadFile -Uri url -OutFile path`; `$env:PATH = ...` as `export PATH=...`.
 */

const KEYWORDS = new Set(['if', 'elseif', 'else', 'switch', 'foreach', 'for', 'while', 'do', 'until', 'try', 'catch', 'finally', 'trap', 'function', 'filter', 'param', 'begin', 'process', 'end', 'return', 'throw', 'exit', 'break', 'continue', 'class', 'enum', 'using']);
const REDIRECT = /^(\d|\*)?(>>?)(.*)$/;
const MAX_SCRIPT = 200_000;

/**
 * The here-string that opens at `offset`: `@"` or `@'` with nothing after it on its line,
 * closed by a line that starts with `"@` or `'@` (after any indentation). `expandable` for
 * `@"`, whose variables PowerShell expands; its text runs from `start` to `end` (without the
 * line breaks around it), and it ends as written at `close`. Undefined when none opens there.
 */
export function hereStringAt(source: string, offset: number): { expandable: boolean; start: number; end: number; close: number } | undefined {
  const quote = source[offset + 1];
  if (source[offset] !== '@' || (quote !== '"' && quote !== "'")) return undefined;
  const opener = /^[ \t]*\r?\n/.exec(source.slice(offset + 2, offset + 202));
  if (!opener) return undefined;
  const start = offset + 2 + opener[0].length;
  const closer = new RegExp(`^[ \\t]*${quote}@`);
  for (let line = start; line <= source.length; ) {
    const found = closer.exec(source.slice(line, line + 200));
    if (found) {
      const end = line === start ? start : source[line - 2] === '\r' ? line - 2 : line - 1;
      return { expandable: quote === '"', start, end, close: line + found[0].length };
    }
    const next = source.indexOf('\n', line);
    if (next < 0) break;
    line = next + 1;
  }
  return { expandable: quote === '"', start, end: source.length, close: source.length };
}

/** A type constraint or attribute before a variable assigned (`[string]`, `[string[]]`, `[ValidateNotNull()]`). */
export const TYPE_CONSTRAINT = /\[[\w.]+(?:\([^()\n]*\))?(?:\[\])?\]/;
const LEADING_CONSTRAINTS = new RegExp(`^(?:${TYPE_CONSTRAINT.source})+`);
const ONLY_CONSTRAINTS = new RegExp(`^(?:${TYPE_CONSTRAINT.source})+$`);

interface Word extends ShellWord {
  /** Written bare: not quoted, not a variable, not a group. */
  readonly bare: boolean;
  /** The word as written (quotes kept), for a group read again. */
  readonly raw: string;
}

export function parsePowerShell(script: string): ShellPipeline[] {
  const source = script.length > MAX_SCRIPT ? script.slice(0, MAX_SCRIPT) : script;
  const pipelines: ShellPipeline[] = [];
  let pipeline: ShellCommand[] = [];
  let words: Word[] = [];
  let word = '';
  let start = -1;
  let bare = true;
  let i = 0;

  const append = (text: string, at: number, plain: boolean) => {
    if (start < 0) {
      start = at;
      bare = plain;
    }
    word += text;
  };
  const endWord = () => {
    if (start >= 0) words.push({ text: word.replace(/\\/g, '/'), offset: start, bare, raw: source.slice(start, i) });
    word = '';
    start = -1;
  };
  const endCommand = () => {
    endWord();
    const command = toCommand(words);
    if (command) pipeline.push(command);
    words = [];
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipeline = [];
  };

  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '`') {
      // A line continuation, or an escaped character.
      if (next === '\n' || (next === '\r' && source[i + 2] === '\n')) {
        endWord();
        i += next === '\r' ? 3 : 2;
        continue;
      }
      append(next ?? '', i, true);
      i += 2;
      continue;
    }
    if (c === '<' && next === '#') {
      const end = source.indexOf('#>', i + 2);
      i = end < 0 ? source.length : end + 2;
      continue;
    }
    if (c === '#' && start < 0) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const here = c === '@' && start < 0 ? hereStringAt(source, i) : undefined;
    if (here) {
      // A backtick escapes in an expandable here-string; `$(...)` stays as written.
      const body = source.slice(here.start, here.end);
      append(here.expandable ? body.replace(/`([\s\S])/g, '$1') : body, i, false);
      i = here.close;
      continue;
    }
    if (c === "'") {
      let text = '';
      let k = i + 1;
      while (k < source.length) {
        if (source[k] === "'") {
          if (source[k + 1] === "'") {
            text += "'";
            k += 2;
            continue;
          }
          break;
        }
        text += source[k];
        k++;
      }
      append(text, i, false);
      i = k + 1;
      continue;
    }
    if (c === '"') {
      let text = '';
      let k = i + 1;
      while (k < source.length && source[k] !== '"') {
        if (source[k] === '`' && k + 1 < source.length) {
          text += source[k + 1];
          k += 2;
          continue;
        }
        if (source[k] === '$' && source[k + 1] === '(') {
          const end = matching(source, k + 1);
          text += source.slice(k, end + 1);
          k = end + 1;
          continue;
        }
        text += source[k];
        k++;
      }
      append(text, i, false);
      i = k + 1;
      continue;
    }
    if ((c === '$' || c === '@') && (next === '(' || next === '{')) {
      const end = matching(source, i + 1);
      append(source.slice(i, end + 1), i, false);
      i = end + 1;
      continue;
    }
    if (c === '(') {
      const end = matching(source, i);
      append(source.slice(i, end + 1), i, false);
      i = end + 1;
      continue;
    }
    if (c === '$' && start < 0) {
      append(c, i, false);
      i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ';' || c === '\n') {
      endPipeline();
      i++;
      continue;
    }
    if ((c === '&' && next === '&') || (c === '|' && next === '|')) {
      endPipeline();
      i += 2;
      continue;
    }
    if (c === '|') {
      endCommand();
      i++;
      continue;
    }
    if (c === '&' && start < 0) {
      // The call operator, a word of its own.
      endWord();
      words.push({ text: '&', offset: i, bare: true, raw: '&' });
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
      continue;
    }
    append(c, i, true);
    i++;
  }
  endPipeline();
  return pipelines;
}

/** The `)` or `}` closing the group opened at `open`, past quoted text; the end of the script if none does. */
function matching(source: string, open: number): number {
  let depth = 0;
  for (let k = open; k < source.length; k++) {
    const ch = source[k];
    if (ch === '`') k++;
    else if (ch === "'" || ch === '"') {
      const close = source.indexOf(ch, k + 1);
      if (close < 0) return source.length - 1;
      k = close;
    } else if (ch === '(' || ch === '{') depth++;
    else if ((ch === ')' || ch === '}') && --depth === 0) return k;
  }
  return source.length - 1;
}

function unquote(text: string): string {
  const t = text.trim();
  return /^(['"]).*\1$/s.test(t) ? t.slice(1, -1) : t;
}

/** A statement's words as the command it runs, with its redirections apart; undefined for a keyword's. */
function toCommand(all: Word[]): ShellCommand | undefined {
  let words = all;
  // `$env:PATH = "$dir;$env:PATH"`, `$env:Path += ";$dir"`: read as `export PATH=...`.
  if (words.length >= 3 && /^\$env:path$/i.test(words[0]!.text) && /^\+?=$/.test(words[1]!.text)) {
    const value = words.slice(2).map((w) => w.text).join(' ');
    const offset = words[0]!.offset;
    return { words: [{ text: 'export', offset }, { text: `PATH=${words[1]!.text === '+=' ? '$env:PATH;' : ''}${value}`, offset }], assignments: [], offset };
  }
  // `[string]$t = ...`, `[string] $t = ...`: the type constraints before the variable are no command.
  if (words.length >= 3 && words[0]!.bare && LEADING_CONSTRAINTS.test(words[0]!.text)) {
    const rest = words[0]!.text.replace(LEADING_CONSTRAINTS, '');
    if (rest.startsWith('$')) words = [{ ...words[0]!, text: rest }, ...words.slice(1)];
    else if (rest === '') {
      let k = 1;
      while (k < words.length && words[k]!.bare && ONLY_CONSTRAINTS.test(words[k]!.text)) k++;
      if (/^\$/.test(words[k]?.text ?? '')) words = words.slice(k);
    }
  }
  // `$p = Start-Process ...`: the command on the right, its output taken into the variable.
  const captured = words.length >= 2 && /^\$/.test(words[0]!.text) && /^[-+*/]?=$/.test(words[1]!.text);
  if (captured) words = words.slice(2);
  if (words.length === 0) return undefined;
  const first = words[0]!;
  if (first.bare && KEYWORDS.has(first.text.toLowerCase())) return undefined;
  const redirects: Array<{ op: string; fd?: string; target: ShellWord }> = [];
  const kept: ShellWord[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    const redirect = w.bare ? REDIRECT.exec(w.text) : null;
    if (redirect && k > 0) {
      const target = redirect[3] !== '' ? { text: redirect[3]!, offset: w.offset } : words[++k];
      if (target !== undefined && !target.text.startsWith('&')) redirects.push({ op: redirect[2]!, ...(redirect[1] ? { fd: redirect[1] } : {}), target: { text: target.text, offset: target.offset } });
      continue;
    }
    kept.push({ text: w.text, offset: w.offset });
  }
  const offset = first.offset;
  const command = (texts: ShellWord[]): ShellCommand => ({ words: texts, assignments: [], offset, ...(redirects.length > 0 ? { redirects } : {}), ...(captured ? { captured } : {}) });
  if (first.text === '&' && first.bare) return kept.length > 1 ? command(kept.slice(1)) : undefined;
  if (first.text === '.' && first.bare) return command(kept);
  if (!first.bare || /^[$(@]/.test(first.text)) {
    // `(New-Object Net.WebClient).DownloadFile($url, "$env:TEMP\x.msi")`: a download to a file.
    const call = /\.DownloadFile\(\s*(.+?)\s*,\s*(.+?)\s*\)\s*$/i.exec(first.raw);
    if (call) {
      const at = (text: string) => ({ text: unquote(text).replace(/\\/g, '/'), offset });
      return command([{ text: 'WebClient.DownloadFile', offset }, { text: '-Uri', offset }, at(call[1]!), { text: '-OutFile', offset }, at(call[2]!)]);
    }
    return command([{ text: 'Write-Output', offset }, ...kept]);
  }
  return command(kept);
}

/** PowerShell's automatic variables that a script reads in strings: their value is PowerShell's, not a CI/CD variable's. */
const AUTOMATIC = /^(?:_|null|true|false|args|input|this|PSItem|LASTEXITCODE|PWD|HOME|PID|PSScriptRoot|PSCommandPath|Error|Matches|PSVersionTable|Host|ExecutionContext)$/i;

/** The characters a backtick escape stands for in a double-quoted string (`` `n ``); any other escaped character is itself. */
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };

/**
 * The text of the string (or bare word) that starts at `offset`, as PowerShell hands it to
 * a program: a single-quoted string as written (`''` a quote), a double-quoted one (or a
 * bare word) with its escapes read and its variables expanded. A variable (`$NAME`,
 * `${NAME}`, `$env:NAME`, `${env:NAME}`, `$script:NAME`) becomes `${NAME}`, its value being
 * what the program reads there: GitLab's runner sets each CI/CD variable both as a variable
 * of the script and in its environment. An automatic variable (`$_`, `$?`, `$null`) or a
 * subexpression (`$($y)`), whose value is not known, is left out. `at` maps an offset of
 * the text to one of `source`; `expanded` lists the ranges of the text each variable expanded. Undefined when no string or word starts there.
 */
export function powerShellString(source: string, offset: number): { text: string; at: (offset: number) => number; expanded: Array<readonly [number, number]> } | undefined {
  // A here-string reads as the quoted string of its kind whose text runs to the line before its closer, quotes being text there.
  const here = hereStringAt(source, offset);
  const quote = here ? (here.expandable ? '"' : "'") : source[offset];
  if (offset >= source.length || /[\s;|&(){}]/.test(quote!)) return undefined;
  let text = '';
  const map: number[] = [];
  const expanded: Array<readonly [number, number]> = [];
  const add = (chars: string, from: number) => {
    for (const c of chars) {
      text += c;
      map.push(from);
    }
  };
  let i = here ? here.start : quote === "'" || quote === '"' ? offset + 1 : offset;
  const ended = (k: number) => (here ? k >= here.end : quote === "'" || quote === '"' ? source[k] === quote && source[k + 1] !== quote : /[\s;|&(){}]/.test(source[k]!));
  while (i < source.length && !ended(i)) {
    const c = source[i]!;
    if (quote === "'") {
      add(c, i);
      i += c === "'" && !here ? 2 : 1; // `''` is one quote
      continue;
    }
    if (c === '`' && i + 1 < source.length) {
      const next = source[i + 1]!;
      add(ESCAPES[next] ?? next, i);
      i += 2;
      continue;
    }
    if (c === '"' && quote === '"' && !here) {
      add('"', i); // `""` is one quote
      i += 2;
      continue;
    }
    if (c === '$') {
      const variable = /^\$(?:\{(?:(?:env|script|global|local):)?([A-Za-z_]\w*)\}|(?:(?:env|script|global|local):)?([A-Za-z_]\w*))/i.exec(source.slice(i, i + 200));
      const name = variable?.[1] ?? variable?.[2];
      if (variable && !AUTOMATIC.test(name!)) {
        expanded.push([text.length, text.length + name!.length + 3]);
        add(`\${${name}}`, i);
        i += variable[0].length;
        continue;
      }
      if (source[i + 1] === '(' || source[i + 1] === '{') {
        i = matching(source, i + 1) + 1;
        continue;
      }
      const automatic = variable ?? /^\$[?$^_]/.exec(source.slice(i, i + 2));
      if (automatic) {
        i += automatic[0].length;
        continue;
      }
    }
    add(c, i);
    i++;
  }
  const end = i;
  return { text, at: (k) => (k < map.length ? map[k]! : end), expanded };
}

/** PowerShell's web cmdlets and their aliases (curl and wget are Invoke-WebRequest in Windows PowerShell, the programs in pwsh). */
const WEB_REQUEST = /^(?:Invoke-WebRequest|iwr|Invoke-RestMethod|irm|curl|wget)(?:\.exe)?$/i;
/** A download inside an expression's text: a web cmdlet called in it, or WebClient's DownloadString. */
const DOWNLOAD_IN_TEXT = /(?:^|[\s(;|{])(?:Invoke-WebRequest|iwr|Invoke-RestMethod|irm|curl(?:\.exe)?|wget(?:\.exe)?)\s|\.DownloadString\s*\(/i;
/** What runs text as PowerShell code: Invoke-Expression, or a script block made from it. */
const INVOKE_EXPRESSION = /^(?:Invoke-Expression|iex)$/i;
const SCRIPT_BLOCK = /\[scriptblock\]::Create\s*\(/i;

/** POSIX shells a Windows job runs (MSYS2's and Git for Windows' bash), which read their script on standard input when given no -c text nor file. */
const STDIN_SHELLS = new Set(['bash', 'sh', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);

/**
 * What a pipeline hands as code to a command that runs its input: the words the Write-Output
 * before it (`writer`) writes (a string, a here-string, a variable: an expression statement reads as
 * Write-Output; `echo` and `write` are its aliases) when that command is Invoke-Expression
 * with no argument (`"..." | iex`), or a POSIX shell reading its script on standard input
 * (`@"...."@ | bash`, `$script | sh -s`): `posix` then, the text being bash's script.
 */
export function pipedScripts(pipeline: ShellPipeline): Array<{ writer: ShellCommand; words: readonly ShellWord[]; runner: string; posix: boolean }> {
  const out: Array<{ writer: ShellCommand; words: readonly ShellWord[]; runner: string; posix: boolean }> = [];
  for (let index = 1; index < pipeline.length; index++) {
    const before = pipeline[index - 1]!;
    if (!/^(?:Write-Output|echo|write)$/i.test(before.words[0]?.text ?? '')) continue;
    const words = before.words.slice(1).filter((w) => !/^-[A-Za-z]+$/.test(w.text));
    const command = pipeline[index]!;
    const program = basename(command.words[0]?.text ?? '').replace(/\.exe$/i, '').toLowerCase();
    if (INVOKE_EXPRESSION.test(command.words[0]?.text ?? '') && command.words.length === 1) out.push({ writer: before, words, runner: 'Invoke-Expression', posix: false });
    else if (STDIN_SHELLS.has(program) && runsStdin(command)) out.push({ writer: before, words, runner: program, posix: true });
  }
  return out;
}

/**
 * The downloads a PowerShell script runs as code: piped into Invoke-Expression (`iwr
 * https://example.org/install.ps1 | iex`, `(New-Object Net.WebClient).DownloadString($url) |
 * iex`) or a shell reading its standard input, or given to it (`iex ((New-Object
 * Net.WebClient).DownloadString('...'))`, `iex (irm ...)`, `& ([scriptblock]::Create((irm ...)))`),
 * also in the -Command text of a nested `powershell -Command "..."`.
 */
export function powerShellPipeSites(script: string): PipeToShellSite[] {
  const sites: PipeToShellSite[] = [];
  const plainHttp = (words: readonly ShellWord[]) => words.some((w) => PLAIN_HTTP_URL.test(w.text));
  for (const pipeline of parsePowerShell(script)) {
    const downloadAt = pipeline.findIndex((c) => WEB_REQUEST.test(programOf(c) ?? '') || (c.words[0]?.text === 'Write-Output' && c.words.some((w) => /\.DownloadString\s*\(/i.test(w.text))));
    const runner = (c: ShellCommand) => INVOKE_EXPRESSION.test(c.words[0]?.text ?? '') || (isInterpreter(programOf(c)?.replace(/\.exe$/i, '').toLowerCase()) && runsStdin(c));
    const runs = downloadAt < 0 ? undefined : pipeline.slice(downloadAt + 1).find(runner);
    if (runs) {
      const iex = INVOKE_EXPRESSION.test(runs.words[0]?.text ?? '');
      sites.push({ offset: pipeline[downloadAt]!.offset, plainHttp: plainHttp(pipeline[downloadAt]!.words), ...(iex ? { runner: 'Invoke-Expression' } : {}) });
      continue;
    }
    for (const command of pipeline) {
      const [program, ...args] = command.words;
      if (!program) continue;
      const code = INVOKE_EXPRESSION.test(program.text) ? args : command.words.filter((w) => SCRIPT_BLOCK.test(w.text));
      const fetched = code.filter((w) => DOWNLOAD_IN_TEXT.test(w.text));
      if (fetched.length > 0) {
        sites.push({ offset: command.offset, plainHttp: plainHttp(fetched), runner: INVOKE_EXPRESSION.test(program.text) ? 'Invoke-Expression' : 'a script block' });
        continue;
      }
      // `powershell -NoProfile -Command "iex (irm ...)"`: its text is PowerShell too.
      if (/^(?:pwsh|powershell)$/i.test(basename(program.text).replace(/\.exe$/i, ''))) {
        const at = args.findIndex((w) => /^-(?:c|Command)$/i.test(w.text));
        const inner = at < 0 ? undefined : args[at + 1];
        const found = inner ? powerShellPipeSites(inner.text)[0] : undefined;
        if (found) sites.push({ ...found, offset: command.offset, plainHttp: PLAIN_HTTP_URL.test(inner!.text) });
      }
    }
  }
  return sites;
}
