import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { readZizmorConfig, type ZizmorConfig } from '../../../src/scanners/iac/github/zizmor-config.js';
import { GithubCallers } from '../../../src/scanners/iac/github/callers.js';
import { fixturePath } from '../../helpers/paths.js';

async function scan(fixture: string): Promise<ScanResult> {
  return runScan({ target: fixturePath('iac', 'gha-zizmor-config', fixture), scannerSet: [iacScanner] });
}

const where = (f: { ruleId: string; location: { path: string; startLine: number } }) => `${f.ruleId.replace('iac/gha-', '')} ${f.location.path.replace('.github/workflows/', '')}:${f.location.startLine}`;
const reported = (r: ScanResult) => r.findings.map(where).sort();
const suppressed = (r: ScanResult) => r.suppressed.map((s) => `${where(s.finding)} ${s.kind}: ${s.justification}`).sort();

describe('zizmor.yml at the root of the scan', () => {
  it('suppresses, never drops, what its ignore entries, disabled audits and unpinned-uses policies cover', async () => {
    const result = await scan('root');
    assert.deepEqual(reported(result), [
      // Line 16 is not listed; `other.yml:16` names another file.
      'template-injection ci.yml:16',
      // example-org/* must be hash-pinned.
      'unpinned-action ci.yml:12',
      // ref-pin still wants a ref.
      'unpinned-action tests.yml:10',
    ]);
    assert.deepEqual(suppressed(result), [
      'checkout-persist-credentials ci.yml:11 inSource: zizmor.yml: rules.artipacked.disable',
      // The entry names the detail line of the finding (the expression inside the multi-line run:), where zizmor reports it.
      'template-injection ci.yml:13 inSource: zizmor.yml: rules.template-injection.ignore[0] (ci.yml:15)',
      'template-injection tests.yml:9 inSource: zizmor.yml: rules.template-injection.ignore[1] (tests.yml)',
      'unpinned-action ci.yml:9 inSource: zizmor.yml: rules.unpinned-uses.config.policies["actions/*"] is ref-pin',
    ]);
    assert.deepEqual(result.warnings, []);
  });

  it('takes .github/zizmor.yml before zizmor.yml, as zizmor does', async () => {
    const result = await scan('dotgithub');
    assert.deepEqual(suppressed(result), ['template-injection ci.yml:16 inSource: .github/zizmor.yml: rules.template-injection.ignore[0] (ci.yml:16)']);
    assert.ok(reported(result).includes('template-injection ci.yml:13'));
  });

  it('reports a config that is not YAML as a warning with its line and honours none of it', async () => {
    const result = await scan('broken');
    assert.deepEqual(suppressed(result), []);
    assert.equal(reported(result).filter((f) => f.startsWith('template-injection')).length, 2);
    assert.equal(result.warnings.length, 1);
    assert.equal(result.warnings[0]!.path, 'zizmor.yml');
    assert.ok(result.warnings[0]!.line! > 1);
    assert.match(result.warnings[0]!.message, /zizmor configuration: not valid YAML/);
  });

  it('warns about each bad entry, with its line, and honours the good ones', async () => {
    const result = await scan('bad-entries');
    assert.deepEqual(suppressed(result), [
      'template-injection ci.yml:16 inSource: .github/zizmor.yaml: rules.template-injection.ignore[1] (ci.yml:16)',
      'unpinned-action ci.yml:12 inSource: .github/zizmor.yaml: rules.unpinned-uses.config.policies["example-org/tool"] is any',
    ]);
    assert.deepEqual(
      result.warnings.map((w) => `${w.path}:${w.line}`),
      ['.github/zizmor.yaml:4', '.github/zizmor.yaml:6', '.github/zizmor.yaml:9', '.github/zizmor.yaml:13', '.github/zizmor.yaml:14', '.github/zizmor.yaml:17', '.github/zizmor.yaml:18'],
    );
  });

  it('does not read a workflow named zizmor.yml as the config', async () => {
    const result = await scan('no-config');
    assert.deepEqual(suppressed(result), []);
    assert.ok(reported(result).includes('template-injection zizmor.yml:9'));
    assert.deepEqual(result.warnings, []);
  });
});

/** The justifications of the github findings of `text` analysed as `path` under the config `yaml`. */
function analyse(yaml: string, path: string, text: string): string[] {
  const warnings: string[] = [];
  const config = readZizmorConfig('zizmor.yml', yaml, (w) => warnings.push(`${w.line}: ${w.message}`));
  assert.deepEqual(warnings, []);
  return justified(config!, path, text);
}

/** A scan with no other files: the context the scanner gives each workflow. */
const noCallers = await GithubCallers.find([]);

function justified(config: ZizmorConfig, path: string, text: string): string[] {
  const context = noCallers.context(path, text, config);
  const { findings } = analyseFile(path, text, () => {}, 'github-actions', context);
  return findings.map((f) => `${f.ruleId.replace('iac/gha-', '')}:${f.location.startLine} ${f.inSourceSuppression ?? '-'}`).sort();
}

const USES = ['name: ci', 'on: push', 'permissions:', '  contents: read', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '        with:', '          persist-credentials: false', '      - uses: actions/cache/save@v4', '      - uses: github/codeql-action/init@v3', '      - uses: Example-Org/tool@main', ''].join('\n');

describe('unpinned-uses policies', () => {
  it('apply the most specific pattern, whatever the order, and an implicit hash-pin elsewhere', () => {
    const yaml = ['rules:', '  unpinned-uses:', '    config:', '      policies:', '        actions/*: ref-pin', '        actions/checkout: hash-pin', '        github/codeql-action/*: ref-pin', ''].join('\n');
    assert.deepEqual(analyse(yaml, '.github/workflows/ci.yml', USES), [
      'unpinned-action:12 zizmor.yml: rules.unpinned-uses.config.policies["actions/*"] is ref-pin',
      'unpinned-action:13 zizmor.yml: rules.unpinned-uses.config.policies["github/codeql-action/*"] is ref-pin',
      'unpinned-action:14 -',
      'unpinned-action:9 -',
    ]);
  });

  it('match owner/repo exactly (no subpath), owner/repo/path exactly, owners without regard to case, and * last', () => {
    const yaml = ['rules:', '  unpinned-uses:', '    config:', '      policies:', '        actions/cache: ref-pin', '        github/codeql-action/init: ref-pin', '        example-org/*: any', '        "*": hash-pin', ''].join('\n');
    assert.deepEqual(analyse(yaml, '.github/workflows/ci.yml', USES), [
      'unpinned-action:12 -',
      'unpinned-action:13 zizmor.yml: rules.unpinned-uses.config.policies["github/codeql-action/init"] is ref-pin',
      'unpinned-action:14 zizmor.yml: rules.unpinned-uses.config.policies["example-org/*"] is any',
      'unpinned-action:9 -',
    ]);
    const everything = ['rules:', '  unpinned-uses:', '    config:', '      policies:', '        "*": ref-pin', ''].join('\n');
    assert.equal(analyse(everything, '.github/workflows/ci.yml', USES).filter((j) => j.endsWith('-')).length, 0);
  });
});

const INJECTION = ['name: ci', 'on: issues', 'permissions:', '  contents: read', 'jobs:', '  greet:', '    runs-on: ubuntu-latest', '    steps:', '      - run: echo "${{ github.event.issue.title }}"', '      - run: echo "${{ github.event.issue.body }}"', ''].join('\n');

describe('rules.<audit>.ignore', () => {
  it('matches the file by its name in any directory, a line, and a column only when the finding has one', () => {
    const yaml = ['rules:', '  template-injection:', '    ignore:', '      - ci.yml:9:14', '      - ci.yaml:10', ''].join('\n');
    assert.deepEqual(analyse(yaml, 'sub/.github/workflows/ci.yml', INJECTION), ['template-injection:10 -', 'template-injection:9 zizmor.yml: rules.template-injection.ignore[0] (ci.yml:9:14)']);
    // The name is compared exactly, as zizmor compares it.
    assert.deepEqual(analyse(yaml, '.github/workflows/CI.yml', INJECTION), ['template-injection:10 -', 'template-injection:9 -']);
  });

  it('leaves the rules of other audits alone, and an inline comment takes precedence', () => {
    const yaml = ['rules:', '  unpinned-uses:', '    ignore:', '      - ci.yml', '  template-injection:', '    ignore:', '      - ci.yml', ''].join('\n');
    const commented = INJECTION.replace('title }}"', 'title }}" # zizmor: ignore[template-injection]');
    assert.deepEqual(analyse(yaml, '.github/workflows/ci.yml', commented), ['template-injection:10 zizmor.yml: rules.template-injection.ignore[0] (ci.yml)', 'template-injection:9 zizmor: ignore[template-injection]']);
  });

  it('parses entries as zizmor does: up to two :-parts from the right, 1-based numbers, a .yml or .yaml name', () => {
    const warnings: string[] = [];
    const config = readZizmorConfig('zizmor.yml', ['rules:', '  x:', '    ignore:', '      - a.yml:0', '      - a.yml:1:2:3', '      - 12', '      - odd:name.yaml:4', '      - b.yaml:+5', ''].join('\n'), (w) => warnings.push(String(w.line)));
    assert.deepEqual(config!.ignores.map((i) => [i.filename, i.line, i.column]), [['b.yaml', 5, undefined]]);
    // `a.yml:1:2:3` reads as the file `a.yml:1` (not a .yml name), `odd:name.yaml:4` as the file `odd` with line `name.yaml`.
    assert.deepEqual(warnings, ['4', '5', '6', '7']);
  });

  it('reads an empty or rule-less config as nothing, and a non-mapping as a warning', () => {
    const warnings: string[] = [];
    assert.equal(readZizmorConfig('zizmor.yml', '', () => assert.fail('no warning')), undefined);
    assert.deepEqual(readZizmorConfig('zizmor.yml', 'rules:\n', () => assert.fail('no warning'))?.ignores, []);
    assert.equal(readZizmorConfig('zizmor.yml', '- a\n', (w) => warnings.push(`${w.line} ${w.message}`)), undefined);
    assert.deepEqual(warnings, ['1 zizmor configuration: expected a mapping with `rules:`; nothing in it is honoured']);
  });
});

describe('rules.<audit>.remap.severity', () => {
  it('regrades every finding of the audit\'s rules, up or down, says which entry did it, and leaves other rules alone', async () => {
    const result = await scan('remap');
    const graded = result.findings.map((f) => `${where(f)} ${f.severity} ${f.properties.severitySetBy ?? '-'}`).sort();
    assert.deepEqual(graded, [
      "checkout-persist-credentials ci.yml:9 high zizmor.yml: rules.artipacked.remap.severity (secloop's own: low)",
      "template-injection ci.yml:10 info zizmor.yml: rules.template-injection.remap.severity (secloop's own: critical)",
      'unpinned-action ci.yml:11 low -',
    ]);
    assert.deepEqual(result.warnings, []);
  });

  /** The severities of the github findings of `text` under the config `yaml`. */
  const severities = (yaml: string, text: string) => {
    const config = readZizmorConfig('zizmor.yml', yaml, () => assert.fail('no warning'))!;
    const { findings } = analyseFile('.github/workflows/ci.yml', text, () => {}, 'github-actions', noCallers.context('.github/workflows/ci.yml', text, config));
    return findings.map((f) => `${f.ruleId.replace('iac/gha-', '')} ${f.severity}`).sort();
  };

  it('regrades a rule that reports for several audits only when all of them are remapped alike', () => {
    const inherit = ['name: ci', 'on: push', 'permissions: {}', 'jobs:', '  call:', '    uses: example-org/workflows/.github/workflows/build.yml@0123456789abcdef0123456789abcdef01234567', '    secrets: inherit', ''].join('\n');
    const remap = (audit: string, severity: string) => `  ${audit}:\n    remap:\n      severity: ${severity}\n`;
    assert.deepEqual(severities(`rules:\n${remap('secrets-inherit', 'low')}`, inherit), ['all-secrets-exposed medium']);
    assert.deepEqual(severities(`rules:\n${remap('secrets-inherit', 'low')}${remap('overprovisioned-secrets', 'low')}`, inherit), ['all-secrets-exposed low']);
    assert.deepEqual(severities(`rules:\n${remap('secrets-inherit', 'low')}${remap('overprovisioned-secrets', 'high')}`, inherit), ['all-secrets-exposed medium']);
  });

  it('warns about a severity zizmor does not know, a setting other than severity, and a remap that is no mapping', () => {
    const warnings: string[] = [];
    const yaml = ['rules:', '  artipacked:', '    remap:', '      severity: critical', '  template-injection:', '    remap:', '      level: high', '  unpinned-uses:', '    remap: high', '  github-env:', '    remap:', '      severity: low', ''].join('\n');
    const config = readZizmorConfig('zizmor.yml', yaml, (w) => warnings.push(`${w.line} ${w.message}`));
    assert.deepEqual([...config!.remaps], [['github-env', 'low']]);
    assert.deepEqual(warnings, [
      '4 zizmor configuration: rules.artipacked.remap.severity should be informational, low, medium or high; ignored',
      '7 zizmor configuration: unknown setting rules.template-injection.remap.level (zizmor remaps only severity), ignored',
      '9 zizmor configuration: rules.unpinned-uses.remap should be a mapping with `severity:`; ignored',
    ]);
  });
});
