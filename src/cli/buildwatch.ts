import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from '../core/errors.js';
import { describeWatch } from '../supplychain/buildwatch/describe.js';
import { watchBuild } from '../supplychain/buildwatch/watch.js';
import { cliOutput, out } from '../supplychain/cli-support.js';

export function register(program: Command): void {
  program
    .command('buildwatch')
    .description(
      'run a build while watching the tracked sources (SUNSPOT-style swaps): exit 3 naming any file that differed from the commit, ' +
        'was replaced or rewritten, or appeared beside the sources, even if restored; otherwise the build exit status (0, or 1 if it failed)',
    )
    .option('--repo <dir>', 'the repository (and directory the build runs in)', '.')
    .option('--allow-dirty', 'allow tracked files to differ from the commit (and untracked files beside them) before the build')
    .option('--ignore <patterns...>', 'gitignore-style patterns of tracked files the build may rewrite')
    .option('--interval <ms>', 'stat poll interval', milliseconds, 100)
    .option('--rehash-interval <ms>', 'full re-hash interval', milliseconds, 1000)
    .option('--report <file>', 'write the result as JSON (to record with the build, e.g. as provenance evidence)')
    .argument('[command...]', 'the build command, after --')
    .action(async (command: string[], flags: { repo: string; allowDirty?: boolean; ignore?: string[]; interval: number; rehashInterval: number; report?: string }) => {
      const result = await watchBuild({
        repoDir: flags.repo,
        command,
        allowDirty: flags.allowDirty === true,
        ...(flags.ignore ? { ignore: flags.ignore } : {}),
        // A report kept in the repository is buildwatch's own file, not a stranger beside the sources.
        ...(flags.report ? { ownOutputs: [path.resolve(flags.report)] } : {}),
        intervalMs: flags.interval,
        rehashMs: flags.rehashInterval,
        stdout: (chunk) => cliOutput().stdout(chunk),
        stderr: (chunk) => cliOutput().stderr(chunk),
      });
      if (flags.report) {
        try {
          writeFileSync(flags.report, JSON.stringify(result, null, 2) + '\n');
        } catch (error) {
          throw new UsageError(`cannot write ${flags.report}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }
      for (const line of describeWatch(result)) out(line);
      process.exitCode = result.violations.length > 0 ? 3 : result.returnValue === 0 ? 0 : 1;
    });
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 10 || n > 60_000) throw new InvalidArgumentError('a whole number of milliseconds between 10 and 60000');
  return n;
}
