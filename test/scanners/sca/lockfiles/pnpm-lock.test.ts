import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pnpmLock } from '../../../../src/scanners/sca/lockfiles/pnpm-lock.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

const COMMON = ['@scope/widget@1.0.5', 'js-tokens@4.0.0', 'loose-envify@1.4.0', 'react@18.2.0', 'tinyspy@2.2.0', 'uuid@3.4.0'];

describe('pnpm-lock.yaml 9.0', () => {
  const result = parseFixture('pnpm-v9', 'pnpm-lock.yaml');
  const text = fixtureText('pnpm-v9', 'pnpm-lock.yaml');

  it('reads packages once per name@version and joins snapshots for the graph', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      '@scope/widget@1.0.5', 'fsevents@2.3.3', 'git-thing@2.0.0', 'js-tokens@4.0.0', 'local-pkg@0.0.3', 'loose-envify@1.4.0',
      'react@18.2.0', 'tinyspy@2.2.0', 'uuid@3.4.0', 'uuid@9.0.1', 'vitest-lite@1.1.0',
    ]);
    assert.deepEqual(pkg(result, '@scope/widget').dependsOn, ['pkg:npm/react@18.2.0'], 'peer suffix resolved');
    assertGraphClosed(result);
  });

  it('reports the line of the packages entry', () => {
    assert.equal(pkg(result, 'react').location.startLine, lineOf(text, '  react@18.2.0:'));
    assert.equal(pkg(result, '@scope/widget').location.startLine, lineOf(text, "  '@scope/widget@1.0.5':"));
  });

  it('decides dev by reachability from the importers', () => {
    assert.equal(pkg(result, 'vitest-lite').dev, true);
    assert.equal(pkg(result, 'tinyspy').dev, true);
    assert.equal(pkg(result, 'uuid', '3.4.0').dev, false, 'also a production alias of the root');
    assert.equal(pkg(result, 'js-tokens').dev, false);
    assert.deepEqual(pkg(result, 'js-tokens').dependencyPath, ['pnpm-nine', 'react@18.2.0', 'loose-envify@1.4.0', 'js-tokens@4.0.0']);
  });

  it('reads workspace importers, aliases, git and directory packages', () => {
    assert.deepEqual(pkg(result, 'uuid', '9.0.1').dependencyPath, ['pnpm-nine', 'packages/lib-a', 'uuid@9.0.1']);
    assert.equal(pkg(result, 'uuid', '9.0.1').direct, true);
    assert.equal(pkg(result, 'uuid', '3.4.0').direct, true, 'old-uuid: npm:uuid@^3.4.0');
    assert.equal(pkg(result, 'git-thing').source, 'git');
    assert.match(pkg(result, 'git-thing').purl, /vcs_url=https:\/\/example\.org\/acme\/git-thing\.git%230123/);
    assert.equal(pkg(result, 'local-pkg').source, 'file');
    assert.deepEqual(pkg(result, 'fsevents').flags, ['optional']);
    assert.match(pkg(result, 'react').integrity ?? '', /^sha512-/);
  });

  it('takes a link: inside a snapshot for the workspace member it names, not a missing package', () => {
    const text = ["lockfileVersion: '9.0'", 'importers:', '  .:', '    devDependencies:', '      plugin:', '        specifier: ^1',
      '        version: 1.0.0(ui@packages+ui)', '  packages/ui:', '    dependencies:', '      dep:', '        specifier: ^2',
      '        version: 2.0.0', 'packages:', '  dep@2.0.0:', '    resolution: {integrity: sha512-AAAA}', '  plugin@1.0.0:',
      '    resolution: {integrity: sha512-BBBB}', 'snapshots:', '  dep@2.0.0: {}', '  plugin@1.0.0(ui@packages+ui):', '    dependencies:',
      '      ui: link:packages/ui', '      outside: link:../elsewhere', ''].join('\n');
    const result = pnpmLock.parse(text, 'pnpm-lock.yaml');
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), ['dep@2.0.0', 'plugin@1.0.0']);
    assert.equal(pkg(result, 'plugin').dev, true);
    assert.equal(pkg(result, 'dep').dev, false, 'a production dependency of the workspace member');

    // With its package.json, the member is a package too (as npm and Yarn lockfiles list them).
    const files: Record<string, string> = { 'web/packages/ui/package.json': '{ "name": "@mono/ui", "version": "0.4.0" }' };
    const read = pnpmLock.parse(text, 'web/pnpm-lock.yaml', { read: (path) => files[path] });
    assert.deepEqual(read.warnings, []);
    assert.deepEqual(names(read), ['@mono/ui@0.4.0', 'dep@2.0.0', 'plugin@1.0.0']);
    assert.equal(pkg(read, '@mono/ui').source, 'workspace');
    assert.equal(pkg(read, '@mono/ui').location.startLine, 8);
    assert.deepEqual(pkg(read, 'plugin').dependsOn, ['pkg:npm/%40mono/ui@0.4.0']);
    assert.deepEqual(pkg(read, 'dep').dependencyPath, ['web', '@mono/ui@0.4.0', 'dep@2.0.0']);
    assert.ok(read.root?.dependsOn?.includes('pkg:npm/%40mono/ui@0.4.0'));
    assertGraphClosed(read);
  });

  it('gives the project a purl only when its package.json names it', () => {
    const text = ["lockfileVersion: '9.0'", 'importers:', '  .:', '    dependencies:', '      dep:', '        specifier: ^2',
      '        version: 2.0.0', 'packages:', '  dep@2.0.0:', '    resolution: {integrity: sha512-AAAA}', 'snapshots:', '  dep@2.0.0: {}', ''].join('\n');
    const unnamed = pnpmLock.parse(text, 'web/pnpm-lock.yaml', { read: (path) => (path === 'web/package.json' ? '{ "private": true, "version": "3.0.0" }' : undefined) });
    assert.deepEqual(unnamed.root, { name: 'web', version: '3.0.0', dependsOn: ['pkg:npm/dep@2.0.0'] }, 'no pkg:npm/web: the folder name is no package');
    const named = pnpmLock.parse(text, 'web/pnpm-lock.yaml', { read: (path) => (path === 'web/package.json' ? '{ "name": "site", "version": "3.0.0" }' : undefined) });
    assert.equal(named.root?.purl, 'pkg:npm/site@3.0.0');
  });
});

describe('pnpm-lock.yaml 6.0', () => {
  const result = parseFixture('pnpm-v6', 'pnpm-lock.yaml');

  it('reads /name@version keys and top-level importer fields', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [...COMMON, 'tarball-thing@0.9.0', 'vitest-lite@1.1.0'].sort());
    assert.equal(pkg(result, 'uuid').direct, true, 'alias version "/uuid@3.4.0"');
    assert.equal(pkg(result, 'tinyspy').dev, true);
    assert.equal(pkg(result, 'tarball-thing').source, 'url');
    assert.equal(pkg(result, 'tarball-thing').dev, false, 'unreachable: keeps the dev: false the lock records');
    assertGraphClosed(result);
  });
});

describe('pnpm-lock.yaml 5.4', () => {
  const result = parseFixture('pnpm-v5', 'pnpm-lock.yaml');

  it('reads /name/version_peer keys, importers and named tarball entries', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [...COMMON, 'tarball-thing@0.9.0', 'vitest-lite@1.1.0'].sort());
    assert.deepEqual(pkg(result, '@scope/widget').dependsOn, ['pkg:npm/react@18.2.0']);
    assert.deepEqual(pkg(result, 'uuid').dependencyPath, ['project', 'packages/tool', 'uuid@3.4.0']);
    assert.equal(pkg(result, 'tarball-thing').direct, true);
    assertGraphClosed(result);
  });
});

describe('pnpm-lock.yaml bad input', () => {
  it('refuses an alias bomb with a warning instead of expanding it', () => {
    const bomb = [
      "lockfileVersion: '9.0'",
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
    ].join('\n');
    const result = pnpmLock.parse(bomb, 'pnpm-lock.yaml');
    assert.deepEqual(result.packages, []);
    assert.ok(result.warnings.some((w) => /alias|resource/i.test(w.message)), JSON.stringify(result.warnings));
  });

  it('reads the lockfile document when pnpm 10 puts another document first', () => {
    const text = ['---', "lockfileVersion: '9.0'", 'importers:', '  .:', '    configDependencies: {}', '', '---', "lockfileVersion: '9.0'",
      'importers:', '  .:', '    dependencies:', '      a:', '        specifier: ^1', '        version: 1.0.0', 'packages:', '  a@1.0.0:',
      '    resolution: {integrity: sha512-AAAA}', 'snapshots:', '  a@1.0.0: {}', ''].join('\n');
    const result = pnpmLock.parse(text, 'pnpm-lock.yaml');
    assert.deepEqual(names(result), ['a@1.0.0']);
    assert.equal(result.packages[0]?.location.startLine, 16);
  });
});
