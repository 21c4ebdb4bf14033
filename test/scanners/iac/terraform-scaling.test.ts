import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Block, Expr } from '../../../src/scanners/iac/terraform/hcl/ast.js';
import { mentioned, mentions, readTerraform, type TfInput } from '../../../src/scanners/iac/terraform/model.js';
import { terraformRules } from '../../../src/scanners/iac/terraform/rules/index.js';
import { iamFile } from '../../helpers/terraform-gen.js';

function read(text: string): TfInput {
  const input = readTerraform(text, () => {});
  assert.ok(input);
  return input;
}

describe('terraform rules on large files', () => {
  it('finds every escalation path in a file of 1,500 groups of IAM resources (timings: npm run bench -- --only terraform-scaling)', () => {
    const rule = terraformRules.find((r) => r.id === 'iac/tf-aws-iam-privilege-escalation')!;
    // Every role (pass role + lambda) and every user (access keys) can escalate.
    assert.equal([...rule.check(read(iamFile(150)))].length, 300);
    assert.equal([...rule.check(read(iamFile(1500)))].length, 3000);
  });

  it('finds through its index exactly the addresses that mentions() accepts', () => {
    const names = ['a', 'a1', 'a-b', 'a_b', 'my role', 'x.y'];
    const types = ['aws_iam_role', 'aws_iam_policy', 'aws_s3_bucket'];
    const addresses = [...types.flatMap((t) => names.map((n) => `${t}.${n}`)), ...names.map((n) => `data.aws_iam_policy_document.${n}`), 'module.logs.s3_bucket_id', 'module.logs'];
    const refs = [
      ...addresses.map((a) => `${a}.arn`),
      ...addresses.map((a) => `"\${${a}.id}/x"`),
      ...addresses.map((a) => `"x${a}"`),
      ...addresses.map((a) => `[${a}.id, ${a}-z.id, ${a}1.id]`),
      ...addresses.map((a) => `"${a}"`),
    ];
    const blocks = [
      ...types.flatMap((t) => names.map((n, i) => `resource "${t}" "${n}" {\n  ref = ${refs[(i * 7 + t.length) % refs.length]}\n  other = ${refs[(i * 13 + 5) % refs.length]}\n}\n`)),
      ...names.map((n, i) => `data "aws_iam_policy_document" "${n}" {\n  ref = ${refs[(i * 11 + 3) % refs.length]}\n}\n`),
      'module "logs" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n  version = "~> 4.0"\n}\n',
      ...refs.map((r, i) => `resource "null_resource" "n${i}" {\n  ref = ${r}\n}\n`),
    ];
    const input = read(blocks.join(''));
    const all = [...input.resources, ...input.data];
    assert.ok(all.some((r) => r.module !== undefined), 'a resource made by the module');
    const exprs: Expr[] = [];
    const collect = (block: Block) => {
      for (const a of block.body.attributes) exprs.push(a.expr);
      block.body.blocks.forEach(collect);
    };
    all.forEach((r) => collect(r.block));
    let found = 0;
    for (const expr of exprs) {
      const expected = all.filter((r) => mentions(input, expr, r.address));
      assert.deepEqual(
        mentioned(input, expr).map((r) => r.address),
        expected.map((r) => r.address),
      );
      found += expected.length;
    }
    assert.ok(found > refs.length, `${found} mentions`);
  });
});
