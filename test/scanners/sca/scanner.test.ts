import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { fixturePath } from '../../helpers/paths.js';
import { sarifErrors } from '../../helpers/schemas.js';
import { git, initRepo, tempTree } from '../../helpers/tmp.js';
import { runScan } from '../../../src/engine/scan.js';
import { scaScanner } from '../../../src/scanners/sca/index.js';
import { postureScanner } from '../../../src/scanners/posture/index.js';
import { packageOfSpecifier } from '../../../src/scanners/sca/imports.js';

const project = fixturePath('sca-scan', 'project');
const db = fixturePath('sca-scan', 'advisories');

test('one finding per vulnerability (aliases merged), at the lockfile line, with fix and path', async () => {
  const result = await runScan({ target: project, scannerSet: [scaScanner], options: { db } });
  assert.deepEqual(result.warnings, []);
  const byPackage = Object.fromEntries(result.findings.map((f) => [f.properties.package as string, f]));
  assert.deepEqual(Object.keys(byPackage).sort(), ['dev-tool', 'unused-lib', 'used-lib']);

  const used = byPackage['used-lib']!;
  assert.equal(used.ruleId, 'sca/GHSA-test-aaaa-0001');
  assert.equal(used.severity, 'critical');
  assert.deepEqual(used.properties.aliases, ['CVE-2099-0001', 'OSV-test-0002']);
  assert.equal(used.properties.minimalUpgrade, '1.2.0');
  assert.deepEqual(used.fix?.versions, ['1.2.0']);
  assert.equal(used.properties.imported, true);
  assert.equal(used.location.path, 'package-lock.json');
  assert.equal(used.location.startLine, 13);
  assert.deepEqual(used.cwe, ['CWE-78', 'CWE-1104']);
  assert.ok(used.owasp.includes('A06:2021'));

  // Imported only as a type: never used at run time, so ranked one step lower.
  const unused = byPackage['unused-lib']!;
  assert.equal(unused.properties.imported, false);
  assert.equal(unused.severity, 'medium');
  assert.equal(unused.confidence, 'low');

  const dev = byPackage['dev-tool']!;
  assert.equal(dev.properties.dev, true);
  assert.equal(dev.fix, undefined, 'last_affected gives no fixed version');
});

test('--prod-only leaves out dev dependencies', async () => {
  const result = await runScan({ target: project, scannerSet: [scaScanner], options: { db, prodOnly: true } });
  assert.ok(!result.findings.some((f) => f.properties.dev === true));
  assert.equal(result.findings.length, 2);
});

test('with no reachable advisory source, SCA says so in one line and the scan goes on', async () => {
  const t = tempTree({});
  try {
    cpSync(project, t.dir, { recursive: true });
    const result = await runScan({
      target: t.dir,
      scannerSet: [scaScanner],
      options: { offline: true },
    });
    assert.equal(result.findings.length, 0);
    const messages = result.warnings.map((w) => w.message);
    assert.ok(messages.some((m) => /dependency vulnerabilities were not checked/.test(m)), messages.join('\n'));
  } finally {
    t.cleanup();
  }
});

test('a malformed lockfile is a warning with file and reason', async () => {
  const t = tempTree({ 'package-lock.json': '{"lockfileVersion": 3, "packages": {"node_modules/used-lib": {"version": "1.1' });
  try {
    const result = await runScan({ target: t.dir, scannerSet: [scaScanner], options: { db } });
    assert.ok(result.warnings.some((w) => w.path === 'package-lock.json'), JSON.stringify(result.warnings));
  } finally {
    t.cleanup();
  }
});

test('CLI: exit 1 on a critical advisory, SARIF carries the SCA properties and validates', () => {
  const run = runCli(['scan', project, '--scanners', 'sca', '--db', db, '--format', 'sarif']);
  assert.equal(run.status, 1, run.stderr);
  const sarif = JSON.parse(run.stdout);
  assert.deepEqual(sarifErrors(sarif), []);
  const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'sca/GHSA-test-aaaa-0001');
  for (const key of ['package', 'version', 'ecosystem', 'advisory', 'aliases', 'fixedVersions', 'dependencyPath', 'dev']) {
    assert.ok(key in result.properties, key);
  }
  assert.equal(result.properties.dependencyPath, 'sca-project > used-lib@1.1.0');
  assert.equal(runCli(['scan', project, '--scanners', 'sca', '--db', db, '--fail-on', 'none']).status, 0);
  assert.equal(runCli(['scan', project, '--scanners', 'sca', '--db', path.join(db, 'missing')]).status, 0);
});

test('package names of import specifiers', () => {
  assert.equal(packageOfSpecifier('lodash/fp'), 'lodash');
  assert.equal(packageOfSpecifier('@scope/pkg/deep'), '@scope/pkg');
  assert.equal(packageOfSpecifier('./local'), undefined);
  assert.equal(packageOfSpecifier('node:fs'), undefined);
});

test('Go stdlib: a toolchain line is the build Go; a go line alone is a minimum, reported with low confidence one step lower', async () => {
  const advisory = {
    schema_version: '1.6.0',
    id: 'GO-2099-0001',
    modified: '2024-01-01T00:00:00Z',
    summary: 'Test: panic in net/http',
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H' }],
    affected: [{ package: { ecosystem: 'Go', name: 'stdlib' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.21.5' }] }] }],
  };
  const t = tempTree({
    'advisories/GO-2099-0001.json': JSON.stringify(advisory),
    'minimum/go.mod': 'module example.org/minimum\n\ngo 1.17\n',
    'pinned/go.mod': 'module example.org/pinned\n\ngo 1.17\n\ntoolchain go1.21.1\n',
    'fixed/go.mod': 'module example.org/fixed\n\ngo 1.17\n\ntoolchain go1.21.5\n',
  });
  try {
    const advisories = path.join(t.dir, 'advisories');
    const result = await runScan({ target: t.dir, scannerSet: [scaScanner], options: { db: advisories } });
    assert.deepEqual(result.warnings, []);
    const byFile = Object.fromEntries(result.findings.map((f) => [f.location.path, f]));
    assert.deepEqual(Object.keys(byFile).sort(), ['minimum/go.mod', 'pinned/go.mod']);
    const pinned = byFile['pinned/go.mod']!;
    assert.equal(pinned.location.startLine, 5);
    assert.equal(pinned.confidence, 'high');
    assert.equal(pinned.severity, 'high');
    assert.equal(pinned.properties.versionSource, undefined);
    const minimum = byFile['minimum/go.mod']!;
    assert.equal(minimum.location.startLine, 3);
    assert.equal(minimum.properties.version, 'v1.17.0');
    assert.equal(minimum.confidence, 'low');
    assert.equal(minimum.severity, 'medium');
    assert.match(minimum.message, /minimum Go version \(its go line\), not necessarily the toolchain that builds it/);
    assert.equal(minimum.properties.versionSource, 'go.mod go line (minimum Go version)');
  } finally {
    t.cleanup();
  }
});

test('a lockfile a .gitignore leaves out is still read, in a plain folder and in a git checkout where it is untracked', async () => {
  for (const inGit of [false, true]) {
    const t = tempTree({
      '.gitignore': 'package-lock.json\n',
      'package.json': '{"name": "app", "version": "1.0.0", "dependencies": {"used-lib": "^1.1.0"}}',
      'package-lock.json': JSON.stringify({
        name: 'app',
        version: '1.0.0',
        lockfileVersion: 3,
        packages: { '': { name: 'app', version: '1.0.0', dependencies: { 'used-lib': '^1.1.0' } }, 'node_modules/used-lib': { version: '1.1.0' } },
      }),
    });
    try {
      if (inGit) {
        initRepo(t.dir);
        git(t.dir, 'add', '.gitignore', 'package.json');
        git(t.dir, 'commit', '-q', '-m', 'init');
      }
      const result = await runScan({ target: t.dir, scannerSet: [scaScanner, postureScanner], options: { db } });
      assert.deepEqual(
        result.findings.filter((f) => f.scanner === 'sca').map((f) => `${f.location.path} ${f.properties.package}@${f.properties.version}`),
        ['package-lock.json used-lib@1.1.0'],
        inGit ? 'git checkout' : 'plain folder',
      );
      // Only the scanners that read ignored lockfiles get it: for posture the repository still has no lockfile.
      if (inGit) assert.ok(result.findings.some((f) => f.ruleId === 'posture/no-lockfile'), result.findings.map((f) => f.ruleId).join(', '));
    } finally {
      t.cleanup();
    }
  }
});
