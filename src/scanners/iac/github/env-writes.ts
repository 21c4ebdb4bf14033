import type { ScriptDialect } from '../script-dialect.js';

/**
 * What a `run:` script writes to the files GITHUB_ENV and GITHUB_PATH name, for
 * iac/gha-github-env-injection, read line by line as the workflow's author lays them out.
 */
export interface EnvFileWrite {
  /** The offset of the line that names the file, where a finding goes. */
  offset: number;
  /** The text whose output goes to the file: the line itself, or the lines of the group, loop or here-document it closes or opens. */
  text: string;
  file: 'GITHUB_ENV' | 'GITHUB_PATH';
}

/** The lines of a script, each with its offset. */
export function linesWithOffsets(script: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let offset = 0;
  for (const line of script.split('\n')) {
    out.push([offset, line]);
    offset += line.length + 1;
  }
  return out;
}

/** The lines a group or a compound command's closing word is opened by: `{`, `(`, `for`/`while`/`until`/`select`, `if`, `case`. */
const OPENERS: Readonly<Record<string, RegExp>> = { '}': /^\{/, ')': /^\(/, done: /^(?:for|while|until|select)\b/, fi: /^if\b/, esac: /^case\b/ };

/** A line that only tests: the head of an if, elif, while, until or case, writing nothing itself. */
const CONDITION = /^\s*(?:if|elif|while|until|case)\b(?![^\n]*\b(?:echo|printf|cat|tee)\b)/;

const indentation = (line: string) => line.length - line.trimStart().length;

/**
 * The writes of a script to GITHUB_ENV or GITHUB_PATH: each line that names the file
 * (`echo "A=$A" >> "$GITHUB_ENV"`; in PowerShell `$env:GITHUB_ENV`, as
 * `Add-Content -Path $env:GITHUB_ENV -Value "A=$env:A"` or `"..." >> $env:GITHUB_ENV` write
 * it), and with it what its output comes from: the lines of a PowerShell here-string it
 * closes (`"@ | Out-File -Append $env:GITHUB_ENV`; a literal `@'` one expands nothing), the lines of a group or loop it closes
 * (`{ echo "BODY<<EOF"; echo "$BODY"; echo EOF; } >> "$GITHUB_ENV"`, `done >> $GITHUB_ENV`,
 * from the line that opens it at the same indentation), and the body of a here-document it
 * opens (`cat >> "$GITHUB_ENV" <<EOF`). With a quoted delimiter (`<<'EOF'`) the shell expands
 * nothing in the body; its `${{ }}` expressions, which the runner replaces before the
 * shell starts, remain. A comment line writes nothing.
 */
export function envFileWrites(script: string, dialect: ScriptDialect, holdsTextOnly: (name: string) => boolean = () => false): EnvFileWrite[] {
  const lines = linesWithOffsets(script);
  const mention = dialect === 'powershell' ? /\$\{?(?:env:)?GITHUB_(ENV|PATH)\b/i : /\$\{?GITHUB_(ENV|PATH)\b/;
  const out: EnvFileWrite[] = [];
  for (let k = 0; k < lines.length; k++) {
    const [offset, line] = lines[k]!;
    const named = mention.exec(line);
    if (!named || /^\s*#/.test(line)) continue;
    const file = named[1]!.toUpperCase() === 'PATH' ? 'GITHUB_PATH' : 'GITHUB_ENV';
    const heredoc = dialect === 'posix' ? /<<(-?)\s*(\\)?(['"]?)([A-Za-z_][\w-]*)\3/.exec(line) : null;
    if (heredoc) {
      const strip = heredoc[1] === '-';
      let end = k + 1;
      while (end < lines.length && (strip ? lines[end]![1].replace(/^\t+/, '') : lines[end]![1]) !== heredoc[4]) end++;
      const body = lines.slice(k + 1, end).map(([, l]) => l).join('\n');
      // A quoted delimiter: the shell expands nothing in the body (the runner's `${{ }}` remain).
      const expanded = heredoc[2] || heredoc[3] ? body.replace(/\$(?!\{\{)/g, '') : body;
      out.push({ offset, text: `${line}\n${expanded}`, file });
      k = end;
      continue;
    }
    // PowerShell: a here-string that this line closes and pipes on (`"@ | Out-File -Append $env:GITHUB_ENV`).
    const hereCloser = dialect === 'powershell' ? /^\s*(["'])@/.exec(line) : null;
    if (hereCloser) {
      let open = k - 1;
      while (open >= 0 && !new RegExp(`@${hereCloser[1]}\\s*$`).test(lines[open]![1])) open--;
      if (open >= 0) {
        const body = lines.slice(open, k + 1).map(([, l]) => l).join('\n');
        // A literal here-string (`@'`) expands nothing; the runner's `${{ }}` remain.
        out.push({ offset, text: hereCloser[1] === "'" ? body.replace(/\$(?!\{\{)/g, '') : body, file });
        continue;
      }
    }
    const closer = dialect === 'posix' ? /^\s*(\}|\)|done|fi|esac)(?=[\s;>|&]|$)/.exec(line) : null;
    if (closer) {
      const depth = indentation(line);
      let open = k - 1;
      while (open >= 0 && !(indentation(lines[open]![1]) === depth && OPENERS[closer[1]!]!.test(lines[open]![1].trimStart()))) open--;
      if (open >= 0) {
        // A condition's words are tested, not written (`if [ -n "$TITLE" ]; then`, `case "$REF" in`).
        out.push({ offset, text: lines.slice(open, k + 1).map(([, l]) => l).filter((l) => !CONDITION.test(l)).join('\n'), file });
        continue;
      }
    }
    out.push({ offset, text: line, file });
  }
  return dialect === 'posix' ? withoutDelimitedValues(script, out, holdsTextOnly) : out;
}

/** A delimiter the script makes random (`EOF=$(dd if=/dev/urandom bs=15 count=1 status=none | base64)`, `openssl rand -hex 16`, `uuidgen`): text written before it cannot guess it. */
const RANDOM_DELIMITER = /(?:^|[\s;])(?:export\s+|local\s+|declare\s+)?([A-Za-z_]\w*)=["']?\$\([^\n]*?(?:\/dev\/urandom|openssl\s+rand\b|uuidgen\b|\bsecrets\.token_\w+|\buuid\.uuid4\b)/g;

/**
 * The writes without the values a random delimiter encloses (`echo "BODY<<$EOF"`, `echo
 * "$BODY"`, `echo "$EOF"`, on lines of their own or in a group), when the variable's name
 * holds text only (toolkit-env.ts): the text cannot close the delimiter, so it sets that one
 * variable and no other, as actions/toolkit's core.exportVariable does. Followed across the
 * writes in their order, as GitHub reads the file.
 */
function withoutDelimitedValues(script: string, writes: EnvFileWrite[], holdsTextOnly: (name: string) => boolean): EnvFileWrite[] {
  const delimiters = new Set([...script.matchAll(RANDOM_DELIMITER)].map((m) => m[1]!));
  if (delimiters.size === 0) return writes;
  let open: string | undefined;
  return writes.map((write) => {
    const kept = write.text.split('\n').filter((line) => {
      if (open !== undefined) {
        // The line that writes the delimiter alone closes the value.
        if (new RegExp(`^\\s*(?:echo|printf)\\s+(?:-\\w+\\s+)?["']?\\$\\{?${open}\\}?["']?(?:\\s|$)`).test(line)) open = undefined;
        return false;
      }
      const header = /([A-Za-z_]\w*)<<["']?\$\{?([A-Za-z_]\w*)\}?/.exec(line);
      if (header && delimiters.has(header[2]!) && holdsTextOnly(header[1]!)) open = header[2]!;
      return true;
    });
    return { ...write, text: kept.join('\n') };
  });
}
