/**
 * Licences from installed npm packages, for SBOMs: most JavaScript lockfiles (npm v1,
 * yarn, pnpm, bun) do not record them, but node_modules/<name>/package.json does.
 * Looks where npm, yarn and bun hoist a package and where pnpm stores it, and uses the
 * file only when its name and version are the locked ones. Reads, never executes.
 */
import type { LockfileResult } from '../model.js';
import { dirname, type ReadFile } from './parser.js';
import { isObject, parseJson, str } from './support/json.js';

function licenseOf(manifest: Record<string, unknown>): string | undefined {
  const license = manifest.license;
  if (typeof license === 'string' && license.trim()) return license.trim();
  if (isObject(license) && typeof license.type === 'string') return license.type;
  // The old `licenses: [{ type }]` form lists alternatives.
  const list = Array.isArray(manifest.licenses) ? manifest.licenses : [];
  const types = list.map((l) => (isObject(l) ? str(l.type) : str(l))).filter((t): t is string => !!t);
  if (types.length === 1) return types[0];
  return types.length > 1 ? `(${types.join(' OR ')})` : undefined;
}

/** Fills `license` on npm packages that lack one; returns how many were filled. */
export function addInstalledLicenses(result: LockfileResult, lockfilePath: string, read: ReadFile): number {
  const base = dirname(lockfilePath);
  const prefix = base ? `${base}/` : '';
  let filled = 0;
  for (const pkg of result.packages) {
    if (pkg.ecosystem !== 'npm' || pkg.license) continue;
    const candidates = [
      `${prefix}node_modules/${pkg.name}/package.json`,
      `${prefix}node_modules/.pnpm/${pkg.name.replace('/', '+')}@${pkg.version}/node_modules/${pkg.name}/package.json`,
    ];
    for (const candidate of candidates) {
      const text = read(candidate);
      if (text === undefined) continue;
      const manifest = parseJson(text, { lineDepth: 0 }).value;
      if (!isObject(manifest) || manifest.name !== pkg.name || manifest.version !== pkg.version) continue;
      const license = licenseOf(manifest);
      if (license) {
        pkg.license = license;
        filled++;
      }
      break;
    }
  }
  return filled;
}
