import { gunzipSync } from 'node:zlib';
import type { ParsedTarFileItem } from 'nanotar';
import { nanotarPackage } from '../../../core/packages.js';
import { looksBinary } from '../../../workspace/files.js';

/**
 * Packaged subcharts: the `charts/<name>-<version>.tgz` archives that `helm dependency
 * build` writes (a gzip'd tar whose entries sit under the chart's name). The chart files
 * secloop renders (Chart.yaml, values.yaml, requirements.yaml, templates, and the
 * subcharts they hold in turn, packed or not) are read from the archive into memory;
 * nothing is written to disk. So are the other text files of each chart of the archive,
 * which its templates read through .Files (bounded as a chart's files on disk are). The archive is hostile input: its unpacked size is bounded,
 * entry names that climb out (`..`) or are absolute are left out, and a damaged archive
 * is reported, not thrown.
 */

/** Bytes a packaged chart may unpack to (a chart's files are a few hundred KB). */
export const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;
/** Archives inside archives followed (charts/a.tgz holding charts/b.tgz). */
const MAX_NESTING = 3;
const CHART_FILE = /^(?:charts\/[^/]+\/)*(?:Chart\.yaml|values\.yaml|requirements\.yaml|templates\/.+\.(?:ya?ml|tpl)|templates\/(?:.+\/)?_[^/]+)$/i;
const NESTED_ARCHIVE = /^(?:charts\/[^/]+\/)*charts\/[^/]+\.tgz$/i;
/** Files of one chart that .Files offers, at most (those of the charts on disk have the same bounds). */
export const MAX_OTHER_FILES = 500;
export const MAX_OTHER_CHARS = 4 * 1024 * 1024;

/**
 * Whether a path of a chart's tree (relative to the chart) is a file that the chart whose
 * charts/ it sits in offers through .Files: not Chart.yaml, requirements or lock files,
 * nothing under that chart's templates/ or charts/, nothing hidden. Gives that chart's
 * directory in the tree ('' for the top) and the file's name in it.
 */
export function chartOtherFile(path: string): { chart: string; name: string } | undefined {
  const m = /^((?:charts\/[^/]+\/)*)(.+)$/s.exec(path);
  if (!m) return undefined;
  const name = m[2]!;
  if (/^(?:templates|charts)\//.test(name) || name.split('/').some((part) => part.startsWith('.'))) return undefined;
  if (/^(?:Chart\.ya?ml|Chart\.lock|requirements\.ya?ml|requirements\.lock)$/.test(name)) return undefined;
  return { chart: m[1]!.replace(/\/$/, ''), name };
}

export interface UnpackedChart {
  /** The chart's directory name in the archive (its top-level folder). */
  name: string;
  /** Chart files by path relative to the chart's directory (`templates/deployment.yaml`, `charts/sub/values.yaml`). */
  files: Map<string, string>;
  /** The text files the archive's charts offer through .Files, by the same relative paths (`files/conf.yaml`, `charts/sub/files/a.json`). */
  other: Map<string, string>;
  /** Whether some chart of the archive holds more files for .Files than the bounds let through. */
  otherTruncated?: boolean;
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
  const other = new Map<string, string>();
  /** Per chart of the archive: files and characters kept for .Files. */
  const kept = new Map<string, { count: number; chars: number }>();
  let truncated = false;
  const keepOther = (inner: string, text: string) => {
    const chart = chartOtherFile(inner)?.chart;
    if (chart === undefined) return;
    const sofar = kept.get(chart) ?? { count: 0, chars: 0 };
    if (sofar.count >= MAX_OTHER_FILES || sofar.chars + text.length > MAX_OTHER_CHARS) {
      truncated = true;
      return;
    }
    kept.set(chart, { count: sofar.count + 1, chars: sofar.chars + text.length });
    other.set(inner, text);
  };
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
      for (const [file, text] of nested.chart.other) keepOther(`${base}/${file}`, text);
      truncated ||= nested.chart.otherTruncated === true;
    } else if (!looksBinary(entry.data)) keepOther(inner, decoder.decode(entry.data));
  }
  if (name === undefined || !files.has('Chart.yaml')) return { problem: 'holds no Chart.yaml under a chart folder' };
  // Files under charts/<x>/ where x holds no chart are no chart's files.
  for (const file of other.keys()) {
    const chart = chartOtherFile(file)!.chart;
    if (chart !== '' && !files.has(`${chart}/Chart.yaml`)) other.delete(file);
  }
  return { chart: { name, files, other, ...(truncated ? { otherTruncated: true } : {}) } };
}
