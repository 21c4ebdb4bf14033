import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { evaluate } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { fileScope } from '../../../src/scanners/iac/terraform/model.js';
import { fixturePath } from '../../helpers/paths.js';

/** `optional(type, default)` in a variable's type constraint fills what the value leaves out, as Terraform converts it. */
describe('Terraform variables: optional attribute defaults', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-optional-defaults'), scannerSet: [iacScanner] });
  });
  const at = (ruleId: string) => result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);

  it('reads no warnings', () => {
    assert.deepEqual(result.warnings, []);
  });

  it('reports a NIC public IP only for the call that sets the optional flag, not for the one that leaves it at its default', () => {
    const found = at('iac/tf-azure-nic-public-ip');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /^modules\/nic\/main\.tf:22 .*module\.public_nics/);
    assert.doesNotMatch(found[0]!, /module\.private_nics/);
  });

  it('reports an external IP only for the instance call that sets nat = true', () => {
    const found = at('iac/tf-gcp-instance-public-ip');
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0]!, /module\.nat_vm/);
    assert.doesNotMatch(found[0]!, /module\.private_vm/);
  });

  it('applies defaults in nested objects, lists and maps, to the default value too, and leaves a null optional without default null', () => {
    const body = parseHcl(
      [
        'variable "rules" {',
        '  type = map(list(object({',
        '    port   = number',
        '    open   = optional(bool, false)',
        '    source = optional(object({ cidr = optional(string, "10.0.0.0/8"), tag = optional(string) }), {})',
        '  })))',
        '  default = { web = [{ port = 443 }, { port = 22, open = true, source = { cidr = "0.0.0.0/0" } }, { port = 80, open = null }] }',
        '}',
        'variable "plain" {',
        '  type    = tuple([object({ a = optional(number, 1) }), string])',
        '  default = [{}, "x"]',
        '}',
        'locals {',
        '  web  = var.rules.web',
        '  a    = var.plain[0].a',
        '}',
      ].join('\n'),
    ).body;
    const scope = fileScope(body);
    const value = (name: string) => evaluate(body.blocks[2]!.body.attributes.find((a) => a.name === name)!.expr, scope);
    assert.deepEqual(value('web'), [
      { port: 443, open: false, source: { cidr: '10.0.0.0/8', tag: null } },
      { port: 22, open: true, source: { cidr: '0.0.0.0/0', tag: null } },
      { port: 80, open: false, source: { cidr: '10.0.0.0/8', tag: null } },
    ]);
    assert.equal(value('a'), 1);
  });
});
