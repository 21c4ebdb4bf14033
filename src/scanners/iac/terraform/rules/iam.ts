import { allowsAction, boundaryOfArn, boundaryOfStatements, boundedPaths, broadActions, delegatesToAccessPoints, describePaths, escalationActions, escalationFinding, escalationPaths, isAdministratorAccessArn, isFullAdmin, isRootKeyGrant, managedPolicyStatements, onAllResources, openTo, restricts, serviceWideGrants, type Boundary, type Statement } from '../../aws-policy.js';
import type { Block, Expr } from '../hcl/ast.js';
import { attribute, companionInstances, inFileOrder, instanceNamed, instancesNamed, instancesOfResource, InstancePool, label, mentioned, moduleResourcesOf, referrerInstances, resourcesOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { IDENTITY_POLICY_TYPES, RESOURCE_POLICY_TYPES, boundaryStatements, itemsOf, managedPolicyArn, managedPolicyArnsOf, policies, type Policy } from '../policy.js';
import { given, tfRule, type TfRule } from './common.js';
import { fileInstance, sectionsIn } from './instances.js';
import { detailNote, inside, listEntry, type Hit } from '../../rule.js';

/** A statement's place: where the policy is written (its attribute or data block), with the statement's own line as detail. */
function placeOf(policy: Policy, statement: Statement): Pick<Hit, 'line' | 'detailLine'> {
  return inside(policy.line, statement.detailLine ?? statement.line);
}

const isTrustPolicy = (policy: Policy) => policy.resource.type === 'aws_iam_role' && policy.attribute?.name === 'assume_role_policy';
const isIdentityPolicy = (policy: Policy) => IDENTITY_POLICY_TYPES.has(policy.resource.type) && !isTrustPolicy(policy) && policy.statements.every((s) => !s.hasPrincipal);


const fullAdmin: TfRule = tfRule({
  id: 'iac/tf-aws-iam-full-admin',
  title: 'IAM policy grants full administrator access',
  description: 'A policy allows every action ("*") on every resource ("*"), or a user, group or role is given the AWS managed AdministratorAccess policy (an aws_iam_*_policy_attachment, or an entry of managed_policy_arns or policy_arns). Whoever holds it (a user, a role assumed by an application or CI job) controls the whole account, including IAM itself, so any compromise of that identity is a full account takeover. A policy that users or roles have only as their permissions boundary grants nothing and is not reported.',
  remediation: 'Grant the specific actions and resources the identity needs; keep administrator access to a few break-glass roles protected by MFA.',
  severity: 'critical',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "aws_iam_policy" "admin" {\n  name   = "admin"\n  # expect\n  policy = jsonencode({\n    Version = "2012-10-17"\n    # detail\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]\n  })\n}\n',
      'resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.r.id\n  policy = <<EOF\n{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]\n}\nEOF\n}\n',
      '# expect\ndata "aws_iam_policy_document" "admin" {\n  # detail\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n}\n',
      // The AWS managed policy, by ARN (literal, with the partition interpolated, or looked up by name).
      'resource "aws_iam_role_policy_attachment" "ci_admin" {\n  role       = aws_iam_role.ci.name\n  # expect\n  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"\n}\n\ndata "aws_iam_policy" "admin" {\n  name = "AdministratorAccess"\n}\n\nresource "aws_iam_user_policy_attachment" "ops_admin" {\n  user       = aws_iam_user.ops.name\n  # expect\n  policy_arn = data.aws_iam_policy.admin.arn\n}\n',
      // A lookup per name: the instance the attachment names.
      'data "aws_iam_policy" "managed" {\n  for_each = toset(["AdministratorAccess", "ReadOnlyAccess"])\n  name     = each.key\n}\n\nresource "aws_iam_role_policy_attachment" "ci" {\n  role       = aws_iam_role.ci.name\n  # expect\n  policy_arn = data.aws_iam_policy.managed["AdministratorAccess"].arn\n}\n\nresource "aws_iam_role_policy_attachment" "reports" {\n  role       = aws_iam_role.reports.name\n  policy_arn = data.aws_iam_policy.managed["ReadOnlyAccess"].arn\n}\n',
      // A module's map of policies: each instance's policy_arn.
      'resource "aws_iam_role_policy_attachment" "this" {\n  for_each   = { admin = "arn:aws:iam::aws:policy/AdministratorAccess", read = "arn:aws:iam::aws:policy/ReadOnlyAccess" }\n  role       = aws_iam_role.ci.name\n  # expect\n  policy_arn = each.value\n}\n',
      'resource "aws_iam_role" "deploy" {\n  name               = "deploy"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n  managed_policy_arns = [\n    "arn:aws:iam::aws:policy/ReadOnlyAccess",\n    # expect\n    "arn:aws:iam::aws:policy/AdministratorAccess",\n  ]\n}\n',
      'resource "aws_ssoadmin_permission_set_inline_policy" "admins" {\n  instance_arn       = "arn:aws:sso:::instance/ssoins-0123456789abcdef"\n  permission_set_arn = aws_ssoadmin_permission_set.admins.arn\n  # expect\n  inline_policy = jsonencode({\n    Version = "2012-10-17"\n    # detail\n    Statement = [{ Effect = "Allow", Action = ["*"], Resource = ["*"] }]\n  })\n}\n',
    ],
    negative: [
      'resource "aws_iam_policy" "read" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "arn:aws:s3:::reports/*" }]\n  })\n}\n',
      'resource "aws_iam_policy" "deny" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }]\n  })\n}\n',
      'resource "aws_iam_role_policy_attachment" "this" {\n  for_each   = { read = "arn:aws:iam::aws:policy/ReadOnlyAccess", ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" }\n  role       = aws_iam_role.ci.name\n  policy_arn = each.value\n}\n',
      // A permissions boundary that allows everything but IAM grants nothing: it bounds what the role's policies grant.
      'resource "aws_iam_role" "app" {\n  name                 = "app"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }, { Effect = "Deny", Action = "iam:*", Resource = "*" }]\n  })\n}\n',
      // A customer managed policy that happens to be named AdministratorAccess is judged by its document, not its name.
      'resource "aws_iam_role_policy_attachment" "ci" {\n  role       = aws_iam_role.ci.name\n  policy_arn = "arn:aws:iam::123456789012:policy/AdministratorAccess"\n}\n\nresource "aws_iam_role" "deploy" {\n  name                = "deploy"\n  assume_role_policy  = data.aws_iam_policy_document.trust.json\n  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]\n}\n',
    ],
  },
  *check(input) {
    for (const policy of policies(input)) {
      const admin = policy.statements.find(isFullAdmin);
      if (admin && !onlyBoundary(input, policy)) {
        const at = placeOf(policy, admin);
        yield { ...at, message: `${label(policy.resource)} allows every action on every resource${detailNote(at)}.`, resource: label(policy.resource) };
      }
    }
    // The AWS managed AdministratorAccess policy given to a user, group or role.
    const administrator = (expr: Expr) => isAdministratorAccessArn(managedPolicyArn(input, expr) ?? '');
    for (const attachment of resourcesOf(input, ...ADMIN_ATTACHMENT_TYPES)) {
      const arn = attribute(attachment.block, 'policy_arn');
      // A module's map of policies: each instance of the attachment (resourcesOf) with its own policy_arn.
      if (arn && administrator(arn.expr)) yield { line: arn.line, message: `${label(attachment)} attaches the AWS managed AdministratorAccess policy.`, resource: label(attachment) };
    }
    for (const [type, field] of ADMIN_POLICY_LISTS) {
      for (const holder of resourcesOf(input, type)) {
        const list = attribute(holder.block, field);
        // Convention 5: an entry of the list is reported on its own line.
        const entry = list && itemsOf(list.expr).find(administrator);
        if (entry) yield { ...listEntry(entry === list.expr ? list.line : entry.line), message: `${label(holder)} attaches the AWS managed AdministratorAccess policy (${field}).`, resource: label(holder) };
      }
    }
  },
});

/** Resources that attach one managed policy by policy_arn. */
const ADMIN_ATTACHMENT_TYPES = ['aws_iam_role_policy_attachment', 'aws_iam_user_policy_attachment', 'aws_iam_group_policy_attachment', 'aws_iam_policy_attachment'];

/** Resources that attach a list of managed policies, and the list. */
const ADMIN_POLICY_LISTS: ReadonlyArray<[string, string]> = [
  ['aws_iam_role', 'managed_policy_arns'],
  ['aws_iam_role_policy_attachments_exclusive', 'policy_arns'],
];

const IDENTITY_TYPES = ['aws_iam_user', 'aws_iam_group', 'aws_iam_role'];
const ATTACHMENTS: Record<string, { identity: string; field: string }> = {
  aws_iam_user_policy: { identity: 'aws_iam_user', field: 'user' },
  aws_iam_group_policy: { identity: 'aws_iam_group', field: 'group' },
  aws_iam_role_policy: { identity: 'aws_iam_role', field: 'role' },
};
const MANAGED_ATTACHMENTS: Record<string, { identity: string; field: string }> = {
  aws_iam_user_policy_attachment: { identity: 'aws_iam_user', field: 'user' },
  aws_iam_group_policy_attachment: { identity: 'aws_iam_group', field: 'group' },
  aws_iam_role_policy_attachment: { identity: 'aws_iam_role', field: 'role' },
};

/**
 * The identities (users, groups, roles) of the module mentioned by an attribute, in file
 * order: of one with for_each or count, the instances the attribute names
 * (`aws_iam_role.this[each.key].name` in an instance of its companion), else the identity as written.
 */
function identitiesIn(input: TfInput, block: Block, field: string, types: readonly string[]): TfResource[] {
  const expr = attribute(block, field)?.expr;
  if (!expr) return [];
  return mentioned(input, expr)
    .filter((r) => r.kind === 'resource' && types.includes(r.type))
    .flatMap((r) => instancesNamed(input, expr, r));
}

/**
 * The identities (users, groups, roles) of the module that a policy applies to, each
 * instance of a policy, attachment or identity with for_each or count on its own. Links
 * are looked up in indexes of references (model.ts), not by pairing every policy with
 * every attachment and identity, which was quadratic in the number of resources.
 */
function holders(input: TfInput, policy: Policy): TfResource[] {
  const inline = Object.hasOwn(ATTACHMENTS, policy.resource.type) ? ATTACHMENTS[policy.resource.type] : undefined;
  if (inline) return identitiesIn(input, policy.resource.block, inline.field, [inline.identity]);
  if (policy.resource.type === 'aws_iam_role') return [policy.resource];
  if (policy.resource.type !== 'aws_iam_policy') return [];
  const out = new Set<TfResource>();
  for (const attachment of referrerInstances(input, policy.resource, undefined, 'policy_arn')) {
    const managed = Object.hasOwn(MANAGED_ATTACHMENTS, attachment.type) ? MANAGED_ATTACHMENTS[attachment.type] : undefined;
    if (managed) for (const i of identitiesIn(input, attachment.block, managed.field, [managed.identity])) out.add(i);
    if (attachment.type === 'aws_iam_policy_attachment') {
      const named = new Set(['users', 'groups', 'roles'].flatMap((field) => identitiesIn(input, attachment.block, field, IDENTITY_TYPES)));
      for (const i of inFileOrder(input, named)) out.add(i);
    }
  }
  for (const role of referrerInstances(input, policy.resource, ['aws_iam_role'], 'managed_policy_arns')) out.add(role);
  return [...out];
}

/**
 * Whether a policy is only a permissions boundary: an aws_iam_policy that users or roles
 * have as their boundary and that nothing attaches. It grants nothing (it bounds what the
 * policies of its users and roles grant), so what it allows is no grant to report.
 */
function onlyBoundary(input: TfInput, policy: Policy): boolean {
  return policy.resource.type === 'aws_iam_policy' && referrerInstances(input, policy.resource, ['aws_iam_role', 'aws_iam_user'], 'permissions_boundary').length > 0 && holders(input, policy).length === 0;
}

const privilegeEscalation: TfRule = tfRule({
  id: 'iac/tf-aws-iam-privilege-escalation',
  title: 'IAM permissions allow privilege escalation',
  description:
    'The permissions granted to a user, group or role include actions that let it give itself more permissions (iam:CreatePolicyVersion, iam:AttachUserPolicy, iam:PutRolePolicy, iam:AddUserToGroup, iam:PassRole with a service that runs code...), from its policies or from the AWS managed IAMFullAccess (every IAM action) or PowerUserAccess (lambda:UpdateFunctionCode, glue:UpdateDevEndpoint...). Whoever controls the identity can become administrator. A user or role can do only what its permissions boundary allows too: with a boundary whose document the configuration holds (an aws_iam_policy written with its statements or from an aws_iam_policy_document), only the paths whose every action the boundary lets through are reported. A policy that users or roles have only as their boundary grants nothing and is not reported. A boundary named by the ARN of a policy the configuration does not hold (or whose allowed actions cannot be read) may or may not exclude the escalation: the finding stays, at medium severity, and says that the boundary was not read.',
  remediation: 'Remove the escalation actions, scope them to specific resources, or add a permissions boundary that denies them; grant IAM administration only to a few MFA-protected roles.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      '# expect\nresource "aws_iam_group" "devs" {\n  name = "devs"\n}\nresource "aws_iam_group_policy" "p" {\n  group  = aws_iam_group.devs.name\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:AddUserToGroup"], Resource = "*" }]\n  })\n}\n',
      '# expect\nresource "aws_iam_user" "ci" {\n  name = "ci"\n}\nresource "aws_iam_user_policy" "stacks" {\n  user   = aws_iam_user.ci.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "cloudformation:CreateStack", Resource = "*" }] })\n}\nresource "aws_iam_policy" "pass" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }] })\n}\nresource "aws_iam_user_policy_attachment" "pass" {\n  user       = aws_iam_user.ci.name\n  policy_arn = aws_iam_policy.pass.arn\n}\n',
      // A role per key of a map, each with its own policy document: only the instance "ci" may rewrite its policies.
      '# expect\nresource "aws_iam_role" "this" {\n  for_each           = toset(["ci", "app"])\n  name               = each.key\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\ndata "aws_iam_policy_document" "this" {\n  for_each = { ci = ["iam:PutRolePolicy"], app = ["s3:GetObject"] }\n  statement {\n    actions   = each.value\n    resources = ["*"]\n  }\n}\nresource "aws_iam_role_policy" "this" {\n  for_each = toset(["ci", "app"])\n  role     = aws_iam_role.this[each.key].id\n  policy   = data.aws_iam_policy_document.this[each.key].json\n}\n',
      'resource "aws_iam_policy" "deployer" {\n  # expect\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }]\n  })\n}\n',
      // The AWS managed IAMFullAccess.
      '# expect\nresource "aws_iam_user" "ops" {\n  name = "ops"\n}\nresource "aws_iam_user_policy_attachment" "iam" {\n  user       = aws_iam_user.ops.name\n  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n',
      // A permissions boundary that lets the escalation through (iam:* on the account's roles).
      '# expect\nresource "aws_iam_role" "ci" {\n  name                 = "ci"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:*", "s3:*"], Resource = "arn:aws:iam::123456789012:role/*" }]\n  })\n}\nresource "aws_iam_role_policy" "ci" {\n  role   = aws_iam_role.ci.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:PutRolePolicy", Resource = "*" }] })\n}\n',
      // A boundary named by the ARN of a policy the configuration does not hold: reported at medium severity.
      '# expect\nresource "aws_iam_user" "deploy" {\n  name                 = "deploy"\n  permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"\n}\nresource "aws_iam_user_policy" "deploy" {\n  user   = aws_iam_user.deploy.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:AttachUserPolicy", Resource = "*" }] })\n}\n',
    ],
    negative: [
      // A permissions boundary that allows none of the escalation actions: the role cannot use them.
      'resource "aws_iam_role" "ci" {\n  name                 = "ci"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["s3:*", "ecr:*", "logs:*"], Resource = "*" }]\n  })\n}\nresource "aws_iam_role_policy" "ci" {\n  role   = aws_iam_role.ci.id\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:PutRolePolicy", "iam:PassRole", "ec2:RunInstances"], Resource = "*" }] })\n}\n',
      // IAMFullAccess under a boundary that allows only IAM reads.
      'resource "aws_iam_role" "audit" {\n  name                 = "audit"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n  managed_policy_arns  = ["arn:aws:iam::aws:policy/IAMFullAccess"]\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:Get*", "iam:List*", "iam:Generate*"], Resource = "*" }] })\n}\n',
      // A boundary from a policy document that allows everything but denies IAM.
      'resource "aws_iam_user" "deploy" {\n  name                 = "deploy"\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = data.aws_iam_policy_document.boundary.json\n}\ndata "aws_iam_policy_document" "boundary" {\n  statement {\n    actions   = ["*"]\n    resources = ["*"]\n  }\n  statement {\n    effect    = "Deny"\n    actions   = ["iam:*"]\n    resources = ["*"]\n  }\n}\nresource "aws_iam_user_policy" "deploy" {\n  user   = aws_iam_user.deploy.name\n  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["iam:CreateAccessKey", "iam:PutUserPolicy", "s3:*"], Resource = "*" }] })\n}\n',
      'resource "aws_iam_policy" "reader" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:Get*", "iam:List*"], Resource = "*" }]\n  })\n}\n', 'resource "aws_iam_policy" "one" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:CreateAccessKey"], Resource = "arn:aws:iam::123456789012:user/ci" }]\n  })\n}\n'],
  },
  *check(input) {
    // Escalation paths often need actions from several policies of one identity, so the
    // actions each policy allows are pooled per user, group or role before the paths are
    // looked for (each policy read once, however many identities hold it). The policies
    // of the module's other files count; only this file's identities are reported.
    // Without an identity or an identity policy of its own, the file has nothing to report.
    if (![...input.resources, ...input.data].some((r) => IDENTITY_POLICY_TYPES.has(r.type) || r.type === 'aws_iam_user' || r.type === 'aws_iam_group')) return;
    const pool = escalationPool(input);
    // A policy no identity holds: the path may combine several statements, so the policy as a whole is what to change.
    const own = new Set(input.resources.map((r) => r.block));
    const unheld = [...pool.unheld.filter((p) => own.has(p.block)), ...unheldDocuments(input)];
    for (const policy of unheld) {
      const paths = escalationPaths(policy.actions);
      if (paths.length > 0) yield { line: policy.line, message: `${policy.label} allows privilege escalation through ${describePaths(paths)}.`, resource: policy.label };
    }
    // Each instance of an identity with for_each or count, with the policies of that instance.
    for (const identity of input.resources.flatMap((r) => (pool.byIdentity.has(r) ? instancesOfResource(input, r) : []))) {
      const grants = pool.byIdentity.get(identity);
      const actions = new Set(grants.flatMap((g) => [...g.actions]));
      if (escalationPaths(actions).length === 0) continue;
      // A permissions boundary: the identity can do only what both its policies and the boundary allow.
      const boundary = boundaryOf(input, identity);
      const paths = boundedPaths(actions, boundary);
      if (paths.length === 0) continue;
      const granted = [...new Set(grants.map((g) => g.policy))].join(', ');
      yield { line: identity.block.line, ...escalationFinding(label(identity), paths, granted, boundary, 'configuration'), resource: label(identity) };
    }
  },
});

/** A user's or role's permissions boundary: one a variable may leave null is none. */
function boundaryOf(input: TfInput, identity: TfResource): Boundary {
  const a = attribute(identity.block, 'permissions_boundary');
  if (!a || identity.type === 'aws_iam_group') return { kind: 'none' };
  const value = valueOf(input, identity.block, 'permissions_boundary');
  if (value === null || value === '') return { kind: 'none' };
  const named = mentioned(input, a.expr).find((r) => r.kind === 'resource' && r.type === 'aws_iam_policy');
  if (named) {
    const policy = instanceNamed(input, a.expr, named);
    return boundaryOfStatements(boundaryStatements(input, policy), label(policy));
  }
  const arn = managedPolicyArn(input, a.expr);
  return arn === undefined ? { kind: 'none' } : boundaryOfArn(arn, a.line);
}

/** The name of an AWS managed policy from its ARN: `IAMFullAccess`. */
const managedName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/**
 * The AWS managed policies whose statements the rule reads (managedPolicyStatements:
 * IAMFullAccess, PowerUserAccess), attached to the module's users, groups and roles by
 * attachments or a role's managed_policy_arns, into the pool: each instance on its own.
 */
function poolManagedPolicies(input: TfInput, pool: EscalationPool): void {
  for (const attachment of moduleResourcesOf(input, ...Object.keys(MANAGED_ATTACHMENTS), 'aws_iam_policy_attachment').flatMap((r) => companionInstances(input, r))) {
    for (const arn of managedPolicyArnsOf(input, attachment.block, 'policy_arn')) {
      const statements = managedPolicyStatements(arn, attachment.block.line);
      if (!statements) continue;
      const managed = Object.hasOwn(MANAGED_ATTACHMENTS, attachment.type) ? MANAGED_ATTACHMENTS[attachment.type] : undefined;
      const identities = managed
        ? identitiesIn(input, attachment.block, managed.field, [managed.identity])
        : inFileOrder(input, new Set(['users', 'groups', 'roles'].flatMap((field) => identitiesIn(input, attachment.block, field, IDENTITY_TYPES))));
      const grant = { policy: `${managedName(arn)} via ${label(attachment)}`, actions: escalationActions(statements) };
      for (const identity of identities) pool.byIdentity.add(identity, grant);
    }
  }
  for (const role of moduleResourcesOf(input, 'aws_iam_role').flatMap((r) => companionInstances(input, r))) {
    const list = attribute(role.block, 'managed_policy_arns');
    for (const item of list ? itemsOf(list.expr) : []) {
      const arn = managedPolicyArn(input, item);
      const statements = arn === undefined ? undefined : managedPolicyStatements(arn, list!.line);
      if (arn !== undefined && statements) pool.byIdentity.add(role, { policy: `${managedName(arn)} via managed_policy_arns`, actions: escalationActions(statements) });
    }
  }
}

interface EscalationPool {
  /** The policies each user, group and role (each instance of one) holds, and the escalation actions each grants. */
  byIdentity: InstancePool<{ policy: string; actions: ReadonlySet<string> }>;
  /** Identity policies (resources, each instance on its own) that no identity holds, by their block as written. */
  unheld: Array<{ block: Block; line: number; label: string; actions: Set<string> }>;
}

/**
 * The escalation actions of the module's identity policies, pooled per identity. The
 * pool is the same for every file of a module directory read in one context, so it is
 * made once for them (a file with resources of its own making, from registry modules,
 * makes its own). Policy documents are left out: one is reported on its own only in its file.
 */
function escalationPool(input: TfInput): EscalationPool {
  const { shared, context } = input;
  const sharable = shared !== undefined && context !== undefined && !input.resources.some((r) => r.module !== undefined);
  const cached = sharable ? sharedPools.get(shared)?.get(context) : filePools.get(input);
  if (cached) return cached;
  const pool: EscalationPool = { byIdentity: new InstancePool(), unheld: [] };
  for (const policy of policies(input, { module: true })) {
    if (policy.resource.kind === 'data' || isTrustPolicy(policy) || !isIdentityPolicy(policy)) continue;
    const identities = holders(input, policy);
    const actions = escalationActions(policy.statements);
    // A policy that users or roles have as their permissions boundary grants nothing: it bounds what their policies grant.
    if (identities.length === 0 && onlyBoundary(input, policy)) continue;
    if (identities.length === 0) pool.unheld.push({ block: written(policy.resource).block, line: policy.line, label: label(policy.resource), actions });
    for (const identity of identities) pool.byIdentity.add(identity, { policy: label(policy.resource), actions });
  }
  poolManagedPolicies(input, pool);
  if (sharable) {
    let byContext = sharedPools.get(shared);
    if (!byContext) sharedPools.set(shared, (byContext = new WeakMap()));
    byContext.set(context, pool);
  } else filePools.set(input, pool);
  return pool;
}

const sharedPools = new WeakMap<object, WeakMap<object, EscalationPool>>();
const filePools = new WeakMap<TfInput, EscalationPool>();

/** The file's policy documents that no resource applies, read as policies of their own. */
function unheldDocuments(input: TfInput): EscalationPool['unheld'] {
  const out: EscalationPool['unheld'] = [];
  for (const policy of policies(input)) {
    if (policy.resource.kind !== 'data' || isTrustPolicy(policy) || !isIdentityPolicy(policy)) continue;
    out.push({ block: policy.resource.block, line: policy.line, label: label(policy.resource), actions: escalationActions(policy.statements) });
  }
  return out;
}

const passRoleWildcard: TfRule = tfRule({
  id: 'iac/tf-aws-iam-passrole-wildcard',
  title: 'iam:PassRole on every role',
  description: 'The policy allows iam:PassRole with Resource "*": the holder can hand any role in the account, including administrator roles, to a service it controls (EC2, Lambda, ECS, Glue...) and act with that role\'s permissions. A policy that users or roles have only as their permissions boundary grants nothing and is not reported.',
  remediation: 'Restrict iam:PassRole to the ARNs of the roles the workload must pass, and add an iam:PassedToService condition.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: ['resource "aws_iam_role_policy" "p" {\n  role   = "ci"\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "*" }]\n  })\n}\n'],
    negative: [
      'resource "aws_iam_role_policy" "p" {\n  role   = "ci"\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::123456789012:role/app" }]\n  })\n}\n',
      // A permissions boundary grants nothing.
      'resource "aws_iam_role" "app" {\n  name                 = "app"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:PassRole", "ec2:*"], Resource = "*" }]\n  })\n}\n',
    ],
  },
  *check(input) {
    for (const policy of policies(input)) {
      if (isTrustPolicy(policy)) continue;
      const pass = policy.statements.find((s) => onAllResources(s) && !isFullAdmin(s) && allowsAction(s, 'iam:PassRole') && !s.conditions.some((c) => /iam:PassedToService|iam:AssociatedResourceArn/i.test(c.key)));
      if (pass && !onlyBoundary(input, policy)) {
        const at = placeOf(policy, pass);
        yield { ...at, message: `${label(policy.resource)} allows iam:PassRole on every role${detailNote(at)}.`, resource: label(policy.resource) };
      }
    }
  },
});

const serviceWildcard: TfRule = tfRule({
  id: 'iac/tf-aws-iam-service-wildcard',
  title: 'IAM policy allows every action of a service on every resource',
  description:
    'An identity policy (of a user, group, role or permission set, or a policy document no resource policy uses) allows a whole service ("s3:*", "dynamodb:*", "ec2:*") on Resource "*" (or on everything but its NotResource), or every action but a few with NotAction. Besides the reads and writes the holder needs, that grants deleting every bucket, table or instance of the account and rewriting their policies and settings: one leaked credential or one bug in the workload reaches all of them. Deny statements are never reported, nor statements whose condition narrows the resources (aws:ResourceTag, aws:ResourceAccount, or a key of the service such as s3:prefix). Every action on every resource is iac/tf-aws-iam-full-admin\'s finding, and a service wildcard that is a privilege escalation path on its own (iam:*, lambda:*, glue:*) is iac/tf-aws-iam-privilege-escalation\'s. A policy that users or roles have only as their permissions boundary grants nothing and is not reported.',
  remediation: 'List the actions the identity needs (s3:GetObject, dynamodb:PutItem...) and the ARNs of the resources it works on; use IAM Access Analyzer policy generation to find them from CloudTrail activity.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'resource "aws_iam_policy" "app" {\n  name   = "app"\n  # expect\n  policy = jsonencode({\n    Version = "2012-10-17"\n    # detail\n    Statement = [{ Effect = "Allow", Action = ["s3:*"], Resource = "*" }]\n  })\n}\n',
      '# expect\ndata "aws_iam_policy_document" "worker" {\n  statement {\n    actions   = ["sqs:ReceiveMessage"]\n    resources = [aws_sqs_queue.jobs.arn]\n  }\n  # detail\n  statement {\n    actions   = ["dynamodb:*", "sqs:DeleteMessage"]\n    resources = ["*"]\n  }\n}\n',
      // Everything but a few services: every other service on every resource. (Without lambda:* and glue:*
      // left out, lambda:UpdateFunctionCode would make it a privilege escalation path, the escalation rule's.)
      'resource "aws_iam_group_policy" "ops" {\n  group  = aws_iam_group.ops.name\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", NotAction = ["iam:*", "lambda:*", "glue:*", "organizations:*"], Resource = "*" }]\n  })\n}\n',
      // A condition on the caller (MFA, source address) leaves every resource in reach.
      'resource "aws_iam_role_policy" "ci" {\n  role   = aws_iam_role.ci.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Action = "ec2:*", NotResource = "arn:aws:ec2:*:*:instance/i-0123456789abcdef0", Condition = { Bool = { "aws:MultiFactorAuthPresent" = "true" } } }]\n  })\n}\n',
    ],
    negative: [
      'resource "aws_iam_policy" "app" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"] }]\n  })\n}\n',
      'resource "aws_iam_policy" "guard" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Deny", Action = "s3:*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } }]\n  })\n}\n',
      // Attribute-based access control: only the resources tagged for the team.
      'data "aws_iam_policy_document" "team" {\n  statement {\n    actions   = ["ec2:*"]\n    resources = ["*"]\n    condition {\n      test     = "StringEquals"\n      variable = "aws:ResourceTag/team"\n      values   = ["payments"]\n    }\n  }\n}\n',
      // The escalation rule reports lambda:* (lambda:UpdateFunctionCode), the full-admin rule "*".
      'resource "aws_iam_policy" "deployer" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "lambda:*", Resource = "*" }, { Effect = "Allow", Action = ["*", "s3:*"], Resource = "*" }]\n  })\n}\n',
      // A permissions boundary grants nothing.
      'resource "aws_iam_role" "app" {\n  name                 = "app"\n  assume_role_policy   = data.aws_iam_policy_document.trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["s3:*", "dynamodb:*"], Resource = "*" }]\n  })\n}\n',
      // A resource policy is judged by iac/tf-aws-resource-policy-all-actions.
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, Action = "s3:*", Resource = "*" }]\n  })\n}\n',
    ],
  },
  *check(input) {
    for (const policy of policies(input)) {
      if (!isIdentityPolicy(policy)) continue;
      const grants = serviceWideGrants(policy.statements);
      if (!grants || onlyBoundary(input, policy)) continue;
      const at = placeOf(policy, grants.first);
      yield { ...at, message: `${label(policy.resource)} allows ${grants.text}${detailNote(at)}.`, resource: label(policy.resource) };
    }
  },
});

/** Resources that give an IAM user a policy of its own, and the setting that names the user or users. */
const USER_POLICY_SETTINGS: ReadonlyArray<[string, string]> = [
  ['aws_iam_user_policy', 'user'],
  ['aws_iam_user_policy_attachment', 'user'],
  ['aws_iam_user_policy_attachments_exclusive', 'user_name'],
  ['aws_iam_policy_attachment', 'users'],
];

const userPolicy: TfRule = tfRule({
  id: 'iac/tf-aws-iam-user-policy',
  title: 'IAM policy attached directly to a user',
  description:
    'A policy is given to an IAM user directly: an inline aws_iam_user_policy, an aws_iam_user_policy_attachment or aws_iam_user_policy_attachments_exclusive, or an aws_iam_policy_attachment that lists users. Permissions granted user by user drift apart and are hard to review or revoke: when someone changes role or leaves, each of their policies must be found and removed, and an audit has to read every user. The CIS AWS Foundations Benchmark asks that IAM users receive permissions only through groups; people are better given roles through federation.',
  remediation: 'Attach the policy to an IAM group (aws_iam_group_policy_attachment) and add the user to the group (aws_iam_user_group_membership), or give people federated access to roles through IAM Identity Center.',
  severity: 'low',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "aws_iam_user" "deploy" {\n  name = "deploy"\n}\n\nresource "aws_iam_user_policy" "deploy" {\n  name   = "deploy"\n  # expect\n  user   = aws_iam_user.deploy.name\n  policy = data.aws_iam_policy_document.deploy.json\n}\n',
      'resource "aws_iam_user_policy_attachment" "read" {\n  # expect\n  user       = "alice"\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n',
      'resource "aws_iam_policy_attachment" "reports" {\n  name       = "reports"\n  groups     = [aws_iam_group.analysts.name]\n  # expect\n  users      = [aws_iam_user.bob.name]\n  policy_arn = aws_iam_policy.reports.arn\n}\n',
    ],
    negative: [
      'resource "aws_iam_group_policy_attachment" "read" {\n  group      = aws_iam_group.analysts.name\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n\nresource "aws_iam_user_group_membership" "alice" {\n  user   = aws_iam_user.alice.name\n  groups = [aws_iam_group.analysts.name]\n}\n',
      // No users listed: the attachment gives the policy to groups and roles only.
      'variable "users" {\n  default = []\n}\n\nresource "aws_iam_policy_attachment" "reports" {\n  name       = "reports"\n  users      = var.users\n  roles      = [aws_iam_role.reports.name]\n  policy_arn = aws_iam_policy.reports.arn\n}\n',
    ],
  },
  *check(input) {
    for (const [type, setting] of USER_POLICY_SETTINGS) {
      for (const resource of resourcesOf(input, type)) {
        const a = attribute(resource.block, setting);
        if (!a) continue;
        const value = valueOf(input, resource.block, setting);
        // A list of users must be known to name one; a single user is named unless it is null (a module input left unset).
        if (setting === 'users' ? !(Array.isArray(value) && value.length > 0) : value === null) continue;
        if (type === 'aws_iam_user_policy_attachments_exclusive') {
          const arns = valueOf(input, resource.block, 'policy_arns');
          if (!(Array.isArray(arns) && arns.length > 0)) continue;
        }
        const how = type === 'aws_iam_user_policy' ? 'gives an inline policy to' : type === 'aws_iam_user_policy_attachments_exclusive' ? 'attaches policies to' : 'attaches a policy to';
        yield { line: a.line, message: `${label(resource)} ${how} ${setting === 'users' ? 'IAM users' : 'an IAM user'} directly; grant permissions through a group or a role.`, resource: label(resource) };
      }
    }
  },
});

const SEARCH_DOMAIN_TYPES = new Set(['aws_elasticsearch_domain', 'aws_opensearch_domain']);
const SEARCH_DOMAIN_POLICY_TYPES = new Set(['aws_elasticsearch_domain_policy', 'aws_opensearch_domain_policy']);

/**
 * Whether a policy holder is an Elasticsearch/OpenSearch domain placed in a VPC (a vpc_options
 * block that is made), or a domain policy of one (its domain_name names the domain): its
 * endpoint has private addresses only.
 */
function searchDomainInVpc(input: TfInput, holder: TfResource): boolean {
  const inVpc = (domain: TfResource) => sectionsIn(domain.block, 'vpc_options', fileInstance(input), { made: true }).some((s) => s.block !== undefined);
  if (SEARCH_DOMAIN_TYPES.has(holder.type)) return inVpc(holder);
  if (!SEARCH_DOMAIN_POLICY_TYPES.has(holder.type)) return false;
  const domains = mentioned(input, attribute(holder.block, 'domain_name')?.expr).filter((r) => r.kind === 'resource' && SEARCH_DOMAIN_TYPES.has(r.type));
  return domains.length > 0 && domains.every(inVpc);
}

const publicPrincipal: TfRule = tfRule({
  id: 'iac/tf-aws-policy-public-principal',
  title: 'Resource policy open to everyone',
  description: 'A resource policy (S3 bucket, SQS queue, SNS topic, KMS key, ECR repository, Lambda permission or layer permission, search domain outside a VPC, the trust policy of an IAM role...) allows Principal "*", or allows everyone but a few principals with NotPrincipal, with no condition that limits who can use it. Anyone with an AWS account, or anyone at all for S3, can use the granted actions. EFS\'s default file system policy (elasticfilesystem:AccessedViaMountTarget true: clients that come through the mount targets, inside the VPC) is not reported. A condition with a wildcard where the account, organisation or endpoint should be (aws:SourceArn "arn:aws:sns:*:*:topic", aws:SourceVpce "vpce-*") limits nothing. The Lambda permission of a function URL without authentication (function_url_auth_type = "NONE") is reported by iac/tf-aws-lambda-url-no-auth instead.',
  remediation: 'Name the principals (account or role ARNs), or add a condition such as aws:PrincipalOrgID, aws:SourceArn or aws:SourceVpce.',
  severity: 'high',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n',
      'resource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy = <<POLICY\n{\n  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "${aws_sqs_queue.q.arn}"}]\n}\nPOLICY\n}\n',
      'resource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  # expect\n  principal     = "*"\n}\n',
      // A module input left at its null default limits nothing.
      'variable "source_arn" {\n  type    = string\n  default = null\n}\nresource "aws_lambda_permission" "p" {\n  action        = "lambda:InvokeFunction"\n  function_name = "f"\n  # expect\n  principal     = "*"\n  source_arn    = var.source_arn\n}\n',
      'resource "aws_iam_role" "deploy" {\n  name = "deploy"\n  # expect\n  assume_role_policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" } }]\n  })\n}\n',
      // A negated test admits every organisation but one; an IfExists test passes for a direct call that carries no source account.
      'resource "aws_sns_topic_policy" "t" {\n  arn = aws_sns_topic.t.arn\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "sns:Publish", Resource = "*", Condition = { StringNotEquals = { "aws:PrincipalOrgID" = "o-abcdef1234" } } }]\n  })\n}\n',
      '# expect\ndata "aws_iam_policy_document" "q" {\n  # detail\n  statement {\n    actions   = ["sqs:SendMessage"]\n    resources = ["*"]\n    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n    condition {\n      test     = "StringEqualsIfExists"\n      variable = "aws:SourceAccount"\n      values   = ["123456789012"]\n    }\n  }\n}\n',
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*", Condition = { IpAddress = { "aws:SourceIp" = ["203.0.113.0/24", "0.0.0.0/0"] } } }]\n  })\n}\n',
      // A wildcard where the account or endpoint id should be pins nothing.
      'resource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*", Condition = { ArnLike = { "aws:SourceArn" = "arn:aws:sns:*:*:orders" } } }]\n  })\n}\n',
      // Allow with NotPrincipal admits everyone but the principals it names.
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", NotPrincipal = { AWS = "arn:aws:iam::123456789012:role/audit" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n',
      'resource "aws_lambda_layer_version_permission" "shared" {\n  layer_name     = aws_lambda_layer_version.deps.layer_arn\n  version_number = aws_lambda_layer_version.deps.version\n  statement_id   = "everyone"\n  action         = "lambda:GetLayerVersion"\n  # expect\n  principal      = "*"\n}\n',
    ],
    negative: [
      'resource "aws_sqs_queue_policy" "q" {\n  queue_url = aws_sqs_queue.q.id\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "sqs:SendMessage", Resource = "*", Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:sns:eu-west-1:123456789012:t" } } }]\n  })\n}\n',
      'resource "aws_s3_bucket_policy" "b" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "s3:GetObject", Resource = "*" }]\n  })\n}\n',
      'resource "aws_iam_role" "deploy" {\n  assume_role_policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "*" }, Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abcdef1234" } } }]\n  })\n}\n',
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::b/*", Condition = { IpAddress = { "aws:SourceIp" = "203.0.113.0/24" } } }]\n  })\n}\n',
      // The permission of a function URL without authentication is the function URL rule's finding.
      'resource "aws_lambda_permission" "url" {\n  action                 = "lambda:InvokeFunctionUrl"\n  function_name          = aws_lambda_function.webhook.function_name\n  principal              = "*"\n  function_url_auth_type = "NONE"\n}\n',
      'resource "aws_lambda_layer_version_permission" "org" {\n  layer_name      = aws_lambda_layer_version.deps.layer_arn\n  version_number  = aws_lambda_layer_version.deps.version\n  statement_id    = "org"\n  action          = "lambda:GetLayerVersion"\n  principal       = "*"\n  organization_id = "o-abcdef1234"\n}\n',
      // EFS's default file system policy: only clients that come through the mount targets, inside the VPC.
      'resource "aws_efs_file_system_policy" "shared" {\n  file_system_id = aws_efs_file_system.shared.id\n  policy = jsonencode({\n    Statement = [{\n      Effect    = "Allow"\n      Principal = { AWS = "*" }\n      Action    = ["elasticfilesystem:ClientRootAccess", "elasticfilesystem:ClientWrite", "elasticfilesystem:ClientMount"]\n      Resource  = aws_efs_file_system.shared.arn\n      Condition = { Bool = { "elasticfilesystem:AccessedViaMountTarget" = "true" } }\n    }]\n  })\n}\n',
      // The document's only consumer is made only when asked (off by default): the document is applied nowhere (sadcloud's SES module).
      'variable "identity_world_policy" {\n  default = false\n}\ndata "aws_iam_policy_document" "ses" {\n  statement {\n    actions   = ["ses:SendEmail"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["*"]\n    }\n  }\n}\nresource "aws_ses_identity_policy" "world" {\n  count    = var.identity_world_policy ? 1 : 0\n  name     = "world"\n  identity = aws_ses_domain_identity.main.arn\n  policy   = data.aws_iam_policy_document.ses.json\n}\n',
      // A search domain inside a VPC: only the VPC reaches it, and its security groups decide who.
      'resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n  vpc_options {\n    subnet_ids         = ["subnet-0123456789abcdef0"]\n    security_group_ids = [aws_security_group.search.id]\n  }\n  access_policies = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "es:*", Resource = "*" }]\n  })\n}\n',
      // Deny with NotPrincipal is the usual way to lock a bucket to a few roles.
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({\n    Statement = [{ Effect = "Deny", NotPrincipal = { AWS = "arn:aws:iam::123456789012:role/app" }, Action = "s3:*", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n',
      'data "aws_iam_policy_document" "q" {\n  statement {\n    actions   = ["sqs:SendMessage"]\n    resources = ["*"]\n    principals {\n      type        = "Service"\n      identifiers = ["sns.amazonaws.com"]\n    }\n  }\n  statement {\n    actions   = ["sqs:SendMessage"]\n    resources = ["*"]\n    principals {\n      type        = "*"\n      identifiers = ["*"]\n    }\n    condition {\n      test     = "ArnLike"\n      variable = "aws:SourceArn"\n      values   = [aws_sns_topic.events.arn]\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    // Trust policies included: a role whose trust policy admits "*" can be assumed from any AWS account.
    for (const policy of policies(input)) {
      const open = policy.statements.find((s) => openTo(s) && !s.conditions.some(restricts));
      // A search domain inside a VPC is reached only from the VPC: its security groups decide (as cfn-policy-public-principal).
      if (open && !searchDomainInVpc(input, policy.resource)) {
        const at = placeOf(policy, open);
        const who = openTo(open) === 'any' ? 'any principal ("*")' : 'every principal but those in NotPrincipal';
        yield { ...at, message: `${label(policy.resource)} allows ${open.actions.slice(0, 3).join(', ') || 'actions'} to ${who}${detailNote(at)}.`, resource: label(policy.resource) };
      }
    }
    for (const permission of resourcesOf(input, 'aws_lambda_permission')) {
      const principal = attribute(permission.block, 'principal');
      // The permission a function URL without authentication needs: the URL rule's finding (tf-aws-lambda-url-no-auth).
      if (valueOf(input, permission.block, 'function_url_auth_type') === 'NONE') continue;
      if (principal && valueOf(input, permission.block, 'principal') === '*' && !given(input, permission.block, 'source_arn') && !given(input, permission.block, 'source_account') && !given(input, permission.block, 'principal_org_id'))
        yield { line: principal.line, message: `${label(permission)} lets any principal invoke the function.`, resource: label(permission) };
    }
    for (const permission of resourcesOf(input, 'aws_lambda_layer_version_permission')) {
      const principal = attribute(permission.block, 'principal');
      if (principal && valueOf(input, permission.block, 'principal') === '*' && !given(input, permission.block, 'organization_id'))
        yield { line: principal.line, message: `${label(permission)} lets every AWS account use the layer version.`, resource: label(permission) };
    }
  },
});

const resourcePolicyAllActions: TfRule = tfRule({
  id: 'iac/tf-aws-resource-policy-all-actions',
  title: 'Resource policy allows all actions',
  description: 'A resource policy allows "*" or "<service>:*" (s3:*, sqs:*, kms:*...) to a principal, or allows every action but a few with NotAction. Besides reading and writing, that includes deleting the resource and rewriting its policy: far more than any consumer needs.',
  remediation: 'List the actions each principal needs (s3:GetObject, sqs:SendMessage, kms:Decrypt...). Replace Allow with NotAction by the list it was meant to allow. Key policies that give the account root kms:* are the documented exception and are not reported.',
  severity: 'medium',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, Action = "s3:*", Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n',
      // Allow with NotAction grants everything the statement does not name.
      'resource "aws_sns_topic_policy" "t" {\n  arn = aws_sns_topic.t.arn\n  # expect\n  policy = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, NotAction = "sns:DeleteTopic", Resource = "*" }]\n  })\n}\n',
      // A role of an account the configuration does not know is not the account root.
      '# expect\ndata "aws_iam_policy_document" "key" {\n  # detail\n  statement {\n    actions   = ["kms:*"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${var.account_id}:role/admin"]\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "aws_s3_bucket_policy" "b" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/app" }, Action = ["s3:GetObject"], Resource = "arn:aws:s3:::b/*" }]\n  })\n}\n',
      'resource "aws_kms_key" "k" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:root" }, Action = "kms:*", Resource = "*" }]\n  })\n}\n',
      // Statements joined with concat and a conditional list, the root ARN interpolated: still the account root.
      'variable "log_encryption" {\n  default = true\n}\nresource "aws_kms_key" "k" {\n  enable_key_rotation = true\n  policy = jsonencode({\n    Statement = concat([{\n      Effect    = "Allow"\n      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }\n      Action    = "kms:*"\n      Resource  = "*"\n    }], var.log_encryption ? [{\n      Effect    = "Allow"\n      Principal = { Service = "logs.amazonaws.com" }\n      Action    = ["kms:Encrypt", "kms:Decrypt"]\n      Resource  = "*"\n    }] : [])\n  })\n}\n',
      // The default key policy with the partition and account interpolated, in a template or through format().
      'data "aws_iam_policy_document" "key" {\n  statement {\n    actions   = ["kms:*"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]\n    }\n  }\n}\n',
      'locals {\n  root = format("arn:%s:iam::%s:root", data.aws_partition.current.partition, data.aws_caller_identity.current.account_id)\n}\ndata "aws_iam_policy_document" "key" {\n  statement {\n    actions   = ["kms:*"]\n    resources = ["*"]\n    principals {\n      type        = "AWS"\n      identifiers = [local.root]\n    }\n  }\n}\n',
      // Access control delegated to the account's access points, as the S3 documentation shows it.
      'resource "aws_s3_bucket_policy" "b" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({\n    Statement = [{\n      Effect    = "Allow"\n      Principal = { AWS = "*" }\n      Action    = "*"\n      Resource  = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]\n      Condition = { StringEquals = { "s3:DataAccessPointAccount" = data.aws_caller_identity.current.account_id } }\n    }]\n  })\n}\n',
    ],
  },
  *check(input) {
    for (const policy of policies(input)) {
      const type = policy.resource.type;
      if (!RESOURCE_POLICY_TYPES.has(type) && !(type === 'aws_iam_policy_document' && policy.statements.some((s) => s.hasPrincipal))) continue;
      // A statement that delegates to the account's access points applies only to requests made through them (their policies grant the actions).
      const broad = policy.statements.find((s) => broadActions(s) !== undefined && !isRootKeyGrant(s) && !delegatesToAccessPoints(s));
      if (broad) {
        const at = placeOf(policy, broad);
        // A principal that interpolates something unknown is shown with ${...} in its place.
        const to = openTo(broad) === 'all-but' ? 'every principal but those in NotPrincipal' : broad.principals.slice(0, 2).join(', ').replace(/INTERPOLATED/g, '${...}') || 'its principals';
        yield { ...at, message: `${label(policy.resource)} allows ${broadActions(broad)} to ${to}${detailNote(at)}.`, resource: label(policy.resource) };
      }
    }
    for (const permission of resourcesOf(input, 'aws_lambda_permission')) {
      const action = attribute(permission.block, 'action');
      const value = valueOf(input, permission.block, 'action');
      if (action && typeof value === 'string' && (value === '*' || /^lambda:\*$/i.test(value))) yield { line: action.line, message: `${label(permission)} grants ${value} on the function.`, resource: label(permission) };
    }
  },
});

export const iamRules: readonly TfRule[] = [fullAdmin, privilegeEscalation, passRoleWildcard, serviceWildcard, userPolicy, publicPrincipal, resourcePolicyAllActions];
