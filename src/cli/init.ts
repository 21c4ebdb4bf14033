import path from 'node:path';
import type { Command } from 'commander';
import { initProject } from '../project/init.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('Write a commented secloop.yaml, a GitHub Actions workflow (SARIF to code scanning) and a GitLab CI job.')
    .argument('[path]', 'project root', '.')
    .option('--force', 'overwrite files that exist')
    .action((target: string, flags: { force?: boolean }) => {
      for (const file of initProject(path.resolve(target), { force: flags.force ?? false })) {
        process.stdout.write(`${file.status === 'written' ? 'wrote' : 'kept (exists; --force to replace)'} ${file.path}\n`);
      }
    });
}
