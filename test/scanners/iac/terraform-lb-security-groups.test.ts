import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const SG_OPEN = 'iac/tf-aws-sg-open-to-internet';

/** A load balancer module as registry modules write one: its own group, rules and listeners from inputs, the group and the balancer handed on by outputs. */
const lbModule = (type: string) => ({
  'modules/lb/main.tf': `resource "aws_security_group" "this" {
  name   = "lb"
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each          = var.ingress_rules
  security_group_id = aws_security_group.this.id
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  ip_protocol       = "tcp"
  cidr_ipv4         = each.value.cidr_ipv4
}

resource "aws_lb" "this" {
  name               = "lb"
  load_balancer_type = "${type}"
  security_groups    = [aws_security_group.this.id]
}

resource "aws_lb_listener" "this" {
  for_each          = var.listeners
  load_balancer_arn = aws_lb.this.arn
  port              = each.value.port
  protocol          = each.value.protocol
}
`,
  'modules/lb/variables.tf': 'variable "vpc_id" {\n  default = null\n}\nvariable "ingress_rules" {\n  default = {}\n}\nvariable "listeners" {\n  default = {}\n}\n',
  'modules/lb/outputs.tf': 'output "security_group_id" {\n  value = aws_security_group.this.id\n}\noutput "arn" {\n  value = aws_lb.this.arn\n}\n',
});

const call = (rules: string, listeners: string, after = '') =>
  `module "lb" {\n  source        = "./modules/lb"\n  vpc_id        = "vpc-0123456789abcdef0"\n  ingress_rules = ${rules}\n  listeners     = ${listeners}\n}\n\noutput "lb_security_group_id" {\n  value = module.lb.security_group_id\n}\n${after}`;

const HTTPS_443_445 = '{\n    https = { from_port = 443, to_port = 445, cidr_ipv4 = "0.0.0.0/0" }\n  }';
const HTTPS_LISTENERS = '{\n    a = { port = 443, protocol = "HTTPS" }\n    b = { port = 445, protocol = "HTTPS" }\n  }';

const found = async (texts: Record<string, string>) => (await scanMemory(texts)).findings.filter((f) => f.ruleId === SG_OPEN);

describe('tf-aws-sg-open-to-internet on the groups of load balancers', () => {
  it('reports no SMB on an application load balancer whose HTTPS listeners take 443-445, when the caller only outputs its group', async () => {
    assert.deepEqual(await found({ 'main.tf': call(HTTPS_443_445, HTTPS_LISTENERS), ...lbModule('application') }), []);
  });

  it('keeps the port when the caller attaches the group to an instance, directly or through a local', async () => {
    const instance = (groups: string) => `resource "aws_instance" "app" {\n  ami                    = "ami-0123456789abcdef0"\n  instance_type          = "t3.micro"\n  vpc_security_group_ids = [${groups}]\n}\n`;
    for (const after of [instance('module.lb.security_group_id'), `locals {\n  lb_group = module.lb.security_group_id\n}\n${instance('local.lb_group')}`]) {
      const findings = await found({ 'main.tf': call(HTTPS_443_445, HTTPS_LISTENERS, after), ...lbModule('application') });
      assert.deepEqual(
        findings.map((f) => [f.location.path, f.severity]),
        [['modules/lb/main.tf', 'critical']],
        after,
      );
      assert.match(findings[0]!.message, /445\/tcp \(SMB\/CIFS\)/);
    }
  });

  it("keeps the port when the caller is itself called, and its caller attaches the group that the caller's output hands on", async () => {
    const root = 'module "edge" {\n  source = "./modules/edge"\n}\n\nresource "aws_instance" "app" {\n  ami                    = "ami-0123456789abcdef0"\n  instance_type          = "t3.micro"\n  vpc_security_group_ids = [module.edge.lb_security_group_id]\n}\n';
    const edge = call(HTTPS_443_445, HTTPS_LISTENERS).replace('"./modules/lb"', '"../lb"');
    const findings = await found({ 'main.tf': root, 'modules/edge/main.tf': edge, ...lbModule('application') });
    assert.deepEqual(
      findings.map((f) => [f.location.path, f.severity]),
      [['modules/lb/main.tf', 'critical']],
    );
  });

  it('keeps a port that a network load balancer forwards, and drops one none of its listeners takes', async () => {
    const mysql = '{\n    db = { from_port = 3306, to_port = 3306, cidr_ipv4 = "0.0.0.0/0" }\n  }';
    const forwarded = await found({ 'main.tf': call(mysql, '{\n    db = { port = 3306, protocol = "TCP" }\n  }'), ...lbModule('network') });
    assert.deepEqual(
      forwarded.map((f) => f.severity),
      ['high'],
    );
    assert.match(forwarded[0]!.message, /3306\/tcp .*used only by the load balancer aws_lb\.this, whose listeners may forward it/);
    assert.deepEqual(await found({ 'main.tf': call(mysql, '{\n    web = { port = 443, protocol = "TLS" }\n  }'), ...lbModule('network') }), []);
  });

  it("keeps the port when the caller may add listeners (it hands on the balancer's ARN) to a network load balancer", async () => {
    const mysql = '{\n    db = { from_port = 3306, to_port = 3306, cidr_ipv4 = "0.0.0.0/0" }\n  }';
    const after = 'resource "aws_lb_listener" "db" {\n  load_balancer_arn = module.lb.arn\n  port              = 3306\n  protocol          = "TCP"\n}\n';
    assert.deepEqual((await found({ 'main.tf': call(mysql, '{\n    web = { port = 443, protocol = "TLS" }\n  }', after), ...lbModule('network') })).map((f) => f.severity), ['high']);
  });
});
