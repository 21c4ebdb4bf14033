import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-unrouted-subnets', 'template.yaml'), 'utf8');

describe('CloudFormation: a public IP in a subnet of the template that cannot reach an internet gateway', () => {
  const result = analyseFile('stack.yaml', text, () => {});
  const hosts = result.findings.filter((f) => f.ruleId === 'iac/cfn-ec2-public-ip').map((f) => String((f.properties as { resource?: string }).resource));

  it('is not reported when the subnet routes only to a VPN gateway and a gateway endpoint', () => {
    assert.ok(!hosts.includes('AWS::EC2::Instance OfficeHost'), hosts.join('\n'));
  });

  it('is reported when a route may reach an internet gateway, another stack may add one, or the main route table applies', () => {
    assert.deepEqual(hosts.sort(), ['AWS::EC2::Instance EdgeHost', 'AWS::EC2::Instance GivenHost', 'AWS::EC2::Instance MainHost', 'AWS::EC2::Instance NestedHost']);
  });
});
