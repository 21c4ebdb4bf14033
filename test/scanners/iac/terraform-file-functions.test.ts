import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runScan, type ScanResult } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { UNKNOWN, evaluate, type ModuleFiles, type Value } from '../../../src/scanners/iac/terraform/hcl/evaluate.js';
import { parseHcl } from '../../../src/scanners/iac/terraform/hcl/parser.js';
import { fileScope } from '../../../src/scanners/iac/terraform/model.js';
import { fixturePath } from '../../helpers/paths.js';

/** The locals of `source` as evaluated with these files around it, unknown parts written '?'. */
function locals(source: string, files?: ModuleFiles): Record<string, unknown> {
  const body = parseHcl(source).body;
  const scope = { ...fileScope(body), ...(files ? { files } : {}) };
  const out: Record<string, unknown> = {};
  const shown = (v: Value): unknown => JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === UNKNOWN ? '?' : x)) ?? '"?"');
  for (const block of body.blocks) if (block.type === 'locals') for (const a of block.body.attributes) out[a.name] = shown(evaluate(a.expr, scope));
  return out;
}

/** Files of a module in `modules/net`, the root module being `live`. */
function filesOf(texts: Record<string, string>, root: string | null = 'live'): ModuleFiles {
  const paths = Object.keys(texts);
  return {
    module: 'modules/net',
    ...(root !== null ? { root } : {}),
    text: (p) => texts[p],
    list: (dir) => (paths.some((p) => p.startsWith(`${dir}/`)) ? paths.filter((p) => p.startsWith(`${dir}/`)).map((p) => p.slice(dir.length + 1)) : undefined),
  };
}

describe('Terraform file functions: evaluation', () => {
  const files = filesOf({
    'modules/net/rules.yaml': 'ssh:\n  ranges: [10.0.0.0/24]\n',
    'modules/net/policy.json': '{"Statement": []}',
    'modules/net/rules/a.yaml': 'a: 1\n',
    'modules/net/rules/b.yml': 'b: 2\n',
    'modules/net/rules/nested/c.yaml': 'c: 3\n',
    'modules/net/user-data.tpl': 'region=${region}\nport=${port + 1}\n',
    'modules/net/loop.tpl': '%{ for x in xs }${x}%{ endfor }',
    'modules/shared.yaml': 'shared: true\n',
    'live/cidrs.yaml': '- 192.0.2.0/24\n',
  });

  it('reads files by path.module, path.root and relative paths, and decodes them', () => {
    const v = locals(
      `
locals {
  dir      = "\${path.module}/rules"
  rules    = yamldecode(file("\${path.module}/rules.yaml"))
  policy   = jsondecode(file("\${path.module}/policy.json"))
  up       = yamldecode(file("\${path.module}/../shared.yaml"))
  relative = yamldecode(file("cidrs.yaml"))
  root     = yamldecode(file("\${path.root}/cidrs.yaml"))
  set      = fileset(local.dir, "*.{yaml,yml}")
  deep     = fileset("\${path.module}/rules", "**/*.yaml")
  merged   = merge([for f in fileset(local.dir, "*.yaml") : yamldecode(file("\${local.dir}/\${f}"))]...)
  exists   = [fileexists("\${path.module}/rules.yaml"), fileexists("\${path.module}/rules/none.yaml")]
  template = templatefile("\${path.module}/user-data.tpl", { region = "eu-west-1", port = 21 })
}`,
      files,
    );
    assert.deepEqual(v.rules, { ssh: { ranges: ['10.0.0.0/24'] } });
    assert.deepEqual(v.policy, { Statement: [] });
    assert.deepEqual(v.up, { shared: true });
    assert.deepEqual(v.relative, ['192.0.2.0/24']);
    assert.deepEqual(v.root, ['192.0.2.0/24']);
    assert.deepEqual(v.set, ['a.yaml', 'b.yml']);
    assert.deepEqual(v.deep, ['a.yaml', 'nested/c.yaml']);
    assert.deepEqual(v.merged, { a: 1 });
    assert.deepEqual(v.exists, [true, false]);
    assert.equal(v.template, 'region=eu-west-1\nport=22\n');
    // path.module has a value only where a file function reads its path.
    assert.equal(v.dir, '?');
  });

  it('leaves unknown what it cannot read or tell, and never reads outside the scan root', () => {
    const v = locals(
      `
locals {
  missing   = file("\${path.module}/none.yaml")
  outside   = file("\${path.module}/../../../etc/passwd")
  absolute  = file("/etc/passwd")
  home      = file("~/.aws/credentials")
  unknown   = file(var.path)
  glued     = file("\${path.module}rules.yaml")
  directive = templatefile("\${path.module}/loop.tpl", { xs = ["a"] })
  no_vars   = templatefile("\${path.module}/user-data.tpl", { region = "eu-west-1" })
  exists    = fileexists("\${path.module}/other/x.yaml")
  cwd       = file("\${path.cwd}/cidrs.yaml")
}`,
      files,
    );
    for (const [name, value] of Object.entries(v)) assert.equal(value, '?', name);
  });

  it('reads no relative path in a module another module calls (its working directory is the caller’s)', () => {
    const v = locals('locals {\n  relative = file("cidrs.yaml")\n  own = file("${path.module}/rules.yaml")\n}', filesOf({ 'live/cidrs.yaml': 'x', 'modules/net/rules.yaml': 'y' }, null));
    assert.equal(v.relative, '?');
    assert.equal(v.own, 'y');
  });

  it('gives nothing without the files of the scan', () => {
    assert.deepEqual(locals('locals {\n  x = file("${path.module}/rules.yaml")\n}'), { x: '?' });
  });
});

describe('Terraform file functions: a scan', () => {
  let result: ScanResult;
  before(async () => {
    result = await runScan({ target: fixturePath('iac', 'tf-file-functions'), scannerSet: [iacScanner] });
  });
  const places = (ruleId: string) =>
    result.findings
      .filter((f) => f.ruleId === ruleId)
      .map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`)
      .sort();

  it('judges firewall rules built from YAML files (fileset, yamldecode, named ranges): only the one open to the internet', () => {
    assert.deepEqual(places('iac/tf-gcp-firewall-open-to-internet'), ['main.tf:15 google_compute_firewall.ingress["allow-admin-ssh"] opens 22/tcp (SSH) to 0.0.0.0/0.']);
    assert.deepEqual(places('iac/tf-gcp-firewall-sensitive-port-broad-public'), []);
  });

  it('judges security group sources read from a JSON file', () => {
    assert.deepEqual(places('iac/tf-aws-sg-sensitive-port-wide-private').map((p) => p.split(' ')[0]), ['main.tf:30']);
  });
});

describe('Terraform file functions: what the scan reads', () => {
  let dir: string;
  let outside: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'secloop-tf-files-'));
    outside = mkdtempSync(path.join(tmpdir(), 'secloop-tf-outside-'));
    writeFileSync(path.join(outside, 'open.yaml'), 'ranges: [0.0.0.0/0]\n');
    mkdirSync(path.join(outside, 'dir'));
    writeFileSync(path.join(outside, 'dir', 'open.yaml'), 'ranges: [0.0.0.0/0]\n');
    const module = path.join(dir, 'net');
    mkdirSync(module);
    writeFileSync(path.join(module, 'inside.yaml'), 'ranges: [0.0.0.0/0]\n');
    symlinkSync(path.join(outside, 'open.yaml'), path.join(module, 'linked.yaml'));
    symlinkSync(path.join(outside, 'dir'), path.join(module, 'linked-dir'));
    const rule = (name: string, file: string) =>
      `resource "google_compute_firewall" "${name}" {\n  name          = "${name}"\n  network       = "default"\n  source_ranges = yamldecode(file("${file}")).ranges\n  allow {\n    protocol = "tcp"\n    ports    = ["22"]\n  }\n}\n`;
    writeFileSync(
      path.join(module, 'main.tf'),
      [rule('inside', '${path.module}/inside.yaml'), rule('linked', '${path.module}/linked.yaml'), rule('through_dir', '${path.module}/linked-dir/open.yaml'), rule('parent', '${path.module}/../../' + path.basename(outside) + '/open.yaml')].join('\n'),
    );
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('follows no symbolic link and reads nothing outside the scan root: those values stay unknown', async () => {
    const result = await runScan({ target: dir, scannerSet: [iacScanner] });
    // Only the file inside the module, read as written; the same text through a link or from outside is not read.
    assert.deepEqual(
      result.findings.filter((f) => f.ruleId.startsWith('iac/tf-gcp-firewall')).map((f) => `${f.location.path}:${f.location.startLine}`),
      ['net/main.tf:4'],
    );
  });
});
