import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { ZIZMOR_AUDIT_RULES, findZizmorSuppression, zizmorSuppressions } from '../../../src/scanners/iac/github/zizmor-ignore.js';
import { fixturePath, projectRoot } from '../../helpers/paths.js';


test('the audit mapping is the one the zizmor benchmark scores with', () => {
  const bench = JSON.parse(readFileSync(path.join(projectRoot, 'bench', 'zizmor-map.json'), 'utf8')) as Record<string, string | string[]>;
  const normalised = Object.fromEntries(Object.entries(bench).map(([a, r]) => [a, Array.isArray(r) ? r : [r]]));
  assert.deepEqual(normalised, ZIZMOR_AUDIT_RULES);
});

test('reads comments as zizmor does', () => {
  const cases: Array<[string, string[]]> = [
    ['on: push # zizmor: ignore[dangerous-triggers]', ['iac/gha-dangerous-trigger']],
    ['x # zizmor: ignore[unpinned-uses,excessive-permissions]', ['iac/gha-unpinned-action', 'iac/gha-missing-permissions', 'iac/gha-write-all-permissions', 'iac/gha-broad-permissions']],
    ['x # zizmor: ignore[ template-injection,  ,template-injection,]', ['iac/gha-template-injection']],
    ['x # zizmor: ignore[template-injection] reviewed in #123', ['iac/gha-template-injection']],
    // Not zizmor's syntax: zizmor would not honour these either.
    ['x # zizmor: ignore[template-injection]reviewed', []],
    ['x #zizmor: ignore[template-injection]', []],
    ['x # zizmor:ignore[template-injection]', []],
    ['x # zizmor: ignore[template-injection', []],
    ['x # zizmor: ignore[]', []],
    // An audit secloop has no rule for.
    ['x # zizmor: ignore[impostor-commit]', []],
  ];
  for (const [line, rules] of cases) assert.deepEqual(zizmorSuppressions(line).map((s) => s.pattern), rules, line);
  assert.deepEqual(zizmorSuppressions('a\r\nb # zizmor: ignore[artipacked]\r\n'), [{ line: 2, lastLine: 2, pattern: 'iac/gha-checkout-persist-credentials', reason: 'zizmor: ignore[artipacked]' }]);
});

test('a zizmor ignore comment suppresses the mapped rules on its line, and nothing else', () => {
  const text = readFileSync(fixturePath('iac', 'gha-zizmor-ignore', 'ci.yml'), 'utf8');
  const suppressions = zizmorSuppressions(text);
  const findings = analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions').findings;
  const verdict = (ruleId: string, line: number) => {
    const f = findings.find((x) => x.ruleId === ruleId && x.location.startLine === line);
    assert.ok(f, `${ruleId} fires on line ${line}`);
    return findZizmorSuppression(suppressions, f.ruleId, f.location.startLine, f.location.endLine)?.reason;
  };
  assert.equal(verdict('iac/gha-dangerous-trigger', 2), 'zizmor: ignore[dangerous-triggers]');
  assert.equal(verdict('iac/gha-template-injection', 8), 'zizmor: ignore[template-injection]');
  // The next step's injection has no comment of its own: a comment at the end of a line does not reach the next one.
  assert.equal(verdict('iac/gha-template-injection', 9), undefined);
  assert.equal(verdict('iac/gha-checkout-persist-credentials', 10), 'zizmor: ignore[artipacked]');
  // unpinned-uses is ignored on line 8, not on the checkout of line 10.
  assert.equal(verdict('iac/gha-unpinned-action', 10), undefined);
});

test('a comment on a line that opens a block covers the block; one on a run: line covers its script', () => {
  const text = readFileSync(fixturePath('iac', 'gha-zizmor-ignore', 'blocks.yml'), 'utf8');
  const suppressions = zizmorSuppressions(text);
  const findings = analyseFile('.github/workflows/after-build.yml', text, () => {}, 'github-actions').findings;
  const reasons = (ruleId: string) =>
    findings.filter((f) => f.ruleId === ruleId).map((f) => [f.location.startLine, findZizmorSuppression(suppressions, f.ruleId, f.location.startLine, f.location.endLine)?.reason]);
  // zizmor reports the trigger on `on:`, secloop on the trigger inside it.
  assert.deepEqual(reasons('iac/gha-dangerous-trigger'), [[4, 'zizmor: ignore[dangerous-triggers]']]);
  assert.deepEqual(reasons('iac/gha-template-injection'), [[12, 'zizmor: ignore[template-injection]'], [14, undefined]]);
  // The block of `on:` ends at the next top-level key.
  assert.equal(findZizmorSuppression(suppressions, 'iac/gha-dangerous-trigger', 7), undefined);
});

test('a comment on the first line of a step covers the step, and not the next one', () => {
  const text = [
    'name: release', //1
    'on: release', //2
    'permissions: {}', //3
    'jobs:', //4
    '  publish:', //5
    '    runs-on: ubuntu-latest', //6
    '    steps:', //7
    '      - name: Publish # zizmor: ignore[use-trusted-publishing]', //8
    '        run: cargo publish --token ${{ secrets.CRATES_TOKEN }}', //9
    '      - name: Publish again', //10
    '        run: cargo publish --token ${{ secrets.CRATES_TOKEN }}', //11
    '',
  ].join('\n');
  const suppressions = zizmorSuppressions(text);
  const found = analyseFile('.github/workflows/release.yml', text, () => {}, 'github-actions').findings.filter((f) => f.ruleId === 'iac/gha-publish-with-long-lived-token');
  assert.deepEqual(
    found.map((f) => [f.location.startLine, findZizmorSuppression(suppressions, f.ruleId, f.location.startLine, f.location.endLine)?.reason]),
    [[9, 'zizmor: ignore[use-trusted-publishing]'], [11, undefined]],
  );
});

test('for the audits whose findings hold their whole step, a comment on any line of the step covers it', () => {
  const text = [
    'name: ci', //1
    'on:', //2
    '  push:', //3
    '    tags: ["*"]', //4
    'permissions: {}', //5
    'jobs:', //6
    '  build:', //7
    '    runs-on: ubuntu-latest', //8
    '    steps:', //9
    '      - name: Cache rust', //10
    '        uses: Swatinem/rust-cache@98c8021b550208e191a6a3145459bfc9fb29c4c0 # v2.8.0', //11
    '        with:', //12
    '          lookup-only: false # zizmor: ignore[cache-poisoning] -- nothing is shipped from here', //13
    '      - uses: actions/cache@1bd1e32a3bdc45362d1e726936510720a7c30a57 # v4.2.0', //14
    '        with:', //15
    '          path: ~/.cargo', //16
    '          key: cargo # zizmor: ignore[template-injection]', //17
    '      - run: cargo build --release', //18
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2', //19
    '        # zizmor: ignore[artipacked] the release script pushes the tag', //20
    '        with:', //21
    '          fetch-depth: 0', //22
    '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2', //23
    '        with:', //24
    '          path: docs', //25
    '',
  ].join('\n');
  const suppressions = zizmorSuppressions(text);
  const findings = analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions').findings;
  const reasons = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => [f.location.startLine, findZizmorSuppression(suppressions, f.ruleId, f.location.startLine, f.location.endLine)?.reason]);
  // Another audit's comment does not cover the step.
  assert.deepEqual(reasons('iac/gha-release-cache-poisoning'), [[11, 'zizmor: ignore[cache-poisoning]'], [14, undefined]]);
  // artipacked's finding is the checkout step itself: a comment under its uses: line covers it, and not the next checkout.
  assert.deepEqual(reasons('iac/gha-checkout-persist-credentials'), [[19, 'zizmor: ignore[artipacked]'], [23, undefined]]);
});
