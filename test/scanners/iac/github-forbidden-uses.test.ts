import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { readZizmorConfig } from '../../../src/scanners/iac/github/zizmor-config.js';
import { fixturePath } from '../../helpers/paths.js';

const RULE = 'iac/gha-forbidden-uses';

async function scan(fixture: string): Promise<ScanResult> {
  return runScan({ target: fixturePath('iac', 'gha-forbidden-uses', fixture), scannerSet: [iacScanner] });
}

const at = (f: { location: { path: string; startLine: number } }) => `${f.location.path}:${f.location.startLine}`;
const forbidden = (r: ScanResult) => r.findings.filter((f) => f.ruleId === RULE);

describe('iac/gha-forbidden-uses: the actions zizmor.yml rules.forbidden-uses allows or denies', () => {
  it('reports each uses: a deny entry matches, in steps, reusable-workflow jobs and composite actions, naming the entry', async () => {
    const result = await scan('deny');
    assert.deepEqual(
      forbidden(result).map((f) => `${at(f)} ${f.severity}: ${f.message}`).sort(),
      [
        `.github/actions/setup/action.yml:6 high: action step "example-org/cache-action/restore@v3" uses example-org/cache-action/restore@v3, which matches zizmor.yml: rules.forbidden-uses.config.deny[0] (example-org/*): the project's policy forbids this action; use an allowed one or change the policy.`,
        `.github/workflows/ci.yml:10 high: job build step "Example-Org/deploy-action@v1" uses Example-Org/deploy-action@v1, which matches zizmor.yml: rules.forbidden-uses.config.deny[0] (example-org/*): the project's policy forbids this action; use an allowed one or change the policy.`,
        ".github/workflows/ci.yml:13 high: job release uses example-org/pipelines/.github/workflows/release.yml@v2, which matches zizmor.yml: rules.forbidden-uses.config.deny[0] (example-org/*): the project's policy forbids this action; use an allowed one or change the policy.",
        // actions/setup-python@v4 is denied by its ref; @v5 (line 9) is not.
        `.github/workflows/ci.yml:8 high: job build step "actions/setup-python@v4" uses actions/setup-python@v4, which matches zizmor.yml: rules.forbidden-uses.config.deny[1] (actions/setup-python@v4): the project's policy forbids this action; use an allowed one or change the policy.`,
      ],
    );
    assert.deepEqual(result.warnings, []);
  });

  it('reports what no allow entry matches, skips docker:// images, and honours the ignore entries of the audit; a bad pattern is a warning', async () => {
    const result = await scan('allow');
    // github/codeql-action/init matches that path only; example-org/tool@v2 that ref only.
    assert.deepEqual(forbidden(result).map(at).sort(), ['.github/workflows/ci.yml:13', '.github/workflows/ci.yml:15']);
    assert.match(forbidden(result)[0]!.message, /matches nothing in \.github\/zizmor\.yml: rules\.forbidden-uses\.config\.allow \(actions\/\*, github\/codeql-action\/init, example-org\/tool@v2\)/);
    assert.deepEqual(
      result.suppressed.filter((s) => s.finding.ruleId === RULE).map((s) => `${at(s.finding)} ${s.justification}`),
      ['.github/workflows/ci.yml:12 .github/zizmor.yml: rules.forbidden-uses.ignore[0] (ci.yml:12)'],
    );
    assert.deepEqual(
      result.warnings.map((w) => `${w.path}:${w.line} ${w.message}`),
      ['.github/zizmor.yml:8 zizmor configuration: rules.forbidden-uses.config.allow[3] is not a repository pattern (owner/*, owner/repo, owner/repo/*, owner/repo/path, owner/repo[/path]@ref or *); ignored'],
    );
  });

  it('reports nothing when the zizmor config has no forbidden-uses policy', async () => {
    const result = await scan('none');
    assert.deepEqual(forbidden(result), []);
    assert.ok(result.findings.length + result.suppressed.length > 0, 'the other rules still run');
  });
});

describe('rules.forbidden-uses.config', () => {
  const read = (config: string) => {
    const warnings: string[] = [];
    const read = readZizmorConfig('zizmor.yml', `rules:\n  forbidden-uses:\n    config:\n${config}`, (w) => warnings.push(`${w.line} ${w.message}`));
    return { policy: read?.forbiddenUses, warnings };
  };

  it('is one list, allow or deny; both, neither or a list that is no list are ignored with a warning', () => {
    assert.deepEqual(read('      deny: [actions/*]\n').policy?.patterns.map((p) => [p.kind, p.pattern]), [['in-owner', 'actions/*']]);
    assert.deepEqual(read('      allow: []\n').policy, { mode: 'allow', patterns: [] });
    const both = read('      allow: [actions/*]\n      deny: [example-org/*]\n');
    assert.equal(both.policy, undefined);
    assert.deepEqual(both.warnings, ['3 zizmor configuration: rules.forbidden-uses.config should hold one of `allow:` or `deny:`, a list of repository patterns; ignored']);
    assert.equal(read('      mystery-variant: [actions/*]\n').policy, undefined);
    assert.deepEqual(read('      deny: actions/*\n').warnings, ['4 zizmor configuration: rules.forbidden-uses.config.deny should be a list of repository patterns; ignored']);
  });

  it('reads the patterns as zizmor does: a ref only on an exact repository or path, never after a *', () => {
    const { policy, warnings } = read('      deny:\n        - "*"\n        - a/b/c/d@v1\n        - a/*@v1\n        - a/b/*@v1\n        - a/b/*\n');
    assert.deepEqual(policy?.patterns.map((p) => [p.kind, p.subpath, p.ref]), [['any', '', undefined], ['exact-with-ref', 'c/d', 'v1'], ['in-repo', '', undefined]]);
    // a/*@v1 and a/b/*@v1.
    assert.deepEqual(warnings.map((w) => w.split(' ')[0]), ['7', '8']);
  });

  it('an empty allow list forbids every repository action, as in zizmor', () => {
    const config = readZizmorConfig('zizmor.yml', 'rules:\n  forbidden-uses:\n    config:\n      allow: []\n', () => assert.fail('no warning'))!;
    const text = 'name: ci\non: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: ./local\n';
    const { findings } = analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions', { github: { path: '.github/workflows/ci.yml', zizmor: config } });
    assert.deepEqual(
      findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.startLine} ${f.message}`),
      [`8 job build step "actions/checkout@v4" uses actions/checkout@v4, which is not allowed by zizmor.yml: rules.forbidden-uses.config.allow, which is empty: the project's policy forbids this action; use an allowed one or change the policy.`],
    );
  });
});
