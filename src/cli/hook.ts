import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { installPreCommitHook } from '../project/init.js';
import { Git } from '../workspace/git.js';

export function registerHook(program: Command): void {
  const hook = program.command('hook').description('Manage the git pre-commit hook.');
  hook
    .command('install')
    .description('Install a pre-commit hook that scans only the staged changes.')
    .argument('[path]', 'repository', '.')
    .option('--force', 'replace an existing pre-commit hook')
    .action(async (target: string, flags: { force?: boolean }) => {
      const git = await Git.open(path.resolve(target));
      if (!git) throw new UsageError(`${path.resolve(target)} is not in a git repository`);
      const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');
      const hookPath = await installPreCommitHook(git, cli, { force: flags.force ?? false });
      process.stdout.write(`installed ${hookPath}\n`);
    });
}
