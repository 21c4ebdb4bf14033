import assert from 'node:assert/strict';
import { it } from 'node:test';
import { yamlTooDeep } from '../../src/core/yaml-depth.js';

const deep = (n: number) => ({
  dashes: `key:\n  ${'- '.repeat(n)}x\n`,
  questions: `${'? '.repeat(n)}x\n`,
  flow: `a: ${'['.repeat(n)}${']'.repeat(n)}\n`,
  maps: `a: ${'{b: '.repeat(n)}1${'}'.repeat(n)}\n`,
  lines: Array.from({ length: n }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + '\n',
  // An apostrophe inside a plain scalar does not open a quoted scalar that would hide what follows.
  apostrophe: `a: [it's, ${'['.repeat(n)}${']'.repeat(n)}]\n`,
});

it('refuses every shape of deep nesting, with its line, long before the parser would abort the process', () => {
  for (const [shape, text] of Object.entries(deep(1_000))) {
    const found = yamlTooDeep(text);
    assert.ok(found, shape);
    assert.match(found.message, /nested more than 200 levels/);
  }
  assert.equal(yamlTooDeep(`ok: 1\nother: 2\nlist: ${'['.repeat(300)}${']'.repeat(300)}\n`)?.line, 3);
});

it('accepts real configuration: workflows with scripts, quoted and commented brackets, moderate nesting', () => {
  const workflow = [
    'on: [push, pull_request]',
    'jobs:',
    '  test:',
    '    runs-on: ${{ matrix.os }}',
    '    steps:',
    '      - run: |',
    `          if [[ -f x ]]; then echo "${'['.repeat(300)}"; fi`,
    '          - - - - not structure',
    `          ${'{'.repeat(300)}`,
    '      - name: "quoted [[[[ brackets"',
    `        with: { args: '${'['.repeat(300)}' }  # ${'['.repeat(300)}`,
    '      - run: echo a[0] b{1',
  ].join('\n');
  assert.equal(yamlTooDeep(workflow), undefined);
  for (const [shape, text] of Object.entries(deep(150))) assert.equal(yamlTooDeep(text), undefined, shape);
});
