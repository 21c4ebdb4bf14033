import path from 'node:path/posix';
import { parseJsonc } from './jsonc.js';

/**
 * tsconfig `compilerOptions.baseUrl`/`paths` with `extends` followed the way TypeScript
 * does: each config in the chain (a relative path, or a package name looked up in
 * node_modules folders of the scan and in the project's own workspace packages) is read
 * first, the extending file's own options override it. baseUrl is relative to the file
 * that sets it; paths without a baseUrl are relative to the file that sets them. Chains
 * are bounded, cycles stop, and nothing outside the scan root is read (paths here are
 * relative to the root; a lookup that leaves it gives nothing).
 */

/** compilerOptions.baseUrl and paths of one tsconfig, directories relative to the scan root. */
export interface TsPaths {
  dir: string;
  baseUrl: string;
  /** baseUrl was set: bare specifiers are also looked up under it. */
  hasBaseUrl: boolean;
  paths: Array<{ pattern: string; targets: string[] }>;
}

/** The text of a file relative to the scan root, or undefined when there is none (or it is out of bounds). */
export type ConfigLookup = (relPath: string) => string | undefined;

const MAX_CHAIN = 8;

interface Effective {
  /** Resolved baseUrl (relative to the root, '' for the root). */
  baseUrl?: string;
  paths?: TsPaths['paths'];
  /** Directory of the config that set `paths`. */
  pathsDir?: string;
}

/**
 * Reads one tsconfig and what it extends. `packageDirs` maps workspace package names to
 * their directories, for `"extends": "@acme/tsconfig/base.json"` without node_modules.
 */
export function readTsconfigChain(configPath: string, lookup: ConfigLookup, packageDirs: ReadonlyMap<string, string> = new Map()): TsPaths | undefined {
  const dir = dirOf(configPath);
  const result = effectiveOptions(configPath, lookup, packageDirs, 0, new Set());
  if (!result || (result.baseUrl === undefined && result.paths === undefined)) return undefined;
  return {
    dir,
    baseUrl: result.baseUrl ?? result.pathsDir ?? dir,
    hasBaseUrl: result.baseUrl !== undefined,
    paths: result.paths ?? [],
  };
}

function effectiveOptions(configPath: string, lookup: ConfigLookup, packageDirs: ReadonlyMap<string, string>, depth: number, seen: Set<string>): Effective | undefined {
  if (depth > MAX_CHAIN || seen.has(configPath)) return undefined;
  const text = lookup(configPath);
  if (text === undefined) return undefined;
  const data = parseJsonc(text);
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  const dir = dirOf(configPath);
  const chain = new Set(seen).add(configPath);

  let result: Effective = {};
  const parents = typeof record.extends === 'string' ? [record.extends] : Array.isArray(record.extends) ? record.extends : [];
  for (const parent of parents) {
    if (typeof parent !== 'string') continue;
    const parentPath = extendsTarget(dir, parent, lookup, packageDirs);
    const inherited = parentPath ? effectiveOptions(parentPath, lookup, packageDirs, depth + 1, chain) : undefined;
    if (inherited) result = { ...result, ...defined(inherited) };
  }

  const options = record.compilerOptions;
  if (options && typeof options === 'object') {
    const { baseUrl, paths } = options as Record<string, unknown>;
    if (typeof baseUrl === 'string') {
      const resolved = inRoot(path.join(dir || '.', baseUrl));
      if (resolved !== undefined) result.baseUrl = resolved;
    }
    if (paths && typeof paths === 'object' && !Array.isArray(paths)) {
      result.paths = Object.entries(paths as Record<string, unknown>).flatMap(([pattern, targets]) =>
        Array.isArray(targets) ? [{ pattern, targets: targets.filter((t): t is string => typeof t === 'string') }] : [],
      );
      result.pathsDir = dir;
    }
  }
  return result;
}

function defined(e: Effective): Effective {
  const out: Effective = {};
  if (e.baseUrl !== undefined) out.baseUrl = e.baseUrl;
  if (e.paths !== undefined) {
    out.paths = e.paths;
    out.pathsDir = e.pathsDir ?? '';
  }
  return out;
}

/** The file an `extends` value names, or undefined when it is not found under the root. */
export function extendsTarget(dir: string, spec: string, lookup: ConfigLookup, packageDirs: ReadonlyMap<string, string>): string | undefined {
  if (spec.startsWith('/') || /^[a-z]:/i.test(spec)) return undefined;
  if (spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..') {
    return firstPresent(candidates(path.join(dir || '.', spec)), lookup);
  }
  const parts = spec.split('/');
  const nameLength = spec.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLength).join('/');
  const subpath = parts.slice(nameLength).join('/');
  const bases: string[] = [];
  for (let d = dir; ; d = dirOf(d)) {
    bases.push(path.join(d || '.', 'node_modules', name));
    if (d === '') break;
  }
  const workspace = packageDirs.get(name);
  if (workspace !== undefined) bases.push(workspace || '.');
  for (const base of bases) {
    const found = firstPresent(subpath ? candidates(path.join(base, subpath)) : [path.join(base, 'tsconfig.json')], lookup);
    if (found) return found;
  }
  return undefined;
}

/** `base` -> base, base.json, base/tsconfig.json (TypeScript's order for extends paths). */
function candidates(target: string): string[] {
  return target.endsWith('.json') ? [target] : [`${target}.json`, target, path.join(target, 'tsconfig.json')];
}

function firstPresent(paths: string[], lookup: ConfigLookup): string | undefined {
  for (const p of paths) {
    const rel = inRoot(p);
    if (rel !== undefined && lookup(rel) !== undefined) return rel;
  }
  return undefined;
}

/** A normalised path relative to the root, or undefined when it leaves the root. */
function inRoot(p: string): string | undefined {
  const normal = path.normalize(p).replace(/^\.\//, '').replace(/\/$/, '');
  if (normal === '..' || normal.startsWith('../') || normal.startsWith('/')) return undefined;
  return normal === '.' ? '' : normal;
}

function dirOf(file: string): string {
  const d = path.dirname(file);
  return d === '.' ? '' : d;
}

/** Plain tsconfig.json/jsconfig.json last, so they win over tsconfig.build.json and such in the same folder. */
export function configOrder(a: string, b: string): number {
  const plain = (p: string) => (/(^|\/)(tsconfig|jsconfig)\.json$/.test(p) ? 1 : 0);
  return plain(a) - plain(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Config files that the scanned configs extend but the scan did not read (node_modules
 * folders are not walked, and a shared config may have any name): followed through
 * `read`, which reads under the root only.
 */
export function collectExtendedConfigs(
  configs: ReadonlyArray<{ path: string; text: string }>, read: ConfigLookup, packageDirs: ReadonlyMap<string, string>,
): Array<{ path: string; text: string }> {
  const known = new Map(configs.map((c) => [c.path, c.text]));
  const extra = new Map<string, string>();
  const lookup: ConfigLookup = (p) => {
    const have = known.get(p) ?? extra.get(p);
    if (have !== undefined) return have;
    const text = read(p);
    if (text !== undefined) extra.set(p, text);
    return text;
  };
  for (const c of configs) readTsconfigChain(c.path, lookup, packageDirs);
  return [...extra].map(([p, text]) => ({ path: p, text }));
}
