/**
 * bun.lock, Bun's text lockfile (JSONC: comments and trailing commas).
 *
 * `packages` maps an install key to an array whose first element is "name@resolution":
 *   npm        [ "name@1.2.3", registry, info, integrity ]
 *   workspace  [ "name@workspace:packages/a" ]
 *   git/github [ "name@github:user/repo#sha", info, tag ]
 *   file/link  [ "name@file:../x", info ]
 *   tarball    [ "name@https://...", info ]
 * Keys nest like node_modules ("parent/child", "@s/parent/@s/child"); a dependency of
 * key K is found at "K/dep", then one level up, and so on to "dep". `workspaces` holds
 * each workspace's own dependency lists, with dev split out.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, type ParseContext } from './parser.js';
import { purlFor } from './purl.js';
import { isObject, parseJson, str, type JsonDocument } from './support/json.js';
import { npmPackage, sourceOfSpec, splitNameAtRef } from './support/npm.js';

type Dict = Record<string, unknown>;

export const bunLock = defineParser({
  id: 'bun-lock',
  ecosystem: 'npm',
  matches: (path) => basename(path) === 'bun.lock',
  parse(text, ctx) {
    const doc = parseJson(text, { jsonc: true, lineDepth: 2 });
    if (doc.error) ctx.warn(doc.error.message, doc.error.line);
    if (!isObject(doc.value)) {
      if (!doc.error) ctx.warn('not a bun.lock: the top level is not an object', 1);
      return;
    }
    readLock(doc.value, doc, ctx);
  },
});

/** The package names a key is made of: "@s/a/b" -> ["@s/a", "b"]. */
function keySegments(key: string): string[] {
  const parts = key.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.startsWith('@') && i + 1 < parts.length) {
      out.push(`${part}/${parts[i + 1] as string}`);
      i++;
    } else out.push(part);
  }
  return out;
}

function describe(resolution: string): { source: PackageSource; version: string; resolved?: string } {
  const colon = resolution.indexOf(':');
  const protocol = colon > 0 ? resolution.slice(0, colon) : '';
  if (protocol === 'workspace') return { source: 'workspace', version: resolution };
  if (protocol === 'file') return { source: 'file', version: resolution };
  if (protocol === 'link') return { source: 'link', version: resolution };
  const source = sourceOfSpec(resolution);
  if (source === 'git') {
    const hash = resolution.lastIndexOf('#');
    return { source, version: hash === -1 ? resolution : resolution.slice(hash + 1), resolved: resolution };
  }
  if (source === 'url') return { source, version: resolution, resolved: resolution };
  return { source, version: resolution };
}

function readLock(lock: Dict, doc: JsonDocument, ctx: ParseContext): void {
  // bun always writes the map, empty or not: without it the file is damaged, not dependency-free.
  if (!isObject(lock.packages) && !doc.error) ctx.warn('no "packages" object: no package could be read', doc.lineOf(lock, 'packages') ?? 1);
  const packages = isObject(lock.packages) ? lock.packages : {};
  const workspaces = isObject(lock.workspaces) ? lock.workspaces : {};
  const nodes = new Map<string, GraphNode>();
  const info = new Map<string, Dict>();
  /** Workspace path -> the key of its package entry, to join `workspaces` with `packages`. */
  const workspaceKeyByPath = new Map<string, string>();

  for (const key of Object.keys(packages)) {
    const entry = packages[key];
    const line = doc.lineOf(packages, key) ?? 1;
    if (Array.isArray(entry) && !doc.isComplete(entry)) continue; // cut off by a truncation: the parse warning covers it
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') {
      ctx.warn(`package "${key}" is not an array starting with "name@version"`, line);
      continue;
    }
    const ident = splitNameAtRef(entry[0]);
    if (!ident) {
      ctx.warn(`package "${key}" has no version in ${JSON.stringify(entry[0])}`, line);
      continue;
    }
    if (ident.ref.startsWith('root:')) continue;
    const { source, version, resolved } = describe(ident.ref);
    const meta = entry.find((e, i) => i > 0 && isObject(e));
    if (isObject(meta)) info.set(key, meta);
    if (source === 'workspace') {
      const path = ident.ref.slice('workspace:'.length);
      workspaceKeyByPath.set(path, key);
      nodes.set(key, { deps: [], devDeps: [], label: ident.name });
      continue;
    }
    const installed = keySegments(key).at(-1) ?? key;
    const flags = installed !== ident.name ? [`alias:${installed}`] : [];
    if (isObject(meta) && Array.isArray(meta.os)) flags.push('platform-specific');
    const integrity = source === 'registry' && typeof entry[3] === 'string' && entry[3] ? entry[3] : undefined;
    const pkg = npmPackage({
      name: ident.name,
      version,
      line,
      path: ctx.path,
      source,
      flags,
      ...(resolved ? { resolved } : {}),
      ...(integrity ? { integrity } : {}),
    });
    ctx.packages.push(pkg);
    nodes.set(key, { pkg, deps: [] });
  }

  const resolve = (fromKey: string, dep: string): string | undefined => {
    const segments = keySegments(fromKey);
    for (let n = segments.length; n >= 0; n--) {
      const candidate = n === 0 ? dep : `${segments.slice(0, n).join('/')}/${dep}`;
      if (nodes.has(candidate)) return candidate;
    }
    return undefined;
  };

  for (const [key, node] of nodes) {
    const meta = info.get(key);
    if (!meta || node.devDeps) continue;
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
      const map = meta[field];
      if (!isObject(map)) continue;
      for (const dep of Object.keys(map)) {
        const target = resolve(key, dep);
        if (target !== undefined && target !== key) node.deps.push(target);
      }
    }
  }

  const rootId = '\0root';
  const projects = [rootId];
  let rootName = ctx.defaultRootName;
  let rootVersion: string | undefined;
  let named = false;
  for (const path of Object.keys(workspaces)) {
    const ws = workspaces[path];
    if (!isObject(ws)) continue;
    let id: string;
    if (path === '') {
      id = rootId;
      rootName = str(ws.name) ?? rootName;
      named = str(ws.name) !== undefined;
      rootVersion = str(ws.version);
      nodes.set(id, { deps: [], devDeps: [], label: rootName });
    } else {
      id = workspaceKeyByPath.get(path) ?? `\0ws:${path}`;
      const name = str(ws.name) ?? path;
      const label = str(ws.version) ? `${name}@${str(ws.version) as string}` : name;
      const existing = nodes.get(id);
      if (existing) existing.label = label;
      else nodes.set(id, { deps: [], devDeps: [], label });
      projects.push(id);
    }
    const node = nodes.get(id) as GraphNode;
    for (const [field, dev] of [
      ['dependencies', false],
      ['optionalDependencies', false],
      ['peerDependencies', false],
      ['devDependencies', true],
    ] as const) {
      const map = ws[field];
      if (!isObject(map)) continue;
      for (const dep of Object.keys(map)) {
        // A workspace's own copy is keyed under its package name when it differs from the hoisted one.
        const wsKey = id === rootId ? '' : id;
        const target = resolve(wsKey, dep);
        if (target === undefined || target === id) continue;
        (dev ? (node.devDeps as string[]) : node.deps).push(target);
      }
    }
  }
  if (!nodes.has(rootId)) nodes.set(rootId, { deps: [], devDeps: [], label: rootName });

  ctx.root = applyGraph({
    rootName,
    ...(rootVersion ? { rootVersion } : {}),
    ...(rootVersion && named ? { rootPurl: purlFor('npm', rootName, rootVersion) } : {}),
    nodes,
    projects,
    devFromGraph: Object.hasOwn(workspaces, ''),
  });
}
