import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { yarnLock } from '../../../../src/scanners/sca/lockfiles/yarn-lock.js';
import { splitDescriptors } from '../../../../src/scanners/sca/lockfiles/support/syml.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('yarn.lock classic (v1)', () => {
  const result = parseFixture('yarn-classic', 'yarn.lock');
  const text = fixtureText('yarn-classic', 'yarn.lock');

  it('reads one package per entry, with its line', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      '@babel/code-frame@7.12.13', '@babel/highlight@7.13.10', 'ansi-styles@3.2.1', 'ansi-styles@4.3.0', 'chalk-cli@1.1.0',
      'chalk@2.4.2', 'chalk@4.1.2', 'local-thing@0.0.1', 'string-width@4.2.3', 'tiny-git@2.0.0',
    ]);
    assert.equal(pkg(result, 'chalk', '2.4.2').location.startLine, lineOf(text, 'chalk@^2.0.0, chalk@^2.4.2:'));
    assertGraphClosed(result);
  });

  it('resolves dependencies through the descriptors each entry lists', () => {
    assert.deepEqual(pkg(result, '@babel/highlight').dependencyPath, [
      'yarn-classic-app', '@babel/code-frame@7.12.13', '@babel/highlight@7.13.10',
    ]);
    assert.deepEqual(pkg(result, 'chalk', '4.1.2').dependsOn, ['pkg:npm/ansi-styles@4.3.0']);
  });

  it('takes direct and dev from package.json and propagates dev through the graph', () => {
    assert.equal(pkg(result, 'chalk', '2.4.2').direct, true);
    assert.equal(pkg(result, 'chalk', '2.4.2').dev, false);
    assert.equal(pkg(result, 'chalk-cli').dev, true);
    assert.equal(pkg(result, 'chalk', '4.1.2').dev, true, 'only reached through a devDependency');
    assert.equal(pkg(result, 'ansi-styles', '4.3.0').dev, false, 'also reached from production through an optional dependency');
  });

  it('reads aliases, git shorthands and file dependencies', () => {
    assert.deepEqual(pkg(result, 'string-width').flags, ['alias:str-width']);
    assert.equal(pkg(result, 'tiny-git').source, 'git');
    assert.equal(pkg(result, 'local-thing').source, 'file');
    assert.match(pkg(result, 'chalk', '2.4.2').integrity ?? '', /^sha512-/);
  });
});

describe('yarn.lock Berry (v2+)', () => {
  const result = parseFixture('yarn-berry', 'yarn.lock');

  it('reads packages and workspaces, merging a patched package into its base', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      '@berry/ui@0.2.0', 'is-core@2.13.1', 'lodash@4.17.21', 'path-parse@1.0.7', 'preact-ish@10.19.3', 'remote-lib@1.4.0',
      'resolve@1.22.8', 'typescript-lite@5.3.3',
    ]);
    assert.deepEqual(pkg(result, 'resolve').flags, ['patched']);
    assertGraphClosed(result);
  });

  it('names the root workspace and its dependencies', () => {
    assert.equal(result.root?.name, 'berry-mono');
    assert.ok(result.root?.dependsOn?.includes('pkg:npm/resolve@1.22.8'));
  });

  it('splits dev from production with each workspace package.json', () => {
    assert.equal(pkg(result, 'typescript-lite').dev, true);
    assert.equal(pkg(result, 'lodash').dev, false, 'a dev dependency of ui but production for the root');
    assert.equal(pkg(result, 'is-core').dev, false);
  });

  it('reads workspace, alias and git resolutions', () => {
    const ui = pkg(result, '@berry/ui');
    assert.equal(ui.source, 'workspace');
    assert.equal(ui.version, '0.2.0', 'version from the workspace package.json, not 0.0.0-use.local');
    assert.deepEqual(pkg(result, 'preact-ish').flags, ['alias:react-ish']);
    assert.deepEqual(pkg(result, 'preact-ish').dependencyPath, ['berry-mono', '@berry/ui@0.2.0', 'preact-ish@10.19.3']);
    assert.equal(pkg(result, 'remote-lib').source, 'git');
  });

  it('without package.json, marks nothing dev but still finds direct dependencies', () => {
    const bare = parseFixture('yarn-berry', 'yarn.lock', { companions: false });
    assert.ok(bare.packages.every((p) => !p.dev));
    assert.equal(bare.packages.find((p) => p.name === 'typescript-lite')?.direct, true);
  });
});

describe('yarn.lock Berry with resolutions and relative descriptors', () => {
  const result = parseFixture('yarn-berry-resolutions', 'yarn.lock');

  it('follows package.json resolutions, which the lockfile applies to keys but not to dependency lists', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), ['@resolved/core@0.1.0', '@types/leaf@3.2.0', 'helper@1.5.0', 'local-tool@0.0.0-use.local', 'widget@2.1.0']);
    assert.deepEqual(pkg(result, '@resolved/core').dependsOn, ['pkg:npm/%40types/leaf@3.2.0', 'pkg:npm/helper@1.5.0']);
    assert.deepEqual(pkg(result, 'widget').dependsOn, ['pkg:npm/helper@1.5.0'], 'the "widget/helper" rule');
    assert.equal(pkg(result, '@types/leaf').direct, true);
    assertGraphClosed(result);
  });

  it('finds portal, link and relative patch entries, whose keys carry the locator of the workspace', () => {
    assert.equal(pkg(result, 'local-tool').source, 'link');
    assert.ok(result.root?.dependsOn?.includes('pkg:npm/local-tool@0.0.0-use.local'));
    assert.deepEqual(pkg(result, 'helper').flags, ['patched']);
  });
});

describe('yarn.lock syntax', () => {
  it('splits descriptor lists in both dialects', () => {
    assert.deepEqual(splitDescriptors('"@a/b@^1", "@a/b@^2"'), ['@a/b@^1', '@a/b@^2']);
    assert.deepEqual(splitDescriptors('c@^1, c@^2'), ['c@^1', 'c@^2']);
    assert.deepEqual(splitDescriptors('"c@npm:^1, c@npm:^2"'), ['c@npm:^1', 'c@npm:^2']);
  });

  it('gives the project a purl only when its package.json names it', () => {
    const text = ['# yarn lockfile v1', '', 'good@^1:', '  version "1.0.0"', ''].join('\n');
    const result = yarnLock.parse(text, 'app/yarn.lock', { read: (path) => (path === 'app/package.json' ? '{ "version": "2.0.0", "dependencies": { "good": "^1" } }' : undefined) });
    assert.equal(result.root?.name, 'app');
    assert.equal(result.root?.version, '2.0.0');
    assert.equal(result.root?.purl, undefined);
  });

  it('warns about lines it cannot read and keeps the rest', () => {
    const text = ['# yarn lockfile v1', '', 'good@^1:', '  version "1.0.0"', '', 'not an entry', '', 'other@^2:', '  version "2.0.0"', ''].join('\n');
    const result = yarnLock.parse(text, 'yarn.lock');
    assert.deepEqual(names(result), ['good@1.0.0', 'other@2.0.0']);
    assert.equal(result.warnings[0]?.line, 6);
  });
});
