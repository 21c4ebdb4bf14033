import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonc } from '../../../src/scanners/sast/project/jsonc.js';
import { LineIndex } from '../../../src/scanners/sast/source/lines.js';
import { isParseFailure, languageOf, parseSource } from '../../../src/scanners/sast/source/parse.js';

describe('sast parsing', () => {
  it('maps offsets to lines and columns (LF, CRLF, CR, astral characters)', () => {
    const text = 'a\r\nbc\rd\n😀x';
    const index = new LineIndex(text);
    assert.deepEqual(index.position(0), { line: 1, column: 1 });
    assert.deepEqual(index.position(text.indexOf('c')), { line: 2, column: 2 });
    assert.deepEqual(index.position(text.indexOf('d')), { line: 3, column: 1 });
    assert.deepEqual(index.position(text.indexOf('x')), { line: 4, column: 3 });
    assert.equal(index.lineCount, 4);
  });

  it('knows which files are JavaScript or TypeScript', () => {
    for (const p of ['a.js', 'a.cjs', 'a.mjs', 'a.jsx', 'a.ts', 'a.tsx', 'a.mts', 'a.cts']) assert.ok(languageOf(p), p);
    for (const p of ['a.d.ts', 'a.json', 'a.css', 'Makefile']) assert.equal(languageOf(p), undefined, p);
  });

  it('parses ESM, CommonJS, JSX in .js, TypeScript with decorators, and TSX', () => {
    const cases: Array<[string, string, boolean]> = [
      ['m.mjs', 'import x from "y"; export const z = x;', true],
      ['c.js', 'const x = require("y"); module.exports = x;', false],
      ['j.js', 'const el = <div className="a">{x}</div>;', false],
      ['t.ts', '@Controller() class A { constructor(private readonly s: S) {} @Get() m(@Query("q") q: string): void {} }', false],
      ['x.tsx', 'export const C = ({ a }: { a: string }) => <b>{a}</b>;', true],
    ];
    for (const [file, code, isModule] of cases) {
      const parsed = parseSource(file, code);
      assert.ok(!isParseFailure(parsed), `${file}: ${isParseFailure(parsed) ? parsed.message : ''}`);
      if (!isParseFailure(parsed)) assert.equal(parsed.isModule, isModule, file);
    }
  });

  it('reports a syntax error with its line instead of throwing', () => {
    const parsed = parseSource('bad.js', 'const a = 1;\nfunction (\n');
    assert.ok(isParseFailure(parsed));
    if (isParseFailure(parsed)) {
      assert.equal(parsed.line, 2);
      assert.match(parsed.message, /syntax error/);
    }
  });

  it('reads JSON with comments and trailing commas as data', () => {
    assert.deepEqual(parseJsonc('{ // c\n "a": [1, 2,], /* b */ "s": "x // not a comment", }'), { a: [1, 2], s: 'x // not a comment' });
    assert.equal(parseJsonc('{ not json'), undefined);
  });
});
