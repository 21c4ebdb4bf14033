import { parsePowerShell, pipedScripts, powerShellPipeSites, powerShellString } from './powershell.js';
import { basename, parseShell, pipeToShellSites, type PipeToShellSite, type ShellPipeline } from './shell.js';

/** How a script is read: as a POSIX shell script, or as PowerShell (a `shell: pwsh` step, a Windows runner's shell). */
export type ScriptDialect = 'posix' | 'powershell';

/** A script's pipelines and commands, as its shell reads them. */
export function parseScript(script: string, dialect: ScriptDialect): readonly ShellPipeline[] {
  return dialect === 'powershell' ? parsePowerShell(script) : parseShell(script);
}

/**
 * One part of a script that one shell reads: the script itself, or the POSIX script a
 * PowerShell line hands to bash. `at` maps an offset of `text` to one of the whole script.
 */
export interface ScriptPart {
  readonly text: string;
  readonly dialect: ScriptDialect;
  readonly at: (offset: number) => number;
  /** In the text a PowerShell line hands to bash: the ranges `[from, to)` of the variables PowerShell expanded there (each `${NAME}`), whose value is text of the script, not bash's to expand. */
  readonly expanded?: ReadonlyArray<readonly [number, number]>;
}

/** Shells a Windows job runs a POSIX script with: MSYS2's and Git for Windows' bash (`C:\msys64\usr\bin\bash -lc "..."`). */
const POSIX_SHELLS = new Set(['bash', 'sh', 'dash', 'zsh']);

/**
 * The parts of a script: the script in its own dialect and, in a PowerShell script, the
 * text of each `bash -c "..."` (`C:\msys64\usr\bin\bash -lc "..."`, `& $bash -c '...'`)
 * and of each string piped into a shell (`@"...."@ | bash`, pipedScripts), which bash
 * reads as POSIX shell once PowerShell has expanded its variables in it (powerShellString). A `bash script.sh` runs a file of the repository: the local script
 * reading (local-scripts.ts) follows it.
 */
export function scriptParts(script: string, dialect: ScriptDialect): ScriptPart[] {
  const whole: ScriptPart = { text: script, dialect, at: (offset) => offset };
  if (dialect !== 'powershell' || !/\b(?:ba|z|da)?sh(?:\.exe)?\b/i.test(script)) return [whole];
  const parts = [whole];
  const pipelines = parsePowerShell(script);
  for (const piped of pipelines.flatMap(pipedScripts)) {
    if (!piped.posix) continue;
    for (const word of piped.words) {
      const inner = powerShellString(script, word.offset);
      if (inner) parts.push({ text: inner.text, dialect: 'posix', at: (offset) => inner.at(offset), expanded: inner.expanded });
    }
  }
  for (const command of pipelines.flat()) {
    const [program, ...args] = command.words;
    if (!program || !POSIX_SHELLS.has(basename(program.text).replace(/\.exe$/i, '').toLowerCase())) continue;
    // Options up to `-c` (`-l`, `-e`, `-lc`, `-o pipefail`); the word after it is the script.
    for (let k = 0; k < args.length; k++) {
      const option = args[k]!.text;
      if (!/^[-+]/.test(option)) break;
      if (/^[-+][a-zA-Z]*o$/.test(option)) k++;
      else if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(option)) {
        const inner = args[k + 1] && powerShellString(script, args[k + 1]!.offset);
        if (inner) parts.push({ text: inner.text, dialect: 'posix', at: (offset) => inner.at(offset), expanded: inner.expanded });
        break;
      }
    }
  }
  return parts;
}

/** The downloads a script runs as code (piped into a shell, Invoke-Expression of a download), as its dialect reads them. */
export function pipedDownloadSites(script: string, dialect: ScriptDialect): PipeToShellSite[] {
  return dialect === 'powershell' ? powerShellPipeSites(script) : pipeToShellSites(script);
}
