import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { analyseFile } from '../../../src/scanners/iac/index.js';
import { coveredBy } from '../../../src/scanners/iac/cloudformation/suppression-map.js';
import { fixturePath } from '../../helpers/paths.js';

const text = readFileSync(fixturePath('iac', 'cfn-cdk-nag', 'template.json'), 'utf8');

function analyse(source: string) {
  const warnings: string[] = [];
  const result = analyseFile('stack.template.json', source, (w) => warnings.push(`${w.line ?? '-'}: ${w.message}`));
  const resource = (f: (typeof result.findings)[number]) => String((f.properties as { resource?: string } | undefined)?.resource ?? '').split(' ').at(-1);
  return {
    warnings,
    reported: result.findings.filter((f) => !f.inSourceSuppression).map((f) => `${f.ruleId} ${resource(f)}`).sort(),
    suppressed: result.findings.filter((f) => f.inSourceSuppression).map((f) => `${f.ruleId} ${resource(f)}: ${f.inSourceSuppression}`).sort(),
  };
}

describe('CloudFormation: cdk_nag suppressions (CDK-synthesized Metadata)', () => {
  const { reported, suppressed, warnings } = analyse(text);

  it('honours a mapped AwsSolutions id in the resource it is written in', () => {
    assert.ok(suppressed.includes('iac/cfn-sg-open-to-internet BastionSg: cdk_nag AwsSolutions-EC23 in the Metadata of BastionSg: bastion reached over SSH from anywhere'), suppressed.join('\n'));
    assert.ok(reported.includes('iac/cfn-sg-open-to-internet OtherSg'), reported.join('\n'));
  });

  it('honours HIPAA/NIST/PCI pack ids and decodes a base64 reason', () => {
    assert.ok(suppressed.some((s) => s.startsWith('iac/cfn-cloudtrail-no-log-validation Trail: cdk_nag NIST.800.53.R5-CloudTrailLogFileValidationEnabled') && s.endsWith('digests kept elsewhere \u2013 see the audit runbook')), suppressed.join('\n'));
  });

  it('applies a suppression in the template Metadata (stack suppression) to every resource', () => {
    assert.ok(suppressed.includes('iac/cfn-service-data-not-encrypted Events: cdk_nag AwsSolutions-SQS2 in the template Metadata: queue carries public events only'), suppressed.join('\n'));
  });

  it('AwsSolutions-AEC6 (Redis AUTH) covers a replication group without AuthToken, not a serverless cache', () => {
    const cache = (type: string, properties: string) =>
      `{"Resources": {"Sessions": {"Type": "${type}", "Metadata": {"cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-AEC6", "reason": "private subnet, sessions only"}]}}, "Properties": {${properties}}}}}`;
    const group = analyse(cache('AWS::ElastiCache::ReplicationGroup', '"ReplicationGroupDescription": "sessions", "TransitEncryptionEnabled": true, "AtRestEncryptionEnabled": true, "SnapshotRetentionLimit": 1'));
    assert.deepEqual(group.suppressed, ['iac/cfn-elasticache-no-auth Sessions: cdk_nag AwsSolutions-AEC6 in the Metadata of Sessions: private subnet, sessions only']);
    assert.deepEqual(group.reported, []);
    const serverless = analyse(cache('AWS::ElastiCache::ServerlessCache', '"ServerlessCacheName": "sessions", "Engine": "redis"'));
    assert.deepEqual(serverless.suppressed, []);
    assert.deepEqual(serverless.reported, ['iac/cfn-elasticache-no-auth Sessions']);
  });

  it('does not suppress in a resource type the cdk-nag rule does not check, nor for unmapped ids', () => {
    // EC23 looks at EC2 security groups only; EFS1 passes an unset Encrypted, which secloop reports.
    assert.ok(reported.includes('iac/cfn-sg-open-to-internet LegacyDbSg'), reported.join('\n'));
    assert.ok(reported.includes('iac/cfn-service-data-not-encrypted Files'), reported.join('\n'));
  });

  it('applies_to: a granular rule covers the hit only when every finding id of it is named', () => {
    // IAM4 names the AdministratorAccess finding; IAM5 names Resource::* but not Action::*.
    assert.ok(suppressed.some((s) => s.startsWith('iac/cfn-iam-full-admin AdminRole: cdk_nag AwsSolutions-IAM4')), suppressed.join('\n'));
    assert.ok(reported.includes('iac/cfn-iam-full-admin AdminRole'), reported.join('\n'));
    // A regex that matches both Action::* and Resource::*.
    assert.ok(suppressed.some((s) => s.startsWith('iac/cfn-iam-full-admin DeployRole: cdk_nag AwsSolutions-IAM5')), suppressed.join('\n'));
    // applies_to on a rule that is not granular suppresses nothing, as in cdk-nag.
    assert.ok(reported.includes('iac/cfn-kms-no-rotation DataKey'), reported.join('\n'));
  });

  it('a malformed applies_to or a pattern that could backtrack is a warning and suppresses nothing', () => {
    assert.ok(reported.includes('iac/cfn-kms-no-rotation BrokenKey'), reported.join('\n'));
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0]!, /cdk_nag applies_to of BrokenKey is not a list/);
    assert.match(warnings[1]!, /neither a finding id nor a usable \{ regex/);
  });

  it('without the Metadata the same resources are reported', () => {
    const plain = JSON.parse(text) as { Metadata?: unknown; Resources: Record<string, { Metadata?: unknown }> };
    delete plain.Metadata;
    for (const r of Object.values(plain.Resources)) delete r.Metadata;
    const bare = analyse(JSON.stringify(plain, null, 2));
    assert.deepEqual(bare.suppressed, []);
    assert.deepEqual(bare.warnings, []);
    assert.equal(bare.reported.length, reported.length + suppressed.length);
  });

  it('maps pack ids only for packs that contain the rule', () => {
    assert.ok(coveredBy('cdk_nag', 'AwsSolutions-KMS5').length > 0);
    assert.ok(coveredBy('cdk_nag', 'PCI.DSS.321-KMSBackingKeyRotationEnabled').length > 0);
    assert.deepEqual(coveredBy('cdk_nag', 'HIPAA.Security-KMSBackingKeyRotationEnabled'), []);
    assert.deepEqual(coveredBy('cdk_nag', 'AwsSolutions-ELB5'), []);
  });

  it('a hostile applies_to regex is refused without running it', () => {
    const hostile = text.replace('"/^(a+)+$/"', JSON.stringify(`/^${'.*'.repeat(40)}x$/`));
    const { warnings: w } = analyse(hostile);
    assert.ok(w.some((m) => /neither a finding id nor a usable/.test(m)), w.join('\n'));
  });
});
