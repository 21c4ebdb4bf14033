/**
 * poetry.lock (lock format 1.x and 2.x). Dev comes from the lock itself when it says
 * so (`category = "dev"` in 1.x, `groups` without "main" in 2.1), otherwise from
 * reachability with pyproject.toml's groups. Direct dependencies come from pyproject.toml.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser } from './parser.js';
import { gitVcsUrl, normalizePythonName, purlFor } from './purl.js';
import { pythonPackage, readPyProject } from './support/python.js';
import { readTomlLockfile, table, versionedPackages, type TomlTable } from './support/toml.js';

export const poetryLock = defineParser({
  id: 'poetry-lock',
  ecosystem: 'PyPI',
  matches: (path) => basename(path) === 'poetry.lock',
  parse(text, ctx) {
    const toml = readTomlLockfile(text, ctx);
    const legacyFiles = table(table(toml.top.metadata)?.files) ?? {};
    const nodes = new Map<string, GraphNode>();
    const idsByName = new Map<string, string[]>();
    const depNames = new Map<string, string[]>();
    let lockSaysDev = false;

    for (const { entry, line, name, version } of versionedPackages(toml, ctx)) {
      const src = table(entry.source);
      const srcType = typeof src?.type === 'string' ? src.type : undefined;
      const source: PackageSource =
        srcType === 'git' ? 'git' : srcType === 'directory' || srcType === 'file' ? 'file' : srcType === 'url' ? 'url' : 'registry';
      let dev = false;
      if (typeof entry.category === 'string') {
        lockSaysDev = true;
        dev = entry.category === 'dev';
      } else if (Array.isArray(entry.groups)) {
        lockSaysDev = true;
        dev = entry.groups.length > 0 && !entry.groups.includes('main');
      }
      const files = Array.isArray(entry.files) ? entry.files : (legacyFiles[name] as unknown[] | undefined) ?? [];
      const pkg = pythonPackage({
        name,
        version,
        line,
        path: ctx.path,
        source,
        dev,
        hashes: artifactHash(files),
        flags: entry.optional === true ? ['optional'] : [],
        ...(source === 'git' && typeof src?.url === 'string' ? { vcsUrl: gitVcsUrl(src.url, gitCommit(src)) } : {}),
      });
      ctx.packages.push(pkg);
      const id = String(line);
      nodes.set(id, { pkg, deps: [] });
      idsByName.set(pkg.name, [...(idsByName.get(pkg.name) ?? []), id]);
      depNames.set(id, Object.keys(table(entry.dependencies) ?? {}).map(normalizePythonName));
    }
    for (const [id, names] of depNames) {
      const node = nodes.get(id) as GraphNode;
      for (const n of names) for (const target of idsByName.get(n) ?? []) if (target !== id) node.deps.push(target);
    }

    const pyproject = readPyProject(ctx);
    const root: GraphNode = { deps: [], devDeps: [] };
    if (pyproject) {
      for (const n of pyproject.prod) root.deps.push(...(idsByName.get(n) ?? []));
      for (const n of pyproject.dev) root.devDeps?.push(...(idsByName.get(n) ?? []));
    } else {
      const required = new Set<string>();
      for (const node of nodes.values()) for (const id of node.deps) required.add(id);
      for (const id of nodes.keys()) if (!required.has(id)) root.deps.push(id);
    }
    nodes.set('\0root', root);
    const rootName = pyproject?.name ?? ctx.defaultRootName;
    ctx.root = applyGraph({
      rootName,
      ...(pyproject?.version ? { rootVersion: pyproject.version, rootPurl: purlFor('PyPI', rootName, pyproject.version) } : {}),
      nodes,
      projects: ['\0root'],
      devFromGraph: !lockSaysDev && pyproject !== undefined,
    });
  },
});

/** The sdist's hash when there is one; else the only file's; else none (which wheel is installed is unknown). */
function artifactHash(files: unknown[]): string[] {
  const entries = files.map((f) => table(f)).filter((f): f is TomlTable => f !== undefined);
  const sdist = entries.find((f) => typeof f.file === 'string' && /\.(tar\.gz|zip|tar\.bz2)$/.test(f.file));
  const chosen = sdist ?? (entries.length === 1 ? entries[0] : undefined);
  return chosen && typeof chosen.hash === 'string' ? [chosen.hash] : [];
}

/** The commit a git source was locked at (`resolved_reference`; `reference` when that is all there is). */
function gitCommit(src: TomlTable): string | undefined {
  for (const key of ['resolved_reference', 'reference']) if (typeof src[key] === 'string' && src[key]) return src[key] as string;
  return undefined;
}
