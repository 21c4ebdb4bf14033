#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { registerScan } from './scan.js';
import { registerInit } from './init.js';
import { registerHook } from './hook.js';
import { registerExplain } from './explain.js';

/** Exit statuses (DESIGN.md): 0 passed, 1 findings at or above --fail-on, 2 usage or input errors. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('secloop')
    .description('Security in every stage of the DevOps loop: secrets, SAST, dependencies, configuration, build integrity.')
    .version(TOOL_VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `secloop: ${text}` : text),
    });

  registerScan(program);
  registerInit(program);
  registerHook(program);
  registerExplain(program);

  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2; // commander already printed its one-line reason
    }
    if (error instanceof UsageError) {
      process.stderr.write(`secloop: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

const exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`secloop: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  return 3;
});
process.exitCode = exitCode;
