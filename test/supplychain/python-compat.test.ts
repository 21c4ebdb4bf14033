import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathSpec } from '../../src/supplychain/intoto/gitwildmatch.js';
import { fnmatch, normpath, pathJoin, shlexSplit } from '../../src/supplychain/intoto/python-compat.js';
import { INTOTO_MISSING, pythonAvailable, runPython } from './interop-helpers.js';

const NORMPATH_CASES: Array<[string, string]> = [
  ['', '.'],
  ['.', '.'],
  ['./a/b/', 'a/b'],
  ['a//b/./c/..', 'a/b'],
  ['../x/../../y', '../../y'],
  ['/../a', '/a'],
  ['//a/b', '//a/b'],
  ['///a/b', '/a/b'],
  ['a/../..', '..'],
];

test('normpath as posixpath.normpath', () => {
  for (const [input, expected] of NORMPATH_CASES) assert.equal(normpath(input), expected, input);
  assert.equal(pathJoin('src', ''), 'src/');
  assert.equal(pathJoin('src/', 'a'), 'src/a');
  assert.equal(pathJoin('src', '/abs'), '/abs');
  assert.equal(pathJoin('', 'a'), 'a');
});

// [pattern, name, matches] - fnmatch's `*` crosses directory separators.
const FNMATCH_CASES: Array<[string, string, boolean]> = [
  ['*', 'a/b/c', true],
  ['*.js', 'dist/app.js', true],
  ['src/*', 'src/a/b.ts', true],
  ['?', 'é', true],
  ['?', '😀', true],
  ['a?c', 'a/c', true],
  ['[abc]x', 'bx', true],
  ['[!abc]x', 'bx', false],
  ['[!abc]x', 'dx', true],
  ['[a-c]', 'b', true],
  ['[c-a]', 'b', false],
  ['[]]', ']', true],
  ['[!]]', 'a', true],
  ['[', '[', true],
  ['a[', 'a[', true],
  ['*.[ch]', 'x.h', true],
  ['foo.txt', 'foo.txt', true],
  ['foo.txt', 'foo.txt\n', false],
  ['foo.txt', 'Foo.txt', false],
  ['a.b', 'axb', false],
  ['(x)+', '(x)+', true],
  ['*a*b*', 'xxaxxbxx', true],
  ['*a*b', 'xaxbxb', true],
  ['*a*b', 'xaxbxc', false],
  ['\\*', '\\x', true],
  ['[\\]', '\\', true],
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  ['[!-]', 'x', true],
  ['[^a]', '^', true],
  ['[^a]', 'b', false],
  ['**', '', true],
];

test('fnmatch as Python 3.11 fnmatch.fnmatchcase', () => {
  for (const [pattern, name, expected] of FNMATCH_CASES) assert.equal(fnmatch(name, pattern), expected, `${pattern} vs ${JSON.stringify(name)}`);
});

// [patterns, path, excluded]
const EXCLUDE_CASES: Array<[string[], string, boolean]> = [
  [['*.link*'], 'build.1234abcd.link', true],
  [['*.link*'], 'sub/dir/x.link-unfinished', true],
  [['.git'], '.git', true],
  [['.git'], 'sub/.git', true],
  [['.git'], 'sub/.git/config', true],
  [['.git'], '.gitignore', false],
  [['*.pyc'], 'a/b.pyc', true],
  [['*~'], 'notes.txt~', true],
  [['build/'], 'build', false],
  [['build/'], 'build/out.js', true],
  [['/top'], 'top', true],
  [['/top'], 'sub/top', false],
  [['a/*/c'], 'a/b/c', true],
  [['a/*/c'], 'a/b/x/c', false],
  [['a/**/c'], 'a/b/x/c', true],
  [['**/x'], 'deep/er/x', true],
  [['*.js', '!keep.js'], 'keep.js', false],
  [['*.js', '!keep.js'], 'drop.js', true],
  [['# comment'], '# comment', false],
  [['f?o'], 'foo', true],
  [['[ab].txt'], 'b.txt', true],
  [['[!ab].txt'], 'b.txt', false],
  [['\\#lit'], '#lit', true],
  [['./a'], 'a', false],
];

test('exclude patterns as pathspec gitwildmatch', () => {
  for (const [patterns, file, expected] of EXCLUDE_CASES) assert.equal(new PathSpec(patterns).matches(file), expected, `${patterns.join(',')} vs ${file}`);
  assert.equal(new PathSpec(['x']).matches('./x'), true);
});

test('shlex.split in POSIX mode', () => {
  assert.deepEqual(shlexSplit('MATCH "src/a b" WITH PRODUCTS FROM build'), ['MATCH', 'src/a b', 'WITH', 'PRODUCTS', 'FROM', 'build']);
  assert.deepEqual(shlexSplit(`a 'b "c"' "d \\"e\\" \\x" f\\ g ''`), ['a', 'b "c"', 'd "e" \\x', 'f g', '']);
  assert.deepEqual(shlexSplit('  '), []);
  assert.throws(() => shlexSplit('"open'), /closing quotation/);
  assert.throws(() => shlexSplit('trailing\\'), /escaped/);
});

test('fnmatch, gitwildmatch, normpath and shlex agree with Python on every case', { skip: pythonAvailable() ? false : INTOTO_MISSING }, () => {
  const script = [
    'import json, sys, fnmatch, posixpath, shlex',
    'from pathspec import PathSpec',
    'd = json.loads(sys.stdin.read())',
    'out = {',
    '  "fnmatch": [fnmatch.fnmatchcase(n, p) for p, n, _ in d["fnmatch"]],',
    '  "exclude": [PathSpec.from_lines("gitwildmatch", ps).match_file(f) for ps, f, _ in d["exclude"]],',
    '  "normpath": [posixpath.normpath(i) for i, _ in d["normpath"]],',
    '  "shlex": shlex.split(d["shlex"]),',
    '}',
    'print(json.dumps(out))',
  ].join('\n');
  const shlexInput = `a 'b "c"' "d \\"e\\" \\x" f\\ g ''`;
  const result = JSON.parse(runPython(script, JSON.stringify({ fnmatch: FNMATCH_CASES, exclude: EXCLUDE_CASES, normpath: NORMPATH_CASES, shlex: shlexInput }))) as {
    fnmatch: boolean[];
    exclude: boolean[];
    normpath: string[];
    shlex: string[];
  };
  assert.deepEqual(result.fnmatch, FNMATCH_CASES.map(([, , expected]) => expected));
  assert.deepEqual(result.exclude, EXCLUDE_CASES.map(([, , expected]) => expected));
  assert.deepEqual(result.normpath, NORMPATH_CASES.map(([, expected]) => expected));
  assert.deepEqual(result.shlex, shlexSplit(shlexInput));
});
