/** What the JavaScript lockfiles (npm, yarn, pnpm, bun) share: specs, sources, package.json. */
import type { Package, PackageSource } from '../../model.js';
import { purlFor } from '../purl.js';
import type { ParseContext } from '../parser.js';
import { sibling } from '../parser.js';
import { isObject, parseJson, str, stringMap } from './json.js';

/** Where a version spec or resolved address says the code comes from. */
export function sourceOfSpec(spec: string | undefined): PackageSource {
  if (!spec) return 'registry';
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|gist:)/.test(spec) || /\.git(#|$)/.test(spec)) return 'git';
  if (spec.startsWith('file:')) return 'file';
  if (spec.startsWith('link:') || spec.startsWith('portal:')) return 'link';
  if (spec.startsWith('workspace:')) return 'workspace';
  if (/^https?:\/\//.test(spec)) return /\/-\/[^/]+\.tgz(#.*)?$/.test(spec) ? 'registry' : 'url';
  if (/^[a-z]+:/.test(spec) && !spec.startsWith('npm:')) return 'other';
  // GitHub shorthand "user/repo#ref": registry versions never contain a slash.
  if (/^[\w.-]+\/[\w.-]+(#.*)?$/.test(spec)) return 'git';
  return 'registry';
}

/** `npm:real-name@1.2.3` (an alias) gives the real name and what follows it. */
export function parseAliasSpec(spec: string): { name: string; rest: string } | undefined {
  if (!spec.startsWith('npm:')) return undefined;
  const body = spec.slice(4);
  const at = body.indexOf('@', 1);
  if (at <= 0) return { name: body, rest: '' };
  return { name: body.slice(0, at), rest: body.slice(at + 1) };
}

/** `name@reference`, where a scoped name starts with `@`. */
export function splitNameAtRef(ident: string): { name: string; ref: string } | undefined {
  const at = ident.indexOf('@', 1);
  if (at <= 0) return undefined;
  return { name: ident.slice(0, at), ref: ident.slice(at + 1) };
}

export interface NpmPackageInput {
  name: string;
  version: string;
  line: number;
  path: string;
  source: PackageSource;
  /** Resolved address, for git/url purl qualifiers. */
  resolved?: string;
  dev?: boolean;
  integrity?: string;
  license?: string;
  flags?: string[];
}

export function npmPackage(input: NpmPackageInput): Package {
  let qualifiers: Record<string, string> | undefined;
  if (input.source === 'git' && input.resolved) qualifiers = { vcs_url: input.resolved };
  else if (input.source === 'url' && input.resolved) qualifiers = { download_url: input.resolved };
  const pkg: Package = {
    name: input.name,
    version: input.version,
    ecosystem: 'npm',
    purl: purlFor('npm', input.name, input.version, qualifiers),
    direct: false,
    dev: input.dev ?? false,
    location: { path: input.path, startLine: input.line },
    source: input.source,
  };
  if (input.integrity) pkg.integrity = input.integrity;
  if (input.license) pkg.license = input.license;
  if (input.flags && input.flags.length > 0) pkg.flags = [...new Set(input.flags)].sort();
  return pkg;
}

export interface PackageJson {
  name?: string;
  version?: string;
  dependencies: Array<[string, string]>;
  devDependencies: Array<[string, string]>;
  optionalDependencies: Array<[string, string]>;
  peerDependencies: Array<[string, string]>;
  /** Yarn's `resolutions` (npm calls them overrides): pattern -> range that replaces the requested one. */
  resolutions: Array<[string, string]>;
  workspaces: string[];
}

export function toPackageJson(value: unknown): PackageJson | undefined {
  if (!isObject(value)) return undefined;
  const ws = value.workspaces;
  const workspaces = Array.isArray(ws) ? ws : isObject(ws) && Array.isArray(ws.packages) ? ws.packages : [];
  const out: PackageJson = {
    dependencies: stringMap(value.dependencies),
    devDependencies: stringMap(value.devDependencies),
    optionalDependencies: stringMap(value.optionalDependencies),
    peerDependencies: stringMap(value.peerDependencies),
    resolutions: stringMap(value.resolutions),
    workspaces: workspaces.filter((w): w is string => typeof w === 'string'),
  };
  const name = str(value.name);
  const version = str(value.version);
  if (name) out.name = name;
  if (version) out.version = version;
  return out;
}

/** The package.json at `path`, read through the context; a broken one is a warning, not a failure. */
export function readPackageJson(ctx: ParseContext, path: string): PackageJson | undefined {
  const text = ctx.read?.(path);
  if (text === undefined) return undefined;
  const doc = parseJson(text);
  if (doc.error) {
    ctx.warn(`${path} could not be read fully (${doc.error.message} at line ${doc.error.line}); direct and dev flags may be incomplete`);
  }
  return toPackageJson(doc.value);
}

/** package.json beside the lockfile. */
export function readManifestBeside(ctx: ParseContext): PackageJson | undefined {
  return readPackageJson(ctx, sibling(ctx.path, 'package.json'));
}
