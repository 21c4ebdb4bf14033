import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, lines } from '../../helpers/iac-lines.js';

const ESCALATION = 'iac/cfn-iam-privilege-escalation';

/** A role Ci (line 3) with this PermissionsBoundary and an inline policy allowing these actions on every resource, and more lines. */
const role = (boundary: string, actions: string[], ...more: string[]) =>
  lines(
    'Resources:',
    '  Ci:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      AssumeRolePolicyDocument: {}',
    `      PermissionsBoundary: ${boundary}`,
    '      Policies:',
    '        - PolicyName: ci',
    '          PolicyDocument:',
    '            Statement:',
    `              - { Effect: Allow, Action: ${JSON.stringify(actions)}, Resource: "*" }`,
    ...more,
  );

/** An AWS::IAM::ManagedPolicy Boundary with these statements (flow maps). */
const boundaryPolicy = (...statements: string[]) => ['  Boundary:', '    Type: AWS::IAM::ManagedPolicy', '    Properties:', '      PolicyDocument:', '        Statement:', ...statements.map((s) => `          - ${s}`)];

const said = (source: string) => findingsOf(ESCALATION, source, 'template.yaml').map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

describe('CloudFormation privilege escalation: permissions boundaries', () => {
  it('reports only the paths whose every action the boundary lets through', () => {
    const source = role('!Ref Boundary', ['iam:PutRolePolicy', 'iam:PassRole', 'ec2:RunInstances'], ...boundaryPolicy('{ Effect: Allow, Action: ["iam:PassRole", "ec2:*"], Resource: "*" }'));
    assert.deepEqual(said(source), ['2 high AWS::IAM::Role Ci can escalate its privileges through iam:PassRole + ec2:RunInstances (granted by its Policies).']);
  });

  it('reports nothing when the boundary allows none of the paths, or denies them on every resource', () => {
    const actions = ['iam:PutRolePolicy', 'lambda:UpdateFunctionCode'];
    assert.deepEqual(said(role('!Ref Boundary', actions, ...boundaryPolicy('{ Effect: Allow, Action: ["s3:*", "iam:Get*"], Resource: "*" }'))), []);
    assert.deepEqual(said(role('!GetAtt Boundary.PolicyArn', actions, ...boundaryPolicy('{ Effect: Allow, Action: "*", Resource: "*" }', '{ Effect: Deny, NotAction: ["s3:*", "logs:*"], Resource: "*" }'))), []);
    // A Deny with a condition, or on some resources only, may let the action through.
    const conditional = boundaryPolicy('{ Effect: Allow, Action: "*", Resource: "*" }', '{ Effect: Deny, Action: ["iam:*", "lambda:*"], Resource: "*", Condition: { StringNotEquals: { aws:RequestedRegion: eu-west-1 } } }');
    assert.equal(said(role('!Ref Boundary', actions, ...conditional)).length, 1);
    const scoped = boundaryPolicy('{ Effect: Allow, Action: "*", Resource: "*" }', '{ Effect: Deny, Action: ["iam:*", "lambda:*"], Resource: !Sub "arn:aws:iam::${AWS::AccountId}:role/admin" }');
    assert.equal(said(role('!Ref Boundary', actions, ...scoped)).length, 1);
  });

  it('keeps the finding at medium severity for a boundary it cannot read, and says so', () => {
    const actions = ['iam:AttachRolePolicy'];
    assert.deepEqual(said(role('!Sub arn:aws:iam::${AWS::AccountId}:policy/workload-boundary', actions)), [
      '2 medium AWS::IAM::Role Ci can escalate its privileges through iam:AttachRolePolicy (granted by its Policies), unless its permissions boundary (arn:aws:iam::${AWS::AccountId}:policy/workload-boundary), whose document is not in this template, excludes them.',
    ]);
    const parameter = lines('Parameters:', '  BoundaryArn:', '    Type: String') + role('!Ref BoundaryArn', actions);
    assert.match(said(parameter)[0]!, /^5 medium .*unless its permissions boundary \(the parameter BoundaryArn\)/);
    // As CDK writes a boundary of the account.
    const joined = role('!Join ["", ["arn:", !Ref AWS::Partition, ":iam::", !Ref AWS::AccountId, ":policy/cdk-boundary"]]', actions);
    assert.match(said(joined)[0]!, /^2 medium .*unless its permissions boundary \(arn:aws:iam::\$\{AWS::AccountId\}:policy\/cdk-boundary\)/);
    // A document whose allowed actions cannot be read (a parameter without a default).
    const unread = lines('Parameters:', '  Allowed:', '    Type: CommaDelimitedList') + role('!Ref Boundary', actions, ...boundaryPolicy('{ Effect: Allow, Action: !Ref Allowed, Resource: "*" }'));
    assert.deepEqual(said(unread).map((s) => s.split(' ').slice(0, 2).join(' ')), ['5 medium']);
  });

  it('reads no boundary where there may be none, or the AWS managed AdministratorAccess; PowerUserAccess is read', () => {
    const actions = ['iam:AttachRolePolicy'];
    const maybe = lines('Parameters:', '  Bounded:', '    Type: String', 'Conditions:', '  IsBounded: !Equals [!Ref Bounded, "yes"]') + role('!If [IsBounded, !Ref Boundary, !Ref AWS::NoValue]', actions, ...boundaryPolicy('{ Effect: Allow, Action: "s3:*", Resource: "*" }'));
    assert.deepEqual(said(maybe).map((s) => s.split(' ').slice(0, 2).join(' ')), ['7 high']);
    assert.deepEqual(said(role('!Sub arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess', actions)).map((s) => s.split(' ')[1]), ['high']);
    assert.deepEqual(said(role('arn:aws:iam::aws:policy/PowerUserAccess', actions)), []);
  });

  it('reports no grant of a managed policy that is only a permissions boundary, and the grants of one that is also attached', () => {
    const boundary = boundaryPolicy('{ Effect: Allow, Action: "*", Resource: "*" }', '{ Effect: Allow, Action: ["s3:*", "iam:PassRole"], Resource: "*" }', '{ Effect: Allow, Action: iam:PutRolePolicy, Resource: "*" }', '{ Effect: Deny, Action: "iam:*", Resource: "*" }');
    const source = lines('Resources:', '  App:', '    Type: AWS::IAM::Role', '    Properties:', '      AssumeRolePolicyDocument: {}', '      PermissionsBoundary: !Ref Boundary', ...boundary);
    const rules = ['iac/cfn-iam-full-admin', 'iac/cfn-iam-passrole-wildcard', 'iac/cfn-iam-service-wildcard', ESCALATION];
    const fired = (text: string) => rules.filter((rule) => findingsOf(rule, text, 'template.yaml').length > 0);
    assert.deepEqual(fired(source), []);
    const attached = source + lines('  Ops:', '    Type: AWS::IAM::Role', '    Properties:', '      AssumeRolePolicyDocument: {}', '      ManagedPolicyArns: [!Ref Boundary]');
    assert.deepEqual(fired(attached), rules);
    const listed = source.replace('    Properties:\n      PolicyDocument:', '    Properties:\n      Groups: [ops]\n      PolicyDocument:');
    assert.deepEqual(fired(listed), rules);
  });
});

describe('CloudFormation privilege escalation: AWS managed IAMFullAccess and PowerUserAccess', () => {
  const user = (...arns: string[]) => lines('Resources:', '  Ops:', '    Type: AWS::IAM::User', '    Properties:', '      ManagedPolicyArns:', ...arns.map((arn) => `        - ${arn}`));

  it('reads what they grant, with the property that names them', () => {
    assert.deepEqual(said(user('!Sub arn:${AWS::Partition}:iam::aws:policy/IAMFullAccess')), [
      '2 high AWS::IAM::User Ops can escalate its privileges through iam:CreatePolicyVersion; iam:SetDefaultPolicyVersion; iam:CreateAccessKey; and 9 more (granted by IAMFullAccess in its ManagedPolicyArns).',
    ]);
    assert.deepEqual(said(user('arn:aws:iam::aws:policy/PowerUserAccess')), ['2 high AWS::IAM::User Ops can escalate its privileges through lambda:UpdateFunctionCode; glue:UpdateDevEndpoint (granted by PowerUserAccess in its ManagedPolicyArns).']);
    assert.deepEqual(said(user('arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::123456789012:policy/IAMFullAccess')), []);
    const sam = lines('Transform: AWS::Serverless-2016-10-31', 'Resources:', '  Fn:', '    Type: AWS::Serverless::Function', '    Properties:', '      Handler: app.handler', '      Policies: [AWSLambdaBasicExecutionRole, IAMFullAccess]');
    assert.match(said(sam)[0] ?? '', /^3 high AWS::Serverless::Function Fn can escalate .* \(granted by IAMFullAccess in its Policies\)\.$/);
  });
});
