import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRootReader, findParser } from '../../../../src/scanners/sca/lockfiles/index.js';
import type { LockfileResult, Package } from '../../../../src/scanners/sca/model.js';
import { fixturePath } from '../../../helpers/paths.js';

/** Parses test/fixtures/sca/lockfiles/<dir>/<file> as a scan rooted at <dir> would, companions included. */
export function parseFixture(dir: string, file: string, options: { companions?: boolean } = {}): LockfileResult {
  const root = fixturePath('sca', 'lockfiles', dir);
  const text = readFileSync(`${root}/${file}`, 'utf8');
  const parser = findParser(file);
  assert.ok(parser, `no parser for ${file}`);
  return parser.parse(text, file, options.companions === false ? {} : { read: createRootReader(root) });
}

export function fixtureText(dir: string, file: string): string {
  return readFileSync(fixturePath('sca', 'lockfiles', dir, file), 'utf8');
}

/** The one package with this name and version (fails when there are none or several). */
export function pkg(result: LockfileResult, name: string, version?: string): Package {
  const found = result.packages.filter((p) => p.name === name && (version === undefined || p.version === version));
  assert.equal(found.length, 1, `expected one ${name}@${version ?? '*'}, found ${found.length}`);
  return found[0] as Package;
}

export function names(result: LockfileResult): string[] {
  return result.packages.map((p) => `${p.name}@${p.version}`).sort();
}

/** The line of the first line of `text` that contains `needle`, for checking reported lines. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} not in text`);
  return index + 1;
}

/** Every dependsOn purl names a package of the result (the graph is closed). */
export function assertGraphClosed(result: LockfileResult): void {
  const purls = new Set(result.packages.map((p) => p.purl));
  for (const p of result.packages) for (const d of p.dependsOn ?? []) assert.ok(purls.has(d), `${p.purl} -> ${d} is dangling`);
  for (const d of result.root?.dependsOn ?? []) assert.ok(purls.has(d), `root -> ${d} is dangling`);
}

/** An npm package with an odd, free-text licence, for SBOM writer tests. */
export function oddLicencePackage(extra: Partial<Package> = {}): Package {
  return {
    name: 'odd',
    version: '1.0.0',
    ecosystem: 'npm',
    purl: 'pkg:npm/odd@1.0.0',
    direct: true,
    dev: false,
    location: { path: 'package-lock.json', startLine: 1 },
    license: 'SEE LICENSE IN LICENSE.md',
    ...extra,
  };
}
