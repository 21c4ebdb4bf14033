import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-routes-origins', 'template.yaml'), 'utf8');

function hits(source: string): string[] {
  return analyseFile('stack.yaml', source, () => {}).findings.map((f) => `${f.ruleId}@${f.location.startLine}`).sort();
}

describe('CloudFormation: API Gateway V2 routes, CloudFront origins, IMDSv2 of AL2023 node images', () => {
  it('reports an HTTP API route without authorization on its AuthorizationType, not the JWT one', () => {
    const found = hits(text).filter((h) => h.startsWith('iac/cfn-apigw-v2-route-no-auth'));
    assert.deepEqual(found, ['iac/cfn-apigw-v2-route-no-auth@17']);
  });

  it('reports a custom origin reached over plain HTTP, not the HTTPS one', () => {
    const found = hits(text).filter((h) => h.startsWith('iac/cfn-cloudfront-origin-http'));
    assert.deepEqual(found, ['iac/cfn-cloudfront-origin-http@34']);
  });

  it('names an origin whose Id cannot be read as "an origin"', () => {
    const source = 'Parameters:\n  OriginId:\n    Type: String\nResources:\n  Cdn:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n        Origins:\n          - Id: !Ref OriginId\n            DomainName: app.example.org\n            CustomOriginConfig:\n              OriginProtocolPolicy: http-only\n';
    const messages = analyseFile('stack.yaml', source, () => {}).findings.filter((f) => f.ruleId === 'iac/cfn-cloudfront-origin-http').map((f) => f.message);
    assert.deepEqual(messages, ['AWS::CloudFront::Distribution Cdn forwards requests to an origin over plain HTTP (OriginProtocolPolicy: http-only).']);
  });

  it('does not ask for IMDSv2 on launch templates of ECS- or EKS-optimized Amazon Linux 2023 nodes', () => {
    assert.deepEqual(hits(text).filter((h) => h.startsWith('iac/cfn-imdsv1')), []);
  });

  it('does ask when the node group runs Amazon Linux 2', () => {
    const al2 = text.replace('AmiType: AL2023_x86_64_STANDARD', 'AmiType: AL2_x86_64').replace('amazon-linux-2023/recommended', 'amazon-linux-2/recommended');
    assert.deepEqual(hits(al2).filter((h) => h.startsWith('iac/cfn-imdsv1')), ['iac/cfn-imdsv1@45', 'iac/cfn-imdsv1@50']);
  });
});
