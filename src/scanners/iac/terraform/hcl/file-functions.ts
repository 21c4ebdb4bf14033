import { picomatchPackage } from '../../../../core/packages.js';
import { resolveWithinRoot } from '../../../../workspace/relative-path.js';
import { UNKNOWN, compareText, isObject, markSet, type Value } from './value.js';

/**
 * Terraform's file functions (file, fileexists, fileset, templatefile) on the files of the
 * scan that were read for the module before its analysis (terraform/files.ts): evaluation
 * is synchronous, so a file is read here only if it was read then. Paths are scan-relative
 * once resolved: `path.module` is the module's directory, `path.root` and a relative path
 * the root module's (Terraform's working directory), known only when the directory is read
 * as a root module. A path that leaves the scan root, an absolute path, or a file not read
 * gives UNKNOWN.
 */

/** What the evaluation knows of the files around a module (Scope.files). */
export interface ModuleFiles {
  /** The module's directory from the scan root ('' at the root). */
  readonly module: string;
  /** The root module's directory, which relative paths and path.root start from; undefined when the module is called by another (its root is not known here). */
  readonly root?: string;
  /** A file's text, when it was read; undefined when it was not (not named in the configuration, too large, binary, outside the scan...). */
  text(path: string): string | undefined;
  /** Every file under a directory (paths from it, `/`-separated), when it was listed whole; undefined when it was not. */
  list(dir: string): readonly string[] | undefined;
}

/** What `path.module` and `path.root` are while a file function's path is read: marks that no real path holds. */
const MODULE_MARK = '\u0000path.module\u0000';
const ROOT_MARK = '\u0000path.root\u0000';
export const PATH_VALUES: Value = { module: MODULE_MARK, root: ROOT_MARK };

const FILE_FUNCTIONS = new Set(['file', 'fileexists', 'fileset', 'templatefile']);

export function isFileFunction(name: string): boolean {
  return FILE_FUNCTIONS.has(name);
}

/** A scan-relative, normalised path (`a/b`, '' for the root), or undefined when the path cannot be told or leaves the scan root. */
export function resolvePath(path: Value, files: ModuleFiles): string | undefined {
  if (typeof path !== 'string' || path.includes('\\')) return undefined;
  let base: string | undefined;
  let rest: string;
  if (path.startsWith(MODULE_MARK)) (base = files.module), (rest = path.slice(MODULE_MARK.length));
  else if (path.startsWith(ROOT_MARK)) (base = files.root), (rest = path.slice(ROOT_MARK.length));
  else (base = files.root), (rest = `/${path}`);
  // A mark inside the path, an absolute path (or one from the home directory), a path glued to path.module.
  if (base === undefined || rest.includes('\u0000') || /^\/*(?:~|[A-Za-z]:)/.test(rest) || path.startsWith('/') || (rest !== '' && !rest.startsWith('/'))) return undefined;
  return resolveWithinRoot(base, rest);
}

const parent = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The value of a file function: `path` is its first argument read in a PathScope, `rest`
 * the others; `template` evaluates a template file's text with its variables.
 */
export function callFileFunction(name: string, path: Value, rest: readonly Value[], files: ModuleFiles, template: (text: string, vars: { [key: string]: Value }) => Value): Value {
  const resolved = resolvePath(path, files);
  if (resolved === undefined) return UNKNOWN;
  switch (name) {
    case 'file':
      return files.text(resolved) ?? UNKNOWN;
    case 'fileexists': {
      if (files.text(resolved) !== undefined) return true;
      const listed = files.list(parent(resolved));
      if (!listed) return UNKNOWN;
      const name = baseName(resolved);
      // A directory of that name: Terraform refuses it.
      return listed.some((p) => p.startsWith(`${name}/`)) ? UNKNOWN : listed.includes(name);
    }
    case 'fileset': {
      const [pattern] = rest;
      const listed = files.list(resolved);
      if (typeof pattern !== 'string' || !listed) return UNKNOWN;
      let match: (path: string) => boolean;
      try {
        match = picomatchPackage()(pattern, { dot: true });
      } catch {
        return UNKNOWN;
      }
      return markSet(listed.filter((p) => match(p)).sort(compareText));
    }
    case 'templatefile': {
      const [vars] = rest;
      const text = files.text(resolved);
      if (text === undefined || !isObject(vars)) return UNKNOWN;
      return template(text, vars);
    }
    default:
      return UNKNOWN;
  }
}
