import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Artifacts, Link } from '../../src/supplychain/intoto/models.js';
import { RuleFormatError, RuleVerificationError, unpackRule, verifyItemRules } from '../../src/supplychain/intoto/rules.js';
import { INTOTO_MISSING, pythonAvailable, runPython } from './interop-helpers.js';

const h = (digit: string) => ({ sha256: digit.repeat(64) });

function link(name: string, materials: Artifacts, products: Artifacts): Link {
  return { _type: 'link', name, materials, products, byproducts: {}, command: [], environment: {} };
}

// The checkout step every case can MATCH against.
const CHECKOUT = link('checkout', {}, { 'src/a.c': h('1'), 'src/b.c': h('2'), 'README': h('3') });

interface RuleCase {
  title: string;
  type: 'materials' | 'products';
  rules: string[];
  materials: Artifacts;
  products: Artifacts;
  /** undefined: passes; a RegExp: fails with a message matching it. */
  fails?: RegExp;
}

const CASES: RuleCase[] = [
  { title: 'ALLOW consumes, DISALLOW * then finds nothing', type: 'products', rules: ['ALLOW *', 'DISALLOW *'], materials: {}, products: { x: h('a') } },
  { title: 'DISALLOW * fails on anything left', type: 'products', rules: ['ALLOW x', 'DISALLOW *'], materials: {}, products: { x: h('a'), y: h('b') }, fails: /DISALLOW \*' matched the following products of 'build': y/ },
  { title: 'CREATE consumes new products only', type: 'products', rules: ['CREATE *', 'DISALLOW *'], materials: { old: h('a') }, products: { old: h('a'), new: h('b') }, fails: /: old/ },
  { title: 'CREATE then MODIFY', type: 'products', rules: ['CREATE new', 'MODIFY old', 'DISALLOW *'], materials: { old: h('a') }, products: { old: h('b'), new: h('c') } },
  { title: 'MODIFY does not consume unchanged files', type: 'products', rules: ['MODIFY *', 'DISALLOW *'], materials: { same: h('a') }, products: { same: h('a') }, fails: /same/ },
  { title: 'DELETE consumes removed materials', type: 'materials', rules: ['DELETE gone', 'DISALLOW *'], materials: { gone: h('a') }, products: {} },
  { title: 'DELETE does not consume kept materials', type: 'materials', rules: ['DELETE *', 'DISALLOW *'], materials: { kept: h('a') }, products: { kept: h('a') }, fails: /kept/ },
  { title: 'REQUIRE passes when the file is queued', type: 'products', rules: ['REQUIRE app.js'], materials: {}, products: { 'app.js': h('a') } },
  { title: 'REQUIRE fails when the file is missing', type: 'products', rules: ['REQUIRE app.js'], materials: {}, products: { 'app.ts': h('a') }, fails: /REQUIRE app.js' did not find app.js/ },
  { title: 'REQUIRE fails when an earlier rule consumed the file', type: 'products', rules: ['ALLOW *', 'REQUIRE app.js'], materials: {}, products: { 'app.js': h('a') }, fails: /did not find/ },
  { title: 'MATCH with equal hashes', type: 'materials', rules: ['MATCH src/* WITH PRODUCTS FROM checkout', 'DISALLOW *'], materials: { 'src/a.c': h('1'), 'src/b.c': h('2') }, products: {} },
  { title: 'MATCH leaves a changed file queued', type: 'materials', rules: ['MATCH * WITH PRODUCTS FROM checkout', 'DISALLOW *'], materials: { 'src/a.c': h('9') }, products: {}, fails: /src\/a\.c/ },
  { title: 'MATCH with IN prefixes on both sides', type: 'materials', rules: ['MATCH *.c IN lib WITH PRODUCTS IN src FROM checkout', 'DISALLOW *'], materials: { 'lib/a.c': h('1') }, products: {} },
  { title: 'MATCH with a source prefix only', type: 'materials', rules: ['MATCH src/a.c IN vendor WITH PRODUCTS FROM checkout', 'DISALLOW *'], materials: { 'vendor/src/a.c': h('1') }, products: {} },
  { title: 'MATCH with a destination prefix only', type: 'materials', rules: ['MATCH a.c WITH PRODUCTS IN src/ FROM checkout', 'DISALLOW *'], materials: { 'a.c': h('1') }, products: {} },
  { title: 'MATCH FROM an unknown step consumes nothing (no error)', type: 'materials', rules: ['MATCH * WITH PRODUCTS FROM nowhere', 'DISALLOW *'], materials: { x: h('1') }, products: {}, fails: /no link or inspection named 'nowhere'/ },
  { title: 'keywords are case-insensitive', type: 'materials', rules: ['match README with products from checkout', 'disallow *'], materials: { README: h('3') }, products: {} },
  { title: 'patterns are fnmatch: * crosses /', type: 'products', rules: ['ALLOW dist/*', 'DISALLOW *'], materials: {}, products: { 'dist/a/b/c.js': h('a') } },
  { title: 'no rules: everything passes', type: 'products', rules: [], materials: {}, products: { anything: h('a') } },
  { title: 'a path named like an Object property is an ordinary path', type: 'products', rules: ['CREATE constructor', 'DISALLOW *'], materials: {}, products: { constructor: h('a') } },
];

for (const rule of CASES) {
  test(`artifact rules: ${rule.title}`, () => {
    const links = new Map([
      ['checkout', CHECKOUT],
      ['build', link('build', rule.materials, rule.products)],
    ]);
    const run = () => verifyItemRules('build', rule.type, rule.rules.map((r) => r.split(' ')), links);
    if (rule.fails) assert.throws(run, (error: unknown) => error instanceof RuleVerificationError && rule.fails!.test(error.message));
    else assert.doesNotThrow(run);
  });
}

test('rule syntax: generic and MATCH forms, errors', () => {
  assert.deepEqual(unpackRule(['CREATE', 'x']), { type: 'create', pattern: 'x' });
  assert.deepEqual(unpackRule('MATCH * IN a WITH materials IN b FROM s'.split(' ')), { type: 'match', pattern: '*', sourcePrefix: 'a', destType: 'materials', destPrefix: 'b', destName: 's' });
  for (const bad of ['CREATE', 'CREATE a b', 'COPY a', 'MATCH a WITH', 'MATCH a WITH BYPRODUCTS FROM s', 'MATCH a IN WITH PRODUCTS FROM s x']) {
    assert.throws(() => unpackRule(bad.split(' ')), RuleFormatError, bad);
  }
});

test('a failing rule explains the queue after each rule', () => {
  const links = new Map([['build', link('build', { m: h('1') }, { m: h('1'), p: h('2') })]]);
  assert.throws(
    () => verifyItemRules('build', 'products', [['ALLOW', 'm'], ['DISALLOW', '*']], links),
    (error: unknown) => error instanceof RuleVerificationError && /queue after 'ALLOW m': p/.test(error.message) && /available products \(the queue\): m, p/.test(error.message),
  );
});

test('every rule case gives the same verdict in the reference (in_toto.verifylib.verify_item_rules)', { skip: pythonAvailable() ? false : INTOTO_MISSING }, () => {
  const script = [
    'import json, sys, logging',
    'logging.disable(logging.CRITICAL)',
    'from in_toto.models.link import Link',
    'from in_toto.models.metadata import Metablock',
    'from in_toto.verifylib import verify_item_rules',
    'd = json.loads(sys.stdin.read())',
    'checkout = Metablock(signed=Link(name="checkout", materials={}, products=d["checkout"]))',
    'verdicts = []',
    'for c in d["cases"]:',
    '  links = {"checkout": checkout, "build": Metablock(signed=Link(name="build", materials=c["materials"], products=c["products"]))}',
    '  try:',
    '    verify_item_rules("build", c["type"], [r.split(" ") for r in c["rules"]], links)',
    '    verdicts.append("pass")',
    '  except Exception as e:',
    '    verdicts.append("fail")',
    'print(json.dumps(verdicts))',
  ].join('\n');
  const verdicts = JSON.parse(runPython(script, JSON.stringify({ checkout: CHECKOUT.products, cases: CASES }))) as string[];
  assert.deepEqual(
    verdicts.map((verdict, index) => `${CASES[index]!.title}: ${verdict}`),
    CASES.map((rule) => `${rule.title}: ${rule.fails ? 'fail' : 'pass'}`),
  );
});
