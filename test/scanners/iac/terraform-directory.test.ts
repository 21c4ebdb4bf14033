import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { classify, wantsPath } from '../../../src/scanners/iac/detect.js';
import { analyseFile, iacScanner } from '../../../src/scanners/iac/index.js';
import { MAX_FILES_PER_DIRECTORY, ModuleDirectories, moduleDirectoryFiles } from '../../../src/scanners/iac/terraform/directory.js';
import { UNKNOWN, evaluate } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { projectRoot } from '../../helpers/paths.js';
import { tempTree } from '../../helpers/tmp.js';
import { scanMemory } from '../../helpers/memory-files.js';

type Warning = { path: string; line?: number; message: string };

/** The module directories of a set of files, read as the scanner reads them. */
function directories(files: Record<string, string>, warnings: Warning[] = []): ModuleDirectories {
  const chosen = moduleDirectoryFiles(Object.keys(files), (w) => warnings.push(w));
  return new ModuleDirectories(
    chosen.map((p) => ({ path: p, text: files[p]! })),
    (w) => warnings.push(w),
  );
}

/**
 * The value of `probe` (an expression) as the file at `at` of `files` sees it: the file
 * gets a `resource "x" "probe" { v = <probe> }` appended.
 */
function valueIn(files: Record<string, string>, at: string, probe: string): unknown {
  const withProbe = { ...files, [at]: `${files[at] ?? ''}\nresource "x" "probe" {\n  v = ${probe}\n}\n` };
  const input = readTerraform(withProbe[at]!, () => {}, directories(withProbe).scopeFor(at));
  assert.ok(input);
  const probeBlock = input.resources.find((r) => r.address === 'x.probe')!;
  return evaluate(probeBlock.block.body.attributes[0]!.expr, input.scope);
}

describe('terraform module directories: how a name resolves', () => {
  it('reads variable defaults and locals from the other files of the directory', () => {
    const files = {
      'infra/variables.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n',
      'infra/locals.tf': 'locals {\n  port = 22\n  label = "web-${var.env}"\n}\nvariable "env" {\n  default = "dev"\n}\n',
      'infra/main.tf': '',
    };
    assert.deepEqual(valueIn(files, 'infra/main.tf', 'var.cidrs'), ['0.0.0.0/0']);
    assert.equal(valueIn(files, 'infra/main.tf', 'local.port'), 22);
    // A sibling's local refers to a variable of yet another file.
    assert.equal(valueIn(files, 'infra/main.tf', 'local.label'), 'web-dev');
  });

  it('never reads another directory, parent or child', () => {
    const files = { 'a/variables.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n', 'a/b/main.tf': '', 'a/b/other.tf': '', 'main.tf': '', 'other.tf': '' };
    assert.equal(valueIn(files, 'a/b/main.tf', 'var.cidrs'), UNKNOWN);
    assert.equal(valueIn(files, 'main.tf', 'var.cidrs'), UNKNOWN);
  });

  it("keeps a file's own declaration, even one without a default, over another file's", () => {
    const files = {
      'm/a.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\nlocals {\n  port = 22\n}\n',
      'm/b.tf': 'variable "cidrs" {\n  default = ["10.0.0.0/8"]\n}\nlocals {\n  port = 443\n}\n',
      'm/c.tf': 'variable "cidrs" {\n  type = list(string)\n}\n',
    };
    assert.deepEqual(valueIn(files, 'm/b.tf', 'var.cidrs'), ['10.0.0.0/8']);
    assert.equal(valueIn(files, 'm/b.tf', 'local.port'), 443);
    assert.equal(valueIn(files, 'm/c.tf', 'var.cidrs'), UNKNOWN);
    // A file that declares nothing sees the first declaration in name order.
    assert.deepEqual(valueIn({ ...files, 'm/d.tf': '' }, 'm/d.tf', 'var.cidrs'), ['0.0.0.0/0']);
  });

  it('gives a terraform.tfvars value precedence over every default, the file\'s own included', () => {
    const files = {
      'm/main.tf': 'variable "cidrs" {\n  default = ["10.0.0.0/8"]\n}\nvariable "open" {}\n',
      'm/terraform.tfvars': 'cidrs = ["0.0.0.0/0"]\nopen = true\n',
    };
    assert.deepEqual(valueIn(files, 'm/main.tf', 'var.cidrs'), ['0.0.0.0/0']);
    assert.equal(valueIn(files, 'm/main.tf', 'var.open'), true);
  });

  it("follows Terraform's order of definitions files: terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars(.json) by name", () => {
    const base = {
      'm/main.tf': 'variable "a" {\n  default = "default"\n}\n',
      'm/terraform.tfvars': 'a = "tfvars"\nb = "tfvars"\nc = "tfvars"\nd = "tfvars"\n',
    };
    const json = { ...base, 'm/terraform.tfvars.json': '{"a": "json", "b": "json", "c": "json"}' };
    const auto = { ...json, 'm/b.auto.tfvars': 'a = "b.auto"\nb = "b.auto"\n', 'm/a.auto.tfvars.json': '{"a": "a.auto", "b": "a.auto"}\n', 'm/c.auto.tfvars': 'a = "c.auto"\n' };
    assert.equal(valueIn(base, 'm/main.tf', 'var.a'), 'tfvars');
    assert.equal(valueIn(json, 'm/main.tf', 'var.a'), 'json');
    assert.equal(valueIn(json, 'm/main.tf', 'var.d'), 'tfvars');
    assert.equal(valueIn(auto, 'm/main.tf', 'var.a'), 'c.auto');
    assert.equal(valueIn(auto, 'm/main.tf', 'var.b'), 'b.auto');
    assert.equal(valueIn(auto, 'm/main.tf', 'var.c'), 'json');
  });

  it('reads a variable that a -var-file definitions file sets as unknown: which one a run passes is not known', () => {
    const declared = 'variable "a" {\n  default = "default"\n}\nvariable "b" {\n  default = "default"\n}\nvariable "c" {\n  default = ["x"]\n}\n';
    const files = { 'm/main.tf': declared, 'm/prod.tfvars': 'a = "prod"\nc = ["x"]\n', 'm/test.tfvars.json': '{"c": ["x"]}' };
    assert.equal(valueIn(files, 'm/main.tf', 'var.a'), UNKNOWN);
    // One it does not set keeps its default, and so does one every -var-file sets to its default.
    assert.equal(valueIn(files, 'm/main.tf', 'var.b'), 'default');
    assert.deepEqual(valueIn(files, 'm/main.tf', 'var.c'), ['x']);
    assert.equal(valueIn({ ...files, 'm/test.tfvars.json': '{"c": ["y"]}' }, 'm/main.tf', 'var.c'), UNKNOWN);
    // Over a terraform.tfvars value too (a -var-file is read after it), unless it gives the same.
    assert.equal(valueIn({ ...files, 'm/terraform.tfvars': 'a = "tfvars"\nb = "tfvars"\n' }, 'm/main.tf', 'var.a'), UNKNOWN);
    assert.equal(valueIn({ ...files, 'm/terraform.tfvars': 'a = "prod"\n' }, 'm/main.tf', 'var.a'), 'prod');
    assert.equal(valueIn({ ...files, 'm/terraform.tfvars': 'a = "tfvars"\nb = "tfvars"\n' }, 'm/main.tf', 'var.b'), 'tfvars');
    // Only in the root module: a module call gives its own arguments.
    const called = directories({ ...files, 'm/other.tf': '' }).scopeFor('m/main.tf', new Map());
    assert.equal(called?.assigned('a'), undefined);
  });

  it('reads JSON definitions as literal values (no templates) and JSON-syntax configuration files', () => {
    const files = {
      'm/main.tf': '',
      'm/variables.tf.json': '{"variable": {"ports": {"default": [22, 3389]}}, "locals": {"tags": {"team": "ops"}}}',
      'm/terraform.tfvars.json': '{"//": "comment", "motd": "${var.x} is literal", "nested": {"list": [1, {"k": null}]}}',
    };
    assert.deepEqual(valueIn(files, 'm/main.tf', 'var.ports'), [22, 3389]);
    assert.deepEqual(valueIn(files, 'm/main.tf', 'local.tags'), { team: 'ops' });
    assert.equal(valueIn(files, 'm/main.tf', 'var.motd'), '${var.x} is literal');
    assert.deepEqual(valueIn(files, 'm/main.tf', 'var.nested'), { list: [1, { k: null }] });
    assert.equal(valueIn(files, 'm/main.tf', 'var["//"]'), UNKNOWN);
  });

  it('ends at cycles between files', () => {
    const files = { 'm/a.tf': 'locals {\n  x = local.y\n}\n', 'm/b.tf': 'locals {\n  y = local.x\n}\n', 'm/c.tf': '' };
    assert.equal(valueIn(files, 'm/c.tf', 'local.x'), UNKNOWN);
  });
});

describe('terraform module directories: reading them', () => {
  it('reads only directories with more than one configuration file or a definitions file', () => {
    const chosen = moduleDirectoryFiles(['lone/main.tf', 'pair/a.tf', 'pair/b.tf.json', 'vars/main.tf', 'vars/terraform.tfvars', 'only-vars/terraform.tfvars', 'pair/README.md', 'pair/plan.json'], () => {});
    assert.deepEqual(chosen.sort(), ['pair/a.tf', 'pair/b.tf.json', 'vars/main.tf', 'vars/terraform.tfvars']);
  });

  it('reads a bounded number of files per directory, and says so', () => {
    const warnings: Warning[] = [];
    const paths = Array.from({ length: MAX_FILES_PER_DIRECTORY + 50 }, (_, i) => `big/f${String(i).padStart(4, '0')}.tf`);
    const chosen = moduleDirectoryFiles([...paths, 'big/terraform.tfvars'], (w) => warnings.push(w));
    assert.equal(chosen.length, MAX_FILES_PER_DIRECTORY + 1);
    assert.ok(chosen.includes('big/terraform.tfvars'));
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.path, 'big');
  });

  it('reports a definitions file that does not parse once, with its line and without its text, and uses none of its values', () => {
    for (const [name, text, line] of [
      ['terraform.tfvars', 'a = "fine"\ndb_name = "s3cr3t-value" "oops"\n', 2],
      ['terraform.tfvars.json', '{\n  "a": "fine",\n  "db_name": "s3cr3t-value",\n}\n', 4],
      ['x.auto.tfvars.json', '["s3cr3t-value"]', 1],
    ] as const) {
      const warnings: Warning[] = [];
      const files = { 'm/main.tf': 'variable "a" {\n  default = "default"\n}\n', [`m/${name}`]: text };
      const dirs = directories(files, warnings);
      assert.equal(warnings.length, 1, name);
      assert.equal(warnings[0]!.path, `m/${name}`);
      assert.equal(warnings[0]!.line, line, name);
      assert.ok(!warnings[0]!.message.includes('s3cr3t'), warnings[0]!.message);
      const input = readTerraform(`${files['m/main.tf']}resource "x" "p" {\n  v = var.a\n}\n`, () => {}, dirs.scopeFor('m/main.tf'));
      assert.equal(evaluate(input!.resources[0]!.block.body.attributes[0]!.expr, input!.scope), 'default', name);
    }
  });

  it('uses the parse made for the directory once, and parses again when the text changed', () => {
    const text = 'variable "a" {\n  default = "x"\n}\nresource "x" "p" {\n  v = var.a\n}\n';
    const dirs = directories({ 'm/a.tf': text, 'm/b.tf': '' });
    const scope = dirs.scopeFor('m/a.tf')!;
    assert.ok(scope.takeParse(text));
    assert.equal(scope.takeParse(text), undefined);
    const again = directories({ 'm/a.tf': text, 'm/b.tf': '' }).scopeFor('m/a.tf')!;
    assert.equal(again.takeParse(`${text}\n`), undefined);
    // Every file is parsed for the directory (its resources are the other files' companions), and that parse is used for its analysis.
    assert.ok(directories({ 'm/a.tf': text, 'm/b.tf': 'resource "x" "q" {}\n' }).scopeFor('m/b.tf')!.takeParse('resource "x" "q" {}\n'));
  });

  it('has nothing for files outside a module directory (plans, other JSON, definitions files)', () => {
    const dirs = directories({ 'm/a.tf': '', 'm/b.tf': '', 'm/plan.json': '{}', 'm/terraform.tfvars': 'a = 1\n' });
    assert.ok(dirs.scopeFor('m/a.tf'));
    assert.equal(dirs.scopeFor('m/plan.json'), undefined);
    assert.equal(dirs.scopeFor('m/terraform.tfvars'), undefined);
    assert.equal(dirs.scopeFor('other/a.tf'), undefined);
  });

  it('wants the definitions files, those passed with -var-file too, and gives them no platform', () => {
    for (const p of ['terraform.tfvars', 'env/terraform.tfvars.json', 'env/net.auto.tfvars', 'env/net.auto.tfvars.json', 'env/prod.tfvars', 'env/prod.tfvars.json']) {
      assert.ok(wantsPath(p), p);
      assert.equal(classify(p, 'apiVersion = "v1"\nkind = "Pod"\n'), undefined, p);
      assert.equal(classify(p, '{"apiVersion": "v1", "kind": "Pod"}'), undefined, p);
      assert.deepEqual(analyseFile(p, 'a = 1\n', () => assert.fail('no warning')).findings, []);
    }
    assert.ok(!wantsPath('env/prod.tfvars.example'));
  });
});

describe('terraform module directories in a scan', () => {
  it('reports a problem whose value comes from a sibling file and a terraform.tfvars, and not one that the tfvars restricts', async () => {
    const target = path.join(projectRoot, 'test', 'fixtures', 'iac', 'terraform-directory');
    const result = await runScan({ target, scannerSet: [iacScanner] });
    assert.deepEqual(
      result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`),
      ['iac/tf-aws-sg-open-to-internet open/main.tf:8'],
    );
    assert.match(result.findings[0]!.message, /22\/tcp/);
    assert.deepEqual(result.warnings, []);
  });

  it('reads every file once, tfvars and -var-files included, and analyses each .tf file with its directory', async () => {
    const texts: Record<string, string> = {
      'net/variables.tf': 'variable "cidrs" {\n  default = ["10.0.0.0/8"]\n}\n',
      'net/main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
      'net/sub/main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
      'net/sub/variables.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n',
      'net/terraform.tfvars': 'cidrs = ["0.0.0.0/0"]\n',
      // A -var-file that gives the same value: the value stays known.
      'net/prod.tfvars': 'cidrs = ["0.0.0.0/0"]\n',
      'net/x.tf': 'locals {}\n',
    };
    const { findings, warnings, reads, ticks, files } = await scanMemory(texts);
    assert.deepEqual(warnings, []);
    const found = findings.map((f) => `${f.location.path}:${f.location.startLine}`);
    assert.deepEqual(found.sort(), ['net/main.tf:6', 'net/sub/main.tf:6']);
    assert.deepEqual([...reads.values()], Array(Object.keys(texts).length).fill(1));
    assert.equal(ticks, files);
  });

  it("reads a module call's argument from a variable that a -var-file sets as unknown (a module's example and its test fixtures)", async () => {
    const texts: Record<string, string> = {
      'main.tf': 'variable "log_types" {\n  default = []\n}\nresource "aws_eks_cluster" "this" {\n  name = "c"\n  role_arn = "arn:aws:iam::123456789012:role/eks"\n  enabled_cluster_log_types = var.log_types\n  vpc_config {\n    subnet_ids = ["subnet-1"]\n    endpoint_public_access = false\n  }\n}\n',
      'examples/complete/main.tf': 'module "cluster" {\n  source    = "../../"\n  log_types = var.log_types\n}\n',
      'examples/complete/variables.tf': 'variable "log_types" {\n  default = []\n}\n',
      'examples/complete/fixtures.us-east-2.tfvars': 'log_types = ["audit"]\n',
    };
    const logs = async (files: Record<string, string>) => (await scanMemory(files)).findings.filter((f) => f.ruleId === 'iac/tf-aws-service-logs-not-exported').map((f) => f.location.path);
    assert.deepEqual(await logs(texts), []);
    // Without the fixtures, the example's default (no logs) is what the call gives.
    const { ['examples/complete/fixtures.us-east-2.tfvars']: _, ...alone } = texts;
    assert.deepEqual(await logs(alone), ['main.tf']);
  });

  it('warns once about a broken terraform.tfvars, without its values, and never analyses it alone', async () => {
    const tree = tempTree({
      'variables.tf': 'variable "cidrs" {\n  default = ["0.0.0.0/0"]\n}\n',
      'main.tf': 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
      'terraform.tfvars': 'cidrs = ["10.0.0.0/8"\ntoken = "tfvars-secret-0123456789"\n',
    });
    try {
      const result = await runScan({ target: tree.dir, scannerSet: [iacScanner] });
      // The broken file's values are not used: the default applies.
      assert.deepEqual(result.findings.map((f) => `${f.location.path}:${f.location.startLine}`), ['main.tf:6']);
      assert.equal(result.warnings.length, 1);
      assert.equal(result.warnings[0]!.path, 'terraform.tfvars');
      assert.equal(typeof result.warnings[0]!.line, 'number');
      assert.ok(!JSON.stringify(result.warnings).includes('tfvars-secret'));
    } finally {
      tree.cleanup();
    }
  });
});
