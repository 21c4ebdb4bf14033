import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { PLATFORM_RULES } from '../../../src/scanners/iac/platforms.js';
import { MAX_MODULE_CHARS, ModuleDirectories } from '../../../src/scanners/iac/terraform/directory.js';

/**
 * A module is often split by concern (s3.tf, iam.tf, data.tf): every Terraform rule's
 * own examples must give the same findings when each top-level block is a file of its
 * own in one directory. This catches a rule that looks for a companion resource (a
 * bucket's public access block, a policy document) only in the file of its subject.
 */

const HEADER = /^(?:resource|data|variable|locals|provider|module|output|terraform)\b/;

/** The example cut before each top-level block (with the comment lines right above it); each piece keeps its lines. */
function split(example: string): Array<{ path: string; text: string; first: number }> {
  const lines = example.split('\n');
  const starts: number[] = [];
  lines.forEach((line, i) => {
    if (!HEADER.test(line)) return;
    let start = i;
    while (start > 0 && /^\s*(?:#|\/\/)/.test(lines[start - 1]!) && !starts.includes(start - 1)) start--;
    starts.push(start);
  });
  if (starts.length < 2) return [];
  starts[0] = 0;
  return starts.map((start, k) => {
    const end = starts[k + 1] ?? lines.length;
    return { path: `m/part${k}.tf`, text: lines.slice(start, end).join('\n') + '\n', first: start + 1 };
  });
}

/** The (file, line) pairs a `# expect` mark names, after the split. */
function expectedPairs(parts: ReturnType<typeof split>, example: string): string[] {
  const out: string[] = [];
  example.split('\n').forEach((line, i) => {
    if (line.trim() !== '# expect') return;
    const at = i + 2;
    const part = [...parts].reverse().find((p) => p.first <= at)!;
    out.push(`${part.path}:${at - part.first + 1}`);
  });
  return out.sort();
}

describe('Terraform rules give the same findings when a module is split into one file per block', () => {
  const terraform = PLATFORM_RULES.find((p) => p.platform === 'terraform')!;
  let splitExamples = 0;
  for (const rule of terraform.rules) {
    const examples = [...rule.examples.positive.map((text) => ({ text, positive: true })), ...rule.examples.negative.map((text) => ({ text, positive: false }))];
    const cases = examples.map((e) => ({ ...e, parts: e.text.trimStart().startsWith('{') ? [] : split(e.text) })).filter((e) => e.parts.length > 0);
    if (cases.length === 0) continue;
    it(rule.id, () => {
      for (const { text, positive, parts } of cases) {
        splitExamples++;
        const directories = new ModuleDirectories(parts, () => {});
        const hits: string[] = [];
        for (const part of parts) {
          const scope = directories.scopeFor(part.path);
          const result = analyseFile(part.path, part.text, () => {}, 'terraform', scope ? { terraform: scope } : undefined);
          for (const f of result.findings) if (f.ruleId === rule.id) hits.push(`${part.path}:${f.location.startLine}`);
        }
        const got = [...new Set(hits)].sort();
        if (!positive) assert.deepEqual(got, [], `negative example fired once split:\n${text}`);
        else {
          const expected = expectedPairs(parts, text);
          if (expected.length > 0) assert.deepEqual(got, expected, `positive example fired elsewhere once split:\n${text}`);
          else assert.ok(got.length > 0, `positive example did not fire once split:\n${text}`);
        }
      }
    });
  }
  it('splits a good number of examples', () => assert.ok(splitExamples >= 40, `${splitExamples}`));
});

describe('the resources of other files of a module directory', () => {
  const analyse = (files: Record<string, string>) => {
    const sources = Object.entries(files).map(([path, text]) => ({ path, text }));
    const directories = new ModuleDirectories(sources, () => {});
    return sources.flatMap(({ path, text }) => analyseFile(path, text, () => {}, 'terraform', { terraform: directories.scopeFor(path)! }).findings.map((f) => `${path}:${f.location.startLine} ${f.ruleId}`));
  };
  const bucket = 'resource "aws_s3_bucket" "b" {\n  bucket = "reports"\n}\n';
  const guard = 'resource "aws_s3_bucket_public_access_block" "b" {\n  bucket                  = aws_s3_bucket.b.id\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n';

  it('count as companions of the file\'s resources', () => {
    assert.ok(!analyse({ 'm/s3.tf': bucket, 'm/guard.tf': guard }).some((f) => f.includes('tf-aws-s3-public-access-block')));
  });

  it('are not read in a folder of examples, where two files declare one address', () => {
    const findings = analyse({ 'm/positive.tf': bucket, 'm/negative.tf': bucket + guard });
    assert.ok(findings.includes('m/positive.tf:1 iac/tf-aws-s3-public-access-block'), findings.join('\n'));
  });

  it('are not read when the files each configure the same provider, or declare the same variable (separate examples)', () => {
    const account = 'resource "aws_s3_account_public_access_block" "all" {\n  block_public_acls       = true\n  block_public_policy     = true\n  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n';
    const provider = 'provider "aws" {\n  region = "eu-west-1"\n}\n';
    const one = analyse({ 'm/positive.tf': provider + bucket.replace('"b"', '"positive"'), 'm/negative.tf': provider + account });
    assert.ok(one.includes('m/positive.tf:4 iac/tf-aws-s3-public-access-block'), one.join('\n'));
    const variable = 'variable "region" {\n  default = "eu-west-1"\n}\n';
    const two = analyse({ 'm/a.tf': variable + bucket.replace('"b"', '"a"'), 'm/b.tf': variable + account });
    assert.ok(two.includes('m/a.tf:4 iac/tf-aws-s3-public-access-block'), two.join('\n'));
    // An aliased provider is a second configuration, which a module may have.
    const aliased = analyse({ 'm/s3.tf': provider + bucket, 'm/dr.tf': 'provider "aws" {\n  alias  = "dr"\n  region = "eu-central-1"\n}\n' + account });
    assert.ok(!aliased.some((f) => f.includes('tf-aws-s3-public-access-block')), aliased.join('\n'));
  });

  it('leave out override files, which merge into blocks of other files', () => {
    const findings = analyse({ 'm/s3.tf': bucket, 'm/override.tf': guard.replace('"b" {', '"b" {') + bucket.replace('"reports"', '"reports-2"') });
    assert.ok(findings.includes('m/s3.tf:1 iac/tf-aws-s3-public-access-block'), findings.join('\n'));
  });

  it('are not read, with a warning, in a directory of more configuration than MAX_MODULE_CHARS', () => {
    const filler = `# ${'x'.repeat(MAX_MODULE_CHARS)}\n`;
    const warnings: string[] = [];
    const sources = [
      { path: 'm/s3.tf', text: bucket },
      { path: 'm/guard.tf', text: guard + filler },
    ];
    const directories = new ModuleDirectories(sources, (w) => warnings.push(w.message));
    const findings = analyseFile('m/s3.tf', bucket, () => {}, 'terraform', { terraform: directories.scopeFor('m/s3.tf')! }).findings;
    assert.ok(findings.some((f) => f.ruleId === 'iac/tf-aws-s3-public-access-block'));
    assert.ok(warnings.some((w) => /each file is checked without the resources of the others/.test(w)), warnings.join('\n'));
  });

  it('are never the subject of a finding in this file', () => {
    const findings = analyse({ 'm/s3.tf': bucket, 'm/other.tf': 'resource "aws_ebs_volume" "v" {\n  availability_zone = "eu-west-1a"\n  size = 8\n}\n' });
    assert.ok(findings.every((f) => !(f.startsWith('m/s3.tf') && f.includes('ebs'))), findings.join('\n'));
    assert.ok(findings.some((f) => f.startsWith('m/other.tf:1 iac/tf-aws-ebs')), findings.join('\n'));
  });
});
