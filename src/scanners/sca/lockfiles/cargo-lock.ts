/**
 * Cargo.lock (versions 1 to 4). Packages without a `source` are the workspace's own
 * crates (or path dependencies); their dependencies are direct. A dependency is
 * written "name", "name version" or "name version (source)"; the name alone suffices
 * when only one version is locked. Cargo.lock does not mark dev-dependencies, so the
 * Cargo.toml beside it is read when available: crates listed only under
 * [dev-dependencies] there are dev roots.
 */
import type { PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, sibling, type ParseContext } from './parser.js';
import { gitVcsUrl, purlFor } from './purl.js';
import { parseTomlFile, readTomlLockfile, table, versionedPackages } from './support/toml.js';

export const cargoLock = defineParser({
  id: 'cargo-lock',
  ecosystem: 'crates.io',
  matches: (path) => basename(path) === 'Cargo.lock',
  parse(text, ctx) {
    const toml = readTomlLockfile(text, ctx);
    // Lock version 1 keeps checksums in [metadata]: "checksum name version (source)" = "hex".
    const legacyChecksums = table(toml.top.metadata) ?? {};

    const nodes = new Map<string, GraphNode>();
    const byName = new Map<string, Array<{ id: string; version: string }>>();
    const depSpecs = new Map<string, string[]>();
    const locals: string[] = [];

    for (const { entry, line, name, version } of versionedPackages(toml, ctx)) {
      const id = `${name} ${version}`;
      const sourceText = typeof entry.source === 'string' ? entry.source : undefined;
      const source: PackageSource = !sourceText
        ? 'workspace'
        : sourceText.startsWith('git+')
          ? 'git'
          : sourceText.startsWith('registry+') || sourceText.startsWith('sparse+')
            ? 'registry'
            : 'other';
      const checksum =
        typeof entry.checksum === 'string'
          ? entry.checksum
          : (legacyChecksums[`checksum ${name} ${version} (${sourceText ?? ''})`] as string | undefined);
      const pkg = {
        name,
        version,
        ecosystem: 'crates.io' as const,
        purl: purlFor('crates.io', name, version, source === 'git' && sourceText ? { vcs_url: gitVcsUrl(sourceText) } : undefined),
        direct: false,
        dev: false,
        location: { path: ctx.path, startLine: line },
        source,
        ...(typeof checksum === 'string' && /^[0-9a-f]{64}$/i.test(checksum) ? { hashes: { sha256: checksum.toLowerCase() } } : {}),
      };
      ctx.packages.push(pkg);
      nodes.set(id, { pkg, deps: [] });
      byName.set(name, [...(byName.get(name) ?? []), { id, version }]);
      depSpecs.set(id, Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === 'string') : []);
      if (!sourceText) locals.push(id);
    }

    const resolve = (spec: string): string | undefined => {
      const [name, version] = spec.split(' ');
      const candidates = byName.get(name ?? '') ?? [];
      if (version === undefined) return candidates.length === 1 ? candidates[0]?.id : undefined;
      return candidates.find((c) => c.version === version)?.id;
    };
    for (const [id, specs] of depSpecs) {
      const node = nodes.get(id) as GraphNode;
      for (const spec of specs) {
        const target = resolve(spec);
        if (target === undefined) ctx.warn(`dependency "${spec}" of ${id} is not in the lockfile`, node.pkg?.location.startLine);
        else if (target !== id) node.deps.push(target);
      }
    }

    // Workspace crates are the projects: the Cargo.toml's package (without Cargo.toml, the first crate) is the root.
    // A virtual manifest ([workspace] without [package]) has no crate of its own: every crate stays a package.
    const manifest = readCargoToml(ctx);
    const rootId = manifest
      ? manifest.name === undefined
        ? undefined
        : locals.find((id) => id.startsWith(`${manifest.name} `))
      : locals[0];
    const projects = rootId ? [rootId, ...locals.filter((id) => id !== rootId)] : ['\0root', ...locals];
    if (!rootId) nodes.set('\0root', { deps: [] });
    for (const id of projects) {
      const node = nodes.get(id) as GraphNode;
      node.devDeps = [];
      if (id !== rootId || !manifest) continue;
      const devOnly = node.deps.filter((dep) => manifest.devOnly.has(dep.split(' ')[0] ?? ''));
      node.deps = node.deps.filter((dep) => !devOnly.includes(dep));
      node.devDeps = devOnly;
    }
    const rootNode = rootId ? nodes.get(rootId) : undefined;
    const name = rootNode?.pkg?.name ?? ctx.defaultRootName;
    const version = rootNode?.pkg?.version;
    // The root crate is the project itself, not a dependency.
    if (rootNode?.pkg) {
      const rootPkg = rootNode.pkg;
      ctx.packages.splice(ctx.packages.indexOf(rootPkg), 1);
      delete rootNode.pkg;
      rootNode.label = name;
    }
    ctx.root = applyGraph({
      rootName: name,
      ...(version ? { rootVersion: version, rootPurl: purlFor('crates.io', name, version) } : {}),
      nodes,
      projects,
      devFromGraph: manifest !== undefined,
    });
  },
});

/** Crate names listed under [dev-dependencies] and under neither [dependencies] nor [build-dependencies]. */
function readCargoToml(ctx: ParseContext): { name?: string; devOnly: Set<string> } | undefined {
  const path = sibling(ctx.path, 'Cargo.toml');
  const text = ctx.read?.(path);
  if (text === undefined) return undefined;
  const parsed = parseTomlFile(text);
  if (!parsed.value) {
    ctx.warn(`${path} could not be read (${parsed.error?.message ?? 'malformed'}); dev flags may be incomplete`);
    return undefined;
  }
  const doc = parsed.value;
  const keys = (value: unknown): string[] => {
    const t = table(value) ?? {};
    // `alias = { package = "real" }` renames a dependency; the lockfile uses the real name.
    return Object.keys(t).map((k) => {
      const spec = table(t[k]);
      return typeof spec?.package === 'string' ? spec.package : k;
    });
  };
  const prod = new Set([...keys(doc.dependencies), ...keys(doc['build-dependencies'])]);
  const devOnly = new Set(keys(doc['dev-dependencies']).filter((k) => !prod.has(k)));
  const pkgName = table(doc.package)?.name;
  return { ...(typeof pkgName === 'string' ? { name: pkgName } : {}), devOnly };
}
