/**
 * Terraform on large files: HCL parsing and every Terraform rule, timed at two sizes ten
 * times apart. Time per resource should stay flat; a rule that compares every resource
 * with every other shows up as a ratio near 100x. A hostile repository could otherwise
 * slow every scan with one large file (the HCL parser refuses files over 4 MiB).
 */
import { performance } from 'node:perf_hooks';
import { analyseFile } from '../../src/scanners/iac/analyse.js';
import { ModuleDirectories } from '../../src/scanners/iac/terraform/directory.js';
import { parseHcl } from '../../src/scanners/iac/terraform/hcl/parser.js';
import { readTerraform, type TfInput } from '../../src/scanners/iac/terraform/model.js';
import { terraformRules } from '../../src/scanners/iac/terraform/rules/index.js';
import { iamFile, tuplesFile } from '../../test/helpers/terraform-gen.js';
import type { Bench } from '../types.js';
import { table } from '../util.js';

/** Best of three runs after a warm-up, in ms (at least 0.1). */
function best(run: () => void): number {
  run();
  let fastest = Infinity;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return Math.max(fastest, 0.1);
}

function read(text: string): TfInput {
  const input = readTerraform(text, () => {});
  if (!input) throw new Error('generated Terraform did not parse');
  return input;
}

export const terraformScalingBench: Bench = {
  name: 'terraform-scaling',
  description: 'Terraform parsing and rules at two sizes ten times apart (should grow linearly)',
  async run(args) {
    const [smallUnits, largeUnits] = args.quick ? [50, 500] : [150, 1500];
    const small = iamFile(smallUnits);
    const large = iamFile(largeUnits);
    const rows: Array<Array<string | number>> = [];
    const row = (what: string, a: number, b: number) => rows.push([what, a.toFixed(1), b.toFixed(1), `${(b / a).toFixed(1)}x`]);
    row('parse: locals of tuples (5,000 / 50,000)', best(() => parseHcl(tuplesFile(5_000))), best(() => parseHcl(tuplesFile(50_000))));
    row(`parse: IAM groups (${smallUnits} / ${largeUnits})`, best(() => read(small)), best(() => read(large)));
    const smallInput = read(small);
    const largeInput = read(large);
    let worst = { id: '', ratio: 0 };
    for (const rule of terraformRules) {
      // A fresh copy each run: what rules keep per input (policy statements, indexes) is not reused between runs.
      const a = best(() => [...rule.check({ ...smallInput })]);
      const b = best(() => [...rule.check({ ...largeInput })]);
      // Below a few milliseconds the ratio is timer noise.
      if (a >= 1 && b >= 3 && b / a > worst.ratio) worst = { id: rule.id, ratio: b / a };
      if (rule.id === 'iac/tf-aws-iam-privilege-escalation') row(rule.id, a, b);
    }
    // A module split into many files: each file's rules see the others' resources (directory.ts).
    const files = moduleFiles(args.quick ? 40 : 120);
    const analyseModule = (withDirectory: boolean) => {
      const directories = withDirectory ? new ModuleDirectories(files, () => {}) : undefined;
      for (const { path, text } of files) {
        const scope = directories?.scopeFor(path);
        analyseFile(path, text, () => {}, 'terraform', scope ? { terraform: scope } : undefined);
      }
    };
    const alone = best(() => analyseModule(false));
    const together = best(() => analyseModule(true));
    const kb = Math.round(files.reduce((n, f) => n + f.text.length, 0) / 1024);
    console.log(`\n## Terraform on large files (${(large.length / 1e6).toFixed(1)} MB for the larger IAM file)\n`);
    console.log(table(['what', 'small ms', 'large ms', 'ratio (10x input)'], rows));
    console.log(`\nslowest-growing rule: ${worst.id}, ${worst.ratio.toFixed(1)}x for 10x the resources (linear is about 10x)`);
    console.log(`module of ${files.length} files (${kb} KB), every rule: ${alone.toFixed(0)} ms file by file, ${together.toFixed(0)} ms as one module (each file sees the others' resources), ${(together / alone).toFixed(1)}x`);
  },
};

/** A module directory of `count` files, each with buckets, their public access blocks, role policies and the policy documents they use. */
function moduleFiles(count: number): Array<{ path: string; text: string }> {
  return Array.from({ length: count }, (_, f) => {
    let text = `resource "aws_iam_role" "r${f}" {\n  name = "r${f}"\n}\n`;
    for (let i = 0; i < 6; i++) {
      const n = `f${f}_${i}`;
      text += `resource "aws_s3_bucket" "${n}" {\n  bucket = "${n}"\n}\n`;
      text += `resource "aws_s3_bucket_public_access_block" "${n}" {\n  bucket                  = aws_s3_bucket.${n}.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n`;
      text += `resource "aws_iam_role_policy" "${n}" {\n  role   = aws_iam_role.r${f}.id\n  policy = data.aws_iam_policy_document.d${n}.json\n}\n`;
      text += `data "aws_iam_policy_document" "d${n}" {\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["*"]\n  }\n}\n`;
    }
    return { path: `m/f${f}.tf`, text };
  });
}
