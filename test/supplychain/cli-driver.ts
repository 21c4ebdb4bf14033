import { Command, CommanderError } from 'commander';
import { UsageError } from '../../src/core/errors.js';
import { withCliOutput } from '../../src/supplychain/cli-support.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one command's register() on a fresh program, the way main.ts will: output
 * captured through the supply-chain output sink (process.stdout is the test runner's
 * channel and stays untouched), a UsageError turned into exit 2 with its one-line
 * message, commander's own usage errors into exit 2. Runs in `cwd` (restored after).
 */
export async function runCli(register: (program: Command) => void, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  const program = new Command('secloop');
  program.exitOverride();
  let stdout = '';
  let stderr = '';
  program.configureOutput({ writeOut: (s) => void (stdout += s), writeErr: (s) => void (stderr += s) });
  register(program);

  const originalCwd = process.cwd();
  const savedEnv: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    savedEnv[key] = process.env[key];
    process.env[key] = value;
  }
  process.exitCode = undefined;
  let exitCode: number;
  try {
    if (options.cwd) process.chdir(options.cwd);
    exitCode = await withCliOutput(
      { stdout: (chunk) => void (stdout += chunk.toString()), stderr: (chunk) => void (stderr += chunk.toString()) },
      async () => {
        try {
          await program.parseAsync(args, { from: 'user' });
          return typeof process.exitCode === 'number' ? process.exitCode : 0;
        } catch (error) {
          if (error instanceof UsageError) {
            stderr += `secloop: ${error.message}\n`;
            return error.exitCode;
          }
          if (error instanceof CommanderError) return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
          throw error;
        }
      },
    );
  } finally {
    process.chdir(originalCwd);
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    process.exitCode = undefined;
  }
  return { exitCode, stdout, stderr };
}
