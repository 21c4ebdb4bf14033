import path from 'node:path/posix';
import { readTsconfigChain, type TsPaths } from './tsconfig.js';

export type { TsPaths } from './tsconfig.js';

/** What the resolver knows of one package.json (read as data). */
export interface PackageManifest {
  dir: string;
  name?: string;
  main?: string;
  exports?: unknown;
  dependencies: Record<string, string>;
  /** `"private": true`: never published, an application rather than a library. */
  private?: boolean;
  /** Has a `bin` field (a command-line tool). */
  bin?: boolean;
}

const EXTENSIONS = ['.js', '.ts', '.tsx', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const TS_FOR_JS: Readonly<Record<string, string[]>> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
const EXPORT_CONDITIONS = ['node', 'require', 'import', 'default', 'module', 'types'];

/**
 * Resolves import and require specifiers to files of the scanned project the way Node
 * and TypeScript would: relative paths with extensions and index files, the package's
 * own name (self-reference, and sibling packages of a monorepo) through `exports` or
 * `main`, and tsconfig `paths`/`baseUrl`. Anything else is an external package.
 */
export class ModuleResolver {
  private readonly files: ReadonlySet<string>;
  private readonly packages = new Map<string, PackageManifest>();
  private readonly packagesByName = new Map<string, PackageManifest>();
  private readonly tsconfigs = new Map<string, TsPaths>();

  constructor(files: Iterable<string>) {
    this.files = new Set(files);
  }

  addPackage(manifest: PackageManifest): void {
    this.packages.set(manifest.dir, manifest);
    if (manifest.name && !this.packagesByName.has(manifest.name)) this.packagesByName.set(manifest.name, manifest);
  }

  addTsconfig(paths: TsPaths): void {
    this.tsconfigs.set(paths.dir, paths);
  }

  /** The nearest package.json at or above a directory. */
  packageFor(file: string): PackageManifest | undefined {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const key = dir === '.' ? '' : dir;
      const found = this.packages.get(key);
      if (found) return found;
      if (key === '') return undefined;
    }
  }

  /** The package's entry files (main, exports), used to find its public API. */
  entryFiles(manifest: PackageManifest): string[] {
    const entries = new Set<string>();
    for (const target of exportTargets(manifest.exports)) {
      const resolved = this.tryPath(path.join(manifest.dir || '.', target));
      if (resolved) entries.add(resolved);
    }
    const main = this.tryPath(path.join(manifest.dir || '.', manifest.main ?? 'index'));
    if (main) entries.add(main);
    return [...entries].sort();
  }

  resolve(fromFile: string, specifier: string): string | undefined {
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      return this.tryPath(path.join(path.dirname(fromFile), specifier));
    }
    if (specifier.startsWith('/') || specifier.startsWith('node:') || /^[a-z]+:/i.test(specifier)) return undefined;
    const aliased = this.resolveTsPaths(fromFile, specifier);
    if (aliased) return aliased;
    return this.resolvePackageName(fromFile, specifier);
  }

  private resolvePackageName(fromFile: string, specifier: string): string | undefined {
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    // The package the importing file belongs to first (self-reference), then a sibling package of that name.
    const own = this.packageFor(fromFile);
    const manifest = own?.name === name ? own : this.packagesByName.get(name);
    if (!manifest) return undefined;
    const subpath = parts.slice(nameLength).join('/');
    const base = manifest.dir || '.';
    const exported = exportTargets(manifest.exports, subpath ? `./${subpath}` : '.');
    for (const target of exported) {
      const resolved = this.tryPath(path.join(base, target));
      if (resolved) return resolved;
    }
    if (!subpath) return this.tryPath(path.join(base, manifest.main ?? 'index'));
    return this.tryPath(path.join(base, subpath));
  }

  private resolveTsPaths(fromFile: string, specifier: string): string | undefined {
    const config = this.tsconfigFor(fromFile);
    if (!config) return undefined;
    for (const { pattern, targets } of config.paths) {
      const star = pattern.indexOf('*');
      let captured: string | undefined;
      if (star < 0) captured = pattern === specifier ? '' : undefined;
      else {
        const prefix = pattern.slice(0, star);
        const suffix = pattern.slice(star + 1);
        if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
          captured = specifier.slice(prefix.length, specifier.length - suffix.length);
        }
      }
      if (captured === undefined) continue;
      for (const target of targets) {
        const resolved = this.tryPath(path.join(config.baseUrl || '.', target.replace('*', captured)));
        if (resolved) return resolved;
      }
    }
    if (config.hasBaseUrl) return this.tryPath(path.join(config.baseUrl || '.', specifier));
    return undefined;
  }

  private tsconfigFor(file: string): TsPaths | undefined {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const key = dir === '.' ? '' : dir;
      const found = this.tsconfigs.get(key);
      if (found) return found;
      if (key === '') return undefined;
    }
  }

  /** A file, the file with an extension, its TypeScript twin, or a directory's package main or index. */
  private tryPath(candidate: string, depth = 0): string | undefined {
    const normal = path.normalize(candidate).replace(/^\.\//, '').replace(/\/$/, '');
    if (normal.startsWith('../') || normal === '..') return undefined;
    if (this.files.has(normal)) return normal;
    const ext = path.extname(normal);
    for (const twin of TS_FOR_JS[ext] ?? []) {
      const target = normal.slice(0, -ext.length) + twin;
      if (this.files.has(target)) return target;
    }
    for (const extension of EXTENSIONS) if (this.files.has(normal + extension)) return normal + extension;
    const manifest = this.packages.get(normal === '.' ? '' : normal);
    if (manifest && depth < 3) {
      for (const target of exportTargets(manifest.exports)) {
        const resolved = this.tryPath(path.join(normal, target), depth + 1);
        if (resolved) return resolved;
      }
      if (manifest.main) {
        const resolved = this.tryPath(path.join(normal, manifest.main), depth + 1);
        if (resolved) return resolved;
      }
    }
    const prefix = normal === '.' || normal === '' ? '' : `${normal}/`;
    for (const extension of EXTENSIONS) if (this.files.has(`${prefix}index${extension}`)) return `${prefix}index${extension}`;
    return undefined;
  }
}

/** Targets of a package.json `exports` field for one subpath ('.' by default), most specific condition first. */
export function exportTargets(exportsField: unknown, subpath = '.'): string[] {
  if (exportsField === undefined || exportsField === null) return [];
  if (typeof exportsField === 'string') return subpath === '.' ? [exportsField] : [];
  if (Array.isArray(exportsField)) return exportsField.flatMap((item) => exportTargets(item, subpath));
  if (typeof exportsField !== 'object') return [];
  const record = exportsField as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.some((key) => key.startsWith('.'))) {
    if (subpath in record) return conditionTargets(record[subpath]);
    for (const key of keys) {
      const star = key.indexOf('*');
      if (star < 0) continue;
      const prefix = key.slice(0, star);
      const suffix = key.slice(star + 1);
      if (subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
        const captured = subpath.slice(prefix.length, subpath.length - suffix.length);
        return conditionTargets(record[key]).map((target) => target.replace('*', captured));
      }
    }
    return [];
  }
  return subpath === '.' ? conditionTargets(record) : [];
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const ordered = [...EXPORT_CONDITIONS.filter((c) => c in record), ...Object.keys(record).filter((c) => !EXPORT_CONDITIONS.includes(c))];
  return ordered.flatMap((condition) => conditionTargets(record[condition])).filter((target) => !target.endsWith('.d.ts'));
}

/** package.json text -> manifest, or undefined when it is not a JSON object. */
export function readManifest(dir: string, text: string): PackageManifest | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const record = data as Record<string, unknown>;
  const dependencies: Record<string, string> = {};
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = record[field];
    if (deps && typeof deps === 'object') {
      for (const [name, range] of Object.entries(deps as Record<string, unknown>)) {
        if (typeof range === 'string' && !(name in dependencies)) dependencies[name] = range;
      }
    }
  }
  return {
    dir,
    ...(typeof record.name === 'string' ? { name: record.name } : {}),
    ...(typeof record.main === 'string' ? { main: record.main } : {}),
    ...(record.exports !== undefined ? { exports: record.exports } : {}),
    ...(record.private === true ? { private: true } : {}),
    ...(record.bin !== undefined ? { bin: true } : {}),
    dependencies,
  };
}

/** One tsconfig's own path aliases (its `extends` chain is read by readTsconfigChain when the files are at hand). */
export function readTsconfig(dir: string, text: string): TsPaths | undefined {
  const file = path.join(dir || '.', 'tsconfig.json');
  return readTsconfigChain(file, (p) => (p === file ? text : undefined));
}
