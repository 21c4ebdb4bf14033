import { InvalidArgumentError } from 'commander';
import { SCANNER_IDS, SEVERITIES, type ScannerId } from '../core/finding.js';
import type { FailOn } from '../core/config.js';

export function parseScannerList(value: string): ScannerId[] {
  const ids = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const id of ids) {
    if (!(SCANNER_IDS as readonly string[]).includes(id))
      throw new InvalidArgumentError(`unknown scanner '${id}' (known: ${SCANNER_IDS.join(', ')})`);
  }
  return ids as ScannerId[];
}

export const FAIL_ON_VALUES = [...SEVERITIES.filter((s) => s !== 'info'), 'none'] as const;

export function parseFailOn(value: string): FailOn {
  if (!(FAIL_ON_VALUES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${FAIL_ON_VALUES.join(', ')}`);
  return value as FailOn;
}

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function parseFormat(value: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(value))
    throw new InvalidArgumentError(`must be one of ${REPORT_FORMATS.join(', ')}`);
  return value as ReportFormat;
}

/** `--report sarif=out.sarif`: an extra report written in the same run. */
export function collectReport(value: string, previous: Array<{ format: ReportFormat; file: string }> = []) {
  const at = value.indexOf('=');
  if (at < 1 || at === value.length - 1) throw new InvalidArgumentError('expected FORMAT=FILE, e.g. html=report.html');
  return [...previous, { format: parseFormat(value.slice(0, at)), file: value.slice(at + 1) }];
}
