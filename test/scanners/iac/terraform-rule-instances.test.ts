import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { fileInstance, instancesOf, sectionsIn } from '../../../src/scanners/iac/terraform/rules/instances.js';
import { finishesWithin } from '../../helpers/hang-guard.js';
import { linesOf } from '../../helpers/iac-lines.js';

/** A file from its lines. */
const tf = (...lines: string[]) => lines.join('\n') + '\n';
/** The 1-based line of the first line of `source` holding `text` (after the `from`th such line). */
const at = (source: string, text: string, from = 0) => {
  const found = source
    .split('\n')
    .map((l, i) => [l, i + 1] as const)
    .filter(([l]) => l.includes(text));
  assert.ok(found[from], `no line holds ${text}`);
  return found[from]![1];
};
const findingsOf = (ruleId: string, source: string) => analyseFile('main.tf', source, () => {}).findings.filter((f) => f.ruleId === ruleId);

describe('Terraform rule instances: the shared reader', () => {
  it('gives one section per element of a readable dynamic block, binding the iterator, nested dynamic blocks included', () => {
    const source = tf(
      'resource "aws_launch_template" "t" {',
      '  dynamic "block_device_mappings" {',
      '    for_each = { a = "/dev/sda1", b = "/dev/sdb" }',
      '    iterator = disk',
      '    content {',
      '      device_name = disk.value',
      '      dynamic "ebs" {',
      '        for_each = disk.key == "a" ? [true] : [false, true]',
      '        content {',
      '          encrypted = ebs.value',
      '        }',
      '      }',
      '    }',
      '  }',
      '}',
    );
    const input = readTerraform(source, () => {});
    assert.ok(input);
    const block = input.resources[0]!.block;
    const mappings = sectionsIn(block, 'block_device_mappings', fileInstance(input));
    assert.deepEqual(
      mappings.map((m) => m.get('device_name')),
      ['/dev/sda1', '/dev/sdb'],
    );
    assert.deepEqual(mappings.map((m) => m.line), [2, 2], 'elements share the line of the dynamic block');
    const ebs = mappings.flatMap((m) => sectionsIn(m.block!, 'ebs', m.instance).map((e) => e.get('encrypted')));
    assert.deepEqual(ebs, [true, false, true]);
  });

  it('gives one instance per element of a resource for_each or count, and one unknown instance otherwise', () => {
    const input = readTerraform(
      tf(
        'variable "names" {}',
        'resource "aws_subnet" "a" {',
        '  for_each = { x = 1, y = 2 }',
        '}',
        'resource "aws_subnet" "b" {',
        '  count = 3',
        '}',
        'resource "aws_subnet" "c" {',
        '  for_each = var.names',
        '}',
        'resource "aws_subnet" "d" {',
        '  count = 100000',
        '}',
      ),
      () => {},
    );
    assert.ok(input);
    const file = fileInstance(input);
    assert.deepEqual(
      input.resources.map((r) => instancesOf(r.block, file).length),
      [2, 3, 1, 1],
    );
  });
});

describe('Terraform rule instances: EBS devices', () => {
  const RULE = 'iac/tf-aws-ebs-not-encrypted';
  const instance = (forEach: string, before = '') =>
    tf(
      `${before}resource "aws_instance" "app" {`,
      '  ami           = "ami-0123456789abcdef0"',
      '  instance_type = "t3.micro"',
      '  root_block_device {',
      '    encrypted = true',
      '  }',
      '  dynamic "ebs_block_device" {',
      `    for_each = ${forEach}`,
      '    content {',
      '      device_name = ebs_block_device.value.name',
      '      volume_size = ebs_block_device.value.size',
      '      encrypted   = ebs_block_device.value.encrypted',
      '    }',
      '  }',
      '}',
    );

  it('reports a dynamic device whose element is not encrypted, once on its line', () => {
    const source = instance('[{ name = "/dev/sdb", size = 10, encrypted = false }, { name = "/dev/sdc", size = 20, encrypted = false }, { name = "/dev/sdd", size = 5, encrypted = true }]');
    assert.deepEqual(linesOf(RULE, source), [at(source, 'encrypted   =')]);
  });

  it('stays silent when every element is encrypted, or when the list cannot be read', () => {
    assert.deepEqual(linesOf(RULE, instance('[{ name = "/dev/sdb", size = 10, encrypted = true }]')), []);
    assert.deepEqual(linesOf(RULE, instance('var.volumes', 'variable "volumes" {}\n')), []);
  });

  it('reads each instance of an instance made with for_each, and the devices of a launch template', () => {
    const counted = tf(
      'resource "aws_instance" "app" {',
      '  for_each      = { small = { size = 8, encrypted = true }, big = { size = 100, encrypted = false } }',
      '  ami           = "ami-0123456789abcdef0"',
      '  instance_type = "t3.micro"',
      '  subnet_id     = "subnet-0123456789abcdef0"',
      '  root_block_device {',
      '    volume_size = each.value.size',
      '    encrypted   = each.value.encrypted',
      '  }',
      '}',
    );
    assert.deepEqual(linesOf(RULE, counted), [8]);
    assert.deepEqual(linesOf(RULE, counted.replace('encrypted = false', 'encrypted = true')), []);
    const template = tf(
      'resource "aws_launch_template" "t" {',
      '  dynamic "block_device_mappings" {',
      '    for_each = [{ name = "/dev/sda1", encrypted = true }, { name = "/dev/sdb", encrypted = false }]',
      '    content {',
      '      device_name = block_device_mappings.value.name',
      '      ebs {',
      '        encrypted = block_device_mappings.value.encrypted',
      '      }',
      '    }',
      '  }',
      '}',
    );
    assert.deepEqual(linesOf(RULE, template), [7]);
    assert.deepEqual(linesOf(RULE, template.replace('encrypted = false', 'encrypted = true')), []);
  });
});

describe('Terraform rule instances: subnets and listeners made with for_each', () => {
  it('reports a subnet map with one public subnet, and not one whose values are all private or unknown', () => {
    const RULE = 'iac/tf-aws-subnet-public-ip';
    const subnets = (forEach: string, before = '') =>
      tf(`${before}resource "aws_subnet" "s" {`, `  for_each                = ${forEach}`, '  vpc_id                  = "vpc-0123456789abcdef0"', '  cidr_block              = each.value.cidr', '  map_public_ip_on_launch = each.value.public', '}');
    assert.deepEqual(linesOf(RULE, subnets('{ a = { cidr = "10.0.1.0/24", public = false }, b = { cidr = "10.0.2.0/24", public = true } }')), [5]);
    assert.deepEqual(linesOf(RULE, subnets('{ a = { cidr = "10.0.1.0/24", public = false } }')), []);
    assert.deepEqual(linesOf(RULE, subnets('var.subnets', 'variable "subnets" {}\n')), []);
  });

  it('reports an HTTP listener instance that forwards, and not one whose dynamic action redirects to HTTPS', () => {
    const RULE = 'iac/tf-aws-lb-http-listener';
    const listeners = (http: string) =>
      tf(
        'resource "aws_lb_listener" "l" {',
        `  for_each          = { web = { port = 80, protocol = "HTTP", action = "${http}" }, tls = { port = 443, protocol = "HTTPS", action = "forward" } }`,
        '  load_balancer_arn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/0123456789abcdef"',
        '  port              = each.value.port',
        '  protocol          = each.value.protocol',
        '  dynamic "default_action" {',
        '    for_each = [each.value.action]',
        '    content {',
        '      type = default_action.value',
        '      dynamic "redirect" {',
        '        for_each = default_action.value == "redirect" ? [1] : []',
        '        content {',
        '          port        = "443"',
        '          protocol    = "HTTPS"',
        '          status_code = "HTTP_301"',
        '        }',
        '      }',
        '    }',
        '  }',
        '}',
      );
    assert.deepEqual(linesOf(RULE, listeners('forward')), [5]);
    assert.deepEqual(linesOf(RULE, listeners('redirect')), []);
    const unknown = tf('variable "listeners" {}', 'resource "aws_lb_listener" "l" {', '  for_each = var.listeners', '  protocol = each.value.protocol', '}');
    assert.deepEqual(linesOf(RULE, unknown), []);
  });
});

describe('Terraform rule instances: one finding per line naming every element', () => {
  it('merges the CIDRs of the elements of a default security group rule', () => {
    const RULE = 'iac/tf-aws-default-sg-allows-traffic';
    const source = tf(
      'resource "aws_default_security_group" "d" {',
      '  vpc_id = "vpc-0123456789abcdef0"',
      '  dynamic "ingress" {',
      '    for_each = [["0.0.0.0/0"], ["::/0"], ["10.0.0.0/8"]]',
      '    content {',
      '      from_port        = 0',
      '      to_port          = 0',
      '      protocol         = "-1"',
      '      cidr_blocks      = ingress.value',
      '    }',
      '  }',
      '}',
    );
    const found = findingsOf(RULE, source).filter((f) => f.location.startLine === 9);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /0\.0\.0\.0\/0, ::\/0\./);
    const privateOnly = source.replace('[["0.0.0.0/0"], ["::/0"], ["10.0.0.0/8"]]', '[["10.0.0.0/8"]]');
    assert.deepEqual(linesOf(RULE, privateOnly), [3], 'the rules are still reported, not as open to the internet');
  });

  it('merges the write methods of the elements of a CORS rule, and reads none from an unknown list', () => {
    const RULE = 'iac/tf-aws-s3-cors-any-origin-write';
    const cors = (forEach: string, before = '') =>
      tf(
        `${before}resource "aws_s3_bucket_cors_configuration" "c" {`,
        '  bucket = "uploads"',
        '  dynamic "cors_rule" {',
        `    for_each = ${forEach}`,
        '    content {',
        '      allowed_methods = cors_rule.value',
        '      allowed_origins = ["*"]',
        '    }',
        '  }',
        '}',
      );
    const found = findingsOf(RULE, cors('[["GET", "PUT"], ["DELETE"], ["GET"]]'));
    assert.deepEqual(found.map((f) => f.location.startLine), [7]);
    assert.match(found[0]!.message, /PUT, DELETE/);
    assert.deepEqual(linesOf(RULE, cors('[["GET", "HEAD"]]')), []);
    assert.deepEqual(linesOf(RULE, cors('var.rules', 'variable "rules" {}\n')), []);
  });
});

describe('Terraform rule instances: hostile files', () => {
  // Also a hang guard: run in a worker that must finish within a minute (it takes about a second);
  // reading every instance written would take hours.
  it('bounds nested dynamic blocks and instances across every rule that reads them', async () => {
    const elements = Array.from({ length: 256 }, (_, i) => i).join(', ');
    const lines: string[] = [];
    for (let r = 0; r < 40; r++)
      lines.push(
        `resource "aws_launch_template" "t${r}" {\n  for_each = toset([${elements}])\n  dynamic "block_device_mappings" {\n    for_each = [${elements}]\n    content {\n      dynamic "ebs" {\n        for_each = [${elements}]\n        content {\n          encrypted = ebs.value == block_device_mappings.value && each.value == 1\n        }\n      }\n    }\n  }\n  dynamic "network_interfaces" {\n    for_each = [${elements}]\n    content {\n      associate_public_ip_address = network_interfaces.value == each.value\n    }\n  }\n}`,
        `resource "aws_instance" "i${r}" {\n  count = 256\n  subnet_id = "subnet-0123456789abcdef0"\n  dynamic "ebs_block_device" {\n    for_each = [${elements}]\n    content {\n      encrypted = ebs_block_device.value == count.index\n    }\n  }\n}`,
      );
    // The work, counted as the instances the rules read one by one: the file's budget of 4,096 (of
    // the hundreds of millions written), shared by every rule, spent to the last and no further.
    const budget = await finishesWithin<{ left: number; steps: number }>(60_000, new URL('../../helpers/terraform-instances.ts', import.meta.url), 'instanceBudgetLeft', lines.join('\n') + '\n');
    assert.equal(budget.left, 0);
    assert.ok(budget.steps >= 0);
  });
});
