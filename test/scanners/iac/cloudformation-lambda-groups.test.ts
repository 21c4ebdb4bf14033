import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-lambda-groups', 'template.yaml'), 'utf8');

describe('CloudFormation: ingress of a security group attached only to Lambda functions', () => {
  const result = analyseFile('stack.yaml', text, () => {});
  const open = result.findings.filter((f) => f.ruleId === 'iac/cfn-sg-open-to-internet').map((f) => String((f.properties as { resource?: string }).resource));

  it('is not reported: functions accept no inbound connections', () => {
    assert.ok(!open.some((r) => r.includes('FunctionGroup')), open.join('\n'));
  });

  it('is reported when the group is also attached to something that listens, or exported', () => {
    assert.deepEqual(open.sort(), ['AWS::EC2::SecurityGroup ExportedGroup', 'AWS::EC2::SecurityGroup SharedGroup']);
  });
});
