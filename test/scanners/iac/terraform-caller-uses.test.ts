import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ScannerFinding } from '../../../src/core/finding.js';
import { scanMemory as scan } from '../../helpers/memory-files.js';

const NO_ACCESS_LOGS = 'iac/tf-aws-s3-no-access-logging';
const NO_FLOW_LOGS = 'iac/tf-aws-vpc-no-flow-logs';

const at = (findings: readonly ScannerFinding[], rule: string) =>
  findings
    .filter((f) => f.ruleId === rule)
    .map((f) => `${f.location.path}:${f.location.startLine}`)
    .sort();

/** A bucket module with logging and versioning from its inputs, and its id as an output. */
const BUCKET = {
  'modules/bucket/main.tf':
    'variable "name" {\n  type = string\n}\nvariable "logging" {\n  type    = map(string)\n  default = {}\n}\nresource "aws_s3_bucket" "this" {\n  bucket = var.name\n}\nresource "aws_s3_bucket_logging" "this" {\n  count         = length(var.logging) > 0 ? 1 : 0\n  bucket        = aws_s3_bucket.this.id\n  target_bucket = var.logging["target_bucket"]\n}\n',
  'modules/bucket/outputs.tf': 'output "bucket_id" {\n  value = aws_s3_bucket.this.id\n}\n',
};

/** A VPC module whose id is an output. */
const VPC = {
  'modules/vpc/main.tf': 'variable "cidr" {\n  type = string\n}\nresource "aws_vpc" "this" {\n  cidr_block = var.cidr\n}\noutput "vpc_id" {\n  value = try(aws_vpc.this.id, null)\n}\n',
};

describe("terraform local modules: companions in the caller's configuration", () => {
  it("a module's bucket that the caller makes another bucket's log target (target_bucket = module.x.output) is a log bucket", async () => {
    const root =
      'module "logs" {\n  source = "./modules/bucket"\n  name   = "logs"\n}\nmodule "data" {\n  source     = "./modules/bucket"\n  name       = "data"\n  logging = {\n    target_bucket = module.logs.bucket_id\n  }\n}\n';
    assert.deepEqual(at((await scan({ ...BUCKET, 'main.tf': root })).findings, NO_ACCESS_LOGS), []);
    // The target written in a resource of another file of the caller's directory counts too.
    const split = { ...BUCKET, 'main.tf': 'module "logs" {\n  source = "./modules/bucket"\n  name   = "logs"\n}\n', 'logging.tf': 'resource "aws_s3_bucket" "app" {\n  bucket = "app"\n}\nresource "aws_s3_bucket_logging" "app" {\n  bucket        = aws_s3_bucket.app.id\n  target_bucket = module.logs.bucket_id\n}\n' };
    assert.deepEqual(at((await scan(split)).findings, NO_ACCESS_LOGS), []);
  });

  it('a bucket the caller uses otherwise, or that only some of the calls giving the same values make a log target, is reported', async () => {
    const other = 'module "logs" {\n  source = "./modules/bucket"\n  name   = "logs"\n}\nresource "aws_s3_bucket_policy" "logs" {\n  bucket = module.logs.bucket_id\n  policy = "{}"\n}\n';
    assert.deepEqual(at((await scan({ ...BUCKET, 'main.tf': other })).findings, NO_ACCESS_LOGS), ['modules/bucket/main.tf:8']);
    // Two calls with the same arguments, one of them a log target: the other is not.
    const twice = { ...BUCKET, 'main.tf': 'module "logs" {\n  source = "./modules/bucket"\n  name   = "logs"\n}\nresource "aws_s3_bucket_logging" "app" {\n  bucket        = "app"\n  target_bucket = module.logs.bucket_id\n}\n', 'env/main.tf': 'module "logs" {\n  source = "../modules/bucket"\n  name   = "logs"\n}\n' };
    assert.deepEqual(at((await scan(twice)).findings, NO_ACCESS_LOGS), ['modules/bucket/main.tf:8']);
  });

  it("a module's VPC that the caller gives a flow log (or the vpc module's flow-log submodule) is logged", async () => {
    for (const log of [
      'resource "aws_flow_log" "main" {\n  vpc_id          = module.network.vpc_id\n  traffic_type    = "ALL"\n  log_destination = "arn:aws:s3:::flow-logs"\n}\n',
      'module "flow_log" {\n  source  = "terraform-aws-modules/vpc/aws//modules/flow-log"\n  version = "~> 6.3"\n  name    = "main"\n  vpc_id  = module.network.vpc_id\n}\n',
    ]) {
      const root = `module "network" {\n  source = "./modules/vpc"\n  cidr   = "10.0.0.0/16"\n}\n${log}`;
      assert.deepEqual(at((await scan({ ...VPC, 'main.tf': root })).findings, NO_FLOW_LOGS), [], log);
    }
    // Given to a local module that writes it into its aws_flow_log as is.
    const wrapped = {
      ...VPC,
      'modules/flow-log/main.tf': 'variable "vpc_id" {\n  type = string\n}\nresource "aws_flow_log" "this" {\n  vpc_id          = var.vpc_id\n  traffic_type    = "ALL"\n  log_destination = "arn:aws:s3:::flow-logs"\n}\n',
      'main.tf': 'module "network" {\n  source = "./modules/vpc"\n  cidr   = "10.0.0.0/16"\n}\nmodule "flow_log" {\n  source = "./modules/flow-log"\n  vpc_id = module.network.vpc_id\n}\n',
    };
    assert.deepEqual(at((await scan(wrapped)).findings, NO_FLOW_LOGS), []);
    // To a local module that gives it to a security group, it logs nothing.
    const grouped = {
      ...VPC,
      'modules/sg/main.tf': 'variable "vpc_id" {\n  type = string\n}\nresource "aws_security_group" "this" {\n  vpc_id = var.vpc_id\n}\n',
      'main.tf': 'module "network" {\n  source = "./modules/vpc"\n  cidr   = "10.0.0.0/16"\n}\nmodule "sg" {\n  source = "./modules/sg"\n  vpc_id = module.network.vpc_id\n}\n',
    };
    assert.deepEqual(at((await scan(grouped)).findings, NO_FLOW_LOGS), ['modules/vpc/main.tf:4']);
    // The VPC id given to anything else (a security group) logs nothing.
    const group = 'module "network" {\n  source = "./modules/vpc"\n  cidr   = "10.0.0.0/16"\n}\nresource "aws_security_group" "app" {\n  vpc_id = module.network.vpc_id\n}\n';
    assert.deepEqual(at((await scan({ ...VPC, 'main.tf': group })).findings, NO_FLOW_LOGS), ['modules/vpc/main.tf:4']);
  });
});
