/**
 * Pipfile.lock (pipenv): `default` is production, `develop` is dev; a package in both
 * is production. The lock is flat, so direct dependencies come from the Pipfile beside
 * it ([packages] and [dev-packages]) when it can be read.
 */
import type { Package, PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, sibling } from './parser.js';
import { gitVcsUrl, normalizePythonName } from './purl.js';
import { isObject, parseJson, str } from './support/json.js';
import { pythonPackage } from './support/python.js';
import { parseTomlFile, table } from './support/toml.js';

export const pipfileLock = defineParser({
  id: 'pipfile-lock',
  ecosystem: 'PyPI',
  matches: (path) => basename(path) === 'Pipfile.lock',
  parse(text, ctx) {
    const doc = parseJson(text, { lineDepth: 2 });
    if (doc.error) ctx.warn(doc.error.message, doc.error.line);
    const lock = doc.value;
    if (!isObject(lock)) {
      if (!doc.error) ctx.warn('not a Pipfile.lock: the top level is not an object', 1);
      return;
    }
    const byName = new Map<string, Package>();
    const nodes = new Map<string, GraphNode>();
    for (const section of ['default', 'develop'] as const) {
      const group = lock[section];
      if (!isObject(group)) continue;
      for (const rawName of Object.keys(group)) {
        const entry = group[rawName];
        const line = doc.lineOf(group, rawName) ?? 1;
        if (isObject(entry) && !doc.isComplete(entry)) continue; // cut off by a truncation: the parse warning covers it
        if (!isObject(entry)) {
          ctx.warn(`entry "${rawName}" is not an object`, line);
          continue;
        }
        const name = normalizePythonName(rawName);
        const existing = byName.get(name);
        if (existing) {
          if (section === 'default') existing.dev = false;
          continue;
        }
        const pinned = str(entry.version);
        let source: PackageSource = 'registry';
        let version = pinned?.replace(/^===?/, '');
        if (str(entry.git) !== undefined) {
          source = 'git';
          version ??= str(entry.ref);
        } else if (str(entry.path) !== undefined || str(entry.file) !== undefined) {
          source = str(entry.file)?.includes('://') ? 'url' : 'file';
        }
        if (!version) {
          const local = str(entry.path) ?? str(entry.file);
          ctx.warn(
            local !== undefined
              ? `${rawName} comes from ${JSON.stringify(local)}, not a released version, and cannot be checked`
              : `${rawName} has no pinned version and cannot be checked`,
            line,
          );
          continue;
        }
        const hashes = Array.isArray(entry.hashes) ? entry.hashes.filter((h): h is string => typeof h === 'string') : [];
        const git = str(entry.git);
        const vcsUrl = git !== undefined ? gitVcsUrl(git, str(entry.ref)) : undefined;
        const pkg = pythonPackage({ name, version, line, path: ctx.path, source, dev: section === 'develop', hashes, ...(vcsUrl ? { vcsUrl } : {}) });
        if (entry.editable === true) pkg.flags = ['editable'];
        ctx.packages.push(pkg);
        byName.set(name, pkg);
        nodes.set(name, { pkg, deps: [] });
      }
    }
    if (!isObject(lock.default) && !isObject(lock.develop) && !doc.error) ctx.warn('no "default" or "develop" section: nothing to read', 1);

    const root: GraphNode = { deps: [], devDeps: [] };
    const pipfilePath = sibling(ctx.path, 'Pipfile');
    const pipfileText = ctx.read?.(pipfilePath);
    const pipfile = pipfileText === undefined ? undefined : parseTomlFile(pipfileText);
    if (pipfile?.error) ctx.warn(`${pipfilePath} could not be read (${pipfile.error.message}); direct flags may be incomplete`);
    if (pipfile?.value) {
      for (const [key, into] of [
        ['packages', root.deps],
        ['dev-packages', root.devDeps as string[]],
      ] as const) {
        for (const declared of Object.keys(table(pipfile.value[key]) ?? {})) {
          const name = normalizePythonName(declared);
          if (nodes.has(name)) into.push(name);
        }
      }
    }
    nodes.set('\0root', root);
    ctx.root = applyGraph({ rootName: ctx.defaultRootName, nodes, projects: ['\0root'], devFromGraph: false });
  },
});
