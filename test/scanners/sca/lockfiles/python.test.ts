import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findParser } from '../../../../src/scanners/sca/lockfiles/index.js';
import { pipfileLock } from '../../../../src/scanners/sca/lockfiles/pipfile-lock.js';
import { isDevRequirementsFile, isRequirementsFile, requirementsTxt } from '../../../../src/scanners/sca/lockfiles/requirements-txt.js';
import { assertGraphClosed, fixtureText, lineOf, names, parseFixture, pkg } from './helpers.js';

describe('requirements.txt', () => {
  const result = parseFixture('requirements', 'requirements.txt');
  const text = fixtureText('requirements', 'requirements.txt');

  it('reads exact pins (== and ===) with normalised names, extras and markers', () => {
    assert.deepEqual(names(result), [
      'certifi@2023.7.22', 'django@4.2.7', 'flask-login@0.6.3', 'pyyaml@6.0.1', 'requests@2.31.0', 'six@1.16.0', 'urllib3@2.0.7',
    ]);
    assert.equal(pkg(result, 'django').purl, 'pkg:pypi/django@4.2.7');
    assert.equal(pkg(result, 'django').location.startLine, lineOf(text, 'Django==4.2.7'));
    assertGraphClosed(result);
  });

  it('keeps a --hash when it names one artifact, and none when several', () => {
    assert.match(pkg(result, 'django').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(pkg(result, 'urllib3').hashes, undefined);
  });

  it('follows -r includes relative to the including file, once each, with their own locations', () => {
    assert.equal(pkg(result, 'pyyaml').location.path, 'requirements/base.txt');
    assert.equal(pkg(result, 'six').location.path, 'requirements/common.txt');
    assert.ok(result.warnings.some((w) => w.message.startsWith('requirements/common.txt:3:') && /cannot be read/.test(w.message)));
  });

  it('uses pip-compile "# via" comments for the graph', () => {
    assert.equal(pkg(result, 'certifi').direct, false);
    assert.deepEqual(pkg(result, 'certifi').dependencyPath, ['project', 'requests@2.31.0', 'certifi@2023.7.22']);
    assert.equal(pkg(result, 'urllib3').direct, true, 'via -r counts as asked for');
  });

  it('warns, with the line, about each requirement it cannot check', () => {
    const messages = result.warnings.map((w) => `${w.line ?? '-'} ${w.message}`);
    const expectWarning = (needle: string, pattern: RegExp): void => {
      const line = lineOf(text, needle);
      assert.ok(messages.some((m) => m.startsWith(`${line} `) && pattern.test(m)), `${needle}: ${messages.join('\n')}`);
    };
    expectWarning('numpy>=1.24', /numpy is not pinned.*>=1\.24/);
    expectWarning('pandas', /pandas is not pinned/);
    expectWarning('scipy==1.11.*', /scipy is not pinned/);
    expectWarning('-e git+', /editable requirement/);
    expectWarning('private-lib @', /private-lib comes from/);
    expectWarning('-r https://', /URL and was not followed/);
    expectWarning('-r ../../outside.txt', /outside the scanned folder/);
    assert.ok(!messages.some((m) => m.includes('"."')), '-e . is the project itself');
  });

  it('says when it cannot follow includes at all', () => {
    const bare = parseFixture('requirements', 'requirements.txt', { companions: false });
    assert.ok(bare.warnings.some((w) => /no file access/.test(w.message)));
  });

  it('treats development requirement files, and what they include, as dev', () => {
    const dev = parseFixture('requirements', 'requirements-dev.txt');
    assert.ok(dev.packages.every((p) => p.dev));
    assert.ok(dev.packages.some((p) => p.name === 'pytest'));
    assert.ok(result.packages.every((p) => !p.dev));
  });

  it('recognises requirement files by name', () => {
    for (const path of ['requirements.txt', 'a/requirements-dev.txt', 'dev-requirements.txt', 'requirements/prod.txt']) {
      assert.ok(isRequirementsFile(path), path);
    }
    for (const path of ['README.txt', 'requirements.in', 'notes/requirements.md']) assert.ok(!isRequirementsFile(path), path);
    assert.ok(isDevRequirementsFile('requirements/test.txt'));
    assert.ok(!isDevRequirementsFile('requirements/base.txt'));
  });

  it('joins continuation lines and ignores comments', () => {
    const parsed = requirementsTxt.parse('# c\nabc==1.0 \\\n  --hash=sha256:' + 'a'.repeat(64) + '\nxyz == 2.0 # trailing\n', 'requirements.txt');
    assert.deepEqual(names(parsed), ['abc@1.0', 'xyz@2.0']);
    assert.equal(parsed.packages[1]?.location.startLine, 4);
    assert.deepEqual(parsed.warnings, []);
  });
});

describe('poetry.lock', () => {
  const result = parseFixture('poetry', 'poetry.lock');
  const text = fixtureText('poetry', 'poetry.lock');

  it('reads each [[package]] at its line with normalised names', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'certifi@2023.11.17', 'charset-normalizer@3.3.2', 'iniconfig@2.0.0', 'internal-lib@1.2.0', 'pytest@7.4.3', 'requests@2.31.0',
    ]);
    assert.equal(pkg(result, 'requests').location.startLine, lineOf(text, 'name = "requests"') - 1);
    assertGraphClosed(result);
  });

  it('takes direct and dev from pyproject.toml groups and the graph', () => {
    assert.equal(result.root?.name, 'poetry-shop');
    assert.equal(pkg(result, 'requests').direct, true);
    assert.equal(pkg(result, 'certifi').direct, false);
    assert.deepEqual(pkg(result, 'certifi').dependencyPath, ['poetry-shop', 'requests@2.31.0', 'certifi@2023.11.17']);
    assert.equal(pkg(result, 'pytest').dev, true);
    assert.equal(pkg(result, 'iniconfig').dev, true);
    assert.equal(pkg(result, 'certifi').dev, false);
  });

  it('keeps the sdist hash, or the only file hash, and reads git sources', () => {
    assert.match(pkg(result, 'certifi').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.match(pkg(result, 'charset-normalizer').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(pkg(result, 'internal-lib').source, 'git');
    assert.equal(pkg(result, 'internal-lib').purl, 'pkg:pypi/internal-lib@1.2.0?vcs_url=git%2Bhttps://example.org/acme/internal-lib.git%400123456789abcdef0123456789abcdef01234567');
  });

  it('reads lock format 1.x categories and [metadata.files], and survives a broken table', () => {
    const legacy = parseFixture('poetry-legacy', 'poetry.lock');
    assert.deepEqual(names(legacy), ['attrs@21.4.0', 'click@8.0.4', 'colorama@0.4.4']);
    assert.equal(pkg(legacy, 'attrs').dev, true);
    assert.equal(pkg(legacy, 'click').dev, false);
    assert.match(pkg(legacy, 'attrs').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const legacyText = fixtureText('poetry-legacy', 'poetry.lock');
    assert.equal(legacy.warnings.length, 1);
    assert.equal(legacy.warnings[0]?.line, lineOf(legacyText, 'version = = "1.0"'));
  });
});

describe('Pipfile.lock', () => {
  const result = parseFixture('pipenv', 'Pipfile.lock');

  it('reads default as production and develop as dev; a package in both is production', () => {
    assert.deepEqual(names(result), ['black@23.11.0', 'click@8.1.7', 'flask@3.0.0', 'jinja2@3.1.2', 'shared-tools@0123456789abcdef0123456789abcdef01234567']);
    assert.equal(pkg(result, 'black').dev, true);
    assert.equal(pkg(result, 'click').dev, false);
  });

  it('takes direct dependencies from the Pipfile', () => {
    assert.equal(pkg(result, 'flask').direct, true);
    assert.equal(pkg(result, 'jinja2').direct, false);
    assert.equal(pkg(result, 'black').direct, true);
  });

  it('reads git entries, hashes and warns about local paths', () => {
    assert.equal(pkg(result, 'shared-tools').source, 'git');
    assert.match(pkg(result, 'shared-tools').purl, /\?vcs_url=git%2Bhttps:\/\/example\.org\/acme\/shared-tools\.git%400123456789abcdef0123456789abcdef01234567$/);
    assert.match(pkg(result, 'flask').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.equal(pkg(result, 'jinja2').hashes, undefined);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]?.message ?? '', /local-pkg comes from "\.\/local-pkg"/);
  });

  it('reports a file that is not JSON', () => {
    const broken = pipfileLock.parse('{"default": {"a": {"version": "==1.0"}}, "develop": {', 'Pipfile.lock');
    assert.deepEqual(names(broken), ['a@1.0']);
    assert.match(broken.warnings[0]?.message ?? '', /malformed JSON/);
  });
});

describe('uv.lock', () => {
  const result = parseFixture('uv', 'uv.lock');

  it('reads packages and workspace members; the editable root is the project', () => {
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(names(result), [
      'anyio@4.2.0', 'idna@3.6', 'iniconfig@2.0.0', 'pytest@8.0.0', 'sniffio@1.2.0', 'sniffio@1.3.0', 'uv-lib@0.0.1', 'vendored@1.0.0',
    ]);
    assert.equal(result.root?.name, 'uv-app');
    assert.equal(pkg(result, 'uv-lib').source, 'workspace');
    assertGraphClosed(result);
  });

  it('splits dev-dependencies groups from production and picks versions when a dependency names one', () => {
    assert.equal(pkg(result, 'pytest').dev, true);
    assert.equal(pkg(result, 'iniconfig').dev, true);
    assert.equal(pkg(result, 'anyio').dev, false);
    assert.equal(pkg(result, 'sniffio', '1.2.0').direct, true, 'optional-dependencies pin 1.2.0');
    assert.equal(pkg(result, 'sniffio', '1.3.0').direct, false);
    assert.deepEqual(pkg(result, 'idna').dependencyPath, ['uv-app', 'uv-lib@0.0.1', 'idna@3.6']);
  });

  it('keeps the sdist hash and reads git sources', () => {
    assert.match(pkg(result, 'anyio').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.match(pkg(result, 'idna').hashes?.sha256 ?? '', /^[0-9a-f]{64}$/, 'the only wheel');
    assert.equal(pkg(result, 'vendored').source, 'git');
    assert.equal(pkg(result, 'vendored').purl, 'pkg:pypi/vendored@1.0.0?vcs_url=git%2Bhttps://example.org/acme/vendored.git%400123456789abcdef0123456789abcdef01234567', 'the commit, not the ?rev= query');
  });

  it('reads the lock `uv lock --script` writes beside a script, its [manifest] requirements being direct', () => {
    const text = ['version = 1', 'revision = 3', 'requires-python = ">=3.12"', '', '[manifest]',
      'requirements = [{ name = "Tiny_Colour", specifier = ">=1" }]', '', '[[package]]', 'name = "tiny-colour"', 'version = "1.2.0"',
      'source = { registry = "https://example.org/simple" }', 'dependencies = [{ name = "tiny-base" }]', '', '[[package]]',
      'name = "tiny-base"', 'version = "0.3.0"', 'source = { registry = "https://example.org/simple" }', ''].join('\n');
    const parser = findParser('tools/report.py.lock');
    assert.equal(parser?.id, 'uv-lock');
    assert.equal(findParser('tools/report.lock'), undefined);
    const parsed = parser.parse(text, 'tools/report.py.lock');
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(names(parsed), ['tiny-base@0.3.0', 'tiny-colour@1.2.0']);
    assert.equal(parsed.root?.name, 'report.py');
    assert.equal(pkg(parsed, 'tiny-colour').direct, true);
    assert.equal(pkg(parsed, 'tiny-base').direct, false);
    assert.deepEqual(pkg(parsed, 'tiny-base').dependencyPath, ['report.py', 'tiny-colour@1.2.0', 'tiny-base@0.3.0']);
    const empty = parser.parse('version = 1\nrevision = 3\nrequires-python = ">=3.12"\n', 'tools/bare.py.lock');
    assert.deepEqual(empty, { packages: [], warnings: [], root: { name: 'bare.py' } }, 'a script without dependencies');
  });
});
