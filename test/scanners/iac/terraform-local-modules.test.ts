import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { EMPTY_SCOPE } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { MAX_CONTEXTS, mayCallLocalModule, resolveLocalSource, variablesOnLines } from '../../../src/scanners/iac/terraform/module-calls.js';
import { fileScope } from '../../../src/scanners/iac/terraform/model.js';
import { projectRoot } from '../../helpers/paths.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';
import { scanMemory } from '../../helpers/memory-files.js';

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';
const DB_PLAIN = 'iac/tf-aws-database-not-encrypted';

/** Runs the IaC scanner on files held in memory, as the scan pipeline calls it, counting the reads of each file. */
const scan = scanMemory;

const at = (findings: readonly ScannerFinding[], rule: string) =>
  findings
    .filter((f) => f.ruleId === rule)
    .map((f) => `${f.location.path}:${f.location.startLine}`)
    .sort();

const sgModule = (defaultCidrs: string) => ({
  main: 'resource "aws_security_group" "ssh" {\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n    cidr_blocks = var.cidrs\n  }\n}\n',
  variables: `variable "cidrs" {\n  type    = list(string)\n  default = ${defaultCidrs}\n}\n`,
});
const OPEN = '["0.0.0.0/0"]';
const PRIVATE = '["10.0.0.0/8"]';

/** A tree with a security group module whose default is `defaultCidrs`, and `root` as the root module's main.tf. */
function tree(defaultCidrs: string, root: string, extra: Record<string, string> = {}): Record<string, string> {
  const sg = sgModule(defaultCidrs);
  return { 'main.tf': root, 'modules/sg/main.tf': sg.main, 'modules/sg/variables.tf': sg.variables, ...extra };
}

describe('terraform local modules: finding the calls', () => {
  it('resolves local sources from the caller, and nothing that leaves the scan root', () => {
    assert.equal(resolveLocalSource('', './modules/db'), 'modules/db');
    assert.equal(resolveLocalSource('envs/prod', '../../modules/db/'), 'modules/db');
    assert.equal(resolveLocalSource('a', './b/../c//d/.'), 'a/c/d');
    assert.equal(resolveLocalSource('a', '../'), '');
    for (const source of ['../x', './a/../../x', '/etc', 'modules/db', 'git::https://example.org/x.git', '.\\x', './a\0b', `./${'a/'.repeat(3000)}`]) {
      assert.equal(resolveLocalSource('', source), undefined, source);
    }
  });

  it('prefilters texts without a parse, in both syntaxes', () => {
    assert.ok(mayCallLocalModule('module "db" {\n  source = "./modules/db"\n}\n'));
    assert.ok(mayCallLocalModule('{"module": {"db": {"source": "../db"}}}'));
    assert.ok(!mayCallLocalModule('module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'));
    assert.ok(!mayCallLocalModule('resource "aws_s3_bucket" "b" {\n  source = "./x"\n}\n'));
  });

  it("names the variables a line's settings read, through locals", () => {
    const text = 'locals {\n  open = var.a ? local.wide : var.b\n  wide = var.c\n}\nresource "x" "y" {\n  for_each = var.items\n  v = local.open\n  w = [{\n    k = var.d\n  }]\n}\n';
    const body = parseHcl(text).body;
    assert.deepEqual(variablesOnLines(body, [7], fileScope(body)), ['a', 'c', 'b', 'items']);
    assert.deepEqual(variablesOnLines(body, [8, 9], fileScope(body)), ['d', 'items']);
    assert.deepEqual(variablesOnLines(body, [5], fileScope(body)), ['items']);
    assert.deepEqual(variablesOnLines(body, [1], EMPTY_SCOPE), []);
  });
});

describe('terraform local modules: values from the callers', () => {
  it('reports a default that is safe when a caller passes an unsafe value, on the child line, naming the call and its argument', async () => {
    const { findings, warnings } = await scan(tree(PRIVATE, 'module "bastion" {\n  source = "./modules/sg"\n  cidrs  = ["0.0.0.0/0"]\n}\n'));
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    const finding = findings.find((f) => f.ruleId === SG_OPEN)!;
    assert.match(finding.message, /\(via module\.bastion in main\.tf:1\)$/);
    assert.deepEqual(finding.related, [{ path: 'main.tf', startLine: 3, message: 'module.bastion sets cidrs' }]);
    assert.deepEqual(warnings, []);
  });

  it('reports nothing when the default is unsafe but every caller passes a safe value', async () => {
    const { findings } = await scan(
      tree(OPEN, 'module "a" {\n  source = "./modules/sg"\n  cidrs  = local.office\n}\nlocals {\n  office = ["10.1.0.0/16"]\n}\n', {
        'other/main.tf': 'module "b" {\n  source = "../modules/sg"\n  cidrs  = var.office\n}\n',
        'other/variables.tf': 'variable "office" {\n  default = ["192.168.0.0/24"]\n}\n',
      }),
    );
    assert.deepEqual(at(findings, SG_OPEN), []);
  });

  it('keeps unknown arguments unknown, and never fires on them', async () => {
    // The root's variable has no default and no tfvars value; an attribute of a resource is unknown too.
    const root = 'variable "cidrs" {}\nmodule "a" {\n  source = "./modules/sg"\n  cidrs  = var.cidrs\n}\nmodule "b" {\n  source = "./modules/sg"\n  cidrs  = [aws_vpc.main.cidr_block]\n}\n';
    assert.deepEqual(at((await scan(tree(OPEN, root))).findings, SG_OPEN), []);
    // Without the arguments, the default applies to both calls (one finding).
    const { findings } = await scan(tree(OPEN, 'module "a" {\n  source = "./modules/sg"\n}\nmodule "b" {\n  source = "./modules/sg"\n}\n'));
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    const finding = findings.find((f) => f.ruleId === SG_OPEN)!;
    assert.match(finding.message, /\(via module\.a in main\.tf:1 and 1 other module call\)$/);
    // The value is the child's default: the calls are the module blocks.
    assert.deepEqual(
      finding.related?.map((r) => `${r.path}:${r.startLine} ${r.message}`),
      ['main.tf:1 module.a calls this module', 'main.tf:4 module.b calls this module'],
    );
  });

  it("uses the caller's terraform.tfvars, and ignores the child's (Terraform reads it for the root only)", async () => {
    const files = tree(PRIVATE, 'variable "admin" {\n  default = ["10.9.0.0/16"]\n}\nmodule "a" {\n  source = "./modules/sg"\n  cidrs  = var.admin\n}\n', {
      'terraform.tfvars': 'admin = ["0.0.0.0/0"]\n',
      'modules/sg/terraform.tfvars': 'cidrs = ["10.0.0.0/8"]\n',
    });
    assert.deepEqual(at((await scan(files)).findings, SG_OPEN), ['modules/sg/main.tf:6']);
    // A module without callers reads its own tfvars, as a root module.
    const alone = { 'modules/sg/main.tf': files['modules/sg/main.tf']!, 'modules/sg/variables.tf': sgModule(PRIVATE).variables, 'modules/sg/terraform.tfvars': 'cidrs = ["0.0.0.0/0"]\n', 'x/main.tf': '' };
    const { findings } = await scan(alone);
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    assert.doesNotMatch(findings.find((f) => f.ruleId === SG_OPEN)!.message, /via/);
  });

  it('reads a module without callers with its defaults, as before', async () => {
    const sg = sgModule(OPEN);
    const { findings } = await scan({ 'main.tf': 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n', 'modules/sg/main.tf': sg.main, 'modules/sg/variables.tf': sg.variables });
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    assert.equal(findings.find((f) => f.ruleId === SG_OPEN)!.related, undefined);
  });

  it('reads a call in the JSON syntax', async () => {
    const { findings } = await scan(tree(PRIVATE, '', { 'main.tf': '', 'root.tf.json': '{\n  "module": {\n    "edge": {\n      "source": "./modules/sg",\n      "cidrs": ["0.0.0.0/0"]\n    }\n  }\n}\n' }));
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    assert.deepEqual(findings.find((f) => f.ruleId === SG_OPEN)!.related?.[0]?.path, 'root.tf.json');
  });

  it('points a missing setting at the module block', async () => {
    const files = {
      'main.tf': 'module "db" {\n  source     = "./modules/db"\n  identifier = "x"\n}\n',
      'modules/db/main.tf': 'resource "aws_db_instance" "this" {\n  identifier = var.identifier\n  engine     = "postgres"\n}\n',
      'modules/db/variables.tf': 'variable "identifier" {}\n',
    };
    const { findings } = await scan(files);
    const finding = findings.find((f) => f.ruleId === DB_PLAIN)!;
    assert.equal(finding.location.startLine, 1);
    assert.deepEqual(finding.related, [{ path: 'main.tf', startLine: 1, message: 'module.db calls this module' }]);
  });
});

describe('terraform local modules: instances, chains and limits', () => {
  it('reads each instance of a for_each, and names the instance', async () => {
    const root = 'module "sg" {\n  for_each = {\n    office = ["10.0.0.0/8"]\n    public = ["0.0.0.0/0"]\n  }\n  source = "./modules/sg"\n  cidrs  = each.value\n}\n';
    const { findings } = await scan(tree(PRIVATE, root));
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    const finding = findings.find((f) => f.ruleId === SG_OPEN)!;
    assert.match(finding.message, /via module\.sg\["public"\] in main\.tf:1\)$/);
    assert.deepEqual(finding.related, [{ path: 'main.tf', startLine: 7, message: 'module.sg["public"] sets cidrs' }]);
    // A count, and a for_each that cannot be read: `each` is unknown, so is the argument.
    const counted = 'module "sg" {\n  count  = 2\n  source = "./modules/sg"\n  cidrs  = count.index == 0 ? ["10.0.0.0/8"] : ["0.0.0.0/0"]\n}\n';
    assert.deepEqual(at((await scan(tree(PRIVATE, counted))).findings, SG_OPEN), ['modules/sg/main.tf:6']);
    const unread = 'variable "sets" {}\nmodule "sg" {\n  for_each = var.sets\n  source   = "./modules/sg"\n  cidrs    = each.value\n}\n';
    assert.deepEqual(at((await scan(tree(OPEN, unread))).findings, SG_OPEN), []);
  });

  it(`reads a module called with more than ${MAX_CONTEXTS} different values once with its defaults, and says so`, async () => {
    const root = Array.from({ length: MAX_CONTEXTS + 4 }, (_, i) => `module "sg${i}" {\n  source = "./modules/sg"\n  cidrs  = ["10.${i % 256}.${i >> 8}.0/24"]\n}\n`).join('');
    const { findings, warnings } = await scan(tree(OPEN, root));
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    assert.doesNotMatch(findings.find((f) => f.ruleId === SG_OPEN)!.message, /via/);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.path, 'modules/sg');
    assert.match(warnings[0]!.message, new RegExp(`more than ${MAX_CONTEXTS} different sets of argument values`));
  });

  it('follows a chain of four calls, and reads the caller five calls up as a root', async () => {
    // root -> m1 -> m2 -> m3 -> m4 -> m5, each passing var.cidrs on (default private); the root passes 0.0.0.0/0.
    const files: Record<string, string> = { 'main.tf': 'module "m1" {\n  source = "./m1"\n  cidrs  = ["0.0.0.0/0"]\n}\n' };
    for (let i = 1; i <= 5; i++) {
      files[`m${i}/variables.tf`] = `variable "cidrs" {\n  default = ${PRIVATE}\n}\n`;
      files[`m${i}/main.tf`] = (i < 5 ? `module "m${i + 1}" {\n  source = "../m${i + 1}"\n  cidrs  = var.cidrs\n}\n` : '') + sgModule(PRIVATE).main;
    }
    const { findings, warnings } = await scan(files);
    const line = (i: number) => (i < 5 ? 10 : 6);
    assert.deepEqual(at(findings, SG_OPEN), [1, 2, 3, 4].map((i) => `m${i}/main.tf:${line(i)}`));
    const deepest = findings.find((f) => f.ruleId === SG_OPEN && f.location.path === 'm4/main.tf')!;
    assert.match(deepest.message, /via module\.m1\.module\.m2\.module\.m3\.module\.m4 in m3\/main\.tf:1\)$/);
    assert.deepEqual(warnings, []);
  });

  it('ends at cycles and ignores sources that name nothing in the scan, without warnings', async () => {
    const sg = sgModule(OPEN);
    const files = {
      'a/main.tf': 'module "b" {\n  source = "../b"\n  cidrs  = var.cidrs\n}\nmodule "self" {\n  source = "./"\n}\n' + sg.main,
      'a/variables.tf': sg.variables,
      'b/main.tf': 'module "a" {\n  source = "../a"\n  cidrs  = var.cidrs\n}\n' + sg.main,
      'b/variables.tf': sg.variables,
      'main.tf': [
        'module "abs" {\n  source = "/etc/terraform"\n}\n',
        'module "up" {\n  source = "../../outside"\n}\n',
        'module "gone" {\n  source = "./missing"\n}\n',
        'module "dots" {\n  source = "./a/../../.."\n}\n',
        'module "nul" {\n  source = "./a\\u0000"\n}\n',
        'module "computed" {\n  source = "./${var.x}"\n}\n',
        'module "number" {\n  source = 3\n}\n',
        'module {\n  source = "./a"\n}\n',
        `module "long" {\n  source = "./${'x/'.repeat(5000)}"\n}\n`,
      ].join(''),
    };
    const { findings, warnings } = await scan(files);
    assert.deepEqual(at(findings, SG_OPEN), ['a/main.tf:13', 'b/main.tf:10']);
    assert.deepEqual(warnings, []);
  });

  it('reads every file once, on a tree of thousands of files', async () => {
    const files: Record<string, string> = {};
    const sg = sgModule(PRIVATE);
    files['modules/sg/main.tf'] = sg.main;
    files['modules/sg/variables.tf'] = sg.variables;
    for (let i = 0; i < 1500; i++) {
      files[`envs/e${i}/main.tf`] = `module "sg" {\n  source = "../../modules/sg"\n  cidrs  = ${i === 700 ? OPEN : PRIVATE}\n}\nresource "aws_s3_bucket" "b" {\n  bucket = "e${i}"\n}\n`;
      files[`plain/p${i}/main.tf`] = `resource "aws_s3_bucket" "b" {\n  bucket = "p${i}"\n}\n`;
    }
    const { findings, reads, warnings } = await scan(files);
    assert.deepEqual(at(findings, SG_OPEN), ['modules/sg/main.tf:6']);
    const finding = findings.find((f) => f.ruleId === SG_OPEN)!;
    assert.match(finding.message, /via module\.sg in envs\/e700\/main\.tf:1\)$/);
    assert.deepEqual([...new Set(reads.values())], [1]);
    assert.equal(reads.size, Object.keys(files).length);
    assert.deepEqual(warnings, []);
  });
});

describe('terraform local modules: one finding for several calls', () => {
  it("is the most severe call's, named first, when the calls make one line differently bad", async () => {
    const RULE = 'iac/tf-azure-nsg-open-to-internet';
    const files = {
      'main.tf': 'module "couch" {\n  source = "./modules/nsg"\n  port   = "5984"\n}\n\nmodule "files" {\n  source = "./modules/nsg"\n  port   = "445"\n}\n',
      'modules/nsg/main.tf':
        'variable "port" {\n  type = string\n}\n\nresource "azurerm_network_security_rule" "open" {\n  name                        = "open"\n  priority                    = 100\n  direction                   = "Inbound"\n  access                      = "Allow"\n  protocol                    = "Tcp"\n  source_port_range           = "*"\n  destination_port_range      = var.port\n  source_address_prefix       = "*"\n  destination_address_prefix  = "*"\n  resource_group_name         = "net"\n  network_security_group_name = "app"\n}\n',
    };
    const found = (await scan(files)).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(at(found, RULE), ['modules/nsg/main.tf:13']);
    assert.equal(found[0]!.severity, 'critical');
    assert.match(found[0]!.message, /opens 445\/tcp \(SMB\/CIFS\) to \*\. \(via module\.files in main\.tf:6 and 1 other module call\)$/);
    // The source line reads no argument: each call's module block is related, the worst first.
    assert.deepEqual(
      found[0]!.related?.map((r) => `${r.path}:${r.startLine}`),
      ['main.tf:6', 'main.tf:1'],
    );
  });
});

describe('terraform local modules: the arguments a finding owes its value to', () => {
  it('relates every argument that sets a variable the setting reads, up the chain, not only the first one nobody sets above', async () => {
    const RULE = 'iac/tf-aws-backups-disabled';
    const files = {
      'main.tf': 'module "db" {\n  source    = "./modules/wrapper"\n  retention = 0\n}\n',
      'modules/wrapper/main.tf':
        'variable "blue_green" {\n  default = null\n}\n\nvariable "retention" {\n  default = 7\n}\n\nmodule "instance" {\n  source     = "../instance"\n  blue_green = var.blue_green\n  retention  = var.retention\n}\n',
      'modules/instance/main.tf':
        'variable "create" {\n  default = true\n}\n\nvariable "blue_green" {\n  default = null\n}\n\nvariable "retention" {\n  default = 7\n}\n\nresource "aws_db_instance" "this" {\n  count                   = var.create ? 1 : 0\n  engine                  = "postgres"\n  instance_class          = "db.t3.micro"\n  storage_encrypted       = true\n  backup_retention_period = var.blue_green != null ? coalesce(var.retention, 1) : var.retention\n}\n',
    };
    const found = (await scan(files)).findings.filter((f) => f.ruleId === RULE);
    assert.deepEqual(at(found, RULE), ['modules/instance/main.tf:18']);
    assert.deepEqual(found[0]!.related, [
      { path: 'modules/wrapper/main.tf', startLine: 11, message: 'module.db.module.instance sets blue_green' },
      { path: 'modules/wrapper/main.tf', startLine: 12, message: 'module.db.module.instance sets retention' },
      // The root sets retention, not blue_green: before, only the first argument was followed, and the root's was never named.
      { path: 'main.tf', startLine: 3, message: 'module.db sets retention' },
    ]);
  });
});

describe('terraform local modules in a scan', () => {
  it('reports what the root deploys through its modules, once per child line', async () => {
    const target = path.join(projectRoot, 'test', 'fixtures', 'iac', 'local-modules');
    const result = await runScan({ target, scannerSet: [iacScanner] });
    const interesting = result.findings.filter((f) => f.ruleId === SG_OPEN || f.ruleId === DB_PLAIN);
    assert.deepEqual(
      interesting.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort(),
      [`${DB_PLAIN} modules/db/main.tf:5`, `${SG_OPEN} modules/legacy/main.tf:8`],
    );
    const db = interesting.find((f) => f.ruleId === DB_PLAIN)!;
    assert.match(db.message, /\(via module\.db in main\.tf:1 and 1 other module call\)$/);
    assert.deepEqual(db.related, [
      { path: 'main.tf', startLine: 4, message: 'module.db sets storage_encrypted' },
      { path: 'modules/app/main.tf', startLine: 4, message: 'module.app.module.db sets storage_encrypted' },
      // modules/app passes on its own variable: the root's argument that sets it is related too.
      { path: 'main.tf', startLine: 14, message: 'module.app sets encrypt_db' },
    ]);
    // One finding per rule and line, whatever the number of calls.
    const keys = result.findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.equal(new Set(result.findings.map((f) => f.fingerprint)).size, result.findings.length);
    assert.deepEqual(result.warnings, []);
  });

  it('reads the unstaged Terraform files beside a staged one from the index, for its scope only', async () => {
    const t = tempTree({
      'infra/variables.tf': `variable "cidrs" {\n  default = ${OPEN}\n}\n`,
      'infra/main.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      t.write('infra/main.tf', sgModule(OPEN).main);
      git(t.dir, 'add', 'infra/main.tf');
      // What will be committed is the index: a change left in the working tree does not count.
      t.write('infra/variables.tf', `variable "cidrs" {\n  default = ${PRIVATE}\n}\n`);
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings, SG_OPEN), ['infra/main.tf:6']);
      assert.deepEqual(result.warnings, []);
      // Context only: nothing is reported on the unstaged file.
      assert.ok(result.findings.every((f) => f.location.path === 'infra/main.tf'));
    } finally {
      t.cleanup();
    }
  });

  it('with --staged, analyses a staged module as the callers in the index deploy it, through a chain of calls', async () => {
    const module = 'variable "encrypted" {\n  default = false\n}\nresource "aws_db_instance" "db" {\n  engine            = "postgres"\n  instance_class    = "db.t3.micro"\n  storage_encrypted = var.encrypted\n}\n';
    const t = tempTree({
      'modules/db/main.tf': module,
      'modules/app/main.tf': 'variable "encrypted" {\n  default = false\n}\nmodule "db" {\n  source    = "../db"\n  encrypted = var.encrypted\n}\n',
      'live/main.tf': 'module "app" {\n  source    = "../modules/app"\n  encrypted = true\n}\n',
    });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      // The staged change is on the line a finding would be on (--staged reports changed lines).
      t.write('modules/db/main.tf', module.replace('storage_encrypted = var.encrypted', 'storage_encrypted = var.encrypted # set by the caller'));
      git(t.dir, 'add', 'modules/db/main.tf');
      // The only caller chain sets encrypted = true: the default is never deployed.
      const safe = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(at(safe.findings, DB_PLAIN), []);
      assert.deepEqual(safe.warnings, []);
      // The index decides: a caller changed in the working tree only does not count; once staged, it does.
      t.write('live/main.tf', 'module "app" {\n  source    = "../modules/app"\n  encrypted = false\n}\n');
      assert.deepEqual(at((await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] })).findings, DB_PLAIN), []);
      git(t.dir, 'add', 'live/main.tf');
      const plain = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      assert.deepEqual(at(plain.findings, DB_PLAIN), ['modules/db/main.tf:7']);
      const finding = plain.findings.find((f) => f.ruleId === DB_PLAIN)!;
      assert.match(finding.message, /via module\.app\.module\.db in modules\/app\/main\.tf:4/);
      // The argument that passes the value on, and the one up the chain that sets it, are related places.
      assert.deepEqual(finding.related?.map((r) => `${r.path}:${r.startLine}`), ['modules/app/main.tf:6', 'live/main.tf:3']);
      // So a change of the outermost caller's argument alone keeps the finding in a diff-aware scan.
      commitAll(t.dir, 'plain');
      t.write('live/main.tf', 'module "app" {\n  source    = "../modules/app"\n  encrypted = true\n}\n');
      commitAll(t.dir, 'encrypted');
      t.write('live/main.tf', 'module "app" {\n  source    = "../modules/app"\n  encrypted = false\n}\n');
      assert.deepEqual(at((await runScan({ target: t.dir, since: 'HEAD', scannerSet: [iacScanner] })).findings, DB_PLAIN), ['modules/db/main.tf:7']);
    } finally {
      t.cleanup();
    }
  });
});
