/**
 * yarn.lock, classic (v1) and Berry (v2+, recognised by its `__metadata` entry).
 *
 * Each entry lists the descriptors it satisfies ("a@^1.0.0, a@^1.2.0"); a dependency
 * `b: ^2` of an entry is the entry whose descriptors include "b@^2" (Berry also writes
 * "b@npm:^2"). Berry lists workspaces as entries ("app@workspace:."), which name the
 * direct dependencies; only package.json says which of them are dev, so it is read
 * when available (beside the lockfile, and for each Berry workspace).
 */
import type { Package, PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, dirname, joinPath, type ParseContext } from './parser.js';
import { purlFor, wellFormed } from './purl.js';
import {
  npmPackage,
  parseAliasSpec,
  readManifestBeside,
  readPackageJson,
  sourceOfSpec,
  splitNameAtRef,
  type PackageJson,
} from './support/npm.js';
import { field, pairs, parseSyml, splitDescriptors, type SymlNode } from './support/syml.js';

export const yarnLock = defineParser({
  id: 'yarn-lock',
  ecosystem: 'npm',
  matches: (path) => basename(path) === 'yarn.lock',
  parse(text, ctx) {
    const doc = parseSyml(text);
    for (const warning of doc.warnings) ctx.warn(warning.message, warning.line);
    const berry = doc.entries.some((entry) => entry.key === '__metadata');
    if (!berry && !/^# yarn lockfile v1/m.test(text.slice(0, 500)) && doc.entries.length === 0) {
      ctx.warn('not a yarn.lock: no entries found', 1);
      return;
    }
    readEntries(doc.entries, berry, ctx);
  },
});

interface YarnEntry {
  node: SymlNode;
  descriptors: string[];
  pkg?: Package;
  /** A Berry workspace: its path relative to the lockfile's folder, and its package.json. */
  workspacePath?: string;
  manifest?: PackageJson;
  /** A Berry `patch:` entry whose unpatched package is also locked: they are one package. */
  patchOf?: string;
}

/** What a "patch:" reference patches ("name@npm%3A1.2.3"); a malformed %-escape is kept as written. */
function patchTarget(reference: string): string {
  const encoded = reference.slice('patch:'.length).split('#')[0] ?? '';
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

/** What a Berry `resolution` ("name@npm:1.2.3", "name@workspace:packages/a") says. */
function berrySource(reference: string): { source: PackageSource; flags: string[]; workspacePath?: string } {
  const protocol = reference.slice(0, reference.indexOf(':') + 1);
  switch (protocol) {
    case 'npm:':
      return { source: 'registry', flags: [] };
    case 'workspace:':
      return { source: 'workspace', flags: [], workspacePath: reference.slice('workspace:'.length) };
    case 'patch:': {
      // "patch:name@npm%3A1.2.3#..." patches a package from another source; the inner one decides.
      const inner = patchTarget(reference);
      const innerRef = splitNameAtRef(inner)?.ref ?? '';
      const base = innerRef.startsWith('npm:') ? 'registry' : sourceOfSpec(innerRef);
      return { source: base, flags: ['patched'] };
    }
    case 'file:':
      return { source: 'file', flags: [] };
    case 'link:':
    case 'portal:':
      return { source: 'link', flags: [] };
    default:
      return { source: sourceOfSpec(reference), flags: [] };
  }
}

function readEntries(nodes: SymlNode[], berry: boolean, ctx: ParseContext): void {
  const entries: YarnEntry[] = [];
  const byDescriptor = new Map<string, YarnEntry>();
  let rootEntry: YarnEntry | undefined;

  for (const node of nodes) {
    if (node.key === '__metadata' || node.key === '') continue;
    const descriptors = splitDescriptors(node.key);
    const entry: YarnEntry = { node, descriptors };
    for (const d of descriptors) byDescriptor.set(d, entry);
    entries.push(entry);

    const first = descriptors[0] ? splitNameAtRef(descriptors[0]) : undefined;
    const version = field(node, 'version');
    if (!first || !version) {
      ctx.warn(`entry ${JSON.stringify(node.key.slice(0, 80))} has no ${first ? 'version' : 'package name'}`, node.line);
      continue;
    }
    let name = first.name;
    const flags: string[] = [];
    let source: PackageSource;
    let resolved: string | undefined;
    let integrity: string | undefined;

    if (berry) {
      const resolution = field(node, 'resolution') ?? descriptors[0] ?? '';
      const res = splitNameAtRef(resolution);
      const reference = res?.ref ?? first.ref;
      if (res && res.name !== name) {
        flags.push(`alias:${name}`);
        name = res.name;
      }
      const described = berrySource(reference);
      source = described.source;
      flags.push(...described.flags);
      if (reference.startsWith('patch:')) entry.patchOf = patchTarget(reference);
      if (described.workspacePath !== undefined) {
        entry.workspacePath = described.workspacePath;
        if (described.workspacePath === '.' || described.workspacePath === '') {
          rootEntry = entry;
          continue;
        }
        const wsPath = joinPath(dirname(ctx.path), `${described.workspacePath}/package.json`);
        const wsManifest = wsPath === undefined ? undefined : readPackageJson(ctx, wsPath);
        if (wsManifest) entry.manifest = wsManifest;
      }
      if (source === 'git' || source === 'url') resolved = reference;
      integrity = field(node, 'checksum');
    } else {
      const alias = parseAliasSpec(first.ref);
      if (alias) {
        flags.push(`alias:${name}`);
        name = alias.name;
      }
      resolved = field(node, 'resolved');
      const specSource = alias ? sourceOfSpec(alias.rest) : sourceOfSpec(first.ref);
      source = specSource !== 'registry' ? specSource : sourceOfSpec(resolved);
      integrity = field(node, 'integrity');
    }
    entry.pkg = npmPackage({
      name,
      version: entry.manifest?.version ?? version,
      line: node.line,
      path: ctx.path,
      source,
      flags,
      ...(resolved ? { resolved } : {}),
      ...(integrity ? { integrity } : {}),
    });
    ctx.packages.push(entry.pkg);
  }

  // A patched package (Berry's builtin compat patches, `yarn patch`) is the same package as its base.
  const byResolution = new Map<string, YarnEntry>();
  for (const entry of entries) {
    const resolution = field(entry.node, 'resolution');
    if (resolution) byResolution.set(resolution, entry);
  }
  const baseOf = new Map<YarnEntry, YarnEntry>();
  for (const entry of entries) {
    const base = entry.patchOf ? byResolution.get(entry.patchOf) : undefined;
    if (!base?.pkg || !entry.pkg || base === entry) continue;
    baseOf.set(entry, base);
    ctx.packages.splice(ctx.packages.indexOf(entry.pkg), 1);
    base.pkg.flags = [...new Set([...(base.pkg.flags ?? []), 'patched'])].sort();
    delete entry.pkg;
  }
  const workspaceByName = new Map<string, YarnEntry>();
  for (const entry of entries) {
    const name = splitNameAtRef(entry.descriptors[0] ?? '')?.name;
    if (entry.workspacePath !== undefined && name) workspaceByName.set(name, entry);
  }

  const manifest = readManifestBeside(ctx);
  const resolutions = berry ? parseResolutions(manifest?.resolutions ?? []) : [];
  // Berry appends "::locator=<parent>" to relative descriptors (portal:, link:, file:, patch: with a path).
  const byBareDescriptor = new Map<string, YarnEntry>();
  for (const [descriptor, entry] of byDescriptor) {
    const at = descriptor.indexOf('::locator=');
    if (at > 0 && !byBareDescriptor.has(descriptor.slice(0, at))) byBareDescriptor.set(descriptor.slice(0, at), entry);
  }
  const lookup = (name: string, range: string, parent?: YarnEntry): YarnEntry | undefined => {
    if (range.startsWith('workspace:')) return workspaceByName.get(name);
    const descriptor = `${name}@${range}`;
    const found = byDescriptor.get(descriptor) ?? (/^[a-z]+:/.test(range) ? undefined : byDescriptor.get(`${name}@npm:${range}`));
    if (found || byBareDescriptor.size === 0) return found;
    const parentLocator = parent ? field(parent.node, 'resolution') : undefined;
    return (
      (parentLocator ? byDescriptor.get(`${descriptor}::locator=${encodeURIComponent(wellFormed(parentLocator))}`) : undefined) ??
      byBareDescriptor.get(descriptor)
    );
  };
  /** The entry a Berry `resolutions` rule puts in place of `name@range` (the lockfile keeps the requested range in dependencies). */
  const resolveByRule = (name: string, range: string, parent: YarnEntry | undefined): YarnEntry | undefined => {
    const parentName = parent ? (parent.pkg?.name ?? splitNameAtRef(parent.descriptors[0] ?? '')?.name) : undefined;
    for (const rule of resolutions) {
      if (rule.name !== name || (rule.parent !== undefined && rule.parent !== parentName)) continue;
      if (rule.range !== undefined && withoutNpm(rule.range) !== withoutNpm(range)) continue;
      // Relative rules are locked against the root workspace, which declares them.
      const entry = lookup(name, rule.to, rootEntry);
      if (entry) return entry;
    }
    return undefined;
  };

  /** Dependencies no entry satisfies: a sign of a truncated or hand-edited file. */
  const missing: string[] = [];
  const resolve = (name: string, range: string, parent?: YarnEntry): YarnEntry | undefined => {
    const entry = lookup(name, range, parent) ?? (resolutions.length > 0 ? resolveByRule(name, range, parent) : undefined);
    if (!entry) missing.push(`${name}@${range}`);
    return entry ? (baseOf.get(entry) ?? entry) : undefined;
  };

  const graphNodes = new Map<string, GraphNode>();
  const idOf = new Map<YarnEntry, string>();
  entries.forEach((entry, index) => idOf.set(entry, String(index)));
  for (const [patched, base] of baseOf) idOf.set(patched, idOf.get(base) as string);
  for (const entry of entries) {
    if (baseOf.has(entry)) continue;
    const deps: string[] = [];
    for (const key of ['dependencies', 'optionalDependencies']) {
      for (const [depName, range] of pairs(entry.node, key)) {
        const target = resolve(depName, range, entry);
        if (target && target !== entry) deps.push(idOf.get(target) as string);
      }
    }
    const node: GraphNode = { deps };
    if (entry.pkg) node.pkg = entry.pkg;
    else if (entry.workspacePath !== undefined) node.label = entry.workspacePath;
    graphNodes.set(idOf.get(entry) as string, node);
  }
  // Counted on the lockfile's own entries only: package.json may name packages not installed yet.
  if (missing.length > 0) {
    const n = missing.length;
    ctx.warn(`${n} dependenc${n === 1 ? 'y has' : 'ies have'} no entry in this lockfile, e.g. ${missing[0] as string}: the file may be truncated or edited by hand`);
  }

  const rootId = rootEntry ? (idOf.get(rootEntry) as string) : 'root';
  if (!rootEntry) graphNodes.set(rootId, { deps: [], devDeps: [] });
  const projects = [rootId];
  const rootNode = graphNodes.get(rootId) as GraphNode;

  // Berry workspaces: dependencies come from their entries; package.json splits off dev ones.
  for (const entry of entries) {
    if (entry.workspacePath === undefined) continue;
    const id = idOf.get(entry) as string;
    if (entry !== rootEntry) projects.push(id);
    splitDevEdges(graphNodes.get(id) as GraphNode, entry === rootEntry ? manifest : entry.manifest, entry, resolve, idOf);
  }

  const notLocked: string[] = [];
  if (!rootEntry) {
    if (manifest) {
      // Classic yarn does not install peer dependencies, so they are not looked for here.
      for (const [list, dev] of [
        [[...manifest.dependencies, ...manifest.optionalDependencies], false],
        [manifest.devDependencies, true],
      ] as const) {
        for (const [depName, range] of list) {
          const target = resolve(depName, range);
          if (!target) {
            notLocked.push(`${depName}@${range}`);
            continue;
          }
          (dev ? rootNode.devDeps ?? [] : rootNode.deps).push(idOf.get(target) as string);
        }
      }
    } else {
      // No package.json: an entry no other entry depends on must be one the project asked for.
      const required = new Set<string>();
      for (const node of graphNodes.values()) for (const id of node.deps) required.add(id);
      for (const [id, node] of graphNodes) if (id !== rootId && node.pkg && !required.has(id)) rootNode.deps.push(id);
    }
  }

  if (notLocked.length > 0) {
    ctx.warn(`package.json asks for ${notLocked.join(', ')}, which this lockfile does not lock: it is out of date or truncated`);
  }
  const rootName =
    manifest?.name ?? (rootEntry ? splitNameAtRef(rootEntry.descriptors[0] ?? '')?.name : undefined) ?? ctx.defaultRootName;
  const rootVersion = manifest?.version;
  ctx.root = applyGraph({
    rootName,
    ...(rootVersion ? { rootVersion } : {}),
    // A purl only for a package.json that names the package: a folder name is no npm package.
    ...(rootVersion && manifest?.name ? { rootPurl: purlFor('npm', manifest.name, rootVersion) } : {}),
    nodes: graphNodes,
    projects,
    devFromGraph: manifest !== undefined,
  });
}

/** Moves a workspace's edges that its package.json lists only under devDependencies to devDeps. */
function splitDevEdges(
  node: GraphNode,
  manifest: PackageJson | undefined,
  entry: YarnEntry,
  resolve: (name: string, range: string, parent?: YarnEntry) => YarnEntry | undefined,
  idOf: Map<YarnEntry, string>,
): void {
  node.devDeps = [];
  if (!manifest) return;
  const prodNames = new Set(
    [...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies].map(([n]) => n),
  );
  const devNames = new Set(manifest.devDependencies.map(([n]) => n).filter((n) => !prodNames.has(n)));
  if (devNames.size === 0) return;
  const devIds = new Set<string>();
  for (const [depName, range] of pairs(entry.node, 'dependencies')) {
    if (!devNames.has(depName)) continue;
    const target = resolve(depName, range, entry);
    if (target) devIds.add(idOf.get(target) as string);
  }
  node.deps = node.deps.filter((id) => !devIds.has(id));
  node.devDeps = [...devIds];
}

interface ResolutionRule {
  /** Only inside this package ("parent/name"). */
  parent?: string;
  name: string;
  /** Only for this requested range ("name@range"). */
  range?: string;
  to: string;
}

/**
 * Berry `resolutions` patterns: "name", "name@range", "parent/name", "parent@range/name"
 * (scoped names allowed on either side). Rules for one parent are tried first.
 */
function parseResolutions(entries: Array<[string, string]>): ResolutionRule[] {
  const rules: ResolutionRule[] = [];
  for (const [pattern, to] of entries) {
    const match = /^(?:((?:@[^/@]+\/)?[^/@]+)(?:@[^/]+)?\/)?((?:@[^/@]+\/)?[^/@]+)(?:@(.+))?$/.exec(pattern);
    if (!match) continue;
    const rule: ResolutionRule = { name: match[2] as string, to };
    if (match[1]) rule.parent = match[1];
    if (match[3]) rule.range = match[3];
    rules.push(rule);
  }
  return rules.sort((a, b) => Number(b.parent !== undefined) - Number(a.parent !== undefined));
}

function withoutNpm(range: string): string {
  return range.startsWith('npm:') ? range.slice(4) : range;
}
