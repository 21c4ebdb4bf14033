/**
 * composer.lock: `packages` are production, `packages-dev` dev. Each package's
 * `require` names the others (platform requirements php, ext-*, lib-* are not
 * packages). Direct dependencies come from composer.json beside the lock when present.
 * A version keeps the `v` of its tag (v5.4.2), as the lock writes it; purls and advisory
 * matching use it without (composerVersion), as Composer normalises it.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, sibling } from './parser.js';
import { purlFor } from './purl.js';
import { isObject, parseJson, str } from './support/json.js';
import { composerVersion } from '../versions/packagist.js';

const PLATFORM = /^(php(-64bit|-ipv6|-zts|-debug)?|hhvm|ext-.+|lib-.+|composer(-plugin-api|-runtime-api)?)$/i;

export const composerLock = defineParser({
  id: 'composer-lock',
  ecosystem: 'Packagist',
  matches: (path) => basename(path) === 'composer.lock',
  parse(text, ctx) {
    const doc = parseJson(text, { lineDepth: 3 });
    if (doc.error) ctx.warn(doc.error.message, doc.error.line);
    const lock = doc.value;
    if (!isObject(lock)) {
      if (!doc.error) ctx.warn('not a composer.lock: the top level is not an object', 1);
      return;
    }
    const nodes = new Map<string, GraphNode>();
    const requires = new Map<string, string[]>();
    for (const [section, dev] of [
      ['packages', false],
      ['packages-dev', true],
    ] as const) {
      const list = lock[section];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        ctx.warn(`"${section}" is not a list`, doc.lineOf(lock, section));
        continue;
      }
      list.forEach((entry, index) => {
        if (isObject(entry) && !doc.isComplete(entry)) return; // cut off by a truncation: the parse warning covers it
        const line = (isObject(entry) ? doc.lineOf(entry, 'name') : undefined) ?? doc.lineOf(list, index) ?? 1;
        const name = isObject(entry) ? str(entry.name) : undefined;
        const version = isObject(entry) ? str(entry.version) : undefined;
        if (!isObject(entry) || !name || !version) {
          ctx.warn(`${section}[${index}] has no name or version`, line);
          return;
        }
        const key = name.toLowerCase();
        if (nodes.has(key)) return;
        const dist = isObject(entry.dist) ? entry.dist : {};
        const src = isObject(entry.source) ? entry.source : {};
        const distType = str(dist.type);
        const source: PackageSource = distType === 'path' ? 'file' : !distType && str(src.type) === 'git' ? 'git' : 'registry';
        const shasum = str(dist.shasum);
        const licenses = Array.isArray(entry.license) ? entry.license.filter((l): l is string => typeof l === 'string') : [];
        const license = licenses.length > 1 ? `(${licenses.join(' OR ')})` : licenses[0];
        const pkg = {
          name,
          version,
          ecosystem: 'Packagist' as const,
          // The version as the lock writes it (v1.2.3) for display; the purl has Composer's normalised one (1.2.3).
          purl: purlFor('Packagist', name, composerVersion(version)),
          direct: false,
          dev,
          location: { path: ctx.path, startLine: line },
          source,
          ...(shasum && /^[0-9a-f]{40}$/i.test(shasum) ? { hashes: { sha1: shasum.toLowerCase() } } : {}),
          ...(license ? { license } : {}),
        };
        ctx.packages.push(pkg);
        nodes.set(key, { pkg, deps: [] });
        requires.set(key, isObject(entry.require) ? Object.keys(entry.require) : []);
      });
    }
    if (!Array.isArray(lock.packages) && !Array.isArray(lock['packages-dev']) && !doc.error) {
      ctx.warn('no "packages" or "packages-dev" list: nothing to read', 1);
    }
    for (const [key, names] of requires) {
      const node = nodes.get(key) as GraphNode;
      for (const n of names) {
        const target = n.toLowerCase();
        if (!PLATFORM.test(n) && nodes.has(target) && target !== key) node.deps.push(target);
      }
    }

    const root: GraphNode = { deps: [], devDeps: [] };
    const manifestPath = sibling(ctx.path, 'composer.json');
    const manifestText = ctx.read?.(manifestPath);
    const manifest = manifestText === undefined ? undefined : parseJson(manifestText);
    if (manifest?.error) ctx.warn(`${manifestPath} could not be read fully (${manifest.error.message}); direct flags may be incomplete`);
    const m = isObject(manifest?.value) ? manifest.value : undefined;
    if (m) {
      for (const [field, into] of [
        ['require', root.deps],
        ['require-dev', root.devDeps as string[]],
      ] as const) {
        for (const n of isObject(m[field]) ? Object.keys(m[field]) : []) if (nodes.has(n.toLowerCase())) into.push(n.toLowerCase());
      }
    } else {
      const required = new Set<string>();
      for (const node of nodes.values()) for (const id of node.deps) required.add(id);
      for (const [id, node] of nodes) if (!required.has(id)) (node.pkg?.dev ? (root.devDeps as string[]) : root.deps).push(id);
    }
    nodes.set('\0root', root);
    const rootName = (m && str(m.name)) || ctx.defaultRootName;
    ctx.root = applyGraph({ rootName, nodes, projects: ['\0root'], devFromGraph: false });
  },
});
