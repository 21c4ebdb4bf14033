import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRegularCall, itemKey, parseSnapshot, parseTestFile, splitOf } from '../../bench/iac/zizmor.js';

// A made-up test file in the shape of zizmor's integration tests: a regular call with an
// escaped snapshot, a pedantic one with a raw snapshot, and one whose snapshot is in a file.
const RUST = [
  '#[test]',
  'fn test_regular() -> Result<()> {',
  '    insta::assert_snapshot!(',
  '        zizmor()',
  '            .input(input_under_test(',
  '                "demo/regular.yml"',
  '            ))',
  '            .run()?,',
  '        @"',
  '    error[template-injection]: code injection via template expansion',
  '      --> @@INPUT@@:7:20',
  '       |',
  '     6 |         run: |',
  '       |         --- this run block',
  '     7 |           echo \\"${{ github.head_ref }}\\"',
  '       |                    ^^^^^^^^^^^^^^^^^^^ may expand into attacker-controllable code',
  '',
  '    warning[dangerous-triggers]: use of fundamentally insecure workflow trigger',
  '     --> @@INPUT@@:2:1',
  '      |',
  '    2 | / on:',
  '    3 | |   pull_request_target:',
  '      | |_______________________^ pull_request_target is almost always used insecurely',
  '',
  '    2 findings (1 suppressed): 0 informational, 0 low, 1 medium, 1 high',
  '    "',
  '    );',
  '}',
  '#[test]',
  'fn test_pedantic() -> Result<()> {',
  '    insta::assert_snapshot!(',
  '        zizmor().input(input_under_test("demo/regular.yml")).args(["--persona=pedantic"]).run()?,',
  '        @r#"',
  '    help[artipacked]: credential persistence through GitHub Actions artifacts',
  '      --> @@INPUT@@/sub/action.yml:4:9',
  '    "#',
  '    );',
  '    insta::assert_snapshot!(zizmor().input(input_under_test("demo/file.yml")).setenv("RUST_LOG", "warn").run()?);',
  '}',
].join('\n');

test('zizmor test files: builder calls and inline snapshots', () => {
  const calls = parseTestFile(RUST);
  assert.deepEqual(
    calls.map((c) => [c.test, c.inputs, c.args, c.others, c.literal !== undefined]),
    [
      ['test_regular', ['demo/regular.yml'], [], [], true],
      ['test_pedantic', ['demo/regular.yml'], ['--persona=pedantic'], [], true],
      ['test_pedantic', ['demo/file.yml'], [], [], false],
    ],
  );
  assert.deepEqual(calls.map(isRegularCall), [true, false, false]);
});

test('zizmor snapshots: audit, primary line and annotated lines of each finding', () => {
  const [regular, pedantic] = parseTestFile(RUST);
  assert.deepEqual(parseSnapshot(regular!.literal!), [
    { audit: 'template-injection', level: 'error', file: '', line: 7, column: 20, spans: [6, 7] },
    { audit: 'dangerous-triggers', level: 'warning', file: '', line: 2, column: 1, spans: [2, 3] },
  ]);
  assert.deepEqual(parseSnapshot(pedantic!.literal!), [{ audit: 'artipacked', level: 'help', file: '/sub/action.yml', line: 4, column: 9, spans: [4] }]);
  assert.deepEqual(parseSnapshot('No findings to report. Good job! (2 suppressed)'), []);
});

test('zizmor split: by the input name', () => {
  // sha256('a.yml') starts with 4, sha256('d.yml') with c.
  assert.equal(splitOf('a.yml'), 'dev');
  assert.equal(splitOf('d.yml'), 'held-out');
});

test('zizmor calls with one --config file of test-data/ are scored, keyed by input and config', () => {
  const calls = parseTestFile(
    [
      'fn test_deny() -> Result<()> {',
      '    insta::assert_snapshot!(zizmor().config(input_under_test("demo/configs/deny.yml")).input(input_under_test("demo/menagerie.yml")).run()?, @"No findings to report.");',
      '    insta::assert_snapshot!(zizmor().input(input_under_test("demo/menagerie.yml")).config(if cfg!(windows) { "NUL" } else { "/dev/null" }).run()?, @"");',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(calls.map(isRegularCall), [true, false]);
  assert.equal(itemKey(calls[0]!), 'demo/menagerie.yml --config demo/configs/deny.yml');
});
