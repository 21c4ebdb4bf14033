/** OSV ecosystem names and package-name normalisation, so that look-ups agree with advisories. */
import { ECOSYSTEMS, type Ecosystem } from '../model.js';

const BY_LOWER = new Map<string, Ecosystem>(ECOSYSTEMS.map((e) => [e.toLowerCase(), e]));

/**
 * The secloop ecosystem an OSV `ecosystem` value names, or null for others (Debian,
 * Alpine, ...). A ":suffix" ("Maven:https://repo.example.org/") is ignored.
 */
export function toEcosystem(osvEcosystem: string): Ecosystem | null {
  const colon = osvEcosystem.indexOf(':');
  const base = colon === -1 ? osvEcosystem : osvEcosystem.slice(0, colon);
  return BY_LOWER.get(base.trim().toLowerCase()) ?? null;
}

/**
 * The form two names of one package share in an ecosystem:
 * - PyPI: PEP 503 (lower case, runs of "-", "_", "." become "-");
 * - crates.io: lower case with "_" as "-" (crates.io refuses names that differ only so);
 * - NuGet, Packagist and GitHub Actions: lower case (their registries, and GitHub, ignore case);
 * - npm, Go, Maven, RubyGems: as written (case matters there).
 */
export function normalizePackageName(ecosystem: Ecosystem, name: string): string {
  const trimmed = name.trim();
  switch (ecosystem) {
    case 'PyPI':
      return trimmed.toLowerCase().replace(/[-_.]+/g, '-');
    case 'crates.io':
      return trimmed.toLowerCase().replace(/_/g, '-');
    case 'NuGet':
    case 'Packagist':
    case 'GitHub Actions':
      return trimmed.toLowerCase();
    default:
      return trimmed;
  }
}

export interface PackageQuery {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

/** The key of one package version in source results: ecosystem, normalised name, version. */
export function packageKey(pkg: PackageQuery): string {
  return `${pkg.ecosystem}\u0000${normalizePackageName(pkg.ecosystem, pkg.name)}\u0000${pkg.version}`;
}

/** The key of one package (all versions) in an index. */
export function nameKey(ecosystem: Ecosystem, name: string): string {
  return `${ecosystem}\u0000${normalizePackageName(ecosystem, name)}`;
}
