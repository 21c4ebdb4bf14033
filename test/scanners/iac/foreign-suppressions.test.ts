import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

describe("suppressions in another tool's syntax", () => {
  it('honours a zizmor ignore comment for the secloop rules mapped to its audit, as an in-source suppression', async () => {
    const result = await scanIacTree({
      '.github/workflows/greet.yml': [
        'on: issues',
        'permissions: {}',
        'jobs:',
        '  greet:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - run: echo "${{ github.event.issue.title }}" # zizmor: ignore[template-injection]',
        '      - run: echo "${{ github.event.issue.body }}"',
        '',
      ].join('\n'),
    });
    const injection = (list: Array<{ ruleId: string; location: { startLine: number } }>) => list.filter((f) => f.ruleId === 'iac/gha-template-injection').map((f) => f.location.startLine);
    assert.deepEqual(injection(result.findings), [8]);
    assert.deepEqual(injection(result.suppressed.map((s) => s.finding)), [7]);
    const suppressed = result.suppressed.find((s) => s.finding.ruleId === 'iac/gha-template-injection')!;
    assert.equal(suppressed.kind, 'inSource');
    assert.equal(suppressed.justification, 'zizmor: ignore[template-injection]');
  });

  it('honours a cfn_nag suppression in a CloudFormation resource\'s Metadata, as an in-source suppression', async () => {
    const result = await scanIacTree({
      'stack.yaml': [
        'AWSTemplateFormatVersion: "2010-09-09"',
        'Resources:',
        '  Bastion:',
        '    Type: AWS::EC2::SecurityGroup',
        '    Metadata:',
        '      cfn_nag:',
        '        rules_to_suppress:',
        '          - id: W2',
        '            reason: bastion reached over SSH from anywhere',
        '    Properties:',
        '      GroupDescription: bastion',
        '      SecurityGroupIngress:',
        '        - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }',
        '',
      ].join('\n'),
    });
    assert.ok(!result.findings.some((f) => f.ruleId === 'iac/cfn-sg-open-to-internet'), result.findings.map((f) => f.ruleId).join('\n'));
    const suppressed = result.suppressed.find((s) => s.finding.ruleId === 'iac/cfn-sg-open-to-internet');
    assert.equal(suppressed?.kind, 'inSource');
    assert.equal(suppressed?.justification, 'cfn_nag W2 in the Metadata of Bastion: bastion reached over SSH from anywhere');
  });
});
