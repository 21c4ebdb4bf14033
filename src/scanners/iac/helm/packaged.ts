import { gunzipSync } from 'node:zlib';
import type { ParsedTarFileItem } from 'nanotar';
import { nanotarPackage } from '../../../core/packages.js';

/**
 * Packaged subcharts: the `charts/<name>-<version>.tgz` archives that `helm dependency
 * build` writes (a gzip'd tar whose entries sit under the chart's name). The chart files
 * secloop renders (Chart.yaml, values.yaml, requirements.yaml, templates, and the
 * subcharts they hold in turn, packed or not) are read from the archive into memory;
 * nothing is written to disk. The archive is hostile input: its unpacked size is bounded,
 * entry names that climb out (`..`) or are absolute are left out, and a damaged archive
 * is reported, not thrown.
 */

/** Bytes a packaged chart may unpack to (a chart's files are a few hundred KB). */
export const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;
/** Archives inside archives followed (charts/a.tgz holding charts/b.tgz). */
const MAX_NESTING = 3;
const CHART_FILE = /^(?:charts\/[^/]+\/)*(?:Chart\.yaml|values\.yaml|requirements\.yaml|templates\/.+\.(?:ya?ml|tpl))$/i;
const NESTED_ARCHIVE = /^(?:charts\/[^/]+\/)*charts\/[^/]+\.tgz$/i;

export interface UnpackedChart {
  /** The chart's directory name in the archive (its top-level folder). */
  name: string;
  /** Chart files by path relative to the chart's directory (`templates/deployment.yaml`, `charts/sub/values.yaml`). */
  files: Map<string, string>;
}

export type Unpacked = { chart: UnpackedChart } | { problem: string };

/** The chart files of a packaged chart; nested packaged subcharts appear unpacked under `charts/<their name>/`. */
export function unpackChart(bytes: Uint8Array, depth = 0): Unpacked {
  let tar: Uint8Array;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { problem: code === 'ERR_BUFFER_TOO_LARGE' ? `unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB` : 'not a gzip archive' };
  }
  let entries: ParsedTarFileItem[];
  try {
    // A copy of its own: the parser reads `.buffer`, which for a pooled Buffer is a larger block.
    entries = nanotarPackage().parseTar(new Uint8Array(tar)) as ParsedTarFileItem[];
  } catch {
    return { problem: 'not a readable tar archive' };
  }
  const files = new Map<string, string>();
  let name: string | undefined;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (const entry of entries) {
    if (entry.type !== 'file' || !entry.data) continue;
    const path = entry.name.replace(/\\/g, '/');
    if (path.startsWith('/') || path.split('/').includes('..')) continue;
    const slash = path.indexOf('/');
    if (slash <= 0) continue;
    const top = path.slice(0, slash);
    name ??= top;
    if (top !== name) continue;
    const inner = path.slice(slash + 1);
    if (CHART_FILE.test(inner)) files.set(inner, decoder.decode(entry.data));
    else if (NESTED_ARCHIVE.test(inner) && depth < MAX_NESTING) {
      const nested = unpackChart(entry.data, depth + 1);
      if (!('chart' in nested)) continue;
      const base = `${inner.slice(0, inner.lastIndexOf('/'))}/${nested.chart.name}`;
      // An unpacked copy of the same subchart wins, as Helm loads it.
      if (files.has(`${base}/Chart.yaml`)) continue;
      for (const [file, text] of nested.chart.files) files.set(`${base}/${file}`, text);
    }
  }
  if (name === undefined || !files.has('Chart.yaml')) return { problem: 'holds no Chart.yaml under a chart folder' };
  return { chart: { name, files } };
}
