import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';

const template = (names: string[]) =>
  `Parameters:\n${names.map((n) => `  ${n}:\n    Type: String\n    NoEcho: true\n`).join('')}Resources:\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n${names.map((n) => `          echo "\${${n}}" >> /etc/app/conf\n`).join('')}`;

describe('CloudFormation: iac/cfn-user-data-secret message', () => {
  const message = (names: string[]) => analyseFile('stack.yaml', template(names), () => {}).findings.find((f) => f.ruleId === 'iac/cfn-user-data-secret')?.message ?? '';

  it('says "it is kept" of one parameter and "they are kept" of two', () => {
    assert.match(message(['DbPassword']), /the NoEcho parameter DbPassword into its UserData, where it is kept in clear text/);
    assert.match(message(['DbPassword', 'TrustStorePassword']), /the NoEcho parameter DbPassword and the NoEcho parameter TrustStorePassword into its UserData, where they are kept in clear text/);
  });
});
