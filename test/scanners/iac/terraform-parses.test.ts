import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { terraformParseStats } from '../../../src/scanners/iac/terraform/directory.js';
import { TerraformParses } from '../../../src/scanners/iac/terraform/parses.js';
import { scanMemory } from '../../helpers/memory-files.js';

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';

/** A security group module, a root module of three files and a definitions file that calls it, and a caller alone in its directory. */
const TREE: Record<string, string> = {
  'terraform.tfvars': 'cidrs = ["0.0.0.0/0"]\n',
  'main.tf': 'module "sg" {\n  source = "./modules/sg"\n  cidrs  = local.cidrs\n}\n\nresource "aws_instance" "web" {\n  ami                    = "ami-1"\n  vpc_security_group_ids = [module.sg.id]\n}\n',
  'locals.tf': 'locals {\n  cidrs = var.cidrs\n}\n',
  'variables.tf': 'variable "cidrs" {\n  default = ["10.1.0.0/16"]\n}\n',
  'live/main.tf': 'module "sg" {\n  source = "../modules/sg"\n  cidrs  = ["0.0.0.0/0"]\n}\n\noutput "sg" {\n  value = module.sg.id\n}\n',
  'modules/sg/main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
  'modules/sg/variables.tf': 'variable "cidrs" {\n  type    = list(string)\n  default = ["10.0.0.0/8"]\n}\n',
  'modules/sg/outputs.tf': 'output "id" {\n  value = aws_security_group.ssh.id\n}\n',
};

describe('terraform parses: one per file per scan', () => {
  it("parses each Terraform file once for the pre-passes (calls, the module's writes, the callers' declarations and values) and the analysis", async () => {
    const before = terraformParseStats.parses;
    const { findings, warnings } = await scanMemory(TREE);
    // Eight files, eight parses. Before the scan's parses were shared, the pre-passes parsed the callers for their calls
    // and their directories' declarations and values, and the module's main.tf for what it writes, and the loop all again: 13.
    assert.equal(terraformParseStats.parses - before, 8);
    assert.deepEqual(warnings, []);
    // The module's group, open in both calls' contexts, is one finding on its line.
    assert.deepEqual(
      findings.filter((f) => f.ruleId === SG_OPEN).map((f) => `${f.location.path}:${f.location.startLine}`),
      ['modules/sg/main.tf:6'],
    );
  });

  it('gives a held parse for the text it was made from, until the last reader takes it', () => {
    const parses = new TerraformParses();
    const text = 'variable "a" {\n  default = 1\n}\n';
    const first = parses.parse('a.tf', text);
    assert.equal(parses.parse('a.tf', text), first);
    assert.equal(parses.heldChars, text.length);
    // Another text at the path (a file read again that changed) is parsed anew.
    const changed = 'variable "a" {\n  default = 2\n}\n';
    const other = parses.parse('a.tf', changed);
    assert.notEqual(other, first);
    assert.equal(parses.take('a.tf', changed), other);
    assert.equal(parses.heldChars, 0);
    // Taken: the next reader parses again.
    assert.notEqual(parses.take('a.tf', changed), other);
    assert.equal(parses.takeHeld('a.tf', changed), undefined);
  });

  it('holds parses within its budget of characters; past it, a later reader parses again', () => {
    const parses = new TerraformParses(40);
    const a = 'locals {\n  a = 1\n}\n';
    const b = 'locals {\n  b = 22222222222222222222\n}\n';
    const parsedA = parses.parse('a.tf', a);
    const parsedB = parses.parse('b.tf', b);
    assert.equal(parses.heldChars, a.length);
    assert.equal(parses.parse('a.tf', a), parsedA);
    assert.notEqual(parses.parse('b.tf', b), parsedB);
    parses.release('a.tf');
    assert.equal(parses.heldChars, 0);
    assert.equal(parses.takeHeld('a.tf', a), undefined);
  });
});
