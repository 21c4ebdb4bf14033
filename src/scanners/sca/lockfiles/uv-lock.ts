/**
 * uv.lock, and `<script>.py.lock` (what `uv lock --script` writes beside a PEP 723 script).
 * The project and workspace members are packages whose source is
 * `{ editable = ... }` or `{ virtual = ... }`; their `dependencies` and
 * `optional-dependencies` are production, their `dev-dependencies` groups are dev.
 * A dependency names a package, plus its version when several are locked. Without a
 * root member (a script, a virtual workspace root), `[manifest] requirements` are direct.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser } from './parser.js';
import { gitVcsUrl, normalizePythonName, purlFor } from './purl.js';
import { pythonPackage } from './support/python.js';
import { parseTomlPackages, table, type TomlTable } from './support/toml.js';

export const uvLock = defineParser({
  id: 'uv-lock',
  ecosystem: 'PyPI',
  matches: (path) => basename(path) === 'uv.lock' || SCRIPT_LOCK.test(basename(path)),
  parse(text, ctx) {
    const script = SCRIPT_LOCK.test(basename(ctx.path));
    const toml = parseTomlPackages(text);
    for (const w of toml.warnings) ctx.warn(w.message, w.line);
    // A script without dependencies is locked with no [[package]] table at all.
    if (toml.packages.length === 0 && toml.warnings.length === 0 && !(script && typeof toml.top.version === 'number')) {
      ctx.warn('no [[package]] tables: nothing to read', 1);
    }

    const nodes = new Map<string, GraphNode>();
    const idsByName = new Map<string, Array<{ id: string; version: string }>>();
    const tables = new Map<string, TomlTable>();
    const projects: string[] = [];
    let rootId: string | undefined;
    let rootName = script ? basename(ctx.path).slice(0, -'.lock'.length) : ctx.defaultRootName;
    let rootVersion: string | undefined;

    for (const { table: entry, line } of toml.packages) {
      const name = typeof entry.name === 'string' ? normalizePythonName(entry.name) : undefined;
      const version = typeof entry.version === 'string' ? entry.version : undefined;
      if (!name) {
        ctx.warn('package table without a name', line);
        continue;
      }
      const id = String(line);
      const src = table(entry.source) ?? {};
      const member = typeof src.editable === 'string' || typeof src.virtual === 'string';
      tables.set(id, entry);
      idsByName.set(name, [...(idsByName.get(name) ?? []), { id, version: version ?? '' }]);
      if (member) {
        const memberPath = (src.editable ?? src.virtual) as string;
        const isRoot = memberPath === '.' && rootId === undefined;
        if (isRoot) {
          rootId = id;
          rootName = name;
          rootVersion = version;
          projects.unshift(id);
          nodes.set(id, { deps: [], devDeps: [], label: version ? `${name}@${version}` : name });
        } else {
          // Other workspace members are packages of the project, not of a registry.
          projects.push(id);
          const pkg = version ? pythonPackage({ name, version, line, path: ctx.path, source: 'workspace' }) : undefined;
          if (pkg) ctx.packages.push(pkg);
          nodes.set(id, { deps: [], devDeps: [], ...(pkg ? { pkg } : { label: name }) });
        }
        continue;
      }
      if (!version) {
        ctx.warn(`${name} has no version`, line);
        continue;
      }
      const source: PackageSource =
        typeof src.git === 'string' ? 'git' : typeof src.path === 'string' || typeof src.directory === 'string' ? 'file' : typeof src.url === 'string' ? 'url' : 'registry';
      const vcsUrl = typeof src.git === 'string' ? gitVcsUrl(src.git) : undefined;
      const pkg = pythonPackage({ name, version, line, path: ctx.path, source, hashes: artifactHash(entry), ...(vcsUrl ? { vcsUrl } : {}) });
      ctx.packages.push(pkg);
      nodes.set(id, { pkg, deps: [] });
    }

    const resolve = (dep: unknown): string[] => {
      const d = table(dep);
      if (!d || typeof d.name !== 'string') return [];
      const candidates = idsByName.get(normalizePythonName(d.name)) ?? [];
      const wanted = typeof d.version === 'string' ? candidates.filter((c) => c.version === d.version) : candidates;
      return wanted.map((c) => c.id);
    };
    const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
    for (const [id, entry] of tables) {
      const node = nodes.get(id);
      if (!node) continue;
      const prod = [...listOf(entry.dependencies), ...Object.values(table(entry['optional-dependencies']) ?? {}).flatMap(listOf)];
      for (const dep of prod) for (const target of resolve(dep)) if (target !== id) node.deps.push(target);
      if (node.devDeps) {
        for (const dep of Object.values(table(entry['dev-dependencies']) ?? {}).flatMap(listOf)) {
          for (const target of resolve(dep)) if (target !== id) node.devDeps.push(target);
        }
      }
    }
    const hasMembers = projects.length > 0;
    if (rootId === undefined) {
      rootId = '\0root';
      projects.unshift(rootId);
      const requirements = listOf(table(toml.top.manifest)?.requirements);
      nodes.set(rootId, { deps: [...new Set(requirements.flatMap(resolve))], devDeps: [] });
    }
    ctx.root = applyGraph({
      rootName,
      ...(rootVersion ? { rootVersion, rootPurl: purlFor('PyPI', rootName, rootVersion) } : {}),
      nodes,
      projects,
      devFromGraph: hasMembers,
    });
  },
});

const SCRIPT_LOCK = /^[^/]+\.py\.lock$/;

/** The sdist's hash, or the only wheel's. */
function artifactHash(entry: TomlTable): string[] {
  const sdist = table(entry.sdist);
  if (sdist && typeof sdist.hash === 'string') return [sdist.hash];
  const wheels = Array.isArray(entry.wheels) ? entry.wheels.map((w) => table(w)) : [];
  const only = wheels.length === 1 ? wheels[0] : undefined;
  return only && typeof only.hash === 'string' ? [only.hash] : [];
}
