/**
 * The lockfile and manifest parsers, and the two calls a scanner needs:
 * `findParser(path)` (cheap, for `wants`) and `parseLockfile(path, text, { read })`.
 */
import { createRootReader as createConfinedReader } from '../../../workspace/root-reader.js';
import type { LockfileResult, Package } from '../model.js';
import { bunLock } from './bun-lock.js';
import { cargoLock } from './cargo-lock.js';
import { composerLock } from './composer-lock.js';
import { gemfileLock } from './gemfile-lock.js';
import { actionAdvisoryVersion, githubActionsWorkflow } from './github-actions.js';
import { composerVersion } from '../versions/packagist.js';
import { goMod } from './go-mod.js';
import { gradleLockfile } from './gradle-lockfile.js';
import { npmPackageLock } from './npm-package-lock.js';
import { nugetPackagesLock } from './nuget-packages-lock.js';
import type { LockfileParser, ParseOptions, ReadFile } from './parser.js';
import { pipfileLock } from './pipfile-lock.js';
import { pnpmLock } from './pnpm-lock.js';
import { poetryLock } from './poetry-lock.js';
import { pomXml } from './pom-xml.js';
import { requirementsTxt } from './requirements-txt.js';
import { uvLock } from './uv-lock.js';
import { yarnLock } from './yarn-lock.js';

export type { LockfileParser, ParseOptions, ReadFile } from './parser.js';
export { purlFor, normalizePythonName } from './purl.js';
export { addInstalledLicenses } from './installed-licenses.js';

export const lockfileParsers: readonly LockfileParser[] = [
  npmPackageLock,
  yarnLock,
  pnpmLock,
  bunLock,
  requirementsTxt,
  poetryLock,
  pipfileLock,
  uvLock,
  goMod,
  cargoLock,
  composerLock,
  gemfileLock,
  pomXml,
  gradleLockfile,
  nugetPackagesLock,
  githubActionsWorkflow,
];

/** The parser for a path (relative, forward slashes), or undefined. Files inside node_modules are never lockfiles of the project. */
export function findParser(filePath: string): LockfileParser | undefined {
  if (filePath.startsWith('node_modules/') || filePath.includes('/node_modules/')) return undefined;
  return lockfileParsers.find((parser) => parser.matches(filePath));
}

/** Parses one file with its parser; undefined when no parser reads that path. Never throws. */
export function parseLockfile(filePath: string, text: string, options: ParseOptions = {}): LockfileResult | undefined {
  return findParser(filePath)?.parse(text, filePath, options);
}

/**
 * The version compared with advisories: a Composer version without its tag's `v` (as
 * Composer normalises it, and as advisories write it), a moving action tag as the newest
 * release of its line (actionAdvisoryVersion), otherwise the version as the lockfile has it.
 */
export function advisoryVersion(pkg: Package): string {
  if (pkg.ecosystem === 'Packagist') return composerVersion(pkg.version);
  return actionAdvisoryVersion(pkg);
}

/**
 * Whether advisories can apply to this package: released versions from a registry,
 * and the Go standard library. Workspace members, local folders, links, git checkouts
 * and URLs have no registry version to match (they still belong in an SBOM).
 */
export function isAdvisoryCandidate(pkg: Package): boolean {
  if (pkg.ecosystem === 'Go' && pkg.name === 'stdlib') return true;
  return pkg.source === undefined || pkg.source === 'registry';
}

/**
 * Packages from several files without repeats: a requirements file included by two
 * others, or read both on its own and through an include, is one entry per location.
 * Repeats merge: dev only if every reading says dev, direct if any says direct.
 */
export function uniquePackages(packages: readonly Package[]): Package[] {
  const byKey = new Map<string, Package>();
  for (const pkg of packages) {
    const key = `${pkg.location.path}\0${pkg.location.startLine}\0${pkg.purl}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...pkg });
    else {
      seen.dev &&= pkg.dev;
      seen.direct ||= pkg.direct;
      if (!seen.dependencyPath || (pkg.dependencyPath && pkg.dependencyPath.length < seen.dependencyPath.length)) {
        if (pkg.dependencyPath) seen.dependencyPath = pkg.dependencyPath;
      }
    }
  }
  return [...byKey.values()];
}

/** Companion files are small; anything bigger is not a manifest worth reading. */
const MAX_COMPANION_BYTES = 16 * 1024 * 1024;

/** A ReadFile confined to `root` (see workspace/root-reader.ts), for lockfile companions. */
export function createRootReader(root: string, maxBytes = MAX_COMPANION_BYTES): ReadFile {
  return createConfinedReader(root, maxBytes);
}
