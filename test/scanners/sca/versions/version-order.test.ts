/**
 * Every line of ../shared/data/version-order/*.txt ("a < b", "a > b", "a = b") must
 * hold, in both directions, for the scheme the file is about.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { comparatorForScheme, type VersionSchemeId } from '../../../../src/scanners/sca/versions/index.js';
import { sharedDataPath } from '../../../helpers/paths.js';

const SCHEMES_BY_FILE: Record<string, VersionSchemeId[]> = {
  'semver-versions.txt': ['semver', 'go'],
  'pypi-versions.txt': ['pep440'],
  'maven-versions.txt': ['maven'],
  'rubygems-versions.txt': ['rubygems'],
  'nuget-versions.txt': ['nuget'],
  'packagist-versions.txt': ['packagist'],
};

interface Case {
  line: number;
  left: string;
  op: '<' | '>' | '=';
  right: string;
}

function readCases(file: string): Case[] {
  const cases: Case[] = [];
  readFileSync(sharedDataPath('version-order', file), 'utf8')
    .split('\n')
    .forEach((text, index) => {
      const line = text.trim();
      if (line === '' || line.startsWith('//') || line.startsWith('# ')) return;
      const match = /^(\S+) ([<>=]) (\S+)$/.exec(line);
      assert.ok(match, `${file}:${index + 1}: cannot read "${line}"`);
      cases.push({ line: index + 1, left: match[1]!, op: match[2] as Case['op'], right: match[3]! });
    });
  return cases;
}

const EXPECTED: Record<Case['op'], number> = { '<': -1, '=': 0, '>': 1 };

describe('version-order cases', () => {
  it('has a scheme for every file', () => {
    const files = readdirSync(sharedDataPath('version-order')).filter((f) => f.endsWith('.txt')).sort();
    assert.deepEqual(files, Object.keys(SCHEMES_BY_FILE).sort());
  });

  for (const [file, schemes] of Object.entries(SCHEMES_BY_FILE)) {
    for (const scheme of schemes) {
      it(`${file} holds for ${scheme}`, () => {
        const comparator = comparatorForScheme(scheme);
        const cases = readCases(file);
        assert.ok(cases.length > 10, `${file} has cases`);
        const failures: string[] = [];
        for (const { line, left, op, right } of cases) {
          const forward = comparator.compare(left, right);
          const backward = comparator.compare(right, left);
          if (forward !== EXPECTED[op] || backward !== -EXPECTED[op]) {
            failures.push(`${file}:${line}: ${left} ${op} ${right} (got ${forward}, reverse ${backward})`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  }
});
