#!/usr/bin/env node
import module from 'node:module';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';

type Register = (program: Command) => void;

// Node 22.1 and later keep V8's compiled code of the modules a run loads (the command's chunks)
// in a cache folder under the OS temp folder, so the next run skips compiling them; Node 20
// has no such function and compiles every run as before.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/**
 * Every command, loaded on demand: a run imports only the module of the command it
 * names (all of them for help or an unknown command), so start-up stays fast.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  scan: async () => (await import('./scan.js')).registerScan,
  sbom: async () => (await import('./sbom.js')).registerSbom,
  db: async () => (await import('./db.js')).registerDb,
  ops: async () => (await import('./ops.js')).register,
  init: async () => (await import('./init.js')).registerInit,
  hook: async () => (await import('./hook.js')).registerHook,
  explain: async () => (await import('./explain.js')).registerExplain,
  keygen: async () => (await import('./keygen.js')).register,
  attest: async () => (await import('./attest.js')).register,
  layout: async () => (await import('./layout.js')).register,
  verify: async () => (await import('./verify.js')).register,
  'verify-provenance': async () => (await import('./verify-provenance.js')).register,
  buildwatch: async () => (await import('./buildwatch.js')).register,
  rebuild: async () => (await import('./rebuild.js')).register,
};

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

  const named = argv.find((arg) => !arg.startsWith('-'));
  // `secloop --version` alone needs no command module; anything else may need them all for help.
  const versionOnly = named === undefined && argv.length > 0 && argv.every((arg) => arg === '-V' || arg === '--version');
  const needed = versionOnly ? [] : named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  for (const name of needed) (await COMMANDS[name]!())(program);

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

// `secloop explain | head`: the reader has gone; stop quietly, with the status of a program
// that SIGPIPE ended (128 + 13), as Unix tools do, not with an unhandled EPIPE's stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(128 + 13);
  throw error;
});

/** Status for a bug in secloop (EX_SOFTWARE); 3 is buildwatch's "source changed during the build". */
const INTERNAL_ERROR = 70;

const exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`secloop: internal error (please report it): ${(error as Error)?.stack ?? String(error)}\n`);
  return INTERNAL_ERROR;
});
process.exitCode = exitCode;
