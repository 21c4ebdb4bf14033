import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseBlockYaml } from '../../../../src/scanners/sca/lockfiles/support/yaml-block.js';
import { parseYaml } from '../../../../src/scanners/sca/lockfiles/support/yaml.js';
import { fixtureText } from './helpers.js';

const SUBSET_SAMPLE = [
  "lockfileVersion: '9.0'",
  'settings:',
  '  autoInstallPeers: true',
  '  count: 12',
  '  ratio: 1.5',
  '  nothing:',
  '  tilde: ~',
  "  quoted: 'it''s'",
  '  double: "a\\"b\\u00e9"',
  '  url: https://example.org/a#b   # comment',
  'packages:',
  '',
  "  '@scope/a@1.0.0(b@2.0.0)':",
  '    resolution: {integrity: sha512-AAAA==, tarball: https://example.org/a.tgz}',
  "    engines: {node: '>=18', npm: ^9 || ^10}",
  '    os: [darwin, linux]',
  '    cpu: []',
  '    empty: {}',
  '    nested: {a: {b: [1, x]}}',
  '  git+https://example.org/x.git#abc:',
  '    version: 1.0.0',
  '',
].join('\n');

describe('parseBlockYaml', () => {
  it('reads the lockfile subset exactly as the full YAML parser does', () => {
    const fast = parseBlockYaml(SUBSET_SAMPLE);
    assert.ok(fast);
    assert.deepEqual(fast.value, parse(SUBSET_SAMPLE));
    for (const dir of ['pnpm-v5', 'pnpm-v6', 'pnpm-v9']) {
      const text = fixtureText(dir, 'pnpm-lock.yaml');
      assert.deepEqual(parseBlockYaml(text)?.value, parse(text), dir);
    }
  });

  it('records the lines of top-level keys and of their children', () => {
    const fast = parseBlockYaml(SUBSET_SAMPLE);
    assert.equal(fast?.keyLines([]).get('packages'), 11);
    assert.equal(fast?.keyLines(['packages']).get('@scope/a@1.0.0(b@2.0.0)'), 13);
    assert.equal(fast?.keyLines(['packages']).get('git+https://example.org/x.git#abc'), 20);
  });

  it('hands anything outside the subset to the full parser', () => {
    const outside = [
      'a:\n  - x\n',
      'a: &anchor 1\nb: *anchor\n',
      'a: |\n  text\n',
      'a: >-\n  folded\n',
      '---\na: 1\n---\nb: 2\n',
      'a:\n\tb: 1\n',
      'a: !!str 1\n',
      "a: 'multi\n  line'\n",
      'a: b: c\n',
      'a:\n    b: 1\n  c: 2\n',
      '? complex\n: key\n',
      'a: 0x1F\n',
    ];
    for (const text of outside) assert.equal(parseBlockYaml(text), undefined, JSON.stringify(text));
  });

  it('parseYaml gives the same answer on either path', () => {
    const viaFast = parseYaml(SUBSET_SAMPLE);
    const viaFull = parseYaml(`${SUBSET_SAMPLE}\nextra:\n  - item\n`);
    assert.deepEqual({ ...(viaFull.value as object), extra: undefined }, { ...(viaFast.value as object), extra: undefined });
    assert.equal(viaFull.keyLines(['packages']).get('@scope/a@1.0.0(b@2.0.0)'), 13);
    assert.deepEqual(viaFast.errors, []);
  });
});
