import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanMemory } from '../../helpers/memory-files.js';

const RULE = 'iac/tf-aws-sg-open-to-internet';
const lines = (...l: string[]) => l.join('\n') + '\n';

/** A group that opens every port (or 22) to the world, through an inline block or a rule resource. */
const group = (name: string, ports: 'all' | 'ssh', asRule = false) =>
  asRule
    ? lines(
        `resource "aws_security_group" "${name}" {`,
        `  name = "${name}"`,
        '}',
        `resource "aws_vpc_security_group_ingress_rule" "${name}_in" {`,
        `  security_group_id = aws_security_group.${name}.id`,
        '  cidr_ipv4         = "0.0.0.0/0"',
        ports === 'all' ? '  ip_protocol       = "-1"' : '  ip_protocol       = "tcp"\n  from_port         = 22\n  to_port           = 22',
        '}',
      )
    : lines(
        `resource "aws_security_group" "${name}" {`,
        `  name = "${name}"`,
        '  ingress {',
        ports === 'all' ? '    from_port   = 0\n    to_port     = 0\n    protocol    = "-1"' : '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"',
        '    cidr_blocks = ["0.0.0.0/0"]',
        '  }',
        '}',
      );

const lambda = (group: string) =>
  lines('resource "aws_lambda_function" "fn" {', '  function_name = "fn"', '  role          = aws_iam_role.fn.arn', '  vpc_config {', '    subnet_ids         = var.subnets', `    security_group_ids = [aws_security_group.${group}.id]`, '  }', '}');
const balancer = (name: string, group: string) => lines(`resource "aws_lb" "${name}" {`, `  name            = "${name}"`, `  security_groups = [aws_security_group.${group}.id]`, '  subnets         = var.subnets', '}');

async function found(texts: Record<string, string>): Promise<Array<{ at: string; severity: string; message: string }>> {
  const { findings } = await scanMemory(texts);
  return findings.filter((f) => f.ruleId === RULE).map((f) => ({ at: `${f.location.path}:${f.location.startLine}`, severity: f.severity, message: f.message }));
}

describe('tf-aws-sg-open-to-internet: who uses the group', () => {
  it('does not report a group attached only to Lambda functions, in its file or another of the module, inline or by rule resource', async () => {
    assert.deepEqual(await found({ 'm/main.tf': group('fn', 'ssh') + lambda('fn') }), []);
    assert.deepEqual(await found({ 'm/sg.tf': group('fn', 'all', true), 'm/lambda.tf': lambda('fn'), 'm/variables.tf': 'variable "subnets" {}\n' }), []);
  });

  it('does not report a group attached only to interface VPC endpoints, by the endpoint or by an association', async () => {
    const endpoint = (attach: 'inline' | 'association') =>
      attach === 'inline'
        ? lines('resource "aws_vpc_endpoint" "ssm" {', '  vpc_id             = var.vpc_id', '  vpc_endpoint_type  = "Interface"', '  service_name       = "com.amazonaws.eu-west-1.ssm"', '  security_group_ids = [aws_security_group.ep.id]', '}')
        : lines('resource "aws_vpc_endpoint" "ssm" {', '  vpc_id            = var.vpc_id', '  vpc_endpoint_type = "Interface"', '  service_name      = "com.amazonaws.eu-west-1.ssm"', '}', 'resource "aws_vpc_endpoint_security_group_association" "ssm" {', '  vpc_endpoint_id   = aws_vpc_endpoint.ssm.id', '  security_group_id = aws_security_group.ep.id', '}');
    assert.deepEqual(await found({ 'm/main.tf': group('ep', 'all') + endpoint('inline') }), []);
    assert.deepEqual(await found({ 'm/sg.tf': group('ep', 'ssh', true), 'm/endpoints.tf': endpoint('association') }), []);
    // An endpoint and an instance: the instance is reachable.
    const instance = 'resource "aws_instance" "web" {\n  ami                    = "ami-0abcdef1234567890"\n  instance_type          = "t3.micro"\n  vpc_security_group_ids = [aws_security_group.ep.id]\n}\n';
    assert.deepEqual((await found({ 'm/main.tf': group('ep', 'ssh') + endpoint('inline') + instance })).map((f) => f.severity), ['high']);
  });

  it('reports it when an output in another file, a module call or another resource also uses it', async () => {
    const output = 'output "sg" {\n  value = local.sg\n}\n';
    assert.deepEqual((await found({ 'm/main.tf': group('fn', 'ssh') + lambda('fn'), 'm/outputs.tf': output, 'm/locals.tf': 'locals {\n  sg = aws_security_group.fn.id\n}\n' })).map((f) => f.at), ['m/main.tf:7']);
    const call = 'module "db" {\n  source             = "./db"\n  security_group_ids = [aws_security_group.fn.id]\n}\n';
    assert.deepEqual((await found({ 'm/main.tf': group('fn', 'ssh') + lambda('fn'), 'm/db.tf': call })).map((f) => f.at), ['m/main.tf:7']);
    const instance = 'resource "aws_instance" "web" {\n  ami                    = "ami-0abcdef1234567890"\n  instance_type          = "t3.micro"\n  vpc_security_group_ids = [aws_security_group.fn.id]\n}\n';
    assert.deepEqual((await found({ 'm/main.tf': group('fn', 'ssh') + lambda('fn') + instance })).map((f) => [f.at, f.severity]), [['m/main.tf:7', 'high']]);
  });

  it('lowers a group used only by load balancers that opens every port to medium, naming them; a sensitive port stays when a listener may forward it', async () => {
    const all = await found({ 'm/main.tf': group('lb', 'all') + balancer('public', 'lb') + balancer('admin', 'lb') });
    assert.deepEqual(all.map((f) => [f.at, f.severity]), [['m/main.tf:7', 'medium']]);
    assert.match(all[0]!.message, /used only by the load balancers aws_lb\.public, aws_lb\.admin, which answer only on listener ports/);
    // An application load balancer speaks only HTTP(S) on its listeners: no SSH through it. A network load balancer whose listeners are not seen may forward it.
    assert.deepEqual(await found({ 'm/main.tf': group('lb', 'ssh') + balancer('public', 'lb') }), []);
    const network = balancer('public', 'lb').replace('  subnets ', '  load_balancer_type = "network"\n  subnets ');
    assert.deepEqual((await found({ 'm/main.tf': group('lb', 'ssh') + network })).map((f) => [f.at, f.severity]), [['m/main.tf:7', 'high']]);
    // A load balancer and a Lambda function: neither judgement holds.
    assert.deepEqual((await found({ 'm/main.tf': group('lb', 'all') + balancer('public', 'lb') + lambda('lb') })).map((f) => f.severity), ['critical']);
  });

  it('keeps a group whose users are unknown (none in the module, or a rule that names the group by a variable)', async () => {
    assert.deepEqual((await found({ 'm/main.tf': group('lone', 'all') })).map((f) => f.severity), ['critical']);
    const byVariable = lines('resource "aws_vpc_security_group_ingress_rule" "in" {', '  security_group_id = var.group_id', '  cidr_ipv4         = "0.0.0.0/0"', '  ip_protocol       = "-1"', '}');
    assert.deepEqual((await found({ 'm/main.tf': byVariable + lambda('fn') })).map((f) => f.severity), ['critical']);
  });
});
