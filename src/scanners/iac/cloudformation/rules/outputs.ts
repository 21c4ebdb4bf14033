import { detailNote, inside } from '../../rule.js';
import { isYMap, isYScalar, isYSeq, type YNode } from '../../yaml/tree.js';
import { cfnRule, field, label, type CfnRule } from '../model.js';
import { bool, intrinsic } from '../resolve.js';
import type { CfnTemplate } from '../template.js';

/** What a value shows: the secret key of an access key of the template, or a NoEcho parameter. */
export interface Shown {
  what: string;
  severity: 'high' | 'medium';
  /** The line of the reference that shows it. */
  line: number;
}

function accessKeySecret(t: CfnTemplate, id: string, attribute: string, line: number): Shown | undefined {
  if (attribute !== 'SecretAccessKey') return undefined;
  return t.resources.some((r) => r.id === id && r.type === 'AWS::IAM::AccessKey') ? { what: `the SecretAccessKey of AWS::IAM::AccessKey ${id}`, severity: 'high', line } : undefined;
}

function noEchoParameter(t: CfnTemplate, name: string, line: number): Shown | undefined {
  const parameter = t.parameters.get(name);
  return parameter && bool(t, field(t, parameter.node, 'NoEcho')?.value) === true ? { what: `the NoEcho parameter ${name}`, severity: 'medium', line } : undefined;
}

/** The secrets a value shows through Ref, Fn::GetAtt or the `${...}` of an Fn::Sub, at any depth. */
export function shownSecrets(t: CfnTemplate, node: YNode | null | undefined, out: Shown[] = [], depth = 0): Shown[] {
  if (!node || depth > 24) return out;
  const call = intrinsic(node);
  if (call?.name === 'Ref' && isYScalar(call.arg)) {
    const shown = noEchoParameter(t, String(call.arg.value), call.arg.line);
    if (shown) out.push(shown);
  } else if (call?.name === 'Fn::GetAtt') {
    const [id, attribute] = isYSeq(call.arg) ? call.arg.items.map((item) => (isYScalar(item) ? String(item.value) : '')) : isYScalar(call.arg) ? String(call.arg.value).split(/\.(.*)/s) : [];
    const shown = id && attribute ? accessKeySecret(t, id, attribute, node.line) : undefined;
    if (shown) out.push(shown);
  } else if (call?.name === 'Fn::Sub') {
    const text = isYSeq(call.arg) ? call.arg.items[0] : call.arg;
    const given = isYSeq(call.arg) ? call.arg.items[1] : undefined;
    if (isYScalar(text) && typeof text.value === 'string') {
      // A block scalar's text starts on the line after its indicator; a quoted one stays on its line.
      const block = !text.quoted && text.value.includes('\n');
      for (const match of text.value.matchAll(/\$\{([^!}][^}]*)\}/g)) {
        const name = match[1]!;
        // A variable given beside the string is read with the rest of the value.
        if (isYMap(given) && given.pairs.some((p) => p.key === name)) continue;
        const line = block ? text.line + 1 + (text.value.slice(0, match.index).match(/\n/g)?.length ?? 0) : text.line;
        const [id, attribute] = name.split(/\.(.*)/s);
        const shown = attribute ? accessKeySecret(t, id!, attribute, line) : noEchoParameter(t, name, line);
        if (shown) out.push(shown);
      }
    }
  }
  if (isYMap(node)) for (const p of node.pairs) shownSecrets(t, p.value, out, depth + 1);
  else if (isYSeq(node)) for (const item of node.items) shownSecrets(t, item, out, depth + 1);
  return out;
}

const outputShowsSecret: CfnRule = cfnRule({
  id: 'iac/cfn-output-shows-secret',
  title: 'Stack output shows a secret',
  description:
    'An output of the template shows the SecretAccessKey of an AWS::IAM::AccessKey it creates, or the value of a NoEcho parameter. CloudFormation masks NoEcho values only in parameters: outputs are returned in clear text to anyone allowed cloudformation:DescribeStacks (read-only roles included), are shown in the console, and an exported output can be read by every stack of the account and region. A long-lived access key read there gives its user\'s permissions to whoever reads it (high); a NoEcho parameter is usually a password (medium).',
  remediation: 'Leave the secret out of Outputs: store the access key secret in Secrets Manager (AWS::SecretsManager::Secret with SecretString: !GetAtt Key.SecretAccessKey) and output the secret\'s ARN, and let readers of a password fetch it from where it is kept.',
  severity: 'high',
  cwe: ['CWE-200'],
  examples: {
    positive: [
      'Resources:\n  Deployer:\n    Type: AWS::IAM::User\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deployer\nOutputs:\n  AccessKeyId:\n    Value: !Ref DeployerKey\n  SecretKey:\n    # expect\n    Value: !GetAtt [DeployerKey, SecretAccessKey]\n',
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  Deployer:\n    Type: AWS::IAM::User\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deployer\nOutputs:\n  Credentials:\n    # expect\n    Value: !Sub "${DeployerKey}:${DeployerKey.SecretAccessKey}"\n    Export:\n      Name: deployer-credentials\n  ConnectionString:\n    # expect\n    Value: !Join ["", ["postgres://app:", !Ref DbPassword, "@db.example.org/app"]]\n',
    ],
    negative: [
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n  DbUser:\n    Type: String\nResources:\n  Deployer:\n    Type: AWS::IAM::User\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deployer\n  DeployerSecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n      SecretString: !GetAtt DeployerKey.SecretAccessKey\nOutputs:\n  AccessKeyId:\n    Value: !Ref DeployerKey\n  SecretArn:\n    Value: !Ref DeployerSecret\n  User:\n    Value: !Ref DbUser\n  Escaped:\n    Value: !Sub "${!DbPassword} is filled in later"\n',
    ],
  },
  *check(t) {
    if (!isYMap(t.outputs)) return;
    for (const output of t.outputs.pairs) {
      const v = isYMap(output.value) ? output.value.pairs.find((p) => p.key === 'Value') : undefined;
      if (!v) continue;
      const shown = shownSecrets(t, v.value);
      if (shown.length === 0) continue;
      const severity = shown.some((s) => s.severity === 'high') ? 'high' : 'medium';
      const what = [...new Set(shown.map((s) => s.what))].join(' and ');
      yield { line: v.keyLine, message: `Output ${output.key} shows ${what} in clear text to anyone who can describe the stack.`, resource: `Output ${output.key}`, severity };
    }
  },
});

/** cfn-init's credentials for its sources, which iac/cfn-init-static-credentials judges. */
const INIT_AUTHENTICATION = 'AWS::CloudFormation::Authentication';

const metadataShowsSecret: CfnRule = cfnRule({
  id: 'iac/cfn-metadata-shows-secret',
  title: 'Resource metadata shows a secret',
  description:
    "The Metadata of a resource (most often the AWS::CloudFormation::Init of an instance or launch configuration, whose files and commands cfn-init writes and runs at boot) is built from a NoEcho parameter or the SecretAccessKey of an AWS::IAM::AccessKey the template creates. CloudFormation substitutes the value and, as AWS's documentation of the Metadata attribute and of NoEcho says, neither redacts nor masks anything in metadata: it is returned in clear text to anyone allowed cloudformation:DescribeStackResource (read-only roles included), and cfn-init keeps a copy on the instance. A NoEcho parameter, usually a password, is reported medium; an access key's secret high. The credentials of an AWS::CloudFormation::Authentication entry are iac/cfn-init-static-credentials's.",
  remediation:
    "Keep the secret in Secrets Manager or an SSM SecureString parameter and have a cfn-init command fetch it at boot with the instance role (aws secretsmanager get-secret-value --secret-id ...), so the metadata holds only the secret's name or ARN.",
  severity: 'high',
  cwe: ['CWE-200', 'CWE-312'],
  examples: {
    positive: [
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    # expect\n    Metadata:\n      AWS::CloudFormation::Init:\n        config:\n          files:\n            /var/www/config.php:\n              content: !Join\n                - ""\n                - - "define(\'DB_PASSWORD\', \'"\n                  # detail\n                  - !Ref DbPassword\n                  - "\');\\n"\n    Properties:\n      ImageId: ami-12345678\n',
      'Parameters:\n  RootPassword:\n    Type: String\n    NoEcho: "true"\nResources:\n  Workers:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    # expect\n    Metadata:\n      AWS::CloudFormation::Init:\n        config:\n          commands:\n            setpw:\n              command: !Sub |\n                # detail\n                mysqladmin -u root password \'${RootPassword}\'\n    Properties:\n      ImageId: ami-12345678\n      InstanceType: t3.micro\n',
    ],
    negative: [
      // The instance fetches the password itself; the metadata names only the secret.
      'Parameters:\n  DbPassword:\n    Type: String\n    NoEcho: true\n  DbSecretArn:\n    Type: String\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Init:\n        config:\n          commands:\n            fetch:\n              command: !Sub "aws secretsmanager get-secret-value --secret-id ${DbSecretArn} > /etc/app/db"\n    Properties:\n      ImageId: ami-12345678\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n      MasterUserPassword: !Ref DbPassword\n',
      // A parameter shown in the console is no secret; an escaped ${!...} is left to the shell.
      'Parameters:\n  DbUser:\n    Type: String\n  DbPassword:\n    Type: String\n    NoEcho: true\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Init:\n        config:\n          commands:\n            user:\n              command: !Sub "echo ${DbUser} > /etc/app/user; echo ${!DbPassword}"\n    Properties:\n      ImageId: ami-12345678\n',
      // cfn-init's own credentials are iac/cfn-init-static-credentials's.
      'Parameters:\n  RepoPassword:\n    Type: String\n    NoEcho: true\nResources:\n  Web:\n    Type: AWS::EC2::Instance\n    Metadata:\n      AWS::CloudFormation::Authentication:\n        Repo:\n          type: basic\n          username: deploy\n          password: !Ref RepoPassword\n          uris: ["https://example.org/repo"]\n    Properties:\n      ImageId: ami-12345678\n',
    ],
  },
  *check(t) {
    for (const r of t.resources) {
      const metadata = r.node.pairs.find((p) => p.key === 'Metadata');
      if (!metadata || !isYMap(metadata.value)) continue;
      const shown = metadata.value.pairs.filter((p) => p.key !== INIT_AUTHENTICATION).flatMap((p) => shownSecrets(t, p.value));
      if (shown.length === 0) continue;
      const first = shown.reduce((a, b) => (b.line < a.line ? b : a));
      const severity = shown.some((s) => s.severity === 'high') ? 'high' : 'medium';
      const whats = [...new Set(shown.map((s) => s.what))];
      const at = inside(metadata.keyLine, first.line);
      const init = metadata.value.pairs.some((p) => p.key === 'AWS::CloudFormation::Init');
      yield {
        ...at,
        message: `${label(r)} writes ${whats.join(' and ')} into its Metadata${detailNote(at)}, which CloudFormation returns unmasked to anyone allowed cloudformation:DescribeStackResource${init ? ' and cfn-init keeps on the instance' : ''}.`,
        resource: label(r),
        severity,
      };
    }
  },
});

/** Rules about what a template's Outputs and resource metadata reveal. */
export const outputRules: readonly CfnRule[] = [outputShowsSecret, metadataShowsSecret];
