import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { projectRoot } from '../helpers/paths.js';
import { cycloneDxErrors, spdxErrors } from '../helpers/schemas.js';
import { git, initRepo, tempTree } from '../helpers/tmp.js';

const demo = path.join(projectRoot, 'examples', 'vulnerable-app');

test('sbom writes valid, deterministic CycloneDX 1.6 for the demo app', () => {
  const first = runCli(['sbom', demo, '--quiet']);
  assert.equal(first.status, 0, first.stderr);
  const bom = JSON.parse(first.stdout);
  assert.deepEqual(cycloneDxErrors(bom), []);
  assert.equal(bom.metadata.component.purl, 'pkg:npm/vulnerable-app@1.0.0');
  assert.ok(bom.components.some((c: { purl: string }) => c.purl === 'pkg:npm/lodash@4.17.15'));
  assert.ok(bom.dependencies.length > 0);
  assert.equal(runCli(['sbom', demo, '--quiet']).stdout, first.stdout);
});

test('sbom writes valid SPDX 2.3; --prod-only leaves out dev packages', () => {
  const all = runCli(['sbom', demo, '--format', 'spdx', '--quiet']);
  assert.equal(all.status, 0, all.stderr);
  const doc = JSON.parse(all.stdout);
  assert.deepEqual(spdxErrors(doc), []);
  const prod = JSON.parse(runCli(['sbom', demo, '--format', 'spdx', '--prod-only', '--quiet']).stdout);
  const names = (d: { packages: Array<{ name: string }> }) => d.packages.map((p) => p.name);
  assert.ok(names(doc).includes('mocha'));
  assert.ok(!names(prod).includes('mocha'));
});

test('sbom: bad format and missing path are exit 2; a broken lockfile is a warning', () => {
  assert.equal(runCli(['sbom', demo, '--format', 'xml']).status, 2);
  assert.equal(runCli(['sbom', '/nonexistent/x']).status, 2);
  const t = tempTree({ 'package-lock.json': '{"lockfileVersion": 3, "packages": {"node_modules/a": {"version": "1.0' });
  try {
    const run = runCli(['sbom', t.dir]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /warning: package-lock\.json/);
    assert.deepEqual(cycloneDxErrors(JSON.parse(run.stdout)), []);
  } finally {
    t.cleanup();
  }
});

test('sbom reads a lockfile git tracks although a .gitignore matches it, not an untracked ignored one', () => {
  const lock = (name: string) => JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { name: 'app', version: '1.0.0' }, [`node_modules/${name}`]: { version: '1.0.0' } } });
  const t = tempTree({ '.gitignore': 'locks/\n', 'locks/tracked/package-lock.json': lock('kept-dep'), 'locks/local/package-lock.json': lock('local-dep') });
  try {
    initRepo(t.dir);
    git(t.dir, 'add', '.gitignore');
    git(t.dir, 'add', '-f', 'locks/tracked/package-lock.json');
    git(t.dir, 'commit', '-q', '-m', 'first');
    const run = runCli(['sbom', t.dir]);
    assert.equal(run.status, 0, run.stderr);
    const names = JSON.parse(run.stdout).components.map((c: { name: string }) => c.name);
    assert.ok(names.includes('kept-dep'), run.stderr);
    assert.ok(!names.includes('local-dep'));
  } finally {
    t.cleanup();
  }
});
