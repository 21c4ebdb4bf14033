/**
 * TOML lockfiles (Cargo.lock, poetry.lock, uv.lock) are a preamble and a list of
 * `[[package]]` tables. Each table is parsed on its own: that gives its line, and a
 * malformed or truncated table costs one package and a warning, not the whole file.
 */
import { smolTomlPackage } from '../../../../core/packages.js';
import { splitLines } from './lines.js';

const smolToml = smolTomlPackage;
const parse = (text: string): unknown => smolToml().parse(text);

export interface TomlTable {
  [key: string]: unknown;
}

export interface TomlPackages {
  /** Top-level keys and tables outside the package tables (metadata, version, manifest). */
  top: TomlTable;
  packages: Array<{ table: TomlTable; line: number }>;
  warnings: Array<{ line?: number; message: string }>;
}

const PACKAGE_HEADER = /^\s*\[\[\s*package\s*\]\]\s*(#.*)?$/;
/** Any other table header that is not a sub-table of a package ([metadata], [manifest], [[manifest.dependency]]). */
const OTHER_HEADER = /^\s*\[\[?\s*(?!package\s*[.\]])[A-Za-z0-9_"'-]/;

function reason(error: unknown, firstLine: number): { line?: number; message: string } {
  if (error instanceof smolToml().TomlError) {
    return { line: firstLine + error.line - 1, message: `malformed TOML: ${error.message.split('\n')[0] ?? ''}` };
  }
  return { line: firstLine, message: `malformed TOML: ${error instanceof Error ? error.message : String(error)}` };
}

/** parseTomlPackages for a lockfile parser: passes its warnings on, and says when there is nothing to read. */
export function readTomlLockfile(text: string, ctx: { warn(message: string, line?: number): void }): TomlPackages {
  const toml = parseTomlPackages(text);
  for (const w of toml.warnings) ctx.warn(w.message, w.line);
  if (toml.packages.length === 0 && toml.warnings.length === 0) ctx.warn('no [[package]] tables: nothing to read', 1);
  return toml;
}

/** The [[package]] tables that name a package and its version (both strings); each other one is passed over with a warning at its line. */
export function* versionedPackages(toml: TomlPackages, ctx: { warn(message: string, line?: number): void }): Generator<{ entry: TomlTable; line: number; name: string; version: string }> {
  for (const { table: entry, line } of toml.packages) {
    const name = typeof entry.name === 'string' ? entry.name : undefined;
    const version = typeof entry.version === 'string' ? entry.version : undefined;
    if (name && version) yield { entry, line, name, version };
    else ctx.warn('package table without name or version', line);
  }
}

export function parseTomlPackages(text: string): TomlPackages {
  const lines = splitLines(text);
  // Blocks: the preamble, each [[package]] with its sub-tables, and each other top-level table.
  const blocks: Array<{ start: number; isPackage: boolean }> = [{ start: 0, isPackage: false }];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (PACKAGE_HEADER.test(line)) blocks.push({ start: i, isPackage: true });
    else if (OTHER_HEADER.test(line)) blocks.push({ start: i, isPackage: false });
  }

  const out: TomlPackages = { top: {}, packages: [], warnings: [] };
  for (let b = 0; b < blocks.length; b++) {
    const { start, isPackage } = blocks[b] as { start: number; isPackage: boolean };
    const end = blocks[b + 1]?.start ?? lines.length;
    if (end <= start) continue;
    try {
      const parsed = parse(lines.slice(start, end).join('\n')) as TomlTable;
      if (isPackage) {
        const list = parsed.package;
        const first = Array.isArray(list) ? (list[0] as TomlTable | undefined) : undefined;
        if (first) out.packages.push({ table: first, line: start + 1 });
      } else {
        for (const key of Object.keys(parsed)) out.top[key] = mergeTables(out.top[key], parsed[key]);
      }
    } catch (error) {
      out.warnings.push(reason(error, start + 1));
    }
  }
  return out;
}

/** [metadata] and [metadata.files] parsed apart are merged back into one table. */
function mergeTables(a: unknown, b: unknown): unknown {
  const ta = table(a);
  const tb = table(b);
  if (!ta || !tb) return b;
  const out: TomlTable = { ...ta };
  for (const key of Object.keys(tb)) out[key] = mergeTables(ta[key], tb[key]);
  return out;
}

/** A whole TOML file (manifests such as pyproject.toml, Cargo.toml, Pipfile); undefined when malformed. */
export function parseTomlFile(text: string): { value?: TomlTable; error?: { line?: number; message: string } } {
  try {
    return { value: parse(text) as TomlTable };
  } catch (error) {
    return { error: reason(error, 1) };
  }
}

export function table(value: unknown): TomlTable | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as TomlTable) : undefined;
}
