/**
 * One small interface per lockfile format (osv-scalibr's FileRequired/Extract):
 * `matches(path)` decides from the path alone, `parse(text, path, options)` extracts.
 * Parsers never walk the file system and never throw: a malformed file yields
 * warnings (with the line where known) and every package that could be read.
 */
import type { Ecosystem, LockfileResult, Package } from '../model.js';
import { resolveWithinRoot } from '../../../workspace/relative-path.js';

/**
 * Reads another file of the project, by path relative to the scan root with forward
 * slashes; undefined when it does not exist or may not be read (outside the root,
 * too large). Parsers use it for companion files: package.json beside yarn.lock,
 * pyproject.toml beside poetry.lock, a parent pom, `-r` includes of requirements files.
 */
export type ReadFile = (path: string) => string | undefined;

export interface ParseOptions {
  read?: ReadFile;
  /** The project's name when the files do not give one and the lockfile sits at the scan root (the root folder's name). */
  rootName?: string;
  /** False when the caller needs no line numbers (an SBOM): parsers may then read faster without them. */
  lines?: boolean;
}

export interface LockfileParser {
  /** Stable id, e.g. "npm-package-lock". */
  id: string;
  ecosystem: Ecosystem;
  /** Cheap, from the path (relative, forward slashes). */
  matches(path: string): boolean;
  parse(text: string, path: string, options?: ParseOptions): LockfileResult;
}

/** What a parser body fills in; the wrapper returns it even when the body throws half-way. */
export interface ParseContext {
  readonly path: string;
  readonly read: ReadFile | undefined;
  /** The project's name from the lockfile's folder (or ParseOptions.rootName at the scan root). */
  readonly defaultRootName: string;
  /** ParseOptions.lines: when false, packages may all carry line 1. */
  readonly wantLines: boolean;
  readonly packages: Package[];
  root?: LockfileResult['root'];
  warn(message: string, line?: number): void;
}

export function defineParser(spec: {
  id: string;
  ecosystem: Ecosystem;
  matches(path: string): boolean;
  parse(text: string, ctx: ParseContext): void;
}): LockfileParser {
  return {
    id: spec.id,
    ecosystem: spec.ecosystem,
    matches: spec.matches,
    parse(text: string, path: string, options: ParseOptions = {}): LockfileResult {
      const warnings: LockfileResult['warnings'] = [];
      const ctx: ParseContext = {
        path,
        read: options.read,
        defaultRootName: dirname(path) ? basename(dirname(path)) : (options.rootName ?? 'project'),
        wantLines: options.lines !== false,
        packages: [],
        warn(message, line) {
          warnings.push(line === undefined ? { message } : { line, message });
        },
      };
      try {
        spec.parse(text, ctx);
      } catch (error) {
        // A bug or an input shape nobody expected: keep what was read, say what happened.
        const reason = error instanceof Error ? error.message : String(error);
        ctx.warn(`${spec.id}: parsing stopped early: ${reason}`);
      }
      const result: LockfileResult = { packages: ctx.packages, warnings };
      if (ctx.root) result.root = ctx.root;
      return result;
    },
  };
}

export function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? path : path.slice(slash + 1);
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** Joins and normalises a relative path (`a/b` + `../c` = `a/c`); undefined when it climbs above the root. */
export function joinPath(dir: string, relative: string): string | undefined {
  const rel = relative.replace(/\\/g, '/');
  if (rel.startsWith('/') || /^[a-zA-Z]:\//.test(rel)) return undefined;
  return resolveWithinRoot(dir, rel);
}

/** The sibling file in the same directory as `path`. */
export function sibling(path: string, name: string): string {
  const dir = dirname(path);
  return dir ? `${dir}/${name}` : name;
}
