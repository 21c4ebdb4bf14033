import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseFile } from '../../../src/scanners/iac/index.js';

function http(path: string, ruleId: string, source: string): Array<{ line: number; severity: string; internal: boolean }> {
  return analyseFile(path, source, () => {})
    .findings.filter((f) => f.ruleId === ruleId)
    .map((f) => ({ line: f.location.startLine, severity: f.severity, internal: /it is internal/.test(f.message) }));
}

const tfListener = (internal: string) =>
  `resource "aws_lb" "api" {\n  name = "api"\n${internal}}\nresource "aws_lb_listener" "api" {\n  load_balancer_arn = aws_lb.api.arn\n  port              = 80\n  protocol          = "HTTP"\n  default_action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }\n}\n`;

const cfnListener = (scheme: string) =>
  `Resources:\n  Lb:\n    Type: AWS::ElasticLoadBalancingV2::LoadBalancer\n    Properties:\n${scheme}      Subnets: [a, b]\n  Http:\n    Type: AWS::ElasticLoadBalancingV2::Listener\n    Properties:\n      LoadBalancerArn: !Ref Lb\n      Port: 80\n      Protocol: HTTP\n      DefaultActions:\n        - Type: forward\n          TargetGroupArn: !Ref Tg\n`;

describe('plain HTTP listeners of internal load balancers', () => {
  it('Terraform: low on an internal aws_lb, medium on an internet-facing or unknown one', () => {
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', tfListener('  internal = true\n')), [{ line: 8, severity: 'low', internal: true }]);
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', tfListener('  internal = false\n')), [{ line: 8, severity: 'medium', internal: false }]);
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', tfListener('  internal = var.internal\n')), [{ line: 8, severity: 'medium', internal: false }]);
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', tfListener('')), [{ line: 7, severity: 'medium', internal: false }]);
  });

  it('Terraform: a classic aws_elb with internal = true', () => {
    const elb = (internal: string) => `resource "aws_elb" "api" {\n${internal}  listener {\n    instance_port     = 8000\n    instance_protocol = "http"\n    lb_port           = 80\n    lb_protocol       = "http"\n  }\n}\n`;
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', elb('  internal = true\n')), [{ line: 7, severity: 'low', internal: true }]);
    assert.deepEqual(http('main.tf', 'iac/tf-aws-lb-http-listener', elb('')), [{ line: 6, severity: 'medium', internal: false }]);
  });

  it('CloudFormation: low with Scheme internal, medium otherwise', () => {
    assert.deepEqual(http('lb.yaml', 'iac/cfn-lb-http-listener', cfnListener('      Scheme: internal\n')), [{ line: 12, severity: 'low', internal: true }]);
    assert.deepEqual(http('lb.yaml', 'iac/cfn-lb-http-listener', cfnListener('      Scheme: internet-facing\n')), [{ line: 12, severity: 'medium', internal: false }]);
    assert.deepEqual(http('lb.yaml', 'iac/cfn-lb-http-listener', cfnListener('')), [{ line: 11, severity: 'medium', internal: false }]);
  });

  it('CloudFormation: a classic load balancer with Scheme internal', () => {
    const classic = (scheme: string) => `Resources:\n  Classic:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n${scheme}      Listeners:\n        - LoadBalancerPort: "80"\n          InstancePort: "80"\n          Protocol: HTTP\n`;
    assert.deepEqual(http('lb.yaml', 'iac/cfn-lb-http-listener', classic('      Scheme: internal\n')), [{ line: 9, severity: 'low', internal: true }]);
    assert.deepEqual(http('lb.yaml', 'iac/cfn-lb-http-listener', classic('')), [{ line: 8, severity: 'medium', internal: false }]);
  });
});
