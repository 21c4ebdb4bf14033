import type { Command } from 'commander';
import { serialiseBaseline } from '../core/baseline.js';
import type { FailOn } from '../core/config.js';
import { UsageError } from '../core/errors.js';
import type { ScannerId } from '../core/finding.js';
import { gateExitCode } from '../core/policy.js';
import { runScan, type ScanResult } from '../engine/scan.js';
import { renderReport, useColor, writeOutputFile } from './output.js';
import { collectReport, parseFailOn, parseFormat, parseScannerList, type ReportFormat } from './options.js';

interface ScanFlags {
  scanners?: ScannerId[];
  format: ReportFormat;
  output?: string;
  report?: Array<{ format: ReportFormat; file: string }>;
  failOn?: FailOn;
  /** Set by --fail-on-test-code / --no-fail-on-test-code; unset leaves it to the config. */
  failOnTestCode?: boolean;
  baseline?: string;
  writeBaseline?: string;
  since?: string;
  staged?: boolean;
  history?: boolean;
  offline?: boolean;
  db?: string;
  verify?: boolean;
  prodOnly?: boolean;
  libraryInputs?: boolean;
  config?: string;
  quiet?: boolean;
  color?: boolean;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('Scan a directory (or file) with every scanner that applies, report findings, and gate on severity.')
    .argument('[path]', 'what to scan', '.')
    .option('--scanners <list>', 'comma-separated scanners to run (default: every scanner that applies)', parseScannerList)
    .option('-f, --format <format>', 'report format: text, json, sarif, html', parseFormat, 'text')
    .option('-o, --output <file>', 'write the report to FILE instead of standard output')
    .option('--report <format=file>', 'also write another report in the same run (repeatable), e.g. html=secloop.html', collectReport)
    .option('--fail-on <severity>', 'exit 1 when a finding is at or above: critical, high, medium, low, none (default: high)', parseFailOn)
    .option('--fail-on-test-code', 'findings in test code count for --fail-on like any other (default: failOnTestCode in the config, else on)')
    .option('--no-fail-on-test-code', 'findings in test code (tagged test-code) do not count for --fail-on; they are still reported')
    .option('--baseline <file>', 'hide findings recorded in this baseline (they are reported as suppressed)')
    .option('--write-baseline <file>', 'record the current findings as the baseline and exit 0')
    .option('--since <gitref>', 'report only findings on lines added or changed since GITREF')
    .option('--staged', 'scan only what is staged for commit (used by the pre-commit hook)')
    .option('--history', 'also scan the whole git history for secrets')
    .option('--offline', 'use no network: local advisory database only')
    .option('--db <path>', 'advisory database: directory or zip of OSV JSON files')
    .option('--verify', 'ask providers whether found credentials are live (network)')
    .option('--prod-only', 'leave out development dependencies')
    .option('--library-inputs', "treat a package's exported function parameters as attacker input (SAST; default: on for a package with no server framework)")
    .option('--no-library-inputs', 'never treat exported function parameters as attacker input')
    .option('--config <file>', 'configuration file (default: secloop.yaml at the root, if present)')
    .option('-q, --quiet', 'no progress or notes on standard error')
    .option('--no-color', 'no colour in the text report')
    .action(async (target: string, flags: ScanFlags) => {
      process.exitCode = await scanCommand(target, flags);
    });
}

async function scanCommand(target: string, flags: ScanFlags): Promise<number> {
  if (flags.staged && flags.since) throw new UsageError('--staged and --since cannot be used together');
  const interactive = process.stderr.isTTY === true && !flags.quiet;
  const progress = interactive ? (await import('./progress.js')).createProgressDisplay(process.stderr) : undefined;
  let result: ScanResult;
  try {
    result = await runScan({
      target,
      ...(flags.scanners ? { scanners: flags.scanners } : {}),
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(flags.baseline ? { baselineFile: flags.baseline } : {}),
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.staged ? { staged: true } : {}),
      options: {
        ...(flags.history !== undefined ? { history: flags.history } : {}),
        ...(flags.offline !== undefined ? { offline: flags.offline } : {}),
        ...(flags.db ? { db: flags.db } : {}),
        ...(flags.verify !== undefined ? { verify: flags.verify } : {}),
        ...(flags.prodOnly !== undefined ? { prodOnly: flags.prodOnly } : {}),
        ...(flags.libraryInputs !== undefined ? { libraryInputs: flags.libraryInputs } : {}),
      },
      ...(progress ? { onProgress: progress.update } : {}),
    });
  } finally {
    progress?.stop();
  }

  if (flags.writeBaseline) {
    writeOutputFile(flags.writeBaseline, serialiseBaseline([...result.findings, ...result.suppressed.map((s) => s.finding)]));
    if (!flags.quiet)
      process.stderr.write(`secloop: wrote ${result.findings.length + result.suppressed.length} findings to baseline ${flags.writeBaseline}\n`);
    return 0;
  }

  const color = useColor(flags);
  if (flags.output) writeOutputFile(flags.output, await renderReport(result, flags.format, { color: false }));
  else process.stdout.write(await renderReport(result, flags.format, { color }));
  for (const extra of flags.report ?? []) writeOutputFile(extra.file, await renderReport(result, extra.format, { color: false }));

  if (!flags.quiet && (flags.output || flags.format !== 'text')) {
    const notes = [`${result.findings.length} findings`];
    if (result.suppressed.length) notes.push(`${result.suppressed.length} suppressed`);
    if (result.warnings.length) notes.push(`${result.warnings.length} warnings`);
    if (result.skipped.length) notes.push(`${result.skipped.length} files skipped`);
    process.stderr.write(`secloop: ${notes.join(', ')}${flags.output ? ` (report: ${flags.output})` : ''}\n`);
  }
  return gateExitCode(result.findings, flags.failOn ?? result.config.failOn, { excludeTestCode: !(flags.failOnTestCode ?? result.config.failOnTestCode) });
}
