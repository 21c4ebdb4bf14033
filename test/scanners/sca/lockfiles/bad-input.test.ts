/**
 * Every parser, on every fixture, cut short at several points and fed garbage: it must
 * return (never throw), keep its packages well-formed, and say something when a
 * structured file is broken.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findParser, lockfileParsers } from '../../../../src/scanners/sca/lockfiles/index.js';
import type { LockfileResult } from '../../../../src/scanners/sca/model.js';
import { ECOSYSTEMS } from '../../../../src/scanners/sca/model.js';
import { fixturePath } from '../../../helpers/paths.js';
import { fixtureText, names } from './helpers.js';

/** [fixture dir, file path inside it] for every lockfile-like fixture. */
function fixtureFiles(): Array<[string, string]> {
  const base = fixturePath('sca', 'lockfiles');
  const out: Array<[string, string]> = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, relPath);
      else if (findParser(relPath.split('/').slice(1).join('/'))) out.push([relPath.split('/')[0] as string, relPath.split('/').slice(1).join('/')]);
    }
  };
  walk(base, '');
  return out;
}

/** Formats where any cut breaks the syntax (an unclosed bracket or element), so a warning is certain. */
const BRACKETED = /(\.json|bun\.lock|\.xml)$/;

function assertWellFormed(result: LockfileResult, text: string, label: string): void {
  const lineCount = text.split('\n').length;
  assert.ok(Array.isArray(result.packages) && Array.isArray(result.warnings), label);
  for (const p of result.packages) {
    assert.ok(p.name && p.version, `${label}: ${JSON.stringify(p)}`);
    assert.ok((ECOSYSTEMS as readonly string[]).includes(p.ecosystem), label);
    assert.match(p.purl, /^pkg:[a-z]+\/[^@?#]+@[^?#]+(\?.+)?$/, label);
    assert.ok(p.location.startLine >= 1 && p.location.startLine <= lineCount, `${label}: line ${p.location.startLine}`);
  }
  for (const w of result.warnings) {
    assert.equal(typeof w.message, 'string');
    if (w.line !== undefined) assert.ok(w.line >= 1 && w.line <= lineCount + 1, `${label}: warning line ${w.line}`);
  }
}

describe('every parser on broken input', () => {
  const files = fixtureFiles();

  it('finds a fixture for every parser', () => {
    const covered = new Set(files.map(([, file]) => findParser(file)?.id));
    for (const parser of lockfileParsers) assert.ok(covered.has(parser.id), `no fixture for ${parser.id}`);
  });

  for (const [dir, file] of files) {
    it(`${dir}/${file}: truncated at a quarter, half and three quarters`, () => {
      const text = fixtureText(dir, file);
      const parser = findParser(file);
      assert.ok(parser);
      const whole = parser.parse(text, file);
      assertWellFormed(whole, text, `${dir}/${file}`);
      for (const fraction of [0.25, 0.5, 0.75]) {
        const cut = text.slice(0, Math.floor(text.length * fraction));
        const label = `${dir}/${file} cut at ${fraction}`;
        const result = parser.parse(cut, file);
        assertWellFormed(result, cut, label);
        assert.ok(result.packages.length <= whole.packages.length, label);
        if (BRACKETED.test(file)) assert.ok(result.warnings.length > 0, `${label}: a cut bracketed file must warn`);
      }
    });
  }

  it('returns warnings, not exceptions, for empty, binary and wrong-format text', () => {
    const inputs = ['', '\u0000\u0001\u0002\u00ff'.repeat(50), '<html><body>not a lockfile</body></html>', '[1, 2, 3]', 'null', '{"packages": 5}'];
    for (const parser of lockfileParsers) {
      for (const input of inputs) {
        const sample = parser.matches('gradle.lockfile') ? 'gradle.lockfile' : (files.find(([, f]) => findParser(f)?.id === parser.id)?.[1] ?? 'x');
        const result = parser.parse(input, sample);
        assertWellFormed(result, input, `${parser.id} on ${JSON.stringify(input.slice(0, 20))}`);
      }
    }
  });

  it('reads a 200 KB line or name in linear time', () => {
    // A name of letters only once made a requirements.txt pattern backtrack for half a minute.
    const huge = 'A'.repeat(200 * 1024);
    for (const [dir, file] of files) {
      const text = fixtureText(dir, file);
      const parser = findParser(file);
      assert.ok(parser);
      for (const input of [`${huge}\n${text}`, `${text}\n${huge}==1.0\n`, text.replace(/[A-Za-z][\w.-]{2,}/, huge)]) {
        const started = performance.now();
        assertWellFormed(parser.parse(input, file), input, `${dir}/${file} with a 200 KB line`);
        assert.ok(performance.now() - started < 2000, `${dir}/${file}: a 200 KB line took ${Math.round(performance.now() - started)} ms`);
      }
    }
  });

  it('reads every package around a name with broken UTF-16 (a lone surrogate)', () => {
    for (const [dir, file] of files) {
      const text = fixtureText(dir, file);
      const parser = findParser(file);
      assert.ok(parser);
      const whole = parser.parse(text, file);
      const first = whole.packages[0];
      if (!first || !text.includes(first.name)) continue;
      const broken = text.replace(first.name, `${first.name}\ud800`);
      const result = parser.parse(broken, file);
      assertWellFormed(result, broken, `${dir}/${file}`);
      assert.deepEqual(result.warnings.filter((w) => /stopped early/.test(w.message)), [], `${dir}/${file}`);
      assert.ok(result.packages.length >= whole.packages.length - 1, `${dir}/${file}: ${result.packages.length} of ${whole.packages.length}`);
    }
  });

  it('reads the same packages when lines end in CR only (old Mac editors)', () => {
    for (const [dir, file] of files) {
      const text = fixtureText(dir, file);
      const parser = findParser(file);
      assert.ok(parser);
      const whole = parser.parse(text, file);
      const result = parser.parse(text.replace(/\r?\n/g, '\r'), file);
      if (result.warnings.length > 0) continue; // a format that refuses CR-only text must say so
      assert.deepEqual(names(result), names(whole), `${dir}/${file}`);
    }
  });

  it('reads a yarn patch: reference with a malformed %-escape', () => {
    const text = fixtureText('yarn-berry-resolutions', 'yarn.lock').replaceAll('helper@npm%3A1.5.0', 'helper@npm%[3A1.5.0');
    const result = findParser('yarn.lock')?.parse(text, 'yarn.lock');
    assert.ok(result);
    assert.deepEqual(result.warnings.filter((w) => /stopped early/.test(w.message)), []);
    assert.ok(result.packages.some((p) => p.name === 'helper'));
  });

  it('warns about a stray line in a Gemfile.lock section and reads the rest of the section', () => {
    const text = fixtureText('gemfile', 'Gemfile.lock');
    const parser = findParser('Gemfile.lock');
    assert.ok(parser);
    const lines = text.split('\n');
    const specs = lines.indexOf('GEM') + 3; // GEM, remote:, specs:, then the first spec
    lines.splice(specs, 0, '{"stray": [');
    const result = parser.parse(lines.join('\n'), 'Gemfile.lock');
    assert.deepEqual(names(result), names(parser.parse(text, 'Gemfile.lock')));
    assert.deepEqual(result.warnings, [{ line: specs + 1, message: 'unexpected line "{\\"stray\\": ["' }]);
  });

  it('warns when a bun.lock has no "packages" object', () => {
    const parser = findParser('bun.lock');
    assert.ok(parser);
    assert.deepEqual(parser.parse('{ "lockfileVersion": 1, "workspaces": { "": { "packages": {} } } }', 'bun.lock').warnings, [
      { line: 1, message: 'no "packages" object: no package could be read' },
    ]);
    assert.deepEqual(parser.parse('{\n  "lockfileVersion": 1,\n  "packages": [],\n}', 'bun.lock').warnings, [
      { line: 3, message: 'no "packages" object: no package could be read' },
    ]);
    assert.deepEqual(parser.parse('{ "lockfileVersion": 1, "packages": {} }', 'bun.lock').warnings, []);
  });

  it('warns when a workflow file holds no jobs (a moved "jobs:" line)', () => {
    const text = 'on: push\nbuild:\n  runs-on: ubuntu-latest\n  steps:\n    - uses: actions/checkout@v4\n';
    const result = findParser('.github/workflows/ci.yml')?.parse(text, '.github/workflows/ci.yml');
    assert.equal(result?.warnings.length, 1);
    assert.match(result?.warnings[0]?.message ?? '', /no jobs/);
    assert.deepEqual(findParser('action.yml')?.parse('name: a\nruns:\n  using: node20\n  main: index.js\n', 'action.yml').warnings, []);
  });

  it('ignores an empty npm workspace pattern', () => {
    const text = JSON.stringify({
      lockfileVersion: 3,
      packages: { '': { workspaces: ['', './'] }, 'node_modules/a': { version: '1.0.0' } },
    });
    const result = findParser('package-lock.json')?.parse(text, 'package-lock.json');
    assert.deepEqual(result?.warnings, []);
    assert.deepEqual(result?.packages.map((p) => p.purl), ['pkg:npm/a@1.0.0']);
  });

  it('survives nesting deep enough to overflow a naive recursive parser', () => {
    const deep = '{"packages": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    for (const lines of [true, false]) {
      const result = findParser('package-lock.json')?.parse(deep, 'package-lock.json', { lines });
      assert.ok(result);
      assert.match(result.warnings[0]?.message ?? '', /nested deeper/);
    }
  });

  it('keeps a "__proto__" key as data, never as a prototype', () => {
    const text = JSON.stringify({ lockfileVersion: 3, packages: { '': {}, 'node_modules/__proto__': { version: '1.0.0', polluted: true } } });
    const result = findParser('package-lock.json')?.parse(text.replace('"node_modules/__proto__"', '"__proto__"'), 'package-lock.json');
    assert.ok(result);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('reads YAML with collection keys without writing a process warning to standard error', async () => {
    const warnings: string[] = [];
    const listener = (warning: Error) => warnings.push(warning.message);
    process.on('warning', listener);
    try {
      findParser('pnpm-lock.yaml')?.parse("lockfileVersion: '9.0'\npackages:\n  ? [a, b]\n  : {resolution: {integrity: x}}\n", 'pnpm-lock.yaml');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listener);
    }
    assert.deepEqual(warnings, []);
  });
});
