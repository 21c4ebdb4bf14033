import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  addInstalledLicenses,
  createRootReader,
  findParser,
  isAdvisoryCandidate,
  lockfileParsers,
  uniquePackages,
} from '../../../../src/scanners/sca/lockfiles/index.js';
import { joinPath } from '../../../../src/scanners/sca/lockfiles/parser.js';
import { encodePurlComponent, normalizePythonName, purlFor } from '../../../../src/scanners/sca/lockfiles/purl.js';
import { parseJson } from '../../../../src/scanners/sca/lockfiles/support/json.js';
import { LineIndex } from '../../../../src/core/line-index.js';
import { parseFixture } from './helpers.js';

describe('parseJson', () => {
  it('gives the line of every key and array element', () => {
    const doc = parseJson('{\n  "a": 1,\n  "b": {\n    "c": [\n      true,\n      "x"\n    ]\n  }\n}');
    const value = doc.value as { b: { c: unknown[] } };
    assert.equal(doc.lineOf(value, 'a'), 2);
    assert.equal(doc.lineOf(value, 'b'), 3);
    assert.equal(doc.lineOf(value.b, 'c'), 4);
    assert.equal(doc.lineOf(value.b.c, 1), 6);
    assert.equal(doc.error, undefined);
  });

  it('reads the same values as JSON.parse, escapes and numbers included', () => {
    const text = JSON.stringify({ s: 'a"b\\c\u00e9\n', n: [-1.5e3, 0, 42], t: true, f: false, z: null, e: {}, l: [] });
    assert.deepEqual(parseJson(text).value, JSON.parse(text));
  });

  it('accepts comments and trailing commas only in JSONC mode', () => {
    const text = '{\n  // c\n  "a": [1, 2,], /* b\n */ "b": 2,\n}';
    const doc = parseJson(text, { jsonc: true });
    assert.deepEqual(doc.value, { a: [1, 2], b: 2 });
    assert.equal(doc.lineOf(doc.value as object, 'b'), 4);
    assert.ok(parseJson(text).error);
  });

  it('keeps what it read before an error, marks the open containers incomplete, and gives the line', () => {
    const doc = parseJson('{\n "done": {"v": 1},\n "open": {"v": 2,\n "w": ');
    const value = doc.value as Record<string, Record<string, unknown>>;
    assert.deepEqual(value.done, { v: 1 });
    assert.deepEqual(value.open, { v: 2 });
    assert.equal(doc.isComplete(value.done as object), true);
    assert.equal(doc.isComplete(value.open as object), false);
    assert.equal(doc.error?.line, 4);
    assert.match(doc.error?.message ?? '', /unexpected end of file/);
  });

  it('rejects text after the document, bad literals and raw control characters', () => {
    assert.match(parseJson('{} x').error?.message ?? '', /after the end/);
    assert.ok(parseJson('{"a": tru}').error);
    assert.ok(parseJson('{"a": "x\ny"}').error);
    assert.match(parseJson('').error?.message ?? '', /empty/);
  });

  it('without lines (lineDepth 0) gives the same value and warnings by the faster native path', () => {
    const text = '{\n  "a": {"b": [1, 2]},\n  "__proto__": {"polluted": true}\n}';
    const doc = parseJson(text, { lineDepth: 0 });
    assert.deepEqual(doc.value, parseJson(text).value);
    assert.equal(Object.getPrototypeOf(doc.value), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(doc.lineOf(doc.value as object, 'a'), undefined);
    // Broken or too deeply nested text still gets the reader's warning with its line.
    assert.equal(parseJson('{\n "a": 1,\n "b": }', { lineDepth: 0 }).error?.line, 3);
    assert.match(parseJson(`{"a": ${'['.repeat(600)}${']'.repeat(600)}}`, { lineDepth: 0 }).error?.message ?? '', /nested deeper/);
  });
});

describe('LineIndex', () => {
  it('maps offsets to 1-based lines', () => {
    const index = new LineIndex('ab\ncd\n\nef');
    assert.deepEqual([0, 2, 3, 6, 7, 9].map((o) => index.lineAt(o)), [1, 1, 2, 3, 4, 4]);
  });
});

describe('purlFor', () => {
  it('follows each purl type', () => {
    assert.equal(purlFor('npm', '@Angular/Core', '12.3.1'), 'pkg:npm/%40angular/core@12.3.1');
    assert.equal(purlFor('npm', 'JSONStream', '1.3.5'), 'pkg:npm/jsonstream@1.3.5');
    assert.equal(purlFor('PyPI', 'Zope.Interface__x', '5.0'), 'pkg:pypi/zope-interface-x@5.0');
    assert.equal(purlFor('Go', 'github.com/Gorilla/Mux', 'v1.8.0'), 'pkg:golang/github.com/gorilla/mux@v1.8.0');
    assert.equal(purlFor('crates.io', 'serde_json', '1.0.0'), 'pkg:cargo/serde_json@1.0.0');
    assert.equal(purlFor('Packagist', 'Laravel/Framework', 'v10.0.0'), 'pkg:composer/laravel/framework@v10.0.0');
    assert.equal(purlFor('RubyGems', 'nokogiri', '1.15.4', { platform: 'java' }), 'pkg:gem/nokogiri@1.15.4?platform=java');
    assert.equal(purlFor('Maven', 'org.apache.logging.log4j:log4j-core', '2.17.1'), 'pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1');
    assert.equal(purlFor('NuGet', 'Newtonsoft.Json', '13.0.1'), 'pkg:nuget/Newtonsoft.Json@13.0.1');
  });

  it('percent-encodes everything but A-Za-z0-9 . - _ ~ and the colon; qualifiers sorted, slashes readable', () => {
    assert.equal(encodePurlComponent("a b+c@d#e/f:g!'()*~"), "a%20b%2Bc%40d%23e%2Ff:g%21%27%28%29%2A~");
    assert.equal(purlFor('npm', 'x', '1.0.0+build.1'), 'pkg:npm/x@1.0.0%2Bbuild.1');
    assert.equal(
      purlFor('npm', 'x', '1.0.0', { vcs_url: 'git+https://h.example.org/p.git#abc', a: 'b' }),
      'pkg:npm/x@1.0.0?a=b&vcs_url=git%2Bhttps://h.example.org/p.git%23abc',
    );
  });

  it('normalises Python names per PEP 503', () => {
    assert.equal(normalizePythonName('Flask_SQLAlchemy'), 'flask-sqlalchemy');
    assert.equal(normalizePythonName('a.-_b'), 'a-b');
  });
});

describe('parser registry', () => {
  it('finds the parser for each file name, and none inside node_modules', () => {
    const expected: Record<string, string> = {
      'package-lock.json': 'npm-package-lock',
      'web/npm-shrinkwrap.json': 'npm-package-lock',
      'yarn.lock': 'yarn-lock',
      'pnpm-lock.yaml': 'pnpm-lock',
      'bun.lock': 'bun-lock',
      'requirements.txt': 'pip-requirements',
      'poetry.lock': 'poetry-lock',
      'Pipfile.lock': 'pipfile-lock',
      'uv.lock': 'uv-lock',
      'go.mod': 'go-mod',
      'Cargo.lock': 'cargo-lock',
      'composer.lock': 'composer-lock',
      'Gemfile.lock': 'gemfile-lock',
      'service/pom.xml': 'maven-pom',
      'gradle.lockfile': 'gradle-lockfile',
      'src/App/packages.lock.json': 'nuget-packages-lock',
    };
    for (const [file, id] of Object.entries(expected)) assert.equal(findParser(file)?.id, id, file);
    for (const file of ['node_modules/x/package-lock.json', 'a/node_modules/b/yarn.lock', 'package.json', 'bun.lockb', 'go.sum']) {
      assert.equal(findParser(file), undefined, file);
    }
    assert.equal(new Set(lockfileParsers.map((p) => p.id)).size, lockfileParsers.length);
  });

  it('joins relative paths and refuses to climb above the root', () => {
    assert.equal(joinPath('a/b', '../c.txt'), 'a/c.txt');
    assert.equal(joinPath('', './x/y'), 'x/y');
    assert.equal(joinPath('a', '../../x'), undefined);
    assert.equal(joinPath('a', '/etc/passwd'), undefined);
    assert.equal(joinPath('a', 'C:\\x'), undefined);
  });
});

describe('createRootReader', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'secloop-reader-'));
  const root = path.join(base, 'root');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  writeFileSync(path.join(root, 'sub', 'a.txt'), 'inside');
  writeFileSync(path.join(base, 'secret.txt'), 'outside');
  writeFileSync(path.join(root, 'big.txt'), 'x'.repeat(2000));
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'link.txt'));
  after(() => rmSync(base, { recursive: true, force: true }));

  it('reads files under the root and nothing outside it', () => {
    const read = createRootReader(root, 1000);
    assert.equal(read('sub/a.txt'), 'inside');
    assert.equal(read('../secret.txt'), undefined);
    assert.equal(read(path.join(base, 'secret.txt')), undefined);
    assert.equal(read('link.txt'), undefined, 'a symlink leading outside');
    assert.equal(read('big.txt'), undefined, 'over the size limit');
    assert.equal(read('sub'), undefined, 'a folder');
    assert.equal(read('missing.txt'), undefined);
  });
});

describe('uniquePackages', () => {
  it('merges the same entry read through two files: production wins, direct wins, shorter path wins', () => {
    const prod = parseFixture('requirements', 'requirements.txt');
    const dev = parseFixture('requirements', 'requirements-dev.txt');
    const merged = uniquePackages([...dev.packages, ...prod.packages]);
    assert.equal(merged.length, new Set([...dev.packages, ...prod.packages].map((p) => `${p.location.path}:${p.location.startLine}`)).size);
    assert.equal(merged.find((p) => p.name === 'django')?.dev, false);
    assert.equal(merged.find((p) => p.name === 'pytest')?.dev, true);
  });
});

describe('addInstalledLicenses', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'secloop-licenses-'));
  const write = (rel: string, value: unknown): void => {
    mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    writeFileSync(path.join(base, rel), JSON.stringify(value));
  };
  write('web/node_modules/chalk/package.json', { name: 'chalk', version: '2.4.2', license: 'MIT' });
  write('web/node_modules/@babel/highlight/package.json', { name: '@babel/highlight', version: '7.13.10', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] });
  write('web/node_modules/ansi-styles/package.json', { name: 'ansi-styles', version: '9.9.9', license: 'MIT' });
  write('web/node_modules/.pnpm/@babel+code-frame@7.12.13/node_modules/@babel/code-frame/package.json', {
    name: '@babel/code-frame',
    version: '7.12.13',
    license: { type: 'BSD-2-Clause' },
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it('reads licences of the locked versions from node_modules (hoisted or pnpm layout), and only those', () => {
    const result = parseFixture('yarn-classic', 'yarn.lock', { companions: false });
    const filled = addInstalledLicenses(result, 'web/yarn.lock', createRootReader(base));
    const license = (name: string, version: string): string | undefined =>
      result.packages.find((p) => p.name === name && p.version === version)?.license;
    assert.equal(filled, 3);
    assert.equal(license('chalk', '2.4.2'), 'MIT');
    assert.equal(license('@babel/highlight', '7.13.10'), '(MIT OR Apache-2.0)');
    assert.equal(license('@babel/code-frame', '7.12.13'), 'BSD-2-Clause');
    assert.equal(license('ansi-styles', '3.2.1'), undefined, 'the installed copy is another version');
  });
});

describe('isAdvisoryCandidate', () => {
  it('keeps registry packages and the Go standard library, not workspace, local or git code', () => {
    const npm = parseFixture('npm-v3', 'package-lock.json');
    const candidates = new Set(npm.packages.filter(isAdvisoryCandidate).map((p) => p.name));
    assert.ok(candidates.has('express') && candidates.has('lodash'));
    for (const name of ['ws-a', 'local-lib', 'git-dep']) assert.ok(!candidates.has(name), name);
    const go = parseFixture('gomod', 'go.mod');
    assert.ok(go.packages.filter(isAdvisoryCandidate).some((p) => p.name === 'stdlib'));
    assert.ok(!go.packages.filter(isAdvisoryCandidate).some((p) => p.name === 'example.org/acme/localmod'));
  });
});
