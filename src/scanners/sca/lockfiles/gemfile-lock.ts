/**
 * Bundler's Gemfile.lock. Sections GEM, GIT and PATH each list `specs:` at four
 * spaces ("name (version[-platform])") with their dependencies at six. DEPENDENCIES
 * names the gems the Gemfile asks for (direct); a trailing `!` means it comes from a
 * GIT or PATH source. CHECKSUMS (Bundler 2.5+) gives sha256 digests.
 */
import type { Package, PackageSource } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser } from './parser.js';
import { gitVcsUrl, purlFor } from './purl.js';
import { splitLines } from './support/lines.js';

const SOURCE_OF_SECTION: Record<string, PackageSource> = { GEM: 'registry', GIT: 'git', PATH: 'file', PLUGIN: 'other' };
const SPEC = /^([^\s(]+)(?: \(([^)]+)\))?$/;

/** "1.15.4-x86_64-linux" -> version 1.15.4, platform x86_64-linux (gem versions have no '-'). */
function splitPlatform(text: string): { version: string; platform?: string } {
  const dash = text.indexOf('-');
  return dash === -1 ? { version: text } : { version: text.slice(0, dash), platform: text.slice(dash + 1) };
}

export const gemfileLock = defineParser({
  id: 'gemfile-lock',
  ecosystem: 'RubyGems',
  matches: (path) => {
    const name = basename(path);
    return name === 'Gemfile.lock' || name === 'gems.locked';
  },
  parse(text, ctx) {
    const nodes = new Map<string, GraphNode>();
    const idsByName = new Map<string, string[]>();
    const depNames = new Map<string, string[]>();
    const direct: string[] = [];
    const checksums = new Map<string, string>();
    const pathRoots: string[] = [];
    let section = '';
    let inSpecs = false;
    let remote = '';
    let revision = '';
    let current: string | undefined;

    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const lineNumber = i + 1;
      if (line.trim() === '') continue;
      if (!line.startsWith(' ')) {
        // Section names are capitals (GEM, PLATFORMS, BUNDLED WITH); anything else is damage, and the section goes on.
        if (!/^[A-Z][A-Z ]*$/.test(line.trim())) {
          ctx.warn(`unexpected line ${JSON.stringify(line.trim().slice(0, 80))}`, lineNumber);
          continue;
        }
        section = line.trim();
        inSpecs = false;
        remote = '';
        revision = '';
        current = undefined;
        continue;
      }
      const indent = line.length - line.trimStart().length;
      const content = line.trim();
      if (section in SOURCE_OF_SECTION) {
        if (indent === 2) {
          inSpecs = content === 'specs:';
          if (content.startsWith('remote:')) remote = content.slice('remote:'.length).trim();
          if (content.startsWith('revision:')) revision = content.slice('revision:'.length).trim();
          continue;
        }
        if (!inSpecs) continue;
        const match = SPEC.exec(content);
        if (!match) {
          ctx.warn(`cannot read spec ${JSON.stringify(content)}`, lineNumber);
          continue;
        }
        if (indent === 4) {
          if (!match[2]) {
            ctx.warn(`spec ${match[1]} has no version`, lineNumber);
            current = undefined;
            continue;
          }
          const name = match[1] as string;
          const { version, platform } = splitPlatform(match[2]);
          const pkg: Package = {
            name,
            version,
            ecosystem: 'RubyGems',
            purl: purlFor('RubyGems', name, version, {
              platform,
              vcs_url: section === 'GIT' && remote ? gitVcsUrl(remote, revision || undefined) : undefined,
            }),
            direct: false,
            dev: false,
            location: { path: ctx.path, startLine: lineNumber },
            source: SOURCE_OF_SECTION[section] as PackageSource,
          };
          if (platform) pkg.flags = [`platform:${platform}`];
          current = String(lineNumber);
          // A PATH source at "." is the project's own gemspec: the root, not a dependency.
          if (section === 'PATH' && (remote === '.' || remote === './')) {
            pathRoots.push(current);
            nodes.set(current, { deps: [], label: `${name}@${version}` });
          } else {
            ctx.packages.push(pkg);
            nodes.set(current, { pkg, deps: [] });
          }
          idsByName.set(name, [...(idsByName.get(name) ?? []), current]);
          depNames.set(current, []);
        } else if (indent === 6 && current !== undefined) {
          depNames.get(current)?.push(match[1] as string);
        }
      } else if (section === 'DEPENDENCIES' && indent === 2) {
        const name = /^([^\s(!]+)/.exec(content)?.[1];
        if (name) direct.push(name);
      } else if (section === 'CHECKSUMS' && indent === 2) {
        const match = /^(\S+) \(([^)]+)\)\s+(.*)$/.exec(content);
        const sha = match?.[3]?.split(',').map((s) => s.trim()).find((s) => s.startsWith('sha256='));
        if (match && sha) checksums.set(`${match[1]} ${match[2]}`, sha.slice('sha256='.length).toLowerCase());
      }
    }

    for (const [id, names] of depNames) {
      const node = nodes.get(id) as GraphNode;
      for (const n of names) for (const target of idsByName.get(n) ?? []) if (target !== id) node.deps.push(target);
    }
    for (const node of nodes.values()) {
      const pkg = node.pkg;
      if (!pkg) continue;
      const platform = pkg.flags?.find((f) => f.startsWith('platform:'))?.slice('platform:'.length);
      const sum = checksums.get(`${pkg.name} ${pkg.version}${platform ? `-${platform}` : ''}`);
      if (sum && /^[0-9a-f]{64}$/.test(sum)) pkg.hashes = { sha256: sum };
    }
    if (nodes.size === 0 && !/^(GEM|GIT|PATH)$/m.test(text)) ctx.warn('no GEM, GIT or PATH section: nothing to read', 1);

    // The project's own gemspec (PATH at ".") is the root; otherwise the Gemfile is.
    const rootId = pathRoots[0] ?? '\0root';
    if (!nodes.has(rootId)) nodes.set(rootId, { deps: [] });
    const root = nodes.get(rootId) as GraphNode;
    for (const name of direct) for (const id of idsByName.get(name) ?? []) if (id !== rootId) root.deps.push(id);
    const rootLabel = pathRoots[0] ? nodes.get(pathRoots[0])?.label : undefined;
    const [rootName, rootVersion] = rootLabel ? rootLabel.split('@') : [ctx.defaultRootName];
    ctx.root = applyGraph({
      rootName: rootName as string,
      ...(rootVersion ? { rootVersion, rootPurl: purlFor('RubyGems', rootName as string, rootVersion) } : {}),
      nodes,
      projects: [rootId, ...pathRoots.slice(1)],
      devFromGraph: false,
    });
  },
});
