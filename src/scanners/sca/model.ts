/** The package model shared by the lockfile parsers, the advisory matcher and the SBOM writers. */

/** OSV ecosystem names, exactly as OSV spells them. */
export const ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io', 'Packagist', 'RubyGems', 'Maven', 'NuGet', 'GitHub Actions'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export type PackageSource = 'registry' | 'git' | 'file' | 'link' | 'workspace' | 'url' | 'other';

export interface Package {
  name: string;
  version: string;
  ecosystem: Ecosystem;
  /** Package URL, e.g. pkg:npm/%40scope/name@1.2.3 */
  purl: string;
  /** A dependency the project declares itself (not only through another package). */
  direct: boolean;
  /** Needed only for development (devDependencies, dev groups); false when unknown. */
  dev: boolean;
  /** Where the entry is: the lockfile path (relative to the scan root) and 1-based line. */
  location: { path: string; startLine: number };
  /** One shortest path from the project root to this package, root first, e.g. ["app", "express@4.17.1", "qs@6.5.2"]. */
  dependencyPath?: string[];
  source?: PackageSource;
  /** Integrity as the lockfile records it (npm SRI "sha512-..."); hex conversion happens in the SBOM writer. */
  integrity?: string;
  /** Hashes known for the artifact: algorithm (sha1, sha256, sha512) -> hex. */
  hashes?: Record<string, string>;
  license?: string;
  /** purls of the packages this one depends on (the dependency graph for SBOMs). */
  dependsOn?: string[];
  /** Optional, peer, bundled and similar flags from the lockfile. */
  flags?: string[];
}

/** What a lockfile parser yields for one file. */
export interface LockfileResult {
  /** The project's own package (root), when the format names it. */
  root?: { name: string; version?: string; purl?: string; dependsOn?: string[] };
  packages: Package[];
  /** Problems that did not stop parsing: line and reason. */
  warnings: Array<{ line?: number; message: string }>;
}
