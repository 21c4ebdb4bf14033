import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { FailOn } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import { gateExitCode } from '../core/policy.js';
import { opsCheck } from '../ops/check.js';
import { toScanResult } from '../ops/result.js';
import { writeHtml } from '../report/html.js';
import { writeJson } from '../report/json.js';
import { writeSarif } from '../report/sarif.js';
import { writeText } from '../report/text.js';
import { parseFailOn, parseFormat, type ReportFormat } from './options.js';

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
    .action((flags: OpsCheckFlags) => {
      process.exitCode = opsCheckCommand(flags);
    });
}

export function opsCheckCommand(flags: OpsCheckFlags): number {
  const root = path.resolve(flags.declared);
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UsageError(`--declared ${flags.declared}: no such directory`);
  }
  if (!isDirectory) throw new UsageError(`--declared ${flags.declared}: not a directory`);
  const started = performance.now();
  const check = opsCheck({ declaredRoot: root, ...(flags.config ? { configFile: flags.config } : {}) });
  const result = toScanResult(check, performance.now() - started);

  const color = flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  const rendered =
    flags.format === 'json' ? writeJson(result) : flags.format === 'sarif' ? writeSarif(result) : flags.format === 'html' ? writeHtml(result) : writeText(result, { color });
  if (flags.output) {
    try {
      mkdirSync(path.dirname(path.resolve(flags.output)), { recursive: true });
      writeFileSync(flags.output, rendered);
    } catch (error) {
      throw new UsageError(`cannot write ${flags.output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  } else process.stdout.write(rendered);
  if (!flags.quiet && (flags.output || flags.format !== 'text'))
    process.stderr.write(`secloop: ${check.inventory.sockets.length} listening sockets, ${check.declarations.ports.length} declared ports, ${result.findings.length} findings${flags.output ? ` (report: ${flags.output})` : ''}\n`);
  return gateExitCode(result.findings, flags.failOn ?? result.config.failOn);
}
