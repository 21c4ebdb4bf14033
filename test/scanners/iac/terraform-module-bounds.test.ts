import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { localCalls, LocalModuleCalls, MAX_DIRECTORY_WORK, MAX_TOTAL_WORK } from '../../../src/scanners/iac/terraform/module-calls.js';
import { fixturePath } from '../../helpers/paths.js';

/**
 * Gaps found by scanning the repositories of registry modules, where examples/ call the
 * root module (`source = "../../"`) many times: each case is a minimal tree written for
 * this test.
 */

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';

const at = (findings: readonly ScannerFinding[], rule: string) =>
  findings
    .filter((f) => f.ruleId === rule)
    .map((f) => `${f.location.path}:${f.location.startLine}`)
    .sort();

describe('terraform local modules: a module called in many ways', () => {
  it('analyses each of the 20 ways its examples call it, and gives one finding naming the calls that open it', async () => {
    const result = await runScan({ target: fixturePath('iac', 'tf-many-callers'), scannerSet: [iacScanner] });
    assert.deepEqual(at(result.findings, SG_OPEN), ['main.tf:10']);
    const open = result.findings.find((f) => f.ruleId === SG_OPEN)!;
    assert.match(open.message, /\(via module\.sg in examples\/e07\/main\.tf:1 and 1 other module call\)$/);
    assert.deepEqual(
      open.related?.map((r) => `${r.path}:${r.startLine}`),
      ['examples/e07/main.tf:5', 'examples/e15/main.tf:5'],
    );
    assert.deepEqual(result.warnings, []);
  });
});

/** The contexts of each called directory, from one caller file `main.tf`, with directories of the given sizes. */
function contextsOf(text: string, sizes: Record<string, number>): { contexts: Record<string, number | undefined>; warnings: string[] } {
  const body = parseHcl(text).body;
  const calls = localCalls('main.tf', '', body, (dir) => dir in sizes);
  const warnings: string[] = [];
  const graph = new LocalModuleCalls(calls, new Map(), () => undefined, (w) => warnings.push(`${w.path}: ${w.message}`), (dir) => sizes[dir] ?? 0);
  const contexts: Record<string, number | undefined> = {};
  for (const dir of graph.targets()) contexts[dir] = graph.contextsOf(dir)?.length;
  return { contexts, warnings };
}

const callsOf = (dir: string, n: number) => Array.from({ length: n }, (_, i) => `module "${dir}${i}" {\n  source = "./${dir}"\n  n      = ${i}\n}\n`).join('');

describe('terraform local modules: the work bound', () => {
  it('analyses a large module in fewer contexts: its size times its contexts stays within the bound', () => {
    const size = MAX_DIRECTORY_WORK / 10;
    assert.deepEqual(contextsOf(callsOf('big', 10), { big: size }), { contexts: { big: 10 }, warnings: [] });
    const over = contextsOf(callsOf('big', 11), { big: size });
    assert.deepEqual(over.contexts, { big: undefined });
    assert.deepEqual(over.warnings, [`big: this module is called with more than 10 different sets of argument values (at most 10 are analysed for its ${size} characters of configuration); its files are analysed once, with the defaults of its variables`]);
  });

  it('stops giving contexts once the called modules of the scan add up to the total bound', () => {
    // Modules called four ways, each of a quarter of MAX_DIRECTORY_WORK: `full` of them take the whole budget.
    const quarter = MAX_DIRECTORY_WORK / 4;
    const full = MAX_TOTAL_WORK / MAX_DIRECTORY_WORK;
    const dirs = Array.from({ length: full }, (_, i) => `m${i}`);
    const sizes: Record<string, number> = Object.fromEntries([...dirs, 'z'].map((dir) => [dir, quarter]));
    const { contexts, warnings } = contextsOf(dirs.map((dir) => callsOf(dir, 4)).join('') + callsOf('z', 1), sizes);
    assert.deepEqual(contexts, { ...Object.fromEntries(dirs.map((dir) => [dir, 4])), z: undefined });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`^z: this module is called with 1 different set of argument values, which would take the analysis of called modules past ${MAX_TOTAL_WORK / 1e6} million characters`));
  });
});
