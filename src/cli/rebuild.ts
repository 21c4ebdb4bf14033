import { Command } from 'commander';
import { cliOutput, out } from '../supplychain/cli-support.js';
import { rebuild, type RebuildResult } from '../supplychain/rebuild/rebuild.js';

export function register(program: Command): void {
  program
    .command('rebuild')
    .description(
      'rebuild the commit twice in fresh checkouts with a normalised environment (umask 022, TZ=UTC, LC_ALL=C, SOURCE_DATE_EPOCH) ' +
        'and compare the artifacts with each other and with the given one (exit 0 reproducible, 1 differs, 2 usage)',
    )
    .requiredOption('-a, --artifact <path>', 'the artifact to check; the build must write it at the same path')
    .option('--commit <ref>', 'the commit to rebuild (default: HEAD)')
    .option('--keep', 'keep the rebuild directories')
    .argument('[command...]', 'the build command, after --')
    .action(async (command: string[], flags: { artifact: string; commit?: string; keep?: boolean }) => {
      const result = await rebuild({
        artifact: flags.artifact,
        command,
        cwd: process.cwd(),
        commit: flags.commit,
        keep: flags.keep === true,
        stdout: (chunk) => cliOutput().stderr(chunk),
        stderr: (chunk) => cliOutput().stderr(chunk),
      });
      for (const line of describe(result, flags.keep === true)) out(line);
      process.exitCode = result.reproducible ? 0 : 1;
    });
}

function describe(result: RebuildResult, kept: boolean): string[] {
  const lines = [
    `${result.reproducible ? 'PASS' : 'FAIL'}: ${result.given.path} at commit ${result.commit.slice(0, 12)} ` +
      `(umask 022, TZ=UTC, LC_ALL=C, SOURCE_DATE_EPOCH=${result.sourceDateEpoch})`,
    `  given:     sha256 ${result.given.sha256}`,
  ];
  for (const build of result.builds) {
    const outcome = build.returnValue !== 0 ? `build exited with ${build.returnValue}` : build.sha256 ? `sha256 ${build.sha256}` : 'the build did not write the artifact';
    lines.push(`  ${build.label}: ${outcome}${kept ? ` (${build.directory})` : ''}`);
  }
  for (const comparison of result.comparisons) {
    lines.push(`  ${comparison.left} vs ${comparison.right}: ${comparison.summary}`);
    for (const entry of comparison.entries) lines.push(`    ${entry.name}: ${entry.detail}`);
  }
  return lines;
}
