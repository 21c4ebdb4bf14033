/**
 * npm package-lock.json and npm-shrinkwrap.json, lockfileVersion 1, 2 and 3.
 *
 * v2/v3: the flat `packages` map keyed by install path ("node_modules/a/node_modules/b").
 * Edges are found the way Node resolves modules: from the requiring package's folder
 * up through each enclosing node_modules. Workspaces appear as a link
 * ("node_modules/ws" -> "packages/ws") plus the member's own entry.
 * v1: the nested `dependencies` tree, which mirrors node_modules the same way.
 */
import type { Package, PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, dirname, type ParseContext } from './parser.js';
import { purlFor } from './purl.js';
import { isObject, parseJson, str, type JsonDocument } from './support/json.js';
import { picomatchPackage } from '../../../core/packages.js';
import { npmPackage, parseAliasSpec, readManifestBeside, sourceOfSpec, type NpmPackageInput, type PackageJson } from './support/npm.js';

type Entries = Record<string, unknown>;

const picomatch = picomatchPackage;

export const npmPackageLock = defineParser({
  id: 'npm-package-lock',
  ecosystem: 'npm',
  matches: (path) => {
    const name = basename(path);
    return name === 'package-lock.json' || name === 'npm-shrinkwrap.json';
  },
  parse(text, ctx) {
    // Lines are needed for the keys of `packages` (depth 2); version 1 nests, so it is read again in full.
    let doc = parseJson(text, { lineDepth: ctx.wantLines ? 2 : 0 });
    if (isObject(doc.value) && !isObject(doc.value.packages) && isObject(doc.value.dependencies)) doc = parseJson(text);
    if (doc.error) ctx.warn(doc.error.message, doc.error.line);
    const lock = doc.value;
    if (!isObject(lock)) {
      if (!doc.error) ctx.warn('not a package-lock: the top level is not an object', 1);
      return;
    }
    if (isObject(lock.packages)) parseFlat(lock, lock.packages, doc, ctx);
    else if (isObject(lock.dependencies)) parseTree(lock, lock.dependencies, doc, ctx);
    else if (!doc.error) ctx.warn('no "packages" or "dependencies" section: nothing to read', 1);
  },
});

/** The installed name from an install path: the part after the last node_modules/. */
function installedName(key: string): string {
  const at = key.lastIndexOf('node_modules/');
  return at === -1 ? basename(key) : key.slice(at + 'node_modules/'.length);
}

/** Node's module resolution over install paths: own node_modules first, then each folder above. */
function resolveFrom(has: (key: string) => boolean, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    if (basename(dir) !== 'node_modules' && !basename(dir).startsWith('@')) {
      const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
      if (has(candidate)) return candidate;
    }
    if (!dir) return undefined;
    dir = dirname(dir);
  }
}

function flagsOf(entry: Record<string, unknown>): string[] {
  const flags: string[] = [];
  if (entry.optional === true || entry.devOptional === true) flags.push('optional');
  if (entry.peer === true) flags.push('peer');
  if (entry.inBundle === true || entry.bundled === true) flags.push('bundled');
  if (entry.extraneous === true) flags.push('extraneous');
  return flags;
}

/** Adds the package of an entry (v1 or v2/v3): what the caller read from its key and version, with its dev flag and integrity as the entry records them. */
function addPackage(ctx: ParseContext, entry: Entries, read: Omit<NpmPackageInput, 'path' | 'dev' | 'integrity'>): Package {
  const pkg = npmPackage({ ...read, path: ctx.path, dev: entry.dev === true, integrity: str(entry.integrity) });
  ctx.packages.push(pkg);
  return pkg;
}

function parseFlat(lock: Entries, entries: Entries, doc: JsonDocument, ctx: ParseContext): void {
  const rootEntry = isObject(entries['']) ? entries[''] : {};
  const manifest = readManifestBeside(ctx);
  const rootName = str(rootEntry.name) ?? str(lock.name) ?? manifest?.name ?? ctx.defaultRootName;
  const rootVersion = str(rootEntry.version) ?? str(lock.version);
  const workspaceGlobs = workspacePatterns(rootEntry);
  const isWorkspace = workspaceGlobs.length > 0 ? picomatch()(workspaceGlobs) : () => false;

  const has = (key: string): boolean => Object.hasOwn(entries, key);
  const links = new Map<string, string>();
  const nodes = new Map<string, GraphNode>();
  const projects = [''];
  nodes.set('', { deps: [], devDeps: [], label: rootName });

  for (const key of Object.keys(entries)) {
    if (key === '') continue;
    const entry = entries[key];
    const line = doc.lineOf(entries, key) ?? 1;
    if (isObject(entry) && !doc.isComplete(entry)) continue; // cut off by a truncation: the parse warning covers it
    if (!isObject(entry)) {
      ctx.warn(`entry "${key}" is not an object`, line);
      continue;
    }
    if (entry.link === true) {
      const target = str(entry.resolved);
      if (target !== undefined) links.set(key, target);
      continue;
    }
    const local = !key.startsWith('node_modules/') && !key.includes('/node_modules/');
    const installed = installedName(key);
    const name = str(entry.name) ?? installed;
    const version = str(entry.version);
    const workspace = local && isWorkspace(key);
    if (workspace) projects.push(key);
    if (!version) {
      if (local) nodes.set(key, { deps: [], devDeps: [], label: name });
      else ctx.warn(`entry "${key}" has no version`, line);
      continue;
    }
    const resolved = str(entry.resolved);
    const source: PackageSource = local ? (workspace ? 'workspace' : 'file') : sourceOfSpec(resolved);
    const flags = flagsOf(entry);
    if (!local && name !== installed) flags.push(`alias:${installed}`);
    const pkg = addPackage(ctx, entry, { name, version, line, source, flags, resolved, license: str(entry.license) });
    nodes.set(key, { pkg, deps: [], ...(workspace ? { devDeps: [] } : {}) });
  }

  const resolve = (from: string, dep: string): string | undefined => {
    let key = resolveFrom(has, from, dep);
    for (let hops = 0; key !== undefined && links.has(key) && hops < 8; hops++) key = links.get(key);
    return key !== undefined && nodes.has(key) ? key : undefined;
  };

  for (const [key, node] of nodes) {
    const entry = key === '' ? rootEntry : entries[key];
    if (!isObject(entry)) continue;
    const isProject = node.devDeps !== undefined;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const dep of Object.keys(isObject(entry[field]) ? (entry[field] as Entries) : {})) {
        const target = resolve(key, dep);
        if (target !== undefined && target !== key) node.deps.push(target);
      }
    }
    if (isProject) {
      const devDeps = isObject(entry.devDependencies) ? Object.keys(entry.devDependencies) : [];
      for (const dep of devDeps) {
        const target = resolve(key, dep);
        if (target !== undefined && target !== key) node.devDeps?.push(target);
      }
    }
  }
  // A lockfile whose root entry lists nothing (old npm 7 betas, hand edits): fall back to package.json.
  const rootNode = nodes.get('') as GraphNode;
  if (rootNode.deps.length === 0 && (rootNode.devDeps ?? []).length === 0 && manifest) addManifestEdges(rootNode, manifest, (dep) => resolve('', dep));

  ctx.root = applyGraph({
    rootName,
    ...(rootVersion ? { rootVersion, rootPurl: purlFor('npm', rootName, rootVersion) } : {}),
    nodes,
    projects,
    devFromGraph: false,
  });
}

function workspacePatterns(rootEntry: Entries): string[] {
  const ws = rootEntry.workspaces;
  const list = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : [];
  // picomatch throws on an empty pattern ("" or "./").
  return list
    .filter((p): p is string => typeof p === 'string')
    .map((p) => p.replace(/^\.\//, '').replace(/\/$/, ''))
    .filter((p) => p !== '');
}

function addManifestEdges(node: GraphNode, manifest: PackageJson, resolve: (dep: string) => string | undefined): void {
  for (const [dep] of [...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies]) {
    const target = resolve(dep);
    if (target !== undefined) node.deps.push(target);
  }
  for (const [dep] of manifest.devDependencies) {
    const target = resolve(dep);
    if (target !== undefined) node.devDeps?.push(target);
  }
}

/** lockfileVersion 1: a nested tree; each key's install path is rebuilt to reuse Node resolution. */
function parseTree(lock: Entries, top: Entries, doc: JsonDocument, ctx: ParseContext): void {
  const manifest = readManifestBeside(ctx);
  const rootName = str(lock.name) ?? manifest?.name ?? ctx.defaultRootName;
  const rootVersion = str(lock.version) ?? manifest?.version;
  const nodes = new Map<string, GraphNode>();
  const requires = new Map<string, string[]>();
  nodes.set('', { deps: [], devDeps: [], label: rootName });

  const stack: Array<{ parentKey: string; deps: Entries }> = [{ parentKey: '', deps: top }];
  while (stack.length > 0) {
    const { parentKey, deps } = stack.pop() as { parentKey: string; deps: Entries };
    for (const installed of Object.keys(deps)) {
      const entry = deps[installed];
      const line = doc.lineOf(deps, installed) ?? 1;
      const key = parentKey ? `${parentKey}/node_modules/${installed}` : `node_modules/${installed}`;
      if (isObject(entry) && !doc.isComplete(entry)) {
        if (isObject(entry.dependencies)) stack.push({ parentKey: key, deps: entry.dependencies });
        continue; // cut off by a truncation: the parse warning covers it
      }
      if (!isObject(entry)) {
        ctx.warn(`entry "${installed}" is not an object`, line);
        continue;
      }
      if (isObject(entry.dependencies)) stack.push({ parentKey: key, deps: entry.dependencies });
      const spec = str(entry.version);
      if (!spec) {
        ctx.warn(`entry "${installed}" has no version`, line);
        continue;
      }
      let name = installed;
      let version = spec;
      const flags: string[] = [];
      const alias = parseAliasSpec(spec);
      if (alias) {
        name = alias.name;
        version = alias.rest;
        flags.push(`alias:${installed}`);
      }
      const source = alias ? 'registry' : sourceOfSpec(spec);
      if (source === 'git') version = spec.includes('#') ? spec.slice(spec.lastIndexOf('#') + 1) : spec;
      const resolved = str(entry.resolved) ?? (source === 'git' ? spec : undefined);
      if (entry.optional === true) flags.push('optional');
      if (entry.bundled === true) flags.push('bundled');
      const pkg = addPackage(ctx, entry, { name, version, line, source, flags, resolved });
      nodes.set(key, { pkg, deps: [] });
      if (isObject(entry.requires)) requires.set(key, Object.keys(entry.requires));
    }
  }
  // The stack visits depth-first in reverse; report packages in file order.
  ctx.packages.sort((a, b) => a.location.startLine - b.location.startLine);

  const has = (key: string): boolean => nodes.has(key);
  const requiredByOthers = new Set<string>();
  for (const [key, names] of requires) {
    const node = nodes.get(key) as GraphNode;
    for (const dep of names) {
      const target = resolveFrom(has, key, dep);
      if (target !== undefined && target !== key) {
        node.deps.push(target);
        requiredByOthers.add(target);
      }
    }
  }
  const rootNode = nodes.get('') as GraphNode;
  if (manifest) addManifestEdges(rootNode, manifest, (dep) => resolveFrom(has, '', dep));
  else {
    // Without package.json, a top-level package nobody requires must be one the project asked for.
    for (const key of nodes.keys()) {
      if (key === '' || key.includes('/node_modules/') || requiredByOthers.has(key)) continue;
      const pkg = nodes.get(key)?.pkg;
      if (pkg?.dev) rootNode.devDeps?.push(key);
      else rootNode.deps.push(key);
    }
  }
  ctx.root = applyGraph({
    rootName,
    ...(rootVersion ? { rootVersion, rootPurl: purlFor('npm', rootName, rootVersion) } : {}),
    nodes,
    projects: [''],
    devFromGraph: false,
  });
}
