/** What the Python parsers share: package construction, hashes, pyproject.toml. */
import type { Package, PackageSource } from '../../model.js';
import { normalizePythonName, purlFor } from '../purl.js';
import type { ParseContext } from '../parser.js';
import { sibling } from '../parser.js';
import { parseTomlFile, table } from './toml.js';

export interface PythonPackageInput {
  name: string;
  version: string;
  line: number;
  path: string;
  source?: PackageSource;
  dev?: boolean;
  direct?: boolean;
  /** "sha256:hex" strings; kept only when they name exactly one artifact per algorithm. */
  hashes?: string[];
  flags?: string[];
  /** For a git source: the purl's vcs_url (see gitVcsUrl). */
  vcsUrl?: string;
}

/** "sha256:abcd..." -> { sha256: "abcd..." }, only when each algorithm has one distinct digest. */
export function singleHashes(list: readonly string[] | undefined): Record<string, string> | undefined {
  if (!list || list.length === 0) return undefined;
  const byAlg = new Map<string, Set<string>>();
  for (const item of list) {
    const match = /^(sha1|sha256|sha384|sha512|md5):([0-9a-fA-F]+)$/.exec(item.trim());
    if (!match) continue;
    const alg = match[1] as string;
    const set = byAlg.get(alg) ?? new Set<string>();
    set.add((match[2] as string).toLowerCase());
    byAlg.set(alg, set);
  }
  const out: Record<string, string> = {};
  for (const [alg, set] of byAlg) if (set.size === 1) out[alg] = [...set][0] as string;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function pythonPackage(input: PythonPackageInput): Package {
  const name = normalizePythonName(input.name);
  const pkg: Package = {
    name,
    version: input.version,
    ecosystem: 'PyPI',
    purl: purlFor('PyPI', name, input.version, input.vcsUrl ? { vcs_url: input.vcsUrl } : undefined),
    direct: input.direct ?? false,
    dev: input.dev ?? false,
    location: { path: input.path, startLine: input.line },
    source: input.source ?? 'registry',
  };
  const hashes = singleHashes(input.hashes);
  if (hashes) pkg.hashes = hashes;
  if (input.flags && input.flags.length > 0) pkg.flags = [...new Set(input.flags)].sort();
  return pkg;
}

/** The project name from a PEP 508 requirement string ("requests[socks]>=2 ; python_version<'4'"). */
export function requirementName(requirement: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match ? normalizePythonName(match[1] as string) : undefined;
}

export interface PyProject {
  name?: string;
  version?: string;
  /** Normalised names of production dependencies (project.dependencies, optional extras, tool.poetry.dependencies). */
  prod: Set<string>;
  /** Normalised names of development dependencies (dependency groups, poetry groups, dev-dependencies). */
  dev: Set<string>;
}

/** pyproject.toml beside the lockfile: PEP 621, PEP 735 dependency groups, Poetry and uv tables. */
export function readPyProject(ctx: ParseContext): PyProject | undefined {
  const path = sibling(ctx.path, 'pyproject.toml');
  const text = ctx.read?.(path);
  if (text === undefined) return undefined;
  const parsed = parseTomlFile(text);
  if (!parsed.value) {
    ctx.warn(`${path} could not be read (${parsed.error?.message ?? 'malformed'}); direct and dev flags may be incomplete`);
    return undefined;
  }
  const doc = parsed.value;
  const out: PyProject = { prod: new Set(), dev: new Set() };
  const project = table(doc.project);
  const poetry = table(table(doc.tool)?.poetry);
  const uv = table(table(doc.tool)?.uv);
  const name = (project?.name ?? poetry?.name) as unknown;
  const version = (project?.version ?? poetry?.version) as unknown;
  if (typeof name === 'string') out.name = name;
  if (typeof version === 'string') out.version = version;

  const addStrings = (list: unknown, into: Set<string>): void => {
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const n = typeof item === 'string' ? requirementName(item) : undefined;
      if (n) into.add(n);
    }
  };
  const addKeys = (map: unknown, into: Set<string>): void => {
    const t = table(map);
    if (!t) return;
    for (const key of Object.keys(t)) if (key.toLowerCase() !== 'python') into.add(normalizePythonName(key));
  };
  addStrings(project?.dependencies, out.prod);
  for (const list of Object.values(table(project?.['optional-dependencies']) ?? {})) addStrings(list, out.prod);
  for (const list of Object.values(table(doc['dependency-groups']) ?? {})) addStrings(list, out.dev);
  addStrings(uv?.['dev-dependencies'], out.dev);
  addKeys(poetry?.dependencies, out.prod);
  addKeys(poetry?.['dev-dependencies'], out.dev);
  for (const [groupName, group] of Object.entries(table(poetry?.group) ?? {})) {
    addKeys(table(group)?.dependencies, groupName === 'main' ? out.prod : out.dev);
  }
  for (const n of out.prod) out.dev.delete(n);
  return out;
}
