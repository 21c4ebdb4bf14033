/**
 * NuGet packages.lock.json: per target framework (and runtime), each package with
 * `type` Direct / Transitive / CentralTransitive / Project, its `resolved` version,
 * a base64 SHA-512 `contentHash`, and the names of its dependencies. A package locked
 * for several frameworks is reported once per version, at its first entry.
 */
import type { Package } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser } from './parser.js';
import { purlFor } from './purl.js';
import { isObject, parseJson, str } from './support/json.js';

export const nugetPackagesLock = defineParser({
  id: 'nuget-packages-lock',
  ecosystem: 'NuGet',
  matches: (path) => basename(path) === 'packages.lock.json',
  parse(text, ctx) {
    const doc = parseJson(text, { lineDepth: 3 });
    if (doc.error) ctx.warn(doc.error.message, doc.error.line);
    const lock = doc.value;
    if (!isObject(lock) || !isObject(lock.dependencies)) {
      if (!doc.error) ctx.warn('not a NuGet lockfile: no "dependencies" object', 1);
      return;
    }
    const frameworks = lock.dependencies;
    const nodes = new Map<string, GraphNode>();
    const root: GraphNode = { deps: [] };
    const projects = ['\0root'];
    /** Per framework: lowercased name -> node id, to resolve dependency names. */
    const edges: Array<{ id: string; framework: Map<string, string>; names: string[] }> = [];

    for (const frameworkName of Object.keys(frameworks)) {
      const framework = frameworks[frameworkName];
      if (!isObject(framework)) continue;
      const byName = new Map<string, string>();
      for (const name of Object.keys(framework)) {
        const entry = framework[name];
        const line = doc.lineOf(framework, name) ?? 1;
        if (isObject(entry) && !doc.isComplete(entry)) continue; // cut off by a truncation: the parse warning covers it
        if (!isObject(entry)) {
          ctx.warn(`${frameworkName}: entry "${name}" is not an object`, line);
          continue;
        }
        const type = str(entry.type) ?? 'Transitive';
        const depNames = isObject(entry.dependencies) ? Object.keys(entry.dependencies) : [];
        if (type === 'Project') {
          const id = `project:${name.toLowerCase()}`;
          byName.set(name.toLowerCase(), id);
          if (!nodes.has(id)) {
            nodes.set(id, { deps: [], label: name });
            projects.push(id);
          }
          edges.push({ id, framework: byName, names: depNames });
          continue;
        }
        const version = str(entry.resolved);
        if (!version) {
          ctx.warn(`${frameworkName}: ${name} has no resolved version`, line);
          continue;
        }
        const id = `${name.toLowerCase()}@${version}`;
        byName.set(name.toLowerCase(), id);
        edges.push({ id, framework: byName, names: depNames });
        if (type === 'Direct') root.deps.push(id);
        if (nodes.has(id)) continue;
        const pkg: Package = {
          name,
          version,
          ecosystem: 'NuGet',
          purl: purlFor('NuGet', name, version),
          direct: type === 'Direct',
          dev: false,
          location: { path: ctx.path, startLine: line },
          source: 'registry',
        };
        const hash = str(entry.contentHash);
        const hex = hash ? base64ToHex(hash) : undefined;
        if (hex && hex.length === 128) pkg.hashes = { sha512: hex };
        if (type === 'CentralTransitive') pkg.flags = ['central-transitive'];
        ctx.packages.push(pkg);
        nodes.set(id, { pkg, deps: [] });
      }
    }
    for (const { id, framework, names } of edges) {
      const node = nodes.get(id);
      if (!node) continue;
      for (const n of names) {
        const target = framework.get(n.toLowerCase());
        if (target !== undefined && target !== id && !node.deps.includes(target)) node.deps.push(target);
      }
    }
    nodes.set('\0root', root);
    ctx.root = applyGraph({ rootName: ctx.defaultRootName, nodes, projects, devFromGraph: false });
  },
});

function base64ToHex(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('hex');
}
