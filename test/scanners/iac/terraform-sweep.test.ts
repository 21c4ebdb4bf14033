import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

/**
 * False positives found by scanning public Terraform modules and their examples: each
 * case is a minimal configuration of the pattern, written for this test.
 */

/** `rule:line` of every finding on one Terraform text. */
function findings(source: string): string[] {
  return analyseFile('main.tf', source, () => {}).findings.map((f) => `${f.ruleId.replace('iac/tf-aws-', '')}:${f.location.startLine}`).sort();
}

describe('terraform sweep: registry submodules', () => {
  it('does not read a submodule call as the module the registry table describes', () => {
    const source = [
      'module "endpoints" {',
      '  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"',
      '  version = "~> 5.0"',
      '  vpc_id  = "vpc-0123"',
      '}',
      '',
    ].join('\n');
    assert.deepEqual(findings(source), []);
  });

  it('still reads the module itself', () => {
    const source = ['module "net" {', '  source  = "terraform-aws-modules/vpc/aws"', '  version = "~> 5.0"', '  cidr    = "10.0.0.0/16"', '}', ''].join('\n');
    assert.deepEqual(findings(source), ['vpc-no-flow-logs:1']);
  });
});
