/**
 * pnpm-lock.yaml, lockfile versions 5.x, 6 and 9.
 *
 * Keys by version: 5.x "/name/1.0.0_peer@2.0.0", 6 "/name@1.0.0(peer@2.0.0)",
 * 9 "name@1.0.0" in `packages` (metadata) and "name@1.0.0(peer@2.0.0)" in `snapshots`
 * (dependencies). One package is one name@version however many peer variants it has.
 * Importers ("." and workspace folders) split dependencies, devDependencies and
 * optionalDependencies, so dev is decided by reachability from production roots.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, dirname, joinPath, type ParseContext } from './parser.js';
import { purlFor } from './purl.js';
import { isObject, str } from './support/json.js';
import { npmPackage, readManifestBeside, readPackageJson, sourceOfSpec } from './support/npm.js';
import { parseYaml } from './support/yaml.js';

type Dict = Record<string, unknown>;

export const pnpmLock = defineParser({
  id: 'pnpm-lock',
  ecosystem: 'npm',
  matches: (path) => basename(path) === 'pnpm-lock.yaml',
  parse(text, ctx) {
    const yaml = parseYaml(text, (value) => isObject(value) && (isObject(value.packages) || isObject(value.importers)));
    for (const error of yaml.errors) ctx.warn(error.message, error.line);
    const lock = yaml.value;
    if (!isObject(lock)) {
      if (yaml.errors.length === 0) ctx.warn('not a pnpm lockfile: the top level is not a map', 1);
      return;
    }
    const version = String(lock.lockfileVersion ?? '');
    const major = Number.parseFloat(version.replace(/^v/, ''));
    if (!Number.isFinite(major)) ctx.warn(`unknown lockfileVersion ${JSON.stringify(version)}; reading it as version 9`, 1);
    // Lines of package keys, and of snapshot keys for the rare snapshot without a packages entry.
    const lines = new Map([...yaml.keyLines(['snapshots']), ...yaml.keyLines(['packages'])]);
    readLock(lock, Number.isFinite(major) ? major : 9, lines, yaml.keyLines(['importers']), ctx);
  },
});

/** name and version from a package key, for the key style of the lockfile's version. */
function parseKey(key: string, major: number): { name: string; version: string } | undefined {
  let k = key.startsWith('/') ? key.slice(1) : key;
  if (major >= 6) {
    const paren = k.indexOf('(');
    if (paren > 0) k = k.slice(0, paren);
    const at = k.indexOf('@', 1);
    if (at <= 0) return undefined;
    return { name: k.slice(0, at), version: k.slice(at + 1) };
  }
  const segments = k.split('/');
  const nameLength = k.startsWith('@') ? 2 : 1;
  if (segments.length <= nameLength) return undefined;
  const name = segments.slice(0, nameLength).join('/');
  const rest = segments.slice(nameLength).join('/');
  const underscore = rest.indexOf('_');
  return { name, version: underscore === -1 ? rest : rest.slice(0, underscore) };
}

function sourceOf(resolution: unknown, version: string): { source: PackageSource; resolved?: string } {
  if (isObject(resolution)) {
    const type = str(resolution.type);
    const repo = str(resolution.repo);
    const commit = str(resolution.commit);
    if (type === 'git' || (repo && commit)) return { source: 'git', ...(repo ? { resolved: commit ? `${repo}#${commit}` : repo } : {}) };
    if (type === 'directory') return { source: 'file' };
    const tarball = str(resolution.tarball);
    if (tarball) {
      if (tarball.startsWith('file:')) return { source: 'file' };
      const source = sourceOfSpec(tarball);
      return source === 'registry' ? { source } : { source, resolved: tarball };
    }
  }
  if (version.startsWith('file:')) return { source: 'file' };
  if (version.startsWith('link:')) return { source: 'link' };
  return { source: 'registry' };
}

function readLock(lock: Dict, major: number, packageLines: Map<string, number>, importerLines: Map<string, number>, ctx: ParseContext): void {
  const packages = isObject(lock.packages) ? lock.packages : {};
  const snapshots = isObject(lock.snapshots) ? lock.snapshots : {};
  const nodes = new Map<string, GraphNode>();
  /** Every packages/snapshots key -> the id of its package (name@version). */
  const idOfKey = new Map<string, string>();
  /** Keys whose dependencies feed each package (v9: snapshots; before: packages). */
  const depSources = new Map<string, Dict[]>();

  const addKey = (key: string, entry: unknown, withDeps: boolean): void => {
    const e = isObject(entry) ? entry : {};
    const parsed = parseKey(key, major);
    const name = str(e.name) ?? parsed?.name;
    const version = str(e.version) ?? parsed?.version;
    if (!name || !version) {
      ctx.warn(`package key ${JSON.stringify(key)} names no package and version`, packageLines.get(key));
      return;
    }
    const id = `${name}@${version}`;
    idOfKey.set(key, id);
    if (withDeps) {
      const list = depSources.get(id) ?? [];
      list.push(e);
      depSources.set(id, list);
    }
    if (nodes.has(id)) return;
    const { source, resolved } = sourceOf(e.resolution, version);
    const resolution = isObject(e.resolution) ? e.resolution : {};
    const integrity = str(resolution.integrity);
    const flags = e.optional === true ? ['optional'] : [];
    const dev = e.dev === true; // 5.x and 6 record it; the graph decides for reachable packages
    const pkg = npmPackage({
      name,
      version,
      line: packageLines.get(key) ?? 1,
      path: ctx.path,
      source,
      dev,
      flags,
      ...(resolved ? { resolved } : {}),
      ...(integrity ? { integrity } : {}),
    });
    ctx.packages.push(pkg);
    nodes.set(id, { pkg, deps: [] });
  };

  for (const key of Object.keys(packages)) addKey(key, packages[key], major < 9);
  for (const key of Object.keys(snapshots)) {
    const entry = snapshots[key];
    const parsed = parseKey(key, major);
    // A snapshot shares its metadata with the packages entry of the same name@version.
    const base = parsed ? `${parsed.name}@${parsed.version}` : key;
    if (idOfKey.has(base) || Object.hasOwn(packages, base)) {
      idOfKey.set(key, idOfKey.get(base) ?? base);
      const id = idOfKey.get(key) as string;
      const pkg = nodes.get(id)?.pkg;
      if (pkg && isObject(entry) && entry.optional === true) pkg.flags = [...new Set([...(pkg.flags ?? []), 'optional'])].sort();
      const list = depSources.get(id) ?? [];
      list.push(isObject(entry) ? entry : {});
      depSources.set(id, list);
    } else {
      addKey(key, entry, true);
    }
  }

  /** References to packages the lockfile does not list: a sign of a truncated or hand-edited file. */
  const missing: string[] = [];
  // The key a reference usually names comes first: v9 "name@ref", v6 "/name@ref", 5.x "/name/ref";
  // then the reference itself (aliases, tarballs, git) in either key style.
  const usual = major >= 9 ? (n: string, r: string) => `${n}@${r}` : major >= 6 ? (n: string, r: string) => `/${n}@${r}` : (n: string, r: string) => `/${n}/${r}`;
  const resolveRef = (name: string, ref: string): string | undefined => {
    const id = idOfKey.get(usual(name, ref)) ?? idOfKey.get(ref) ?? idOfKey.get(`/${ref}`);
    if (id !== undefined) return id;
    for (const candidate of [`/${name}@${ref}`, `${name}@${ref}`, `/${name}/${ref}`]) {
      const other = idOfKey.get(candidate);
      if (other !== undefined) return other;
    }
    missing.push(`${name}@${ref}`);
    return undefined;
  };

  // Importers: "." is the root, other keys are workspace folders. Pre-workspace lockfiles keep them at the top.
  const importers: Dict = isObject(lock.importers) ? lock.importers : { '.': lock };
  const projectId = (path: string): string => `importer:${path}`;
  const importerPaths = Object.keys(importers);
  if (!importerPaths.includes('.')) importerPaths.unshift('.');
  const importerSet = new Set(importerPaths);
  /** A `link:` names a folder, never a package entry: a workspace member (the importer), or a folder outside the lock. */
  const linkTarget = (fromDir: string, ref: string): string | undefined => {
    const linked = joinPath(fromDir, ref.slice('link:'.length));
    if (linked === undefined) return undefined;
    const path = linked === '' ? '.' : linked;
    return importerSet.has(path) ? projectId(path) : undefined;
  };

  for (const [id, entries] of depSources) {
    const node = nodes.get(id);
    if (!node) continue;
    const deps = new Set<string>();
    for (const entry of entries) {
      for (const field of ['dependencies', 'optionalDependencies']) {
        const map = entry[field];
        if (!isObject(map)) continue;
        for (const depName of Object.keys(map)) {
          const ref = map[depName];
          // In packages and snapshots a link is relative to the lockfile's folder (pnpm's injected workspace peers).
          const target =
            typeof ref !== 'string' ? undefined : ref.startsWith('link:') ? linkTarget('', ref) : resolveRef(depName, ref);
          if (target !== undefined && target !== id) deps.add(target);
        }
      }
    }
    node.deps = [...deps];
  }

  const projects: string[] = [];
  for (const importerPath of importerPaths) {
    const id = projectId(importerPath);
    projects.push(id);
    // A workspace member is a package of the project, as npm and Yarn lockfiles list them: its package.json names it.
    const manifestPath = importerPath === '.' ? undefined : joinPath(dirname(ctx.path), `${importerPath}/package.json`);
    const manifest = manifestPath === undefined ? undefined : readPackageJson(ctx, manifestPath);
    if (manifest?.name && manifest.version) {
      const pkg = npmPackage({ name: manifest.name, version: manifest.version, line: importerLines.get(importerPath) ?? 1, path: ctx.path, source: 'workspace' });
      ctx.packages.push(pkg);
      nodes.set(id, { pkg, deps: [], devDeps: [] });
    } else {
      nodes.set(id, { deps: [], devDeps: [], label: importerPath });
    }
  }
  for (const importerPath of importerPaths) {
    const importer = importers[importerPath];
    if (!isObject(importer)) continue;
    const node = nodes.get(projectId(importerPath)) as GraphNode;
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['devDependencies', true],
    ] as const) {
      const map = importer[field];
      if (!isObject(map)) continue;
      for (const depName of Object.keys(map)) {
        const value = map[depName];
        const ref = typeof value === 'string' ? value : isObject(value) ? str(value.version) : undefined;
        if (!ref) continue;
        let target: string | undefined;
        if (ref.startsWith('link:')) {
          target = linkTarget(importerPath === '.' ? '' : importerPath, ref);
        } else {
          target = resolveRef(depName, ref);
        }
        if (target === undefined) continue;
        (dev ? (node.devDeps as string[]) : node.deps).push(target);
      }
    }
  }

  if (major >= 9) {
    for (const key of Object.keys(packages)) if (!depSources.has(idOfKey.get(key) ?? '')) missing.push(`snapshot of ${key}`);
  }
  if (missing.length > 0) {
    ctx.warn(
      `${missing.length} reference(s) to packages this lockfile does not list, e.g. ${missing[0] as string}: the file may be truncated or edited by hand`,
    );
  }

  const manifest = readManifestBeside(ctx);
  const rootName = manifest?.name ?? ctx.defaultRootName;
  ctx.root = applyGraph({
    rootName,
    ...(manifest?.version ? { rootVersion: manifest.version } : {}),
    // A purl only for a package.json that names the package: a folder name is no npm package.
    ...(manifest?.name && manifest.version ? { rootPurl: purlFor('npm', manifest.name, manifest.version) } : {}),
    nodes,
    projects,
    devFromGraph: true,
  });
}
