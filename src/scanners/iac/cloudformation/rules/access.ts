import {
  allowsAction,
  boundedPaths,
  escalationFinding,
  managedPolicyStatements,
  strongestGrant,
  unscopedServicePermission,
  WORKLOAD_USES,
  broadActions,
  delegatesToAccessPoints,
  describePaths,
  escalationActions,
  escalationPaths,
  isFullAdmin,
  isRootKeyGrant,
  onAllResources,
  openTo,
  privilegedManagedPolicy,
  privilegeOf,
  serviceWideGrants,
  statementsOf,
  type Statement,
} from '../../aws-policy.js';
import { inside } from '../../rule.js';
import { isYMap, isYScalar, isYSeq, pair, type YNode, type YPair } from '../../yaml/tree.js';
import { cfnRule, entries, field, label, prop, referencedId, referencedIds, resourceById, resourcesOf, type CfnRule } from '../model.js';
import { boundaryMayLimitRole, boundaryOnlyPolicies, managedPolicyArn, permissionsBoundary, RESOURCE_POLICIES, statementsIn } from '../policy.js';
import { bool, follow, intrinsic, plainValue, text, UNKNOWN, value } from '../resolve.js';
import type { CfnResource, CfnTemplate } from '../template.js';

const IDENTITY_TYPES = ['AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Role'];
/** SAM resources whose Policies become the role SAM creates for them. */
const SAM_TYPES = ['AWS::Serverless::Function', 'AWS::Serverless::StateMachine'];

/**
 * The Policies of a SAM function or state machine, from which SAM builds the role it
 * creates for the resource: policy documents, policy templates and managed policy names
 * or ARNs. None when the resource names its own Role (SAM then ignores Policies).
 */
function samPolicies(t: CfnTemplate, r: CfnResource): { key: YPair; items: YNode[] } | undefined {
  if (prop(t, r, 'Role')) return undefined;
  const key = prop(t, r, 'Policies');
  const list = follow(t, key?.value);
  if (!key || list === UNKNOWN || !list) return undefined;
  return { key, items: isYSeq(list) ? list.items : [list] };
}

/** A policy document written in SAM Policies (not a policy template, not a name). */
const isSamDocument = (node: YNode): boolean => isYMap(node) && !intrinsic(node) && pair(node, 'Statement') !== undefined;

/** An identity policy of the template: where its document is, and the users, groups and roles of the template that hold it. */
interface HeldPolicy {
  resource: CfnResource;
  key: YPair;
  statements: Statement[];
  holders: CfnResource[];
}

/** Properties of standalone policies that attach them to identities, and the identity type each names. */
const ATTACH_LISTS: ReadonlyArray<[string, string]> = [
  ['Users', 'AWS::IAM::User'],
  ['Groups', 'AWS::IAM::Group'],
  ['Roles', 'AWS::IAM::Role'],
];
const SINGLE_ATTACH: Record<string, [string, string]> = {
  'AWS::IAM::RolePolicy': ['RoleName', 'AWS::IAM::Role'],
  'AWS::IAM::UserPolicy': ['UserName', 'AWS::IAM::User'],
  'AWS::IAM::GroupPolicy': ['GroupName', 'AWS::IAM::Group'],
};

/**
 * The identity policies of the template with the identities that hold them: inline
 * Policies of roles, users and groups; AWS::IAM::Policy and ManagedPolicy with their
 * Roles/Users/Groups (and roles, users and groups that list the managed policy in
 * ManagedPolicyArns); RolePolicy, UserPolicy and GroupPolicy with their identity.
 */
function heldPolicies(t: CfnTemplate): HeldPolicy[] {
  const out: HeldPolicy[] = [];
  for (const r of resourcesOf(t, ...IDENTITY_TYPES)) {
    for (const inline of entries(t, prop(t, r, 'Policies')?.value)) {
      const key = field(t, inline, 'PolicyDocument');
      if (key) out.push({ resource: r, key, statements: statementsIn(t, key.value, key.keyLine), holders: [r] });
    }
  }
  const managedBy = new Map<string, CfnResource[]>();
  for (const r of resourcesOf(t, ...IDENTITY_TYPES))
    for (const id of referencedIds(t, prop(t, r, 'ManagedPolicyArns')?.value)) managedBy.set(id, [...(managedBy.get(id) ?? []), r]);
  for (const r of resourcesOf(t, 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', ...Object.keys(SINGLE_ATTACH))) {
    const key = prop(t, r, 'PolicyDocument');
    if (!key) continue;
    const holders: CfnResource[] = [...(managedBy.get(r.id) ?? [])];
    const single = SINGLE_ATTACH[r.type];
    const lists: ReadonlyArray<[string, string]> = single ? [single] : ATTACH_LISTS;
    for (const [property, type] of lists) for (const id of referencedIds(t, prop(t, r, property)?.value)) {
      const identity = resourceById(t, id, type);
      if (identity && !holders.includes(identity)) holders.push(identity);
    }
    out.push({ resource: r, key, statements: statementsIn(t, key.value, key.keyLine), holders });
  }
  for (const r of resourcesOf(t, ...SAM_TYPES)) {
    const sam = samPolicies(t, r);
    for (const item of sam?.items ?? []) if (isSamDocument(item)) out.push({ resource: r, key: sam!.key, statements: statementsIn(t, item, item.line), holders: [r] });
  }
  return out;
}

/**
 * The AWS managed policies (by ARN) that the template's users, groups and roles list in
 * ManagedPolicyArns, and that SAM functions and state machines name in their Policies (by
 * ARN or bare name), with the property that names them.
 */
function managedPolicies(t: CfnTemplate): Array<{ identity: CfnResource; arn: string; property: string }> {
  const out: Array<{ identity: CfnResource; arn: string; property: string }> = [];
  for (const r of resourcesOf(t, ...IDENTITY_TYPES)) {
    const list = follow(t, prop(t, r, 'ManagedPolicyArns')?.value);
    if (list === UNKNOWN || !isYSeq(list)) continue;
    for (const item of list.items) {
      const arn = managedPolicyArn(t, item)?.trim();
      if (arn !== undefined) out.push({ identity: r, arn, property: 'ManagedPolicyArns' });
    }
  }
  for (const r of resourcesOf(t, ...SAM_TYPES)) {
    for (const item of samPolicies(t, r)?.items ?? []) {
      if (isYMap(item) && !intrinsic(item)) continue;
      const arn = managedPolicyArn(t, item)?.trim();
      if (arn !== undefined) out.push({ identity: r, arn: /^arn:/.test(arn) ? arn : `arn:aws:iam::aws:policy/${arn}`, property: 'Policies' });
    }
  }
  return out;
}

const privilegeEscalation: CfnRule = cfnRule({
  id: 'iac/cfn-iam-privilege-escalation',
  title: 'IAM permissions allow privilege escalation',
  description:
    'The permissions granted to a user, group or role (or to the role SAM creates for a function or state machine from its Policies) include actions that let it give itself more permissions (iam:CreatePolicyVersion, iam:AttachUserPolicy, iam:PutRolePolicy, iam:AddUserToGroup, iam:PassRole with a service that runs code...). Whoever controls the identity can become administrator. The actions of all the policies of one identity in the template are taken together, those of the AWS managed IAMFullAccess (every IAM action) and PowerUserAccess (lambda:UpdateFunctionCode, glue:UpdateDevEndpoint...) in its ManagedPolicyArns (or SAM Policies) included. A user or role can do only what its PermissionsBoundary allows too: with a boundary whose document the template holds (an AWS::IAM::ManagedPolicy of the template), only the paths whose every action the boundary lets through are reported. A managed policy that users or roles have only as their boundary grants nothing and is not reported. A boundary the template does not hold (a customer managed policy\'s ARN, a parameter), or whose allowed actions cannot be read, may or may not exclude the escalation: the finding stays, at medium severity, and says that the boundary was not read.',
  remediation: 'Remove the escalation actions, scope them to specific resources, or add a PermissionsBoundary that denies them; grant IAM administration only to a few MFA-protected roles.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Devs:\n    Type: AWS::IAM::Group\n    Properties:\n      Policies:\n        - PolicyName: groups\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: iam:AddUserToGroup\n                Resource: "*"\n',
      // Two policies of one user make the path together.
      'Resources:\n  # expect\n  Ci:\n    Type: AWS::IAM::User\n    Properties:\n      Policies:\n        - PolicyName: stacks\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: cloudformation:CreateStack\n                Resource: "*"\n  Pass:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: pass\n      Users: [!Ref Ci]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: iam:PassRole\n            Resource: "*"\n',
      'Resources:\n  Deployer:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      # expect\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]\n            Resource: "*"\n',
      // The role SAM creates for a function from the documents in its Policies.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  # expect\n  Deploy:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        - Statement:\n            - Effect: Allow\n              Action: iam:PutRolePolicy\n              Resource: "*"\n',
      // The AWS managed IAMFullAccess.
      'Resources:\n  # expect\n  Ops:\n    Type: AWS::IAM::User\n    Properties:\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/IAMFullAccess\n',
      // A permissions boundary that lets the escalation through (iam:* on the account\'s roles).
      'Resources:\n  # expect\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Ref Boundary\n      Policies:\n        - PolicyName: ci\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: iam:PutRolePolicy\n                Resource: "*"\n  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ["iam:*", "s3:*"]\n            Resource: !Sub arn:aws:iam::${AWS::AccountId}:role/*\n',
    ],
    negative: [
      'Resources:\n  Reader:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ["iam:Get*", "iam:List*"]\n            Resource: "*"\n',
      'Resources:\n  One:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: one\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: iam:CreateAccessKey\n            Resource: arn:aws:iam::123456789012:user/ci\n',
      // SAM ignores Policies when the function names its own Role.
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Deploy:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Role: !GetAtt DeployRole.Arn\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: iam:PutRolePolicy\n              Resource: "*"\n',
      // A permissions boundary that allows none of the escalation actions, and that grants nothing itself.
      'Resources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Ref Boundary\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/IAMFullAccess]\n      Policies:\n        - PolicyName: ci\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [iam:PassRole, ec2:RunInstances]\n                Resource: "*"\n  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: "*"\n            Resource: "*"\n          - Effect: Deny\n            Action: ["iam:*", "ec2:*"]\n            Resource: "*"\n',
    ],
  },
  *check(t) {
    const byIdentity = new Map<CfnResource, { actions: Set<string>; policies: Set<string> }>();
    const grant = (identity: CfnResource, actions: ReadonlySet<string>, policy: string) => {
      const entry = byIdentity.get(identity) ?? { actions: new Set<string>(), policies: new Set<string>() };
      for (const action of actions) entry.actions.add(action);
      if (actions.size > 0) entry.policies.add(policy);
      byIdentity.set(identity, entry);
    };
    const boundaries = boundaryOnlyPolicies(t);
    for (const policy of heldPolicies(t)) {
      const actions = escalationActions(policy.statements);
      if (policy.holders.length === 0) {
        // A policy that users or roles have only as their permissions boundary grants nothing: it bounds what their policies grant.
        if (boundaries.has(policy.resource)) continue;
        // A policy no identity of the template holds: the policy as a whole is what to change.
        const paths = escalationPaths(actions);
        if (paths.length > 0) yield { line: policy.key.keyLine, message: `${label(policy.resource)} allows privilege escalation through ${describePaths(paths)}.`, resource: label(policy.resource) };
        continue;
      }
      for (const identity of policy.holders) grant(identity, actions, policy.resource === identity ? `its Policies` : label(policy.resource));
    }
    for (const { identity, arn, property } of managedPolicies(t)) {
      const statements = managedPolicyStatements(arn, identity.line);
      if (statements) grant(identity, escalationActions(statements), `${arn.slice(arn.lastIndexOf('/') + 1)} in its ${property}`);
    }
    for (const r of resourcesOf(t, ...IDENTITY_TYPES, ...SAM_TYPES)) {
      const entry = byIdentity.get(r);
      if (!entry || escalationPaths(entry.actions).length === 0) continue;
      // A permissions boundary: the identity can do only what both its policies and the boundary allow.
      const boundary = r.type === 'AWS::IAM::Group' ? ({ kind: 'none' } as const) : permissionsBoundary(t, r);
      const paths = boundedPaths(entry.actions, boundary);
      if (paths.length > 0) yield { line: r.line, ...escalationFinding(label(r), paths, [...entry.policies].join(', '), boundary, 'template'), resource: label(r) };
    }
  },
});

const passRoleWildcard: CfnRule = cfnRule({
  id: 'iac/cfn-iam-passrole-wildcard',
  title: 'iam:PassRole on every role',
  description:
    "An IAM policy allows iam:PassRole with Resource \"*\": the holder can hand any role in the account, including administrator roles, to a service it controls (EC2, Lambda, ECS, Glue...) and act with that role's permissions. A managed policy that users or roles have only as their PermissionsBoundary grants nothing and is not reported.",
  remediation: 'Restrict iam:PassRole to the ARNs of the roles the workload must pass, and add an iam:PassedToService condition.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'Resources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: pass\n          # expect\n          PolicyDocument:\n            Statement:\n              # detail\n              - Effect: Allow\n                Action: iam:PassRole\n                Resource: "*"\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Launcher:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      # expect\n      Policies:\n        - Statement:\n            # detail\n            - Effect: Allow\n              Action: [ec2:RunInstances, iam:PassRole]\n              Resource: "*"\n',
    ],
    negative: [
      'Resources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: pass\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: iam:PassRole\n                Resource: !GetAtt AppRole.Arn\n',
      'Resources:\n  Ci:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: pass\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: iam:PassRole\n            Resource: "*"\n            Condition:\n              StringEquals:\n                iam:PassedToService: lambda.amazonaws.com\n',
    ],
  },
  *check(t) {
    const boundaries = boundaryOnlyPolicies(t);
    for (const policy of heldPolicies(t)) {
      if (boundaries.has(policy.resource)) continue;
      const pass = policy.statements.find((s) => onAllResources(s) && !isFullAdmin(s) && allowsAction(s, 'iam:PassRole') && !s.conditions.some((c) => /iam:PassedToService|iam:AssociatedResourceArn/i.test(c.key)));
      if (pass) yield { ...inside(policy.key.keyLine, pass.line), message: `${label(policy.resource)} allows iam:PassRole on every role.`, resource: label(policy.resource) };
    }
  },
});

/** Resource policies by resource type and property, CloudWatch Logs' (JSON strings) too; trust policies of roles are left out: they name who may assume, not what. */
const ALL_ACTION_POLICIES: ReadonlyArray<readonly [string, string]> = [
  ...RESOURCE_POLICIES,
  ['AWS::Logs::Destination', 'DestinationPolicy'],
  ['AWS::Logs::ResourcePolicy', 'PolicyDocument'],
];

/** The statements of a policy held as a map or as a JSON string (CloudWatch Logs destinations and resource policies). */
function policyStatements(t: CfnTemplate, key: YPair): Statement[] {
  const followed = follow(t, key.value);
  if (followed !== UNKNOWN && isYScalar(followed) && typeof followed.value === 'string') {
    try {
      return statementsOf(JSON.parse(followed.value), key.keyLine);
    } catch {
      return [];
    }
  }
  return statementsIn(t, key.value, key.keyLine);
}

const resourcePolicyAllActions: CfnRule = cfnRule({
  id: 'iac/cfn-resource-policy-all-actions',
  title: 'Resource policy allows all actions',
  description: 'A resource policy (S3 bucket, SQS queue, SNS topic, KMS key, ECR repository, secret, search domain, CloudWatch Logs destination) allows "*" or "<service>:*" (s3:*, sqs:*, kms:*...) to a principal, or allows every action but a few with NotAction, or a Lambda permission grants lambda:*. Besides reading and writing, that includes deleting the resource and rewriting its policy: far more than any consumer needs.',
  remediation: 'List the actions each principal needs (s3:GetObject, sqs:SendMessage, kms:Decrypt...). Replace Allow with NotAction by the list it was meant to allow. Key policies that give the account root kms:* are the documented exception and are not reported.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      # expect\n      PolicyDocument:\n        Statement:\n          # detail\n          - Effect: Allow\n            Principal: { AWS: arn:aws:iam::123456789012:role/app }\n            Action: s3:*\n            Resource: !Sub "arn:aws:s3:::${Data}/*"\n',
      // Allow with NotAction grants everything the statement does not name.
      'Resources:\n  Policy:\n    Type: AWS::SNS::TopicPolicy\n    Properties:\n      Topics: [!Ref Topic]\n      # expect\n      PolicyDocument:\n        Statement:\n          # detail\n          - Effect: Allow\n            Principal: { AWS: arn:aws:iam::123456789012:role/app }\n            NotAction: sns:DeleteTopic\n            Resource: "*"\n',
      'Resources:\n  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n      FunctionName: !Ref Fn\n      # expect\n      Action: lambda:*\n      Principal: 123456789012\n',
    ],
    negative: [
      'Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: arn:aws:iam::123456789012:role/app }\n            Action: [s3:GetObject]\n            Resource: !Sub "arn:aws:s3:::${Data}/*"\n',
      'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      EnableKeyRotation: true\n      KeyPolicy:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: arn:aws:iam::123456789012:root }\n            Action: kms:*\n            Resource: "*"\n',
      // Access control delegated to the account's access points, as the S3 documentation shows it.
      'Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: "*" }\n            Action: "*"\n            Resource: [!GetAtt Data.Arn, !Sub "${Data.Arn}/*"]\n            Condition:\n              StringEquals:\n                s3:DataAccessPointAccount: !Ref AWS::AccountId\n',
      // The default key policy, as templates write it for their own account.
      'Resources:\n  Key:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy:\n        Statement:\n          - Effect: Allow\n            Principal:\n              AWS: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root\n            Action: kms:*\n            Resource: "*"\n',
    ],
  },
  *check(t) {
    for (const [type, property] of ALL_ACTION_POLICIES) {
      for (const r of resourcesOf(t, type)) {
        const key = prop(t, r, property);
        if (!key) continue;
        const rootLines = type === 'AWS::KMS::Key' ? accountRootStatements(t, key.value) : new Set<number>();
        const broad = policyStatements(t, key).find(
          (s) => broadActions(s) !== undefined && !isRootKeyGrant(s) && !(rootLines.has(s.line) && s.actions.every((a) => /^kms:\*$/i.test(a))) && !(type === 'AWS::S3::BucketPolicy' && delegatesToAccessPoints(s)),
        );
        if (!broad) continue;
        const to = openTo(broad) === 'all-but' ? 'every principal but those in NotPrincipal' : broad.principals.slice(0, 2).join(', ') || 'its principals';
        yield { ...inside(key.keyLine, broad.line), message: `${label(r)} allows ${broadActions(broad)} to ${to}.`, resource: label(r) };
      }
    }
    for (const r of resourcesOf(t, 'AWS::Lambda::Permission')) {
      const action = prop(t, r, 'Action');
      const v = text(t, action?.value);
      if (v !== undefined && (v === '*' || /^lambda:\*$/i.test(v))) yield { line: action!.keyLine, message: `${label(r)} grants ${v} on the function.`, resource: label(r) };
    }
  },
});

/**
 * The lines of the statements of a key policy whose principals are all the template's own
 * account root, as templates write it: `!Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:root`,
 * `!Ref AWS::AccountId`, or a `!Join` that ends in `:root` (the default key policy, which
 * delegates use of the key to IAM policies).
 */
function accountRootStatements(t: CfnTemplate, document: YNode | null): Set<number> {
  const out = new Set<number>();
  const list = follow(t, pair(follow(t, document) as YNode | null, 'Statement')?.value);
  if (list === UNKNOWN || !list) return out;
  for (const entry of isYSeq(list) ? list.items : [list]) {
    if (!isYMap(entry)) continue;
    const principal = follow(t, pair(entry, 'Principal')?.value);
    const aws = principal !== UNKNOWN && isYMap(principal) ? pair(principal, 'AWS')?.value : undefined;
    const items = isYSeq(aws) ? aws.items : aws ? [aws] : [];
    if (items.length > 0 && items.every((item) => isAccountRoot(t, item))) out.add(entry.line);
  }
  return out;
}

function isAccountRoot(t: CfnTemplate, node: YNode): boolean {
  const call = intrinsic(node);
  if (call?.name === 'Ref') return isYScalar(call.arg) && call.arg.value === 'AWS::AccountId';
  if (call?.name === 'Fn::Sub') {
    const template = isYSeq(call.arg) ? call.arg.items[0] : call.arg;
    return isYScalar(template) && typeof template.value === 'string' && /^arn:(?:aws[\w-]*|\$\{AWS::Partition\}):iam::(?:\d{12}|\$\{AWS::AccountId\}):root$/.test(template.value.trim());
  }
  if (call?.name === 'Fn::Join' && isYSeq(call.arg)) {
    const parts = call.arg.items[1];
    const last = isYSeq(parts) ? parts.items[parts.items.length - 1] : undefined;
    return isYScalar(last) && typeof last.value === 'string' && /:root$/.test(last.value);
  }
  const v = text(t, node)?.trim();
  return v !== undefined && /^(?:\d{12}|arn:aws[\w-]*:iam::\d{12}:root)$/.test(v);
}

const MFA_METHODS = ['EnabledMfas', 'SmsConfiguration'];

const cognitoWithoutMfa: CfnRule = cfnRule({
  id: 'iac/cfn-cognito-no-mfa',
  title: 'Cognito user pool without multi-factor authentication',
  description: 'MfaConfiguration is OFF (the default) on a Cognito user pool, so a stolen or guessed password is enough to take over a user account. A pool with MFA ON but no MFA method (EnabledMfas or SmsConfiguration) cannot send a second factor either.',
  remediation: 'Set MfaConfiguration: ON (or OPTIONAL with adaptive authentication) and EnabledMfas: [SOFTWARE_TOKEN_MFA] or an SMS/email method.',
  severity: 'medium',
  cwe: ['CWE-308'],
  examples: {
    positive: [
      'Resources:\n  # expect\n  Customers:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolName: customers\n',
      'Resources:\n  Customers:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolName: customers\n      # expect\n      MfaConfiguration: "OFF"\n',
    ],
    negative: [
      'Resources:\n  Customers:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolName: customers\n      MfaConfiguration: "ON"\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n',
      'Parameters:\n  Mfa:\n    Type: String\n    AllowedValues: ["ON", "OFF"]\nResources:\n  Customers:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      MfaConfiguration: !Ref Mfa\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::Cognito::UserPool')) {
      const setting = prop(t, r, 'MfaConfiguration');
      const v = value(t, setting?.value);
      if (v === UNKNOWN || (setting && typeof v !== 'string' && typeof v !== 'boolean' && v !== undefined)) continue;
      // YAML 1.1 readers turn an unquoted OFF into false.
      const mode = v === false ? 'OFF' : v === true ? 'ON' : v === undefined ? undefined : String(v).toUpperCase();
      if (!setting || mode === 'OFF') {
        yield { line: setting ? setting.keyLine : r.line, message: `${label(r)} does not require or offer MFA (MfaConfiguration ${setting ? 'is OFF' : 'is not set'}).`, resource: label(r) };
        continue;
      }
      if (MFA_METHODS.some((m) => prop(t, r, m))) continue;
      yield { line: setting.keyLine, message: `${label(r)} turns MFA on but configures no MFA method (EnabledMfas or SmsConfiguration).`, resource: label(r) };
    }
  },
});

const userConsolePassword: CfnRule = cfnRule({
  id: 'iac/cfn-iam-user-console-password',
  title: 'IAM user given a console password',
  description:
    'An IAM user has a LoginProfile: a password for the AWS console, a long-lived credential that can be phished, reused or guessed, and that AWS recommends replacing with federation (IAM Identity Center) for people. The password comes from the template (its parameters or, worse, a literal); without PasswordResetRequired: true it stays valid after the first sign-in, so everyone who could read it can keep using it.',
  remediation: "Give people access through IAM Identity Center or another identity provider with MFA. If an IAM user must have a console password, set PasswordResetRequired: true, pass the initial password through a NoEcho parameter or a dynamic reference, and require MFA in the user's policies.",
  severity: 'low',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: alice\n      # expect\n      LoginProfile:\n        Password: !Ref InitialPassword\n        PasswordResetRequired: true\n',
      'Resources:\n  Bob:\n    Type: AWS::IAM::User\n    Properties:\n      # expect\n      LoginProfile:\n        Password: "{{resolve:secretsmanager:bob-initial}}"\n',
      'Resources:\n  Carol:\n    Type: AWS::IAM::User\n    Properties:\n      LoginProfile:\n        Password: !Ref InitialPassword\n        # expect\n        PasswordResetRequired: false\n',
    ],
    negative: ['Resources:\n  Deploy:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: deploy\n  DeployKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deploy\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::IAM::User')) {
      const profile = prop(t, r, 'LoginProfile');
      if (!profile || profile.value === null || follow(t, profile.value) === null) continue;
      const reset = prop(t, r, 'LoginProfile', 'PasswordResetRequired');
      const kept = bool(t, reset?.value) !== true;
      yield {
        // An explicit PasswordResetRequired: false is the setting that keeps the password valid (convention 3).
        line: reset && bool(t, reset.value) === false ? reset.keyLine : profile.keyLine,
        message: `${label(r)} has a console password${kept ? '; without PasswordResetRequired: true the password set in the template stays valid' : ''}.`,
        resource: label(r),
        ...(kept ? { severity: 'medium' as const } : {}),
      };
    }
  },
});

const serviceWildcard: CfnRule = cfnRule({
  id: 'iac/cfn-iam-service-wildcard',
  title: 'IAM policy allows every action of a service on every resource',
  description:
    'An identity policy (AWS::IAM::Policy, ManagedPolicy, the inline Policies of a role, user or group, or a policy document in the Policies of a SAM function or state machine) allows a whole service ("s3:*", "dynamodb:*", "ec2:*") on Resource "*" (or on everything but its NotResource), or every action but a few with NotAction. Besides the reads and writes the holder needs, that grants deleting every bucket, table or instance of the account and rewriting their policies and settings: one leaked credential or one bug in the workload reaches all of them. Deny statements are never reported, nor statements whose condition narrows the resources (aws:ResourceTag, aws:ResourceAccount, or a key of the service such as s3:prefix). Every action on every resource is iac/cfn-iam-full-admin\'s finding, and a service wildcard that is a privilege escalation path on its own (iam:*, lambda:*, glue:*) is iac/cfn-iam-privilege-escalation\'s. A managed policy that users or roles have only as their PermissionsBoundary grants nothing and is not reported.',
  remediation: 'List the actions the identity needs (s3:GetObject, dynamodb:PutItem...) and the ARNs of the resources it works on (SAM policy templates such as S3ReadPolicy or DynamoDBCrudPolicy scope them to one resource); IAM Access Analyzer policy generation finds them from CloudTrail activity.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'Resources:\n  App:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      # expect\n      PolicyDocument:\n        Version: "2012-10-17"\n        Statement:\n          - Effect: Allow\n            Action: sqs:ReceiveMessage\n            Resource: !GetAtt Jobs.Arn\n          # detail\n          - Effect: Allow\n            Action: ["s3:*", "dynamodb:*"]\n            Resource: "*"\n',
      'Resources:\n  Worker:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: ecs-tasks.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: compute\n          # expect\n          PolicyDocument:\n            Statement:\n              # detail\n              - Effect: Allow\n                Action: ec2:*\n                NotResource: arn:aws:ec2:*:*:instance/i-0123456789abcdef0\n                Condition: { Bool: { aws:MultiFactorAuthPresent: "true" } }\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      # expect\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        - Statement:\n            # detail\n            - Effect: Allow\n              NotAction: ["iam:*", "lambda:*", "glue:*", "organizations:*"]\n              Resource: "*"\n',
      // A policy document written as a JSON string, as CloudFormation accepts one.
      'Resources:\n  Client:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: ec2.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: broker\n          # expect\n          PolicyDocument: !Sub \'{\n            "Statement": [{"Effect": "Allow", "Action": ["mq:*"], "Resource": "*"}]\n            }\'\n',
    ],
    negative: [
      'Resources:\n  App:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: app\n      Roles: [!Ref AppRole]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: s3:*\n            Resource: [!GetAtt Reports.Arn, !Sub "${Reports.Arn}/*"]\n          - Effect: Deny\n            Action: s3:*\n            Resource: "*"\n            Condition: { Bool: { aws:SecureTransport: "false" } }\n',
      // Attribute-based access control; lambda:* is the escalation rule's finding (lambda:UpdateFunctionCode).
      'Resources:\n  Team:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ec2:*\n            Resource: "*"\n            Condition: { StringEquals: { aws:ResourceTag/team: payments } }\n          - Effect: Allow\n            Action: lambda:*\n            Resource: "*"\n',
      // A JSON string document whose statements name their resources, or whose Effect cannot be told.
      'Resources:\n  Client:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: ec2.amazonaws.com }\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: broker\n          PolicyDocument: !Sub \'{"Statement": [{"Effect": "Allow", "Action": "mq:*", "Resource": "${Broker.Arn}"}, {"Effect": "${Effect}", "Action": "s3:*", "Resource": "*"}]}\'\n',
      // The Systems Manager agent's channels: no resource of the account to reach, as AmazonSSMManagedInstanceCore grants them.
      'Resources:\n  Agent:\n    Type: AWS::IAM::RolePolicy\n    Properties:\n      RoleName: !Ref InstanceRole\n      PolicyName: ssm-agent\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: [ec2messages:*, ssm:UpdateInstanceInformation, ssmmessages:*]\n            Resource: "*"\n',
      // A resource policy is judged by iac/cfn-resource-policy-all-actions.
      'Resources:\n  Policy:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: !Ref Data\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { AWS: arn:aws:iam::123456789012:role/app }\n            Action: s3:*\n            Resource: "*"\n',
    ],
  },
  *check(t) {
    const boundaries = boundaryOnlyPolicies(t);
    for (const policy of heldPolicies(t)) {
      if (boundaries.has(policy.resource)) continue;
      const grants = serviceWideGrants(policy.statements);
      if (grants) yield { ...inside(policy.key.keyLine, grants.first.line), message: `${label(policy.resource)} allows ${grants.text}.`, resource: label(policy.resource) };
    }
  },
});

/** A list property that names at least one entry (a list that cannot be read names none that can be told). */
function listsAny(t: CfnTemplate, node: YNode | null | undefined): boolean {
  const list = follow(t, node);
  return list !== UNKNOWN && isYSeq(list) && list.items.length > 0;
}

const userPolicy: CfnRule = cfnRule({
  id: 'iac/cfn-iam-user-policy',
  title: 'IAM policy attached directly to a user',
  description:
    'A policy is given to an IAM user directly: the Policies or ManagedPolicyArns of an AWS::IAM::User, the Users of an AWS::IAM::Policy or AWS::IAM::ManagedPolicy, or an AWS::IAM::UserPolicy. Permissions granted user by user drift apart and are hard to review or revoke: when someone changes role or leaves, each of their policies must be found and removed, and an audit has to read every user. The CIS AWS Foundations Benchmark asks that IAM users receive permissions only through groups; people are better given roles through federation.',
  remediation: 'Give the policy to an AWS::IAM::Group (its Policies or ManagedPolicyArns, or the Groups of the policy) and add the user to the group (Groups of the user, or AWS::IAM::UserToGroupAddition), or give people federated access to roles through IAM Identity Center.',
  severity: 'low',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'Resources:\n  Deploy:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: deploy\n      # expect\n      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n      # expect\n      Policies:\n        - PolicyName: artifacts\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: s3:PutObject\n                Resource: arn:aws:s3:::example-artifacts/*\n',
      'Resources:\n  Reports:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Groups: [!Ref Analysts]\n      # expect\n      Users: [!Ref Bob]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: athena:StartQueryExecution\n            Resource: "*"\n',
      'Resources:\n  Inline:\n    Type: AWS::IAM::UserPolicy\n    Properties:\n      PolicyName: inline\n      # expect\n      UserName: !Ref Carol\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: sqs:SendMessage\n            Resource: !GetAtt Queue.Arn\n',
    ],
    negative: [
      'Resources:\n  Alice:\n    Type: AWS::IAM::User\n    Properties:\n      UserName: alice\n      Groups: [!Ref Analysts]\n      ManagedPolicyArns: []\n  Analysts:\n    Type: AWS::IAM::Group\n    Properties:\n      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n  Reports:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: reports\n      Groups: [!Ref Analysts]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: athena:StartQueryExecution\n            Resource: "*"\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::IAM::User', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::UserPolicy')) {
      if (r.type === 'AWS::IAM::UserPolicy') {
        const user = prop(t, r, 'UserName');
        if (user && follow(t, user.value) !== null) yield { line: user.keyLine, message: `${label(r)} gives an inline policy to an IAM user directly; grant permissions through a group or a role.`, resource: label(r) };
        continue;
      }
      const properties = r.type === 'AWS::IAM::User' ? ['Policies', 'ManagedPolicyArns'] : ['Users'];
      for (const property of properties) {
        const key = prop(t, r, property);
        if (!key || !listsAny(t, key.value)) continue;
        const what = property === 'Policies' ? 'has inline Policies' : property === 'ManagedPolicyArns' ? 'has managed policies attached (ManagedPolicyArns)' : 'is attached to IAM users directly (Users)';
        yield { line: key.keyLine, message: `${label(r)} ${what}; grant permissions through a group or a role.`, resource: label(r) };
      }
    }
  },
});

/** For each role of the template, what makes it privileged and where that comes from. */
function privilegedRoles(t: CfnTemplate): Map<CfnResource, Array<{ what: string; via: string }>> {
  const found = new Map<CfnResource, Array<{ what: string; via: string }>>();
  const add = (role: CfnResource, what: string, via: string) => found.set(role, [...(found.get(role) ?? []), { what, via }]);
  for (const policy of heldPolicies(t)) {
    const what = privilegeOf(policy.statements);
    if (!what) continue;
    for (const role of policy.holders) if (role.type === 'AWS::IAM::Role' && !boundaryMayLimitRole(t, role)) add(role, what, policy.resource === role ? `its inline Policies` : label(policy.resource));
  }
  for (const role of resourcesOf(t, 'AWS::IAM::Role')) {
    if (boundaryMayLimitRole(t, role)) continue;
    const list = follow(t, prop(t, role, 'ManagedPolicyArns')?.value);
    if (list === UNKNOWN || !isYSeq(list)) continue;
    for (const item of list.items) {
      const what = privilegedManagedPolicy(managedPolicyArn(t, item) ?? '');
      if (what) add(role, what, 'ManagedPolicyArns');
    }
  }
  return found;
}

/** Where workloads name the role their code runs with, and how to reach the role from there. */
const WORKLOAD_ROLES: ReadonlyArray<{ type: string; property: string; what: string }> = [
  { type: 'AWS::Lambda::Function', property: 'Role', what: WORKLOAD_USES.function },
  { type: 'AWS::Serverless::Function', property: 'Role', what: WORKLOAD_USES.function },
  { type: 'AWS::ECS::TaskDefinition', property: 'TaskRoleArn', what: WORKLOAD_USES.task },
  { type: 'AWS::EC2::Instance', property: 'IamInstanceProfile', what: WORKLOAD_USES.instance },
];

const workloadPrivilegedRole: CfnRule = cfnRule({
  id: 'iac/cfn-workload-privileged-role',
  title: 'Function, task or instance runs with an administrator-level role',
  description:
    'A Lambda function, an ECS task or an EC2 instance runs with a role of the template (or, for a SAM function, the role SAM creates from its Policies) that has administrator access (Action "*", AdministratorAccess, PowerUserAccess, Allow with NotAction), or that can change IAM permissions on any role or user (iam:PutRolePolicy, iam:AttachRolePolicy, iam:CreatePolicyVersion, IAMFullAccess...) and so make itself administrator. Any flaw in the code (an injection, a vulnerable dependency, a server-side request forgery that reads the credentials) then hands over the whole account. A role with a PermissionsBoundary is reported only when the boundary can be read and itself grants such a privilege (an AWS managed AdministratorAccess, a managed policy of the template whose statements hold one).',
  remediation: 'Give each function, task and instance its own role with only the actions and resources it uses; keep IAM administration out of workload roles, or bound them with a PermissionsBoundary that denies it.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'Resources:\n  Resize:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      # expect\n      Role: !GetAtt ResizeRole.Arn\n  ResizeRole:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess\n',
      'Resources:\n  Worker:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      # expect\n      TaskRoleArn: !Ref WorkerRole\n  WorkerRole:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: iam\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [iam:PutRolePolicy, s3:GetObject]\n                Resource: "*"\n',
      'Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-12345678\n      # expect\n      IamInstanceProfile: !Ref WebProfile\n  WebProfile:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Roles: [!Ref WebRole]\n  WebRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n  Everything:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: everything\n      Roles: [!Ref WebRole]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            NotAction: iam:*\n            Resource: "*"\n',
      // SAM builds the function's role from its Policies: a managed policy name, or a document.
      // A PermissionsBoundary that itself lets the role rewrite role policies does not limit it.
      'Resources:\n  Worker:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      # expect\n      TaskRoleArn: !GetAtt WorkerRole.Arn\n  WorkerRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Ref Boundary\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/IAMFullAccess]\n  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ["iam:Get*", "iam:PassRole", "iam:PutRole*", "ecs:*"]\n            Resource: "*"\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Admin:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      # expect\n      Policies:\n        - AWSLambdaBasicExecutionRole\n        - IAMFullAccess\n  Grants:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      # expect\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: iam:AttachRolePolicy\n              Resource: "*"\n',
    ],
    negative: [
      'Resources:\n  Resize:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      Role: !GetAtt ResizeRole.Arn\n  ResizeRole:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole\n      Policies:\n        - PolicyName: images\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: [s3:GetObject, s3:PutObject]\n                Resource: arn:aws:s3:::images/*\n',
      // Policy templates and ordinary managed policies; a Role of its own, with which SAM ignores Policies.
      // A PermissionsBoundary that grants no IAM administration takes IAMFullAccess away, whether a managed policy of the template or named by ARN.
      'Resources:\n  Worker:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n      TaskRoleArn: !GetAtt WorkerRole.Arn\n  WorkerRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Ref Boundary\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/IAMFullAccess]\n  Boundary:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Action: ["iam:Get*", "iam:List*", "ecr:*", "s3:GetObject"]\n            Resource: "*"\n  Deploy:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: index.handler\n      Runtime: nodejs20.x\n      Role: !GetAtt DeployRole.Arn\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      PermissionsBoundary: !Sub arn:aws:iam::${AWS::AccountId}:policy/workload-boundary\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]\n',
      'Transform: AWS::Serverless-2016-10-31\nResources:\n  Reader:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Policies:\n        - AmazonS3ReadOnlyAccess\n        - DynamoDBCrudPolicy:\n            TableName: !Ref Table\n  Owned:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n      Role: !GetAtt OwnedRole.Arn\n      Policies: [IAMFullAccess]\n',
    ],
  },
  *check(t) {
    // A SAM function without a Role runs with the role SAM builds from its Policies.
    for (const r of resourcesOf(t, 'AWS::Serverless::Function')) {
      const sam = samPolicies(t, r);
      if (!sam || boundaryMayLimitRole(t, r)) continue;
      const grants: string[] = [];
      const documents = sam.items.filter(isSamDocument).flatMap((item) => statementsIn(t, item, item.line));
      const fromDocuments = privilegeOf(documents);
      if (fromDocuments) grants.push(fromDocuments);
      for (const item of sam.items) {
        if (isYMap(item) && !intrinsic(item)) continue;
        const arn = managedPolicyArn(t, item)?.trim();
        const what = arn === undefined ? undefined : privilegedManagedPolicy(/^arn:/.test(arn) ? arn : `arn:aws:iam::aws:policy/${arn}`);
        if (what) grants.push(what);
      }
      if (grants.length === 0) continue;
      yield { line: sam.key.keyLine, message: `${label(r)} ${WORKLOAD_USES.function} the role SAM creates from its Policies, which has ${strongestGrant(grants.map((what) => ({ what })))}.`, resource: label(r) };
    }
    if (WORKLOAD_ROLES.every(({ type }) => resourcesOf(t, type).length === 0)) return;
    const privileged = privilegedRoles(t);
    if (privileged.size === 0) return;
    for (const { type, property, what } of WORKLOAD_ROLES) {
      for (const r of resourcesOf(t, type)) {
        const setting = prop(t, r, property);
        if (!setting) continue;
        const target = resourceById(t, referencedId(setting.value));
        const roles =
          target?.type === 'AWS::IAM::InstanceProfile'
            ? referencedIds(t, prop(t, target, 'Roles')?.value).map((id) => resourceById(t, id, 'AWS::IAM::Role')).filter((role) => role !== undefined)
            : target?.type === 'AWS::IAM::Role'
              ? [target]
              : [];
        for (const role of roles) {
          const grants = privileged.get(role);
          if (!grants) continue;
          yield { line: setting.keyLine, message: `${label(r)} ${what} ${label(role)}, which has ${strongestGrant(grants)}.`, resource: label(r) };
        }
      }
    }
  },
});

const lambdaServiceUnscoped: CfnRule = cfnRule({
  id: 'iac/cfn-lambda-service-permission-unscoped',
  title: 'Lambda function can be invoked by an AWS service on behalf of any account',
  description:
    'An AWS::Lambda::Permission lets an AWS service (apigateway.amazonaws.com, s3.amazonaws.com, events.amazonaws.com, sns.amazonaws.com...) invoke the function without SourceArn, SourceAccount or PrincipalOrgID, or with a SourceArn whose account is a wildcard. The service then invokes it for resources of any AWS account: anyone can point their own API, bucket notification, rule or topic at the function and feed it events (the confused deputy problem).',
  remediation: 'Set SourceArn to the ARN of the API, bucket, rule or topic that should invoke the function (for API Gateway, !Sub "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*"), and SourceAccount for services whose ARNs carry no account, such as S3.',
  severity: 'medium',
  cwe: ['CWE-441'],
  examples: {
    positive: [
      'Resources:\n  FromApi:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Orders\n      # expect\n      Principal: apigateway.amazonaws.com\n',
      'Resources:\n  FromRules:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Cleanup\n      # expect\n      Principal: events.amazonaws.com\n      SourceArn: arn:aws:events:eu-west-1:*:rule/nightly\n',
    ],
    negative: [
      'Resources:\n  FromApi:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Orders\n      Principal: apigateway.amazonaws.com\n      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*\n',
      'Resources:\n  FromBucket:\n    Type: AWS::Lambda::Permission\n    Properties:\n      Action: lambda:InvokeFunction\n      FunctionName: !Ref Thumbs\n      Principal: s3.amazonaws.com\n      SourceAccount: !Ref AWS::AccountId\n      SourceArn: !GetAtt Uploads.Arn\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::Lambda::Permission')) {
      const principal = prop(t, r, 'Principal');
      const service = text(t, principal?.value)?.trim();
      const arn = text(t, prop(t, r, 'SourceArn')?.value);
      const open = unscopedServicePermission(service, { sourceAccount: !!prop(t, r, 'SourceAccount'), organisation: !!prop(t, r, 'PrincipalOrgID'), sourceArn: !!prop(t, r, 'SourceArn'), arn });
      if (!open) continue;
      yield {
        line: principal!.keyLine,
        message: open === 'any-account'
          ? `${label(r)} lets ${service} invoke the function for matching resources of any AWS account (SourceArn "${arn}").`
          : `${label(r)} lets ${service} invoke the function for resources of any AWS account (no SourceArn or SourceAccount).`,
        resource: label(r),
      };
    }
  },
});

const ssmSessionNotEncrypted: CfnRule = cfnRule({
  id: 'iac/cfn-ssm-session-no-kms',
  title: 'Session Manager sessions not encrypted with a KMS key',
  description:
    'The Session Manager preferences document (DocumentType Session) sets no inputs kmsKeyId, so session data (shell input and output, which often includes secrets typed or printed on the instance) is protected only by the TLS channel, and session access is not tied to a key policy that can be audited and revoked.',
  remediation: 'Set kmsKeyId in the document inputs to a customer managed KMS key, and grant kms:Decrypt on it only to the roles allowed to start sessions.',
  severity: 'low',
  cwe: ['CWE-311'],
  examples: {
    positive: [
      'Resources:\n  Session:\n    Type: AWS::SSM::Document\n    Properties:\n      Name: SSM-SessionManagerRunShell\n      DocumentType: Session\n      # expect\n      Content:\n        schemaVersion: "1.0"\n        sessionType: Standard_Stream\n        inputs:\n          s3BucketName: session-logs\n',
    ],
    negative: [
      'Resources:\n  Session:\n    Type: AWS::SSM::Document\n    Properties:\n      DocumentType: Session\n      Content:\n        schemaVersion: "1.0"\n        sessionType: Standard_Stream\n        inputs:\n          kmsKeyId: !Ref SessionKey\n',
      'Resources:\n  Patch:\n    Type: AWS::SSM::Document\n    Properties:\n      DocumentType: Command\n      Content:\n        schemaVersion: "2.2"\n        mainSteps: []\n',
    ],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::SSM::Document')) {
      if (text(t, prop(t, r, 'DocumentType')?.value) !== 'Session') continue;
      const content = prop(t, r, 'Content');
      if (!content) continue;
      let document = plainValue(t, content.value);
      if (typeof document === 'string') {
        const format = text(t, prop(t, r, 'DocumentFormat')?.value)?.toUpperCase();
        if (format === 'YAML' || format === 'TEXT') continue;
        try {
          document = JSON.parse(document);
        } catch {
          continue;
        }
      }
      if (!document || typeof document !== 'object' || Array.isArray(document)) continue;
      const inputs = (document as Record<string, unknown>)['inputs'];
      const key = inputs && typeof inputs === 'object' && !Array.isArray(inputs) ? (inputs as Record<string, unknown>)['kmsKeyId'] : undefined;
      if (key !== undefined && key !== null && !(typeof key === 'string' && key.trim() === '')) continue;
      yield { line: content.keyLine, message: `${label(r)} does not encrypt session data with a KMS key (no inputs kmsKeyId).`, resource: label(r) };
    }
  },
});

const guardDuty: CfnRule = cfnRule({
  id: 'iac/cfn-guardduty-disabled',
  title: 'GuardDuty detector disabled',
  description: 'The GuardDuty detector is declared with Enable: false, so threat detection for the account (credential misuse, crypto-mining, reconnaissance) is off.',
  remediation: 'Set Enable: true on the detector, in every region the account uses.',
  severity: 'medium',
  cwe: ['CWE-778'],
  examples: {
    positive: ['Resources:\n  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      # expect\n      Enable: false\n'],
    negative: ['Resources:\n  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties:\n      Enable: true\n'],
  },
  *check(t) {
    for (const r of resourcesOf(t, 'AWS::GuardDuty::Detector')) {
      const setting = prop(t, r, 'Enable');
      if (bool(t, setting?.value) === false) yield { line: setting!.keyLine, message: `${label(r)} is disabled (Enable: false).`, resource: label(r) };
    }
  },
});

/** Rules about who may act in an account: escalation, broad grants, privileged workloads, service invocations, user MFA and passwords, sessions, threat detection. */
export const accessRules: readonly CfnRule[] = [privilegeEscalation, passRoleWildcard, serviceWildcard, userPolicy, resourcePolicyAllActions, workloadPrivilegedRole, lambdaServiceUnscoped, cognitoWithoutMfa, userConsolePassword, ssmSessionNotEncrypted, guardDuty];
