import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Helpers for tests that compare secloop with the in-toto reference implementation
 * (Debian package `in-toto` 1.3.1, which brings python3-securesystemslib). Every
 * tool runs with an argument array, never a shell, inside a temporary directory.
 */

let pythonFound: string | null | undefined;

/** An executable named `name` on PATH, or null. */
function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return null;
}

/**
 * The Python the in-toto tools run with (the interpreter in in-toto-verify's #! line),
 * which has in_toto, securesystemslib and pathspec; null when in-toto-verify is not on
 * PATH, so that every reference comparison skips together.
 */
function python(): string | null {
  if (pythonFound === undefined) {
    pythonFound = null;
    const tool = onPath('in-toto-verify');
    if (tool) {
      const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(tool, 'utf8').split('\n', 1)[0] ?? '');
      const interpreter = shebang ? (shebang[1]!.endsWith('/env') && shebang[2] ? shebang[2] : shebang[1]!) : null;
      if (interpreter && spawnSync(interpreter, ['-c', 'import in_toto, securesystemslib, pathspec'], { stdio: 'ignore' }).status === 0) {
        pythonFound = interpreter;
      }
    }
  }
  return pythonFound;
}

export function pythonAvailable(): boolean {
  return python() !== null;
}

export function intotoAvailable(): boolean {
  return python() !== null;
}

export const INTOTO_MISSING = 'in-toto 1.3.1 not installed (in-toto-verify not on PATH; `apt-get install -y in-toto`)';

export function runPython(script: string, input = ''): string {
  const interpreter = python();
  if (!interpreter) throw new Error('no python3 with securesystemslib');
  return execFileSync(interpreter, ['-c', script], { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

export interface ToolResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): ToolResult {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'secloop-sc-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export { execFileSync };
