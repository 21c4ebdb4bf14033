import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { evaluate, UNKNOWN } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { readDockerfile, type DockerfileInput } from '../../../src/scanners/iac/dockerfile/model.js';
import { dockerfileRules } from '../../../src/scanners/iac/dockerfile/rules.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { terraformRules } from '../../../src/scanners/iac/terraform/rules/index.js';
import { scanIacTree } from '../../helpers/iac-scan.js';

/** Shapes found by fuzzing secloop's own rule examples: each once made a rule throw, hang or run out of memory. */
function analyse(path: string, text: string) {
  const warnings: string[] = [];
  const result = analyseFile(path, text, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  return { ...result, warnings, failures: warnings.filter((w) => /failed on this file|could not analyse/.test(w)) };
}

/** `l1 = [local.l0, local.l0]`, `l2 = [local.l1, local.l1]`...: 2^levels values from a few lines. */
function doublingLocals(levels: number): string {
  const lines = ['locals {', '  l0 = "x"'];
  for (let i = 1; i <= levels; i++) lines.push(`  l${i} = [local.l${i - 1}, local.l${i - 1}]`);
  lines.push('}', 'resource "aws_s3_bucket" "b" {', `  acl = local.l${levels}`, '}');
  return lines.join('\n') + '\n';
}

describe('iac on hostile input', () => {
  it('refuses YAML and JSON nested deeper than any configuration before the parser sees it (the parser would abort the process)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const pod = analyse('pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers: ${deep}\n`);
    assert.deepEqual(pod.failures, []);
    assert.ok(pod.warnings.some((w) => /^6: nested more than 200 levels deep/.test(w)), pod.warnings.join('\n'));
    const stack = analyse('stack.json', `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": ${deep}}}}`);
    assert.ok(stack.warnings.some((w) => /nested more than 200 levels deep/.test(w)), stack.warnings.join('\n'));
    const dashes = analyse('list.yaml', `apiVersion: v1\nkind: List\nitems:\n  ${'- '.repeat(5_000)}x\n`);
    assert.ok(dashes.warnings.some((w) => /^4: nested more than 200 levels deep/.test(w)), dashes.warnings.join('\n'));
  });

  it('says where a kustomization or a helmfile that no platform analyses does not parse, instead of dropping what it says of other files', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers: [{name: a, image: a:1}]\n';
    const result = await scanIacTree({
      'k/kustomization.yaml': 'resources:\n  - pod.yaml\nnamespace: [prod\n',
      'k/pod.yaml': pod,
      'other/Kustomization': 'resources: [pod.yaml\n',
      'helmfile.yaml': 'releases:\n  - name: a\n    chart: ./c\n    values: {x\n',
    });
    const said = result.warnings.map((w) => `${w.path}:${w.line}: ${w.message}`);
    for (const at of ['k/kustomization.yaml:4: invalid YAML', 'other/Kustomization:2: invalid YAML', 'helmfile.yaml:5: invalid YAML'])
      assert.ok(said.some((w) => w.startsWith(at)), `${at}\n${said.join('\n')}`);
    // A kustomization with apiVersion and kind is a Kubernetes file: its problems are said once.
    const typed = await scanIacTree({ 'kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: [prod\n' });
    assert.equal(typed.warnings.filter((w) => w.path === 'kustomization.yaml').length, 1, typed.warnings.map((w) => w.message).join('\n'));
  });

  it('says once that a YAML file with template syntax is a template, instead of one warning per broken line', () => {
    const warnings: string[] = [];
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Name }}\nspec:\n  containers: [{{ range .C }}{name: {{ . }}},{{ end }}]\n  {{ if .Debug }}\n  hostPID: true\n  {{ end }}\n';
    analyseFile('files/pod.yaml', text, (w) => warnings.push(`${w.line}: ${w.message}`), 'kubernetes');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /holds template syntax \(\{\{ \.\.\. \}\}\) and is not valid YAML as written/);
    // A workflow's ${{ }} is no template syntax: its YAML problems are reported as such.
    const workflow: string[] = [];
    analyseFile('.github/workflows/x.yml', 'on: push\njobs:\n  a:\n    runs-on: ${{ matrix.os }}\n    steps: [\n', (w) => workflow.push(w.message), 'github-actions');
    assert.ok(workflow.length > 0 && workflow.every((m) => !/template syntax/.test(m)), workflow.join('\n'));
  });

  it('gives up on Terraform values that double at each reference instead of expanding them', () => {
    const localOf = (text: string) => {
      const body = parseHcl(text).body;
      const locals = new Map(body.blocks.filter((b) => b.type === 'locals').flatMap((b) => b.body.attributes.map((a) => [a.name, a.expr] as const)));
      const acl = body.blocks.find((b) => b.type === 'resource')!.body.attributes.find((a) => a.name === 'acl')!;
      return evaluate(acl.expr, { variable: () => undefined, local: (n) => locals.get(n) });
    };
    assert.deepEqual(localOf(doublingLocals(2)), [['x', 'x'], ['x', 'x']]);
    // Past the work limit the innermost values are UNKNOWN ("cannot tell"), not 2^22 copies of "x".
    const leaves = (v: unknown): number => (Array.isArray(v) ? v.reduce((n: number, x) => n + leaves(x), 0) : v === 'x' ? 1 : 0);
    const deep = localOf(doublingLocals(22));
    assert.ok(leaves(deep) < 2 ** 15, `${leaves(deep)} values`);
    assert.ok(JSON.stringify(deep, (_k, v) => (v === UNKNOWN ? 'UNKNOWN' : v)).includes('UNKNOWN'));
    // 2^60 values: analysing the file used to run out of memory.
    const result = analyse('main.tf', doublingLocals(60));
    assert.deepEqual(result.failures, []);
  });

  it('analyses a Terraform file of many resources in time linear in their number', () => {
    const n = 2_000;
    const text = 'resource "aws_s3_bucket" "b" {}\n'.repeat(n);
    const result = analyse('main.tf', text);
    assert.deepEqual(result.failures, []);
    assert.ok(result.findings.length >= n);
    // The work, counted as the resources looked at while every rule runs: a few each, once the
    // file's resources are indexed. Was quadratic (about 35 s for 20,000 buckets): every
    // resource's look-ups went through all the others.
    const input = readTerraform(text, () => {})!;
    let looked = 0;
    input.resources = new Proxy(input.resources, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) looked++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    for (const rule of terraformRules) [...rule.check(input)];
    assert.ok(looked < 50 * n, `${looked} resources looked at`);
  });

  it('finds the lines of the commands of a RUN of many continued lines, or of a long heredoc, in time linear in them', () => {
    const n = 2_000;
    const text = `FROM alpine:3.20\nUSER app\nRUN a${' \\\n  && b'.repeat(n)} \\\n  && curl -k https://x | sh\nRUN <<EOF\n${'b\n'.repeat(n)}curl -k https://y | sh\nEOF\n`;
    const result = analyse('Dockerfile', text);
    const pipes = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-curl-pipe-shell').map((f) => `${f.location.startLine}:${f.location.endLine}`);
    assert.deepEqual(pipes, [`3:${4 + n}`, `${5 + n}:${6 + 2 * n}`]);
    // The work of finding those lines while every rule runs: the continued lines' segments looked
    // at, and the heredoc's text read. Each command's line was found by a walk over every segment
    // before it, and the heredoc read again up to each command (quadratic: 41 s for 20,000 lines):
    // about 6,000 segments a line here, and 12,000 reads of the heredoc.
    const input = readDockerfile(text);
    const reads = countDockerReads(input);
    for (const rule of dockerfileRules) [...rule.check(input)];
    assert.ok(reads.segments < 1_000 * n, `${reads.segments} segments looked at`);
    assert.ok(reads.heredocs < 200, `the heredoc read ${reads.heredocs} times`);
  });

  it('treats resource types and names such as constructor and __proto__ as plain names', () => {
    const policy = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})\n}\n';
    for (const extra of ['resource "constructor" "prototype" {}\n', 'resource "toString" "x" {\n  policy_arn = aws_iam_policy.p.arn\n}\n', 'resource "aws_s3_bucket" "__proto__" {}\n']) {
      const result = analyse('main.tf', policy + extra);
      assert.deepEqual(result.failures, [], extra);
      assert.ok(result.findings.some((f) => f.ruleId === 'iac/tf-aws-iam-full-admin'), extra);
    }
    const json = analyse('main.tf.json', '{"resource": {"__proto__": {"a": {}}, "aws_s3_bucket": {"b": {}}}}');
    assert.deepEqual(json.failures, []);
  });

  it('reads a RUN whose program is named like an Object property', () => {
    const result = analyse('Dockerfile', 'FROM alpine:3.20\nRUN constructor install x\nRUN __proto__ add y\nRUN toString install z\nUSER app\n');
    assert.deepEqual(result.failures, []);
  });

  it('matches workflow environment variable names literally, whatever characters they hold', () => {
    const workflow = [
      'on: issues',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - env:',
      '          "TITL(E": ${{ github.event.issue.title }}',
      '          TITLE: ${{ github.event.issue.title }}',
      '        run: echo "X=$TITLE" >> $GITHUB_ENV',
      '',
    ].join('\n');
    const result = analyse('.github/workflows/w.yml', workflow);
    assert.deepEqual(result.failures, []);
    assert.ok(result.findings.some((f) => f.ruleId === 'iac/gha-github-env-injection'));
  });
});

describe('Terraform strings nested in interpolations', () => {
  it('refuses nesting past the limit with a warning on its line, instead of overflowing the stack', () => {
    const text = 'resource "aws_s3_bucket" "b" {\n  acl = "' + '${"'.repeat(3000) + 'x' + '"}'.repeat(3000) + '"\n}\n';
    const result = analyse('main.tf', text);
    assert.deepEqual(result.failures, []);
    assert.ok(result.warnings.some((w) => /^2: .*nested/.test(w)), result.warnings.join('\n'));
  });
});

/** Makes a Dockerfile's instructions count the reads of their continued lines' segments and of their heredocs' text. */
function countDockerReads(input: DockerfileInput): { segments: number; heredocs: number } {
  const reads = { segments: 0, heredocs: 0 };
  for (const instruction of input.file.instructions) {
    const segments = instruction.segments;
    instruction.segments = new Proxy(segments, {
      get: (target, key, receiver) => {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.segments++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    for (const heredoc of instruction.heredocs) {
      const body = heredoc.body;
      Object.defineProperty(heredoc, 'body', { get: () => (reads.heredocs++, body) });
    }
  }
  return reads;
}
