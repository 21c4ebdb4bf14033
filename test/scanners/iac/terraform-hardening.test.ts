import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { hardeningRules } from '../../../src/scanners/iac/terraform/rules/hardening.js';
import type { Hit } from '../../../src/scanners/iac/rule.js';

/** The hits of one rule of hardening.ts on a file (.tf.json when the name says so). */
function hits(ruleId: string, source: string): Hit[] {
  const rule = hardeningRules.find((r) => r.id === ruleId);
  assert.ok(rule, ruleId);
  const input = readTerraform(source, () => {});
  return input ? [...rule.check(input)] : [];
}

const lines = (ruleId: string, source: string) => hits(ruleId, source).map((h) => h.line).sort((a, b) => a - b);

/** The 1-based line of the first line of `source` that contains `text`. */
const lineOf = (source: string, text: string) => source.split('\n').findIndex((l) => l.includes(text)) + 1;

describe('Terraform: workload with a privileged role', () => {
  const RULE = 'iac/tf-aws-workload-privileged-role';
  const lambda = (role: string) => `resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n  role          = ${role}\n}\n`;
  const role = 'resource "aws_iam_role" "fn" {\n  name               = "fn"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n';

  it('reads inline role policies, policy documents, customer managed policies and AWS managed ones', () => {
    const inline = `${lambda('aws_iam_role.fn.arn')}${role}resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.fn.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:*"], Resource = "*" }] })\n}\n`;
    assert.deepEqual(lines(RULE, inline), [3]);
    assert.match(hits(RULE, inline)[0]!.message, /aws_lambda_function\.fn runs its code with aws_iam_role\.fn, which has IAM permissions .*aws_iam_role_policy\.p/);

    const document = `${lambda('aws_iam_role.fn.arn')}${role}data "aws_iam_policy_document" "admin" {\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n}\nresource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.fn.id\n  policy = data.aws_iam_policy_document.admin.json\n}\n`;
    assert.deepEqual(lines(RULE, document), [3]);

    const managed = `${lambda('aws_iam_role.fn.arn')}${role}resource "aws_iam_policy" "ops" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", NotAction = ["iam:*"], Resource = "*" }] })\n}\nresource "aws_iam_policy_attachment" "ops" {\n  name       = "ops"\n  roles      = [aws_iam_role.fn.name]\n  policy_arn = aws_iam_policy.ops.arn\n}\n`;
    assert.deepEqual(lines(RULE, managed), [3]);

    const lookup = `${lambda('aws_iam_role.fn.arn')}${role}data "aws_iam_policy" "admin" {\n  name = "AdministratorAccess"\n}\nresource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.fn.name\n  policy_arn = data.aws_iam_policy.admin.arn\n}\n`;
    assert.deepEqual(lines(RULE, lookup), [3]);

    const list = `${lambda('aws_iam_role.fn.arn')}resource "aws_iam_role" "fn" {\n  name                = "fn"\n  managed_policy_arns = [var.extra, "arn:aws:iam::aws:policy/PowerUserAccess"]\n}\nvariable "extra" {}\n`;
    assert.deepEqual(lines(RULE, list), [3]);
  });

  it('follows an instance to its role through the instance profile', () => {
    const source = `resource "aws_instance" "batch" {\n  ami                  = "ami-0123456789abcdef0"\n  iam_instance_profile = aws_iam_instance_profile.batch.name\n}\nresource "aws_iam_instance_profile" "batch" {\n  role = aws_iam_role.batch.name\n}\nresource "aws_iam_role" "batch" {\n  name = "batch"\n}\nresource "aws_iam_role_policy_attachment" "iam" {\n  role       = aws_iam_role.batch.name\n  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n`;
    assert.deepEqual(lines(RULE, source), [3]);
  });

  it('does not count actions that cannot make the role administrator, scoped IAM actions or the trust policy', () => {
    const withPolicy = (statement: string) =>
      `${lambda('aws_iam_role.fn.arn')}resource "aws_iam_role" "fn" {\n  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Principal = { Service = "lambda.amazonaws.com" } }] })\n}\nresource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.fn.id\n  policy = jsonencode({ Statement = [${statement}] })\n}\n`;
    assert.deepEqual(lines(RULE, withPolicy('{ Effect = "Allow", Action = ["sts:AssumeRole", "ec2:Describe*"], Resource = "*" }')), []);
    assert.deepEqual(lines(RULE, withPolicy('{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = "arn:aws:iam::123456789012:role/reports" }')), []);
    assert.deepEqual(lines(RULE, withPolicy('{ Effect = "Deny", Action = "*", Resource = "*" }')), []);
    // A wildcard over the roles of an account is as good as "*".
    assert.deepEqual(lines(RULE, withPolicy('{ Effect = "Allow", Action = "iam:AttachRolePolicy", Resource = "arn:aws:iam::123456789012:role/*" }')), [3]);
  });

  it('stays quiet when the role or the policy is not known', () => {
    const unknownRole = `variable "role_arn" {}\n${lambda('var.role_arn')}`;
    assert.deepEqual(lines(RULE, unknownRole), []);
    const unknownPolicy = `variable "policy_arn" {}\n${lambda('aws_iam_role.fn.arn')}${role}resource "aws_iam_role_policy_attachment" "x" {\n  role       = aws_iam_role.fn.name\n  policy_arn = var.policy_arn\n}\n`;
    assert.deepEqual(lines(RULE, unknownPolicy), []);
    // A literal role ARN names a role managed elsewhere.
    assert.deepEqual(lines(RULE, lambda('"arn:aws:iam::123456789012:role/fn"')), []);
  });

  it('reads the JSON syntax', () => {
    const json = JSON.stringify(
      {
        resource: {
          aws_lambda_function: { fn: { function_name: 'fn', role: '${aws_iam_role.fn.arn}' } },
          aws_iam_role: { fn: { name: 'fn' } },
          aws_iam_role_policy_attachment: { admin: { role: '${aws_iam_role.fn.name}', policy_arn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
        },
      },
      null,
      2,
    );
    assert.deepEqual(lines(RULE, json), [lineOf(json, '"role": "${aws_iam_role.fn.arn}"')]);
  });
});

describe('Terraform: Lambda permission for a service without a source', () => {
  const RULE = 'iac/tf-aws-lambda-service-permission-unscoped';
  const permission = (extra: string, principal = '"sns.amazonaws.com"') =>
    `variable "topic_arn" {}\nresource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.fn.function_name\n  principal     = ${principal}\n${extra}}\n`;

  it('reports a service principal with no source, or a source of any account', () => {
    assert.deepEqual(lines(RULE, permission('')), [5]);
    assert.deepEqual(lines(RULE, permission('  source_arn = "*"\n')), [5]);
    assert.deepEqual(lines(RULE, permission('  source_arn = "arn:aws:sns:eu-west-1:*:alerts"\n')), [5]);
    assert.deepEqual(lines(RULE, permission('  source_arn = "arn:aws:s3:::*"\n', '"s3.amazonaws.com"')), [5]);
  });

  it('accepts a pinned source, an account or an organisation, and leaves unknown values alone', () => {
    assert.deepEqual(lines(RULE, permission('  source_arn = "arn:aws:sns:eu-west-1:123456789012:alerts"\n')), []);
    assert.deepEqual(lines(RULE, permission('  source_arn = "arn:aws:sns:*:123456789012:*"\n')), []);
    assert.deepEqual(lines(RULE, permission('  source_arn = var.topic_arn\n')), []);
    assert.deepEqual(lines(RULE, permission('  source_account = var.topic_arn\n')), []);
    assert.deepEqual(lines(RULE, permission('  principal_org_id = "o-abcdef1234"\n')), []);
    // An account principal is not a service acting for others; "*" is another rule's.
    assert.deepEqual(lines(RULE, permission('', '"123456789012"')), []);
    assert.deepEqual(lines(RULE, permission('', '"*"')), []);
    assert.deepEqual(lines(RULE, permission('', 'var.topic_arn')), []);
  });
});

describe('Terraform: IAM user console password', () => {
  const RULE = 'iac/tf-aws-iam-user-console-password';

  it('names the user and raises the severity when the password lands in the state', () => {
    const encrypted = hits(RULE, 'resource "aws_iam_user" "a" {\n  name = "a"\n}\nresource "aws_iam_user_login_profile" "a" {\n  user    = aws_iam_user.a.name\n  pgp_key = var.pgp\n}\nvariable "pgp" {}\n');
    assert.deepEqual(encrypted.map((h) => [h.line, h.severity]), [[4, undefined]]);
    assert.match(encrypted[0]!.message, /aws_iam_user_login_profile\.a gives aws_iam_user\.a a console password\.$/);

    const plain = hits(RULE, 'resource "aws_iam_user_login_profile" "b" {\n  user                    = "b"\n  password_reset_required = false\n}\n');
    assert.deepEqual(plain.map((h) => [h.line, h.severity]), [[1, 'medium']]);
    assert.match(plain[0]!.message, /IAM user "b".*plain text in the Terraform state.*password_reset_required = false/);
  });

  it('names a user defined elsewhere by its reference', () => {
    const [hit] = hits(RULE, 'resource "aws_iam_user_login_profile" "d" {\n  user    = aws_iam_user.shared.name\n  pgp_key = "keybase:d"\n}\n');
    assert.match(hit!.message, /gives the IAM user aws_iam_user\.shared\.name a console password/);
  });

  it('leaves an unknown password_reset_required out of the message', () => {
    const [hit] = hits(RULE, 'variable "reset" {}\nresource "aws_iam_user_login_profile" "c" {\n  user                    = "c"\n  pgp_key                 = "keybase:c"\n  password_reset_required = var.reset\n}\n');
    assert.ok(hit && !/password_reset_required/.test(hit.message));
  });
});

describe('Terraform: EC2 instance in the default security group', () => {
  const RULE = 'iac/tf-aws-ec2-default-security-group';
  const instance = (groups: string) => `resource "aws_instance" "web" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.micro"\n${groups}}\n`;

  it('reports no group, an empty list, the group named "default" and lookups of it', () => {
    assert.deepEqual(lines(RULE, instance('')), [1]);
    assert.deepEqual(lines(RULE, instance('  vpc_security_group_ids = []\n')), [4]);
    assert.deepEqual(lines(RULE, instance('  security_groups = ["default"]\n')), [4]);
    const lookup = `data "aws_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n  filter {\n    name   = "group-name"\n    values = ["default"]\n  }\n}\n${instance('  vpc_security_group_ids = [data.aws_security_group.default.id]\n')}`;
    assert.deepEqual(lines(RULE, lookup), [11]);
  });

  it('does not take a group that Terraform calls "default" for the VPC default group', () => {
    assert.deepEqual(lines(RULE, instance('  vpc_security_group_ids = [aws_security_group.default.id]\n')), []);
  });

  it('stays quiet when the groups are unknown or come from elsewhere', () => {
    assert.deepEqual(lines(RULE, `variable "groups" {}\n${instance('  vpc_security_group_ids = var.groups\n')}`), []);
    assert.deepEqual(lines(RULE, instance('  network_interface {\n    network_interface_id = aws_network_interface.web.id\n    device_index         = 0\n  }\n')), []);
  });

  it('leaves instances alone when the file empties the default group', () => {
    const locked = 'resource "aws_default_security_group" "default" {\n  vpc_id = aws_vpc.main.id\n}\n';
    assert.deepEqual(lines(RULE, locked + instance('')), []);
    assert.deepEqual(lines(RULE, locked + instance('  vpc_security_group_ids = [aws_default_security_group.default.id]\n')), []);
  });

  it('reads instances made by the ec2-instance module from the module inputs', () => {
    const call = (version: string, inputs: string) => `module "web" {\n  source  = "terraform-aws-modules/ec2-instance/aws"\n  version = "${version}"\n  name    = "web"\n${inputs}}\n`;
    assert.deepEqual(lines(RULE, call('~> 5.0', '')), [1]);
    assert.deepEqual(lines(RULE, call('~> 5.0', '  vpc_security_group_ids = [aws_security_group.web.id]\n')), []);
    // From 6.0.0 the module creates a security group for the instance unless told not to.
    assert.deepEqual(lines(RULE, call('~> 6.0', '')), []);
    assert.deepEqual(lines(RULE, call('>= 5.0', '')), [], 'either release line: cannot tell');
    assert.deepEqual(lines(RULE, call('~> 6.0', '  create_security_group = false\n')), [1]);
  });
});

describe('Terraform: search domain open to unsigned requests', () => {
  const RULE = 'iac/tf-aws-search-anonymous-access';
  const domain = (settings: string, condition: string, principal = '"*"') =>
    `variable "fgac" {}\nresource "aws_elasticsearch_domain" "search" {\n  domain_name           = "search"\n  elasticsearch_version = "7.10"\n${settings}  access_policies = <<EOF\n{\n  "Statement": [\n    {"Effect": "Allow", "Principal": ${principal}, "Action": "es:*", "Resource": "*", "Condition": ${condition}}\n  ]\n}\nEOF\n}\n`;
  const ip = '{"IpAddress": {"aws:SourceIp": ["203.0.113.10/32"]}}';

  it('reports Principal "*" limited by address only, on the policy with the statement as detail', () => {
    const found = hits(RULE, domain('', ip));
    assert.deepEqual(found.map((h) => [h.line, h.detailLine]), [[5, 8]]);
    assert.match(found[0]!.message, /aws_elasticsearch_domain\.search accepts unsigned requests from 203\.0\.113\.10\/32/);
    assert.deepEqual(lines(RULE, domain('', '{"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}')), [5]);
  });

  it('leaves signed access, fine-grained access control, unknown settings and open policies (another rule) alone', () => {
    assert.deepEqual(lines(RULE, domain('', ip, '{"AWS": "arn:aws:iam::123456789012:role/app"}')), []);
    assert.deepEqual(lines(RULE, domain('', '{"IpAddress": {"aws:SourceIp": "203.0.113.10/32"}, "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/*"}}')), []);
    assert.deepEqual(lines(RULE, domain('  advanced_security_options {\n    enabled = true\n  }\n', ip)), []);
    assert.deepEqual(lines(RULE, domain('  advanced_security_options {\n    enabled = var.fgac\n  }\n', ip)), []);
    assert.deepEqual(lines(RULE, domain('', '{"NotIpAddress": {"aws:SourceIp": "203.0.113.10/32"}}')), []);
    assert.deepEqual(lines(RULE, domain('', '{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}')), []);
  });

  it('finds the domain of a separate policy resource, and not one outside the file', () => {
    const policy = (name: string) =>
      `resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n}\nresource "aws_opensearch_domain_policy" "logs" {\n  domain_name     = ${name}\n  access_policies = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttpGet", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = "10.0.0.0/8" } } }]\n  })\n}\n`;
    assert.deepEqual(lines(RULE, policy('aws_opensearch_domain.logs.domain_name')), [6]);
    assert.deepEqual(lines(RULE, policy('"other-domain"')), []);
  });
});

describe('Terraform: S3 CORS writes from any origin', () => {
  const RULE = 'iac/tf-aws-s3-cors-any-origin-write';
  const cors = (methods: string, origins: string) =>
    `variable "origins" {}\nresource "aws_s3_bucket_cors_configuration" "c" {\n  bucket = aws_s3_bucket.b.id\n  cors_rule {\n    allowed_methods = ${methods}\n    allowed_origins = ${origins}\n  }\n}\n`;

  it('reports any origin together with a method that writes, on allowed_origins', () => {
    assert.deepEqual(lines(RULE, cors('["POST"]', '["*"]')), [6]);
    assert.deepEqual(lines(RULE, cors('["PUT"]', '["https://*"]')), [6]);
  });

  it('leaves read-only rules, named origins and unknown values alone', () => {
    assert.deepEqual(lines(RULE, cors('["GET", "HEAD"]', '["*"]')), []);
    assert.deepEqual(lines(RULE, cors('["PUT", "DELETE"]', '["https://*.example.org"]')), []);
    assert.deepEqual(lines(RULE, cors('["PUT"]', 'var.origins')), []);
    assert.deepEqual(lines(RULE, cors('var.origins', '["*"]')), []);
  });

  it('reads cors_rule written as dynamic blocks and as a list attribute', () => {
    const dynamic = 'resource "aws_s3_bucket_cors_configuration" "c" {\n  bucket = "b"\n  dynamic "cors_rule" {\n    for_each = [1]\n    content {\n      allowed_methods = ["PUT"]\n      allowed_origins = ["*"]\n    }\n  }\n}\n';
    assert.deepEqual(lines(RULE, dynamic), [7]);
    const list = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n  cors_rule = [{\n    allowed_methods = ["DELETE"]\n    allowed_origins = ["*"]\n  }]\n}\n';
    assert.deepEqual(lines(RULE, list), [5]);
  });
});
