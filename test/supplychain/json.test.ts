import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, CanonicalJsonError, compareCodePoints } from '../../src/supplychain/json/canonical-json.js';
import { JsonFloat, parseStrictJson, JsonSyntaxError } from '../../src/supplychain/json/strict-json.js';
import { pythonJsonDumps } from '../../src/supplychain/json/python-json.js';
import { INTOTO_MISSING, pythonAvailable, runPython } from './interop-helpers.js';

test('canonical JSON: sorted keys, no whitespace, integers, literals', () => {
  assert.equal(canonicalJson({ y: 2, x: 3, a: [1, true, false, null, ''] }), '{"a":[1,true,false,null,""],"x":3,"y":2}');
  assert.equal(canonicalJson([]), '[]');
  assert.equal(canonicalJson({}), '{}');
  assert.equal(canonicalJson(-0), '0');
  assert.equal(canonicalJson(12345678901234567890n), '12345678901234567890');
});

test('canonical JSON escapes only quote and backslash; control characters and non-ASCII stay raw', () => {
  assert.equal(canonicalJson('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(canonicalJson('line\nbreak\ttab\u0001'), '"line\nbreak\ttab\u0001"');
  assert.equal(canonicalJson('/'), '"/"');
  assert.equal(canonicalJson('héllo ✓ 😀'), '"héllo ✓ 😀"');
  assert.deepEqual([...Buffer.from(canonicalJson('é'), 'utf8')], [0x22, 0xc3, 0xa9, 0x22]);
});

test('canonical JSON sorts keys by code point, not by UTF-16 unit', () => {
  // U+FF21 (fullwidth A) is below U+1F600 as a code point, but its UTF-16 unit 0xFF21
  // is above the surrogate 0xD83D that starts U+1F600: JavaScript's default sort disagrees.
  const object = { '\u{1F600}': 1, '\uFF21': 2, a: 3, 'é': 4 };
  assert.deepEqual(Object.keys(object).sort(), ['a', 'é', '\u{1F600}', '\uFF21']);
  assert.equal(canonicalJson(object), '{"a":3,"é":4,"\uFF21":2,"\u{1F600}":1}');
  assert.ok(compareCodePoints('\uFF21', '\u{1F600}') < 0);
  assert.ok(compareCodePoints('\u{1F600}', '\u{1F601}') < 0);
  assert.ok(compareCodePoints('ab', 'a') > 0);
  assert.equal(compareCodePoints('x', 'x'), 0);
});

test('canonical JSON rejects floats, NaN, infinities, undefined and lone surrogates', () => {
  for (const bad of [1.5, NaN, Infinity, -Infinity, new JsonFloat('1.0'), undefined, { a: undefined }, () => 1, new Date(0), '\uD800x', 2 ** 60]) {
    assert.throws(() => canonicalJson(bad), CanonicalJsonError, String(bad));
  }
});

test('strict JSON keeps floats apart from integers and big integers exact', () => {
  const value = parseStrictJson('{"a": 1, "b": 1.0, "c": 1e3, "d": 123456789012345678901, "e": -0, "f": NaN}') as Record<string, unknown>;
  assert.equal(value.a, 1);
  assert.ok(value.b instanceof JsonFloat);
  assert.ok(value.c instanceof JsonFloat);
  assert.equal(value.d, 123456789012345678901n);
  assert.equal(value.e, 0);
  assert.ok(value.f instanceof JsonFloat);
  assert.throws(() => canonicalJson(value), /integers only/);
});

test('strict JSON: escapes, __proto__ as a plain key, duplicate keys, errors', () => {
  const value = parseStrictJson('{"__proto__": {"x": 1}, "s": "\\u00e9\\ud83d\\ude00\\n\\"", "k": 1, "k": 2}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__', 's', 'k']);
  assert.equal(value.s, 'é😀\n"');
  assert.equal(value.k, 2);
  for (const bad of ['', '{', '{"a":1,}', '[1 2]', '"\u0001"', '\ufeff{}', '01', '{"a":1} x', '"\\x"', '[' .repeat(1000)]) {
    assert.throws(() => parseStrictJson(bad), JsonSyntaxError, JSON.stringify(bad));
  }
});

test('Python json.dumps formats: indent=1 sorted (metadata) and plain (key files)', () => {
  const value = { b: { z: [], y: {} }, a: ['x', 1], 'é😀': '\u007f\u0000"' };
  assert.equal(
    pythonJsonDumps(value, { indent: 1, sortKeys: true }),
    '{\n "a": [\n  "x",\n  1\n ],\n "b": {\n  "y": {},\n  "z": []\n },\n "\\u00e9\\ud83d\\ude00": "\\u007f\\u0000\\""\n}',
  );
  assert.equal(pythonJsonDumps({ k: 'v', l: [1, 2] }), '{"k": "v", "l": [1, 2]}');
});

test('canonical JSON and json.dumps agree with Python on awkward input', { skip: pythonAvailable() ? false : INTOTO_MISSING }, () => {
  const value = {
    '\u{1F600}': ['\uFF21', 'tab\there', 'quote"back\\slash', -5, 0, 9007199254740993n],
    '\uFF21': { nested: { '': null, ' ': true } },
    'é': 'ünïcödé ✓',
    'ctrl\u0001\u001f': '\u007f\u0080\u2028',
    a: [],
  };
  const script = [
    'import json, sys',
    'from securesystemslib.formats import encode_canonical',
    'v = json.loads(sys.stdin.read())',
    'sys.stdout.write(json.dumps([encode_canonical(v), json.dumps(v, indent=1, separators=(",", ": "), sort_keys=True)]))',
  ].join('\n');
  const input = pythonJsonDumps(value);
  const [canonical, dumped] = JSON.parse(runPython(script, input)) as [string, string];
  assert.equal(canonicalJson(value), canonical);
  assert.equal(pythonJsonDumps(value, { indent: 1, sortKeys: true }), dumped);
});
