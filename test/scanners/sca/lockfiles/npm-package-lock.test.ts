import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { npmPackageLock } from '../../../../src/scanners/sca/lockfiles/npm-package-lock.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('npm package-lock.json v3', () => {
  const result = parseFixture('npm-v3', 'package-lock.json');
  const text = fixtureText('npm-v3', 'package-lock.json');

  it('reads every installed package and no link entries, without warnings', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      '@acme/util@2.1.3', 'bundler-pkg@1.0.4', 'debug@2.6.9', 'debug@4.3.4', 'express@4.18.2', 'fsevents@2.3.3',
      'git-dep@1.0.0', 'inner@0.2.1', 'jest-lite@29.1.0', 'left-pad@1.3.0', 'local-lib@0.3.0', 'lodash@4.17.21',
      'ms@2.0.0', 'ms@2.1.2', 'qs@6.11.0', 'react-plugin@3.0.1', 'react@18.2.0', 'tiny-test@1.0.2', 'ws-a@0.1.0',
    ]);
    assertGraphClosed(result);
  });

  it('names the root and its direct dependencies', () => {
    assert.equal(result.root?.name, 'shop-app');
    assert.equal(result.root?.purl, 'pkg:npm/shop-app@1.0.0');
    assert.ok(result.root?.dependsOn?.includes('pkg:npm/express@4.18.2'));
    assert.ok(result.root?.dependsOn?.includes('pkg:npm/jest-lite@29.1.0'));
  });

  it('reports the line of each package key', () => {
    assert.equal(pkg(result, 'express').location.startLine, lineOf(text, '"node_modules/express": {'));
    assert.equal(pkg(result, 'debug', '2.6.9').location.startLine, lineOf(text, '"node_modules/express/node_modules/debug"'));
    assert.equal(pkg(result, 'express').location.path, 'package-lock.json');
  });

  it('keeps duplicate versions of one package at different paths, each with its own path from the root', () => {
    assert.deepEqual(pkg(result, 'debug', '2.6.9').dependencyPath, ['shop-app', 'express@4.18.2', 'debug@2.6.9']);
    assert.deepEqual(pkg(result, 'debug', '4.3.4').dependencyPath, ['shop-app', 'jest-lite@29.1.0', 'debug@4.3.4']);
    assert.deepEqual(pkg(result, 'ms', '2.0.0').dependencyPath, ['shop-app', 'express@4.18.2', 'debug@2.6.9', 'ms@2.0.0']);
    assert.deepEqual(pkg(result, 'debug', '2.6.9').dependsOn, ['pkg:npm/ms@2.0.0']);
  });

  it('marks direct, transitive, dev and production as npm recorded them', () => {
    assert.equal(pkg(result, 'express').direct, true);
    assert.equal(pkg(result, 'qs').direct, false);
    assert.equal(pkg(result, 'jest-lite').dev, true);
    assert.equal(pkg(result, 'ms', '2.1.2').dev, true);
    assert.equal(pkg(result, 'express').dev, false);
  });

  it('reads an npm: alias as the real package, flagged with the installed name', () => {
    const lodash = pkg(result, 'lodash');
    assert.equal(lodash.purl, 'pkg:npm/lodash@4.17.21');
    assert.deepEqual(lodash.flags, ['alias:lodash-alias']);
    assert.equal(lodash.direct, true);
  });

  it('encodes scoped names in the purl', () => {
    assert.equal(pkg(result, '@acme/util').purl, 'pkg:npm/%40acme/util@2.1.3');
  });

  it('reads workspaces as workspace packages whose dependencies are direct', () => {
    const ws = pkg(result, 'ws-a');
    assert.equal(ws.source, 'workspace');
    assert.deepEqual(ws.dependsOn, ['pkg:npm/left-pad@1.3.0', 'pkg:npm/tiny-test@1.0.2']);
    const leftPad = pkg(result, 'left-pad');
    assert.equal(leftPad.direct, true);
    assert.deepEqual(leftPad.dependencyPath, ['shop-app', 'ws-a@0.1.0', 'left-pad@1.3.0']);
    assert.equal(pkg(result, 'tiny-test').dev, true);
  });

  it('reads git and file dependencies with their source', () => {
    const git = pkg(result, 'git-dep');
    assert.equal(git.source, 'git');
    assert.match(git.purl, /^pkg:npm\/git-dep@1\.0\.0\?vcs_url=git%2Bssh:\/\/git%40example\.org\/acme\/git-dep\.git%230123/);
    const local = pkg(result, 'local-lib');
    assert.equal(local.source, 'file');
    assert.equal(local.direct, true);
  });

  it('flags bundled, peer and optional packages', () => {
    assert.deepEqual(pkg(result, 'inner').flags, ['bundled']);
    assert.deepEqual(pkg(result, 'inner').dependencyPath, ['shop-app', 'bundler-pkg@1.0.4', 'inner@0.2.1']);
    assert.deepEqual(pkg(result, 'react').flags, ['peer']);
    assert.deepEqual(pkg(result, 'react').dependencyPath, ['shop-app', 'react-plugin@3.0.1', 'react@18.2.0']);
    assert.deepEqual(pkg(result, 'fsevents').flags, ['optional']);
  });

  it('keeps integrity and licence', () => {
    assert.match(pkg(result, 'express').integrity ?? '', /^sha512-[A-Za-z0-9+/]+=*$/);
    assert.equal(pkg(result, 'qs').license, 'BSD-3-Clause');
  });
});

describe('npm package-lock.json v1', () => {
  const result = parseFixture('npm-v1', 'package-lock.json');

  it('reads the nested tree, including duplicates at different depths', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'body-parser@1.19.0', 'bytes@3.1.0', 'debug@2.6.9', 'debug@3.2.7', 'gh-lib@89abcdef0123456789abcdef0123456789abcdef',
      'inner-bundled@0.1.0', 'mocha-lite@5.2.0', 'ms@2.0.0', 'ms@2.1.3', 'qs@6.7.0', 'shortid@2.2.8', 'vendored@file:vendor/vendored',
      'wrapper@1.0.0',
    ]);
    assertGraphClosed(result);
    const lines = result.packages.map((p) => p.location.startLine);
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b), 'packages come in file order');
  });

  it('resolves requires through the nested dependencies first', () => {
    assert.deepEqual(pkg(result, 'debug', '3.2.7').dependencyPath, ['legacy-app', 'mocha-lite@5.2.0', 'debug@3.2.7']);
    assert.deepEqual(pkg(result, 'ms', '2.1.3').dependencyPath, ['legacy-app', 'mocha-lite@5.2.0', 'debug@3.2.7', 'ms@2.1.3']);
    assert.deepEqual(pkg(result, 'qs').dependencyPath, ['legacy-app', 'body-parser@1.19.0', 'qs@6.7.0']);
  });

  it('takes direct dependencies from package.json', () => {
    assert.equal(pkg(result, 'body-parser').direct, true);
    assert.equal(pkg(result, 'bytes').direct, false);
    assert.equal(pkg(result, 'mocha-lite').direct, true);
    assert.equal(pkg(result, 'mocha-lite').dev, true);
  });

  it('reads aliases, git, file and bundled entries', () => {
    assert.deepEqual(pkg(result, 'shortid').flags, ['alias:short']);
    const gh = pkg(result, 'gh-lib');
    assert.equal(gh.source, 'git');
    assert.equal(gh.version, '89abcdef0123456789abcdef0123456789abcdef');
    assert.equal(pkg(result, 'vendored').source, 'file');
    assert.deepEqual(pkg(result, 'inner-bundled').flags, ['bundled']);
  });

  it('without package.json, takes the top-level packages nobody requires as direct', () => {
    const bare = parseFixture('npm-v1', 'package-lock.json', { companions: false });
    assert.equal(bare.packages.find((p) => p.name === 'body-parser')?.direct, true);
    assert.equal(bare.packages.find((p) => p.name === 'bytes')?.direct, false);
  });
});

describe('npm lockfile version 2 and npm-shrinkwrap.json', () => {
  it('reads the packages section of a v2 file and ignores its v1 copy', () => {
    const text = JSON.stringify({
      name: 'two',
      version: '1.0.0',
      lockfileVersion: 2,
      packages: {
        '': { name: 'two', version: '1.0.0', dependencies: { a: '^1.0.0' } },
        'node_modules/a': { version: '1.0.1', resolved: 'https://example.org/a/-/a-1.0.1.tgz' },
      },
      dependencies: { a: { version: '1.0.1' }, ghost: { version: '9.9.9' } },
    }, null, 2);
    const result = npmPackageLock.parse(text, 'sub/npm-shrinkwrap.json');
    assert.deepEqual(names(result), ['a@1.0.1']);
    assert.equal(result.packages[0]?.location.startLine, lineOf(text, '"node_modules/a"'));
    assert.equal(result.packages[0]?.direct, true);
    assert.ok(npmPackageLock.matches('sub/npm-shrinkwrap.json'));
  });
});
