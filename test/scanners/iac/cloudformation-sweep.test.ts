import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';

function analyse(text: string) {
  const result = analyseFile('stack.yaml', text, () => undefined);
  return result.findings.map((f) => `${f.ruleId}@${f.location.startLine}:${f.severity}`).sort();
}

describe('CloudFormation resource conditions', () => {
  const template = (parameter: string, condition: string) =>
    [
      'AWSTemplateFormatVersion: "2010-09-09"',
      'Parameters:',
      '  OpenDebugSsh:',
      '    Type: String',
      parameter,
      'Conditions:',
      `  WantDebugSsh: ${condition}`,
      'Resources:',
      '  DebugSsh:',
      '    Type: AWS::EC2::SecurityGroupIngress',
      '    Condition: WantDebugSsh',
      '    Properties:',
      '      GroupId: sg-0123456789abcdef0',
      '      IpProtocol: tcp',
      '      FromPort: 22',
      '      ToPort: 22',
      '      CidrIp: 0.0.0.0/0',
      '',
    ].join('\n');

  it('skips a resource whose Condition is false with the parameter defaults', () => {
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref OpenDebugSsh, "yes"]')), []);
  });

  it('keeps a resource whose Condition is true, or cannot be known', () => {
    const expected = ['iac/cfn-sg-open-to-internet@17:high'];
    assert.deepEqual(analyse(template('    Default: "yes"', '!Equals [!Ref OpenDebugSsh, "yes"]')), expected);
    assert.deepEqual(analyse(template('    Description: no default', '!Equals [!Ref OpenDebugSsh, "yes"]')), expected);
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref "AWS::Region", us-east-1]')), expected);
    assert.deepEqual(analyse(template('    Default: "no"', '!Equals [!Ref OpenDebugSsh, "yes"]').replace('WantDebugSsh\n', 'Undeclared\n')), expected);
  });
});
