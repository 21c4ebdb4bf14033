#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { registerScan } from './scan.js';
import { registerInit } from './init.js';
import { registerHook } from './hook.js';
import { registerExplain } from './explain.js';
import { register as registerKeygen } from './keygen.js';
import { register as registerAttest } from './attest.js';
import { register as registerLayout } from './layout.js';
import { register as registerVerify } from './verify.js';
import { register as registerVerifyProvenance } from './verify-provenance.js';
import { register as registerBuildwatch } from './buildwatch.js';
import { register as registerRebuild } from './rebuild.js';

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
  registerKeygen(program);
  registerAttest(program);
  registerLayout(program);
  registerVerify(program);
  registerVerifyProvenance(program);
  registerBuildwatch(program);
  registerRebuild(program);

  exitOverrideEverywhere(program);

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

/** Commander errors must reach main() as exceptions in every (sub)command, never exit the process. */
function exitOverrideEverywhere(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride();
    exitOverrideEverywhere(sub);
  }
}

/** Status for a bug in secloop (EX_SOFTWARE); 3 is buildwatch's "source changed during the build". */
const INTERNAL_ERROR = 70;

const exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`secloop: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  return INTERNAL_ERROR;
});
process.exitCode = exitCode;
