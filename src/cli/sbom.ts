import { InvalidArgumentError, type Command } from 'commander';
import { writeOutputFile } from './output.js';

const FORMATS = ['cyclonedx', 'spdx'] as const;

export function registerSbom(program: Command): void {
  program
    .command('sbom')
    .description('Write a software bill of materials (CycloneDX 1.6 or SPDX 2.3 JSON) from the lockfiles under PATH.')
    .argument('[path]', 'project directory', '.')
    .option('-f, --format <format>', 'cyclonedx or spdx', (value: string) => {
      if (!(FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${FORMATS.join(', ')}`);
      return value as (typeof FORMATS)[number];
    }, 'cyclonedx')
    .option('-o, --output <file>', 'write to FILE instead of standard output')
    .option('--prod-only', 'leave out development dependencies')
    .option('--timestamp <iso>', 'record this creation time (default: none for CycloneDX; SOURCE_DATE_EPOCH or 1970-01-01 for SPDX)')
    .option('--config <file>', 'configuration file (default: secloop.yaml at the root, if present)')
    .option('-q, --quiet', 'no notes on standard error')
    .action(async (target: string, flags: { format: 'cyclonedx' | 'spdx'; output?: string; prodOnly?: boolean; timestamp?: string; config?: string; quiet?: boolean }) => {
      // Loaded here so that other commands do not pay for the parsers at start-up.
      const { buildSbom } = await import('../engine/sbom.js');
      const result = await buildSbom({
        target,
        format: flags.format,
        ...(flags.prodOnly ? { prodOnly: true } : {}),
        ...(flags.config ? { configFile: flags.config } : {}),
        ...(flags.timestamp ? { timestamp: flags.timestamp } : {}),
      });
      if (flags.output) writeOutputFile(flags.output, result.document);
      else process.stdout.write(result.document);
      if (!flags.quiet) {
        for (const w of result.warnings) process.stderr.write(`secloop: warning: ${w.path}${w.line ? `:${w.line}` : ''}: ${w.message}\n`);
        process.stderr.write(
          result.lockfiles.length
            ? `secloop: ${result.packages} packages from ${result.lockfiles.join(', ')}\n`
            : 'secloop: no lockfiles found: the SBOM lists the project alone\n',
        );
      }
    });
}
