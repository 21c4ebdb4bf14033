import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goMod, MINIMUM_GO_VERSION_FLAG } from '../../../../src/scanners/sca/lockfiles/go-mod.js';
import { fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('go.mod', () => {
  const result = parseFixture('gomod', 'go.mod');
  const text = fixtureText('gomod', 'go.mod');

  it('reads require blocks and single lines, with the v prefix kept', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'example.org/acme/forked-fix@v1.0.1',
      'example.org/acme/localmod@v0.0.0-20230101120000-0123456789ab',
      'github.com/Acme/Legacy@v2.3.0+incompatible',
      'github.com/gorilla/mux@v1.8.0',
      'github.com/pkg/errors@v0.9.1',
      'golang.org/x/text@v0.3.7',
      'stdlib@v1.22.1',
    ]);
    assert.equal(pkg(result, 'github.com/gorilla/mux').location.startLine, lineOf(text, 'github.com/gorilla/mux v1.8.0'));
    assert.equal(result.root?.name, 'example.org/acme/service');
  });

  it('marks // indirect requirements transitive, without a path go.mod does not record', () => {
    assert.equal(pkg(result, 'golang.org/x/text').direct, false);
    assert.equal(pkg(result, 'golang.org/x/text').dependencyPath, undefined);
    assert.equal(pkg(result, 'github.com/pkg/errors').direct, false, '"// indirect; used by tests"');
    assert.equal(pkg(result, 'github.com/gorilla/mux').direct, true);
    assert.deepEqual(pkg(result, 'github.com/gorilla/mux').dependencyPath, ['example.org/acme/service', 'github.com/gorilla/mux@v1.8.0']);
  });

  it('applies replace directives: another module version, or a local folder', () => {
    const forked = pkg(result, 'example.org/acme/forked-fix');
    assert.deepEqual(forked.flags, ['replaces:example.org/acme/forked@v1.0.0']);
    assert.equal(forked.location.startLine, lineOf(text, 'example.org/acme/forked v1.0.0'));
    const local = pkg(result, 'example.org/acme/localmod');
    assert.equal(local.source, 'file');
    assert.deepEqual(local.flags, ['replaced-by:../localmod']);
  });

  it('adds the toolchain as stdlib, and writes golang purls lowercased per the purl spec', () => {
    const stdlib = pkg(result, 'stdlib');
    assert.equal(stdlib.location.startLine, lineOf(text, 'toolchain go1.22.1'));
    assert.equal(pkg(result, 'github.com/Acme/Legacy').purl, 'pkg:golang/github.com/acme/legacy@v2.3.0%2Bincompatible');
  });

  it('uses the go line for stdlib without a toolchain line, and warns about unclosed blocks', () => {
    const parsed = goMod.parse('module m\n\ngo 1.20\n\nrequire (\n\tgithub.com/a/b v1.0.0\n', 'svc/go.mod');
    assert.equal(parsed.packages.find((p) => p.name === 'stdlib')?.version, 'v1.20.0');
    assert.equal(parsed.packages.find((p) => p.name === 'github.com/a/b')?.location.path, 'svc/go.mod');
    assert.match(parsed.warnings[0]?.message ?? '', /not closed/);
  });

  it('takes stdlib from the toolchain line when there is one, else from the go line, flagged as a minimum', () => {
    const stdlib = (text: string) => goMod.parse(text, 'go.mod').packages.find((p) => p.name === 'stdlib');
    assert.deepEqual(pkg(result, 'stdlib').flags, ['toolchain'], 'the fixture has a toolchain line');
    const goOnly = stdlib('module m\n\ngo 1.17\n');
    assert.equal(goOnly?.version, 'v1.17.0');
    assert.deepEqual(goOnly?.flags, ['toolchain', MINIMUM_GO_VERSION_FLAG]);
    assert.equal(goOnly?.location.startLine, 3);
    // a toolchain line below the go line is ignored by the go command
    const lower = stdlib('module m\ngo 1.22.3\ntoolchain go1.21.0\n');
    assert.equal(lower?.version, 'v1.22.3');
    assert.deepEqual(lower?.flags, ['toolchain', MINIMUM_GO_VERSION_FLAG]);
    const custom = stdlib('module m\ngo 1.21\ntoolchain go1.22.1-custom\n');
    assert.equal(custom?.version, 'v1.22.1');
    assert.deepEqual(custom?.flags, ['toolchain']);
    assert.equal(custom?.location.startLine, 3);
    assert.equal(stdlib('module m\ngo 1.21rc2\n')?.version, 'v1.21.0-rc.2');
    assert.deepEqual(stdlib('module m\ngo 1.20\ntoolchain default\n')?.flags, ['toolchain', MINIMUM_GO_VERSION_FLAG]);
  });

  it('warns about a toolchain line it cannot read, and still uses the go line', () => {
    const parsed = goMod.parse('module m\ngo 1.21.0\ntoolchain gotip\n', 'go.mod');
    assert.equal(parsed.packages.find((p) => p.name === 'stdlib')?.version, 'v1.21.0');
    assert.deepEqual(parsed.warnings, [{ line: 3, message: 'cannot read the toolchain version "gotip" (expected go1.X.Y)' }]);
  });
});
