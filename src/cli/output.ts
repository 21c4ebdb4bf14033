import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import type { ScanResult } from '../engine/scan.js';
import type { ReportFormat } from './options.js';
import { makeDir } from '../core/make-dir.js';

/** Renders a result in one format; each writer is loaded only when its format is asked for. */
export async function renderReport(result: ScanResult, format: ReportFormat, options: { color: boolean }): Promise<string> {
  switch (format) {
    case 'text':
      return (await import('../report/text.js')).writeText(result, { color: options.color });
    case 'json':
      return (await import('../report/json.js')).writeJson(result);
    case 'sarif':
      return (await import('../report/sarif.js')).writeSarif(result);
    case 'html':
      return (await import('../report/html.js')).writeHtml(result);
  }
}

/** Colour only for a terminal, and never when NO_COLOR is set or --no-color was given. */
export function useColor(flags: { color?: boolean; output?: string }): boolean {
  return flags.color !== false && !flags.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Writes a report or other output file, creating its folder; a failure is a usage error (exit 2). */
export function writeOutputFile(file: string, content: string): void {
  try {
    makeDir(path.dirname(path.resolve(file)));
    writeFileSync(file, content);
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
