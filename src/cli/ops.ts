import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { FailOn } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { gateExitCode } from '../core/policy.js';
import { opsCheck } from '../ops/check.js';
import { toScanResult } from '../ops/result.js';
import { parseFailOn, parseFormat, type ReportFormat } from './options.js';
import { renderReport, useColor, writeOutputFile } from './output.js';

interface OpsCheckFlags {
  declared: string;
  format: ReportFormat;
  output?: string;
  failOn?: FailOn;
  config?: string;
  quiet?: boolean;
  color?: boolean;
}

/** `secloop ops check`: what listens on this host against what the project declares. */
export function register(program: Command): void {
  const ops = program.command('ops').description('Operate stage: compare what runs on this host with what the project declares.');
  ops
    .command('check')
    .description('List listening TCP/UDP sockets (Linux /proc) and report undeclared ports, services bound wider than declared, and sensitive or cleartext services.')
    .option('--declared <path>', 'project directory whose compose files, Kubernetes manifests, Dockerfiles and secloop.yaml declare the expected ports', '.')
    .option('-f, --format <format>', 'report format: text, json, sarif, html', parseFormat, 'text')
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, high, medium, low, none (default: high)', parseFailOn)
    .option('--config <file>', 'configuration file (default: secloop.yaml in the --declared directory, if present)')
    .option('-q, --quiet', 'no notes on standard error')
    .option('--no-color', 'no colour in the text report')
    .action(async (flags: OpsCheckFlags) => {
      process.exitCode = await opsCheckCommand(flags);
    });
}

export async function opsCheckCommand(flags: OpsCheckFlags): Promise<number> {
  const root = path.resolve(flags.declared);
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`--declared ${flags.declared}: no such directory`);
  }
  if (!isDirectory) throw new UsageError(`--declared ${flags.declared}: not a directory`);
  const started = performance.now();
  const check = await opsCheck({ declaredRoot: root, ...(flags.config ? { configFile: flags.config } : {}) });
  const result = toScanResult(check, performance.now() - started);

  if (flags.output) writeOutputFile(flags.output, await renderReport(result, flags.format, { color: false }));
  else process.stdout.write(await renderReport(result, flags.format, { color: useColor(flags) }));
  if (!flags.quiet && (flags.output || flags.format !== 'text'))
    process.stderr.write(`secloop: ${check.inventory.sockets.length} listening sockets, ${check.declarations.ports.length} declared ports, ${result.findings.length} findings${flags.output ? ` (report: ${flags.output})` : ''}\n`);
  return gateExitCode(result.findings, flags.failOn ?? result.config.failOn);
}
