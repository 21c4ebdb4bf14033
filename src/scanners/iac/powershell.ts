import { basename, isInterpreter, PLAIN_HTTP_URL, programOf, runsStdin, type PipeToShellSite, type ShellCommand, type ShellPipeline, type ShellWord } from './shell.js';

/**
 * Just enough PowerShell reading for the download checks (downloads.ts): a script of a
 * `shell: pwsh` or `shell: powershell` step is split into pipelines and commands of words,
 * as the POSIX reader (shell.ts) splits a shell script, each word with its offset.
 *
 * - `'...'` and `"..."` are quoted text (a backtick escapes in double quotes and in bare
 *   words, `''` in single quotes); `\` is no escape but a path separator, read as `/`
 *   (`.\tool.exe` is `./tool.exe`).
 * - Groups (`(...)`, `$(...)`, `@(...)`, `@{...}`, `${...}`) stay inside their word as written.
 * - Block braces, `;`, newlines, `&&` and `||` end a pipeline; `|` a command in it.
 * - The call operator `& path` runs what follows; `$x = command` is the command; a
 *   statement that is an expression (`"text"`, `$path`, `(Get-Item x)`) outputs its value:
 *   it reads as `Write-Output <value>`, which runs nothing. Keywords (`if (...)`, `try`,
 *   `foreach (...)`) open blocks and are no commands.
 * - `(New-Object Net.WebClient).DownloadFile(url, path)` (or `$client.DownloadFile(...)`)
 *   reads as `WebClient.DownloadFile -Uri url -OutFile path`; `$env:PATH = ...` as `export PATH=...`.
 */

const KEYWORDS = new Set(['if', 'elseif', 'else', 'switch', 'foreach', 'for', 'while', 'do', 'until', 'try', 'catch', 'finally', 'trap', 'function', 'filter', 'param', 'begin', 'process', 'end', 'return', 'throw', 'exit', 'break', 'continue', 'class', 'enum', 'using']);
const REDIRECT = /^(\d|\*)?(>>?)(.*)$/;
const MAX_SCRIPT = 200_000;

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
  const quote = source[offset];
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
  let i = quote === "'" || quote === '"' ? offset + 1 : offset;
  const ended = (k: number) => (quote === "'" || quote === '"' ? source[k] === quote && source[k + 1] !== quote : /[\s;|&(){}]/.test(source[k]!));
  while (i < source.length && !ended(i)) {
    const c = source[i]!;
    if (quote === "'") {
      add(c, i);
      i += c === "'" ? 2 : 1; // `''` is one quote
      continue;
    }
    if (c === '`' && i + 1 < source.length) {
      const next = source[i + 1]!;
      add(ESCAPES[next] ?? next, i);
      i += 2;
      continue;
    }
    if (c === '"' && quote === '"') {
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
