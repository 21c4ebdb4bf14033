import { asStrings, attribute, label, resourcesOf, valueOf } from '../model.js';
import { tfRule, type TfRule } from './common.js';

const publicSnapshot: TfRule = tfRule({
  id: 'iac/tf-aws-snapshot-public',
  title: 'Snapshot or machine image shared with everyone',
  description:
    'A database snapshot is shared with "all" AWS accounts, or an AMI has a launch permission for the group "all". Anyone with an AWS account can then copy the snapshot and restore the whole database, or start the image and read every file baked into it: keys, configuration, data.',
  remediation: 'Share snapshots and images with named account IDs (or an organisation) only, and remove the "all" entry.',
  severity: 'high',
  cwe: ['CWE-200'],
  examples: {
    positive: [
      'resource "aws_db_snapshot" "release" {\n  db_instance_identifier = aws_db_instance.main.identifier\n  db_snapshot_identifier = "release"\n  # expect\n  shared_accounts        = ["all"]\n}\n',
      'resource "aws_ami_launch_permission" "everyone" {\n  image_id = aws_ami.golden.id\n  # expect\n  group    = "all"\n}\n',
    ],
    negative: [
      'resource "aws_db_snapshot" "release" {\n  db_instance_identifier = aws_db_instance.main.identifier\n  db_snapshot_identifier = "release"\n  shared_accounts        = ["123456789012"]\n}\n',
      'resource "aws_ami_launch_permission" "partner" {\n  image_id   = aws_ami.golden.id\n  account_id = "123456789012"\n}\n',
    ],
  },
  *check(input) {
    for (const snapshot of resourcesOf(input, 'aws_db_snapshot', 'aws_db_cluster_snapshot')) {
      const shared = attribute(snapshot.block, 'shared_accounts');
      if (shared && (asStrings(valueOf(input, snapshot.block, 'shared_accounts')) ?? []).some((a) => a.toLowerCase() === 'all'))
        yield { line: shared.line, message: `${label(snapshot)} is shared with every AWS account.`, resource: label(snapshot) };
    }
    for (const permission of resourcesOf(input, 'aws_ami_launch_permission')) {
      const group = attribute(permission.block, 'group');
      if (group && valueOf(input, permission.block, 'group') === 'all') yield { line: group.line, message: `${label(permission)} lets every AWS account launch the image.`, resource: label(permission) };
    }
  },
});

export const sharingRules: readonly TfRule[] = [publicSnapshot];
