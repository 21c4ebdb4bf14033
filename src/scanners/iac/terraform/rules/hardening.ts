import type { Block, Expr } from '../hcl/ast.js';
import { evaluate } from '../hcl/evaluate.js';
import { asStrings, attribute, blocksOf, companionInstances, instanceNamed, instancesNamed, InstancePool, isFalseValue, isTrueValue, label, mentioned, referrerInstances, resourcesOf, moduleResourcesOf, textOf, valueOf, written, type TfInput, type TfResource } from '../model.js';
import { applies } from '../modules/versions.js';
import { moduleCalls, type ModuleCall } from '../modules/synthesize.js';
import { anonymousFromNetwork, boundaryMayLimit, privilegedManagedPolicy, privilegeOf, strongestGrant, unscopedServicePermission, WORKLOAD_USES } from '../../aws-policy.js';
import { itemsOf, managedPolicyArn, managedPolicyArnsOf, policies } from '../policy.js';
import { detailNote, inside } from '../../rule.js';
import { given, known, sections, tfRule, type TfRule } from './common.js';
import { blocksMade, fileInstance, settingAt } from './instances.js';

// ---------------------------------------------------------------------------
// Workloads that run with a privileged role
// ---------------------------------------------------------------------------

interface Grant {
  /** What makes the role privileged. */
  what: string;
  /** The policy or attachment that grants it. */
  via: string;
  /** How it was found (0: a policy, 1: a managed policy attachment, 2: the role's managed_policy_arns) and the block as written that grants it: the order a file reads them in. */
  phase: number;
  source: Block;
}

/**
 * The roles (aws_iam_role) an attribute of a block mentions: of a role with for_each or
 * count, the instances the attribute names (`aws_iam_role.this[each.key].arn` in an
 * instance of the block), else the role as written.
 */
function rolesIn(input: TfInput, block: Block, field: string): TfResource[] {
  const expr = attribute(block, field)?.expr;
  if (!expr) return [];
  return mentioned(input, expr)
    .filter((r) => r.kind === 'resource' && r.type === 'aws_iam_role')
    .flatMap((r) => instancesNamed(input, expr, r));
}

/**
 * For each role of the module, the privileged permissions it holds: inline policies
 * (aws_iam_role_policy, inline_policy blocks), customer managed policies of the module
 * attached to it, and the AWS managed AdministratorAccess, PowerUserAccess and
 * IAMFullAccess. A role, policy or attachment with for_each or count is read one instance
 * at a time, so that what an attachment gives one instance of a role is that instance's
 * alone. The pool is the same for every file of a module directory read in one context,
 * so it is made once for them (a file with resources of its own making, from registry
 * modules, makes its own), as the escalation pool is (iam.ts); grantsOf gives each file
 * a role's grants in its own order.
 */
function privilegedRoles(input: TfInput): InstancePool<Grant> {
  const { shared, context } = input;
  const sharable = shared !== undefined && context !== undefined && !input.resources.some((r) => r.module !== undefined);
  const cached = sharable ? sharedPrivileged.get(shared)?.get(context) : filePrivileged.get(input);
  if (cached) return cached;
  const found = new InstancePool<Grant>();
  const grant = (role: TfResource, what: string, via: string, phase: number, by: TfResource) => found.add(role, { what, via, phase, source: written(by).block });
  const attachmentTypes = ['aws_iam_role_policy_attachment', 'aws_iam_policy_attachment'];
  const roleField = (attachment: TfResource) => (attachment.type === 'aws_iam_policy_attachment' ? 'roles' : 'role');
  for (const policy of policies(input, { module: true })) {
    const type = policy.resource.type;
    if (type === 'aws_iam_role' && policy.attribute?.name !== 'policy') continue;
    if (type !== 'aws_iam_role' && type !== 'aws_iam_role_policy' && type !== 'aws_iam_policy') continue;
    const what = privilegeOf(policy.statements);
    if (!what) continue;
    const via = label(policy.resource);
    const add = (role: TfResource, how = via) => grant(role, what, how, 0, policy.resource);
    if (type === 'aws_iam_role') add(policy.resource, `${via} inline_policy`);
    else if (type === 'aws_iam_role_policy') for (const role of rolesIn(input, policy.resource.block, 'role')) add(role);
    else {
      for (const attachment of referrerInstances(input, policy.resource, attachmentTypes, 'policy_arn')) for (const role of rolesIn(input, attachment.block, roleField(attachment))) add(role);
      for (const role of referrerInstances(input, policy.resource, ['aws_iam_role'], 'managed_policy_arns')) add(role);
    }
  }
  const managed = (expr: Expr): string | undefined => privilegedManagedPolicy(managedPolicyArn(input, expr) ?? '');
  for (const attachment of moduleResourcesOf(input, ...attachmentTypes).flatMap((r) => companionInstances(input, r))) {
    const what = managedPolicyArnsOf(input, attachment.block, 'policy_arn').map(privilegedManagedPolicy).find((w) => w !== undefined);
    if (what) for (const role of rolesIn(input, attachment.block, roleField(attachment))) grant(role, what, label(attachment), 1, attachment);
  }
  for (const role of moduleResourcesOf(input, 'aws_iam_role').flatMap((r) => companionInstances(input, r))) {
    const list = attribute(role.block, 'managed_policy_arns');
    for (const item of list ? itemsOf(list.expr) : []) {
      const what = managed(item);
      if (what) grant(role, what, `${label(role)} managed_policy_arns`, 2, role);
    }
  }
  if (sharable) {
    let byContext = sharedPrivileged.get(shared);
    if (!byContext) sharedPrivileged.set(shared, (byContext = new WeakMap()));
    byContext.set(context, found);
  } else filePrivileged.set(input, found);
  return found;
}

const sharedPrivileged = new WeakMap<object, WeakMap<object, InstancePool<Grant>>>();
const filePrivileged = new WeakMap<TfInput, InstancePool<Grant>>();
const blockOrders = new WeakMap<TfInput, Map<Block, number>>();

/**
 * The grants of a role (or role instance) in the order the file reads the module, its own
 * resources first, as a pool made for the file alone would give them: of equally strong
 * grants, the message names the first.
 */
function grantsOf(input: TfInput, pool: InstancePool<Grant>, role: TfResource): Grant[] {
  const grants = pool.get(role);
  if (grants.length < 2) return grants;
  let order = blockOrders.get(input);
  if (!order) blockOrders.set(input, (order = new Map([...input.resources, ...input.others].map((r, i) => [r.block, i]))));
  const at = (g: Grant) => order.get(g.source) ?? Infinity;
  return grants
    .map((g, i) => ({ g, i }))
    .sort((a, b) => a.g.phase - b.g.phase || at(a.g) - at(b.g) || a.i - b.i)
    .map(({ g }) => g);
}

/** Whether a role's permissions boundary may take its privilege away (boundaryMayLimit): none when a variable may leave it null. */
function boundaryMayLimitRole(input: TfInput, role: TfResource): boolean {
  const a = attribute(role.block, 'permissions_boundary');
  if (!a || valueOf(input, role.block, 'permissions_boundary') === null) return false;
  const arn = managedPolicyArn(input, a.expr);
  if (arn !== undefined) return boundaryMayLimit({ arn });
  const named = mentioned(input, a.expr).find((r) => r.kind === 'resource' && r.type === 'aws_iam_policy');
  if (!named) return boundaryMayLimit('unread');
  return boundaryMayLimit({ statements: [...policies(input, { module: true })].find((p) => written(p.resource).block === written(named).block)?.statements });
}

const LAUNCHED_USE = 'gives the software on the instances it launches';

/**
 * Where workloads name the role their code runs with: an attribute of the resource, or of a
 * nested block (`block`); instances and launch templates name an instance profile (`profile`).
 */
const WORKLOAD_ROLES: ReadonlyArray<{ type: string; field: string; what: string; block?: string; profile?: boolean }> = [
  { type: 'aws_lambda_function', field: 'role', what: WORKLOAD_USES.function },
  { type: 'aws_ecs_task_definition', field: 'task_role_arn', what: WORKLOAD_USES.task },
  { type: 'aws_instance', field: 'iam_instance_profile', what: WORKLOAD_USES.instance, profile: true },
  // The instances an Auto Scaling group (an ECS capacity provider, an EKS node group) launches from a template or configuration.
  { type: 'aws_launch_template', field: 'name', block: 'iam_instance_profile', what: LAUNCHED_USE, profile: true },
  { type: 'aws_launch_template', field: 'arn', block: 'iam_instance_profile', what: LAUNCHED_USE, profile: true },
  { type: 'aws_launch_configuration', field: 'iam_instance_profile', what: LAUNCHED_USE, profile: true },
];

const workloadPrivilegedRole: TfRule = tfRule({
  id: 'iac/tf-aws-workload-privileged-role',
  title: 'Function, task or instance runs with an administrator-level role',
  description:
    'A Lambda function, an ECS task, an EC2 instance or the instances a launch template or launch configuration starts run with a role that has administrator access (Action "*", AdministratorAccess, PowerUserAccess, Allow with NotAction), or that can change IAM permissions on any role or user (iam:PutRolePolicy, iam:AttachRolePolicy, iam:CreatePolicyVersion, IAMFullAccess...) and so make itself administrator. Any flaw in the code (an injection, a vulnerable dependency, a server-side request forgery that reads the credentials) then hands over the whole account. A role with a permissions boundary is reported only when the boundary can be read and itself grants such a privilege.',
  remediation: 'Give each function, task and instance its own role with only the actions and resources it uses; keep IAM administration out of workload roles, or bound them with a permissions boundary that denies it.',
  severity: 'high',
  cwe: ['CWE-250'],
  examples: {
    positive: [
      'resource "aws_lambda_function" "resize" {\n  function_name = "resize"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "resize.zip"\n  # expect\n  role          = aws_iam_role.resize.arn\n}\nresource "aws_iam_role" "resize" {\n  name               = "resize"\n  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json\n}\nresource "aws_iam_role_policy_attachment" "resize_admin" {\n  role       = aws_iam_role.resize.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n',
      // The managed policies of a for_each attachment (a module's map of policies), each instance's policy_arn.
      'resource "aws_instance" "app" {\n  ami                  = "ami-0abcdef1234567890"\n  instance_type        = "t3.micro"\n  # expect\n  iam_instance_profile = aws_iam_instance_profile.app.name\n}\nresource "aws_iam_instance_profile" "app" {\n  role = aws_iam_role.app.name\n}\nresource "aws_iam_role" "app" {\n  name               = "app"\n  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json\n}\nresource "aws_iam_role_policy_attachment" "this" {\n  for_each   = { admin = "arn:aws:iam::aws:policy/AdministratorAccess" }\n  role       = aws_iam_role.app.name\n  policy_arn = each.value\n}\n',
      // Roles and attachments made per instance of a map: AdministratorAccess is given to the role instance "ci" alone.
      'locals {\n  roles = { ci = "arn:aws:iam::aws:policy/AdministratorAccess", reports = "arn:aws:iam::aws:policy/ReadOnlyAccess" }\n}\nresource "aws_iam_role" "this" {\n  for_each           = local.roles\n  name               = each.key\n  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json\n}\nresource "aws_iam_role_policy_attachment" "this" {\n  for_each   = local.roles\n  role       = aws_iam_role.this[each.key].name\n  policy_arn = each.value\n}\nresource "aws_lambda_function" "deploy" {\n  function_name = "deploy"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "deploy.zip"\n  # expect\n  role          = aws_iam_role.this["ci"].arn\n}\nresource "aws_lambda_function" "reports" {\n  function_name = "reports"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "reports.zip"\n  role          = aws_iam_role.this["reports"].arn\n}\n',
      // A permissions boundary that itself lets the role rewrite role policies (iam:PutRole*, AWSGoat's) does not limit it.
      'resource "aws_launch_template" "ecs" {\n  name_prefix = "ecs-"\n  image_id    = data.aws_ami.ecs.id\n  iam_instance_profile {\n    # expect\n    arn = aws_iam_instance_profile.ecs.arn\n  }\n}\nresource "aws_iam_instance_profile" "ecs" {\n  role = aws_iam_role.ecs.id\n}\nresource "aws_iam_role" "ecs" {\n  name                 = "ecs-instance"\n  assume_role_policy   = data.aws_iam_policy_document.ec2_trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:Get*", "iam:PassRole", "iam:PutRole*", "ecs:*"], Resource = "*" }]\n  })\n}\nresource "aws_iam_role_policy_attachment" "iam" {\n  role       = aws_iam_role.ecs.name\n  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n',
      // The container instances of an ECS cluster, launched from a template whose role holds IAMFullAccess (AWSGoat's ECS module).
      'resource "aws_launch_template" "ecs" {\n  name_prefix   = "ecs-"\n  image_id      = data.aws_ami.ecs.id\n  instance_type = "t3.micro"\n  iam_instance_profile {\n    # expect\n    name = aws_iam_instance_profile.ecs.name\n  }\n}\nresource "aws_launch_configuration" "legacy" {\n  image_id             = data.aws_ami.ecs.id\n  instance_type        = "t3.micro"\n  # expect\n  iam_instance_profile = aws_iam_instance_profile.ecs.arn\n}\nresource "aws_iam_instance_profile" "ecs" {\n  name = "ecs"\n  role = aws_iam_role.ecs.id\n}\nresource "aws_iam_role" "ecs" {\n  name               = "ecs-instance"\n  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json\n}\nresource "aws_iam_role_policy_attachment" "iam" {\n  role       = aws_iam_role.ecs.name\n  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\n',
      'resource "aws_ecs_task_definition" "worker" {\n  family                = "worker"\n  container_definitions = file("worker.json")\n  # expect\n  task_role_arn         = aws_iam_role.worker.arn\n}\nresource "aws_iam_role" "worker" {\n  name               = "worker"\n  assume_role_policy = data.aws_iam_policy_document.ecs_trust.json\n  inline_policy {\n    name = "iam"\n    policy = jsonencode({\n      Statement = [{ Effect = "Allow", Action = ["iam:PutRolePolicy", "s3:GetObject"], Resource = "*" }]\n    })\n  }\n}\n',
    ],
    negative: [
      // A permissions boundary that grants no IAM administration takes IAMFullAccess away, whether it is a policy of the module or named by ARN.
      'resource "aws_instance" "ci" {\n  ami                  = "ami-0abcdef1234567890"\n  iam_instance_profile = aws_iam_instance_profile.ci.name\n}\nresource "aws_iam_instance_profile" "ci" {\n  role = aws_iam_role.ci.name\n}\nresource "aws_iam_role" "ci" {\n  name                 = "ci"\n  assume_role_policy   = data.aws_iam_policy_document.ec2_trust.json\n  permissions_boundary = aws_iam_policy.boundary.arn\n}\nresource "aws_iam_policy" "boundary" {\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["iam:Get*", "iam:List*", "ecr:*", "s3:GetObject"], Resource = "*" }]\n  })\n}\nresource "aws_iam_role_policy_attachment" "iam" {\n  role       = aws_iam_role.ci.name\n  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"\n}\nresource "aws_lambda_function" "deploy" {\n  function_name = "deploy"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "deploy.zip"\n  role          = aws_iam_role.bounded.arn\n}\nresource "aws_iam_role" "bounded" {\n  name                 = "deploy"\n  assume_role_policy   = data.aws_iam_policy_document.lambda_trust.json\n  permissions_boundary = "arn:aws:iam::123456789012:policy/workload-boundary"\n}\nresource "aws_iam_role_policy_attachment" "admin" {\n  role       = aws_iam_role.bounded.name\n  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n',
      'resource "aws_launch_template" "ecs" {\n  name_prefix   = "ecs-"\n  image_id      = data.aws_ami.ecs.id\n  instance_type = "t3.micro"\n  iam_instance_profile {\n    name = aws_iam_instance_profile.ecs.name\n  }\n}\nresource "aws_iam_instance_profile" "ecs" {\n  name = "ecs"\n  role = aws_iam_role.ecs.id\n}\nresource "aws_iam_role" "ecs" {\n  name               = "ecs-instance"\n  assume_role_policy = data.aws_iam_policy_document.ec2_trust.json\n}\nresource "aws_iam_role_policy_attachment" "ecs" {\n  role       = aws_iam_role.ecs.name\n  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"\n}\n',
      'resource "aws_lambda_function" "resize" {\n  function_name = "resize"\n  handler       = "index.handler"\n  runtime       = "nodejs20.x"\n  filename      = "resize.zip"\n  role          = aws_iam_role.resize.arn\n}\nresource "aws_iam_role" "resize" {\n  name               = "resize"\n  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json\n}\nresource "aws_iam_role_policy" "resize" {\n  role   = aws_iam_role.resize.id\n  policy = jsonencode({\n    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::images/*" }]\n  })\n}\nresource "aws_iam_role_policy_attachment" "resize_logs" {\n  role       = aws_iam_role.resize.name\n  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"\n}\n',
    ],
  },
  *check(input) {
    if (WORKLOAD_ROLES.every(({ type }) => resourcesOf(input, type).length === 0)) return;
    const privileged = privilegedRoles(input);
    if (privileged.size === 0) return;
    for (const { type, field, what, block, profile } of WORKLOAD_ROLES) {
      for (const workload of resourcesOf(input, type)) {
        const owners = block ? blocksMade(workload.block, block, fileInstance(input)) : [workload.block];
        for (const owner of owners) {
          const a = attribute(owner, field);
          if (!a) continue;
          // An instance or launch template names an instance profile (the instances of one it names), which names the role.
          const roles = profile
            ? mentioned(input, a.expr)
                .filter((r) => r.kind === 'resource' && r.type === 'aws_iam_instance_profile')
                .flatMap((named) => instancesNamed(input, a.expr, named).flatMap((instance) => rolesIn(input, instance.block, 'role')))
            : rolesIn(input, owner, field);
          for (const role of roles) {
            const grants = grantsOf(input, privileged, role);
            if (grants.length === 0 || boundaryMayLimitRole(input, role)) continue;
            yield { line: a.line, message: `${label(workload)} ${what} ${label(role)}, which has ${strongestGrant(grants)}.`, resource: label(workload) };
          }
        }
      }
    }
  },
});

// ---------------------------------------------------------------------------
// Lambda permissions for an AWS service with no source
// ---------------------------------------------------------------------------

const lambdaServiceUnscoped: TfRule = tfRule({
  id: 'iac/tf-aws-lambda-service-permission-unscoped',
  title: 'Lambda function can be invoked by an AWS service on behalf of any account',
  description:
    'An aws_lambda_permission lets an AWS service (apigateway.amazonaws.com, s3.amazonaws.com, events.amazonaws.com, sns.amazonaws.com...) invoke the function without source_arn, source_account or principal_org_id, or with a source_arn whose account is a wildcard. The service then invokes it for resources of any AWS account: anyone can point their own API, bucket notification, rule or topic at the function and feed it events (the confused deputy problem).',
  remediation: 'Set source_arn to the ARN of the API, bucket, rule or topic that should invoke the function (for API Gateway, "${aws_api_gateway_rest_api.x.execution_arn}/*"), and source_account for services whose ARNs carry no account, such as S3.',
  severity: 'medium',
  cwe: ['CWE-441'],
  examples: {
    positive: [
      'resource "aws_lambda_permission" "from_api" {\n  statement_id  = "AllowAPIGatewayInvoke"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.orders.function_name\n  # expect\n  principal     = "apigateway.amazonaws.com"\n}\n',
      'resource "aws_lambda_permission" "from_rules" {\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.cleanup.function_name\n  # expect\n  principal     = "events.amazonaws.com"\n  source_arn    = "arn:aws:events:eu-west-1:*:rule/nightly"\n}\n',
      // A module input left at its null default sets no source_arn.
      'variable "source_arn" {\n  type    = string\n  default = null\n}\nresource "aws_lambda_permission" "this" {\n  action        = "lambda:InvokeFunction"\n  function_name = "orders"\n  # expect\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = var.source_arn\n}\n',
    ],
    negative: [
      'resource "aws_lambda_permission" "from_api" {\n  statement_id  = "AllowAPIGatewayInvoke"\n  action        = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.orders.function_name\n  principal     = "apigateway.amazonaws.com"\n  source_arn    = "${aws_api_gateway_rest_api.shop.execution_arn}/*/*"\n}\n',
      'resource "aws_lambda_permission" "from_bucket" {\n  action         = "lambda:InvokeFunction"\n  function_name  = aws_lambda_function.thumbs.function_name\n  principal      = "s3.amazonaws.com"\n  source_account = "123456789012"\n  source_arn     = aws_s3_bucket.uploads.arn\n}\n',
    ],
  },
  *check(input) {
    for (const permission of resourcesOf(input, 'aws_lambda_permission')) {
      const principal = attribute(permission.block, 'principal');
      const service = valueOf(input, permission.block, 'principal');
      const arn = valueOf(input, permission.block, 'source_arn');
      const open = unscopedServicePermission(typeof service === 'string' ? service : undefined, {
        // A scope a module leaves null (`source_arn = try(each.value.source_arn, null)`) is no scope.
        sourceAccount: given(input, permission.block, 'source_account'),
        organisation: given(input, permission.block, 'principal_org_id'),
        sourceArn: given(input, permission.block, 'source_arn'),
        arn: typeof arn === 'string' ? arn : undefined,
      });
      if (!principal || !open) continue;
      yield {
        line: principal.line,
        message: open === 'any-account'
          ? `${label(permission)} lets ${String(service)} invoke the function for matching resources of any AWS account (source_arn "${String(arn)}").`
          : `${label(permission)} lets ${String(service)} invoke the function for resources of any AWS account (no source_arn or source_account).`,
        resource: label(permission),
      };
    }
  },
});

// ---------------------------------------------------------------------------
// IAM users with a console password
// ---------------------------------------------------------------------------

const userConsolePassword: TfRule = tfRule({
  id: 'iac/tf-aws-iam-user-console-password',
  title: 'IAM user given a console password',
  description:
    'An aws_iam_user_login_profile gives an IAM user a password for the AWS console: a long-lived credential that can be phished, reused or guessed, and that AWS recommends replacing with federation (IAM Identity Center) for people. Without pgp_key, the password Terraform generates is also stored in plain text in the Terraform state, where everyone who can read the state can sign in as the user; with password_reset_required = false, that generated password stays valid.',
  remediation: 'Give people access through IAM Identity Center or another identity provider with MFA. If an IAM user must have a console password, set pgp_key so that only the user can read it, keep password_reset_required = true, and require MFA in the user\'s policies.',
  severity: 'low',
  cwe: ['CWE-522'],
  examples: {
    positive: [
      'resource "aws_iam_user" "alice" {\n  name = "alice"\n}\n# expect\nresource "aws_iam_user_login_profile" "alice" {\n  user    = aws_iam_user.alice.name\n  pgp_key = "keybase:alice"\n}\n',
      '# expect\nresource "aws_iam_user_login_profile" "bob" {\n  user = "bob"\n}\n',
    ],
    negative: ['resource "aws_iam_user" "deploy" {\n  name = "deploy"\n}\nresource "aws_iam_access_key" "deploy" {\n  user = aws_iam_user.deploy.name\n}\n'],
  },
  *check(input) {
    for (const profile of resourcesOf(input, 'aws_iam_user_login_profile')) {
      const userExpr = attribute(profile.block, 'user')?.expr;
      const user = mentioned(input, userExpr).find((r) => r.kind === 'resource' && r.type === 'aws_iam_user');
      const named = valueOf(input, profile.block, 'user');
      const written = userExpr ? textOf(input, userExpr).trim() : '';
      const who = user ? label(user) : typeof named === 'string' ? `IAM user "${named}"` : written && written.length <= 80 ? `the IAM user ${written}` : 'an IAM user';
      // `pgp_key = var.pgp_key` with a null default sets no key.
      const plain = !given(input, profile.block, 'pgp_key');
      const kept = isFalseValue(valueOf(input, profile.block, 'password_reset_required'));
      const notes = [
        ...(plain ? ['without pgp_key the generated password is stored in plain text in the Terraform state'] : []),
        ...(kept ? ['password_reset_required = false keeps the generated password valid'] : []),
      ];
      yield {
        line: profile.block.line,
        message: `${label(profile)} gives ${who} a console password${notes.length > 0 ? `; ${notes.join(', and ')}` : ''}.`,
        resource: label(profile),
        ...(plain ? { severity: 'medium' as const } : {}),
      };
    }
  },
});

// ---------------------------------------------------------------------------
// EC2 instances in the default security group
// ---------------------------------------------------------------------------

/** Whether a default security group managed in the file has no rules (and so blocks all traffic, CIS AWS 5.4). */
const lockedDown = (input: TfInput, group: TfResource) => ['ingress', 'egress'].every((k) => !attribute(group.block, k) && blocksMade(group.block, k, fileInstance(input)).length === 0);

/** A `data "aws_security_group"` looked up by the name "default". */
function isDefaultLookup(input: TfInput, data: TfResource): boolean {
  if (data.kind !== 'data' || data.type !== 'aws_security_group') return false;
  if (valueOf(input, data.block, 'name') === 'default') return true;
  return blocksOf(data.block, 'filter').some((f) => valueOf(input, f, 'name') === 'group-name' && (asStrings(valueOf(input, f, 'values')) ?? []).includes('default'));
}

const callsByInput = new WeakMap<TfInput, Map<string, ModuleCall>>();

/**
 * The block that sets an instance's inputs: the resource itself, or for an instance made
 * by the ec2-instance module, the module call, when that module version does not create
 * a security group of its own (6.0.0 and later do, unless create_security_group = false).
 * Undefined when the instance gets a group of its own or that cannot be told.
 */
function settingsOf(input: TfInput, instance: TfResource): Block | undefined {
  if (!instance.module) return instance.block;
  let calls = callsByInput.get(input);
  if (!calls) callsByInput.set(input, (calls = new Map(moduleCalls(input.body, input.scope).map((c) => [c.name, c]))));
  const call = calls.get(instance.module);
  if (!call) return undefined;
  const ownGroup = applies(call.versions, '>=6.0.0');
  if (ownGroup === 'never') return call.block;
  const create = attribute(call.block, 'create_security_group');
  return create && isFalseValue(evaluate(create.expr, input.scope)) ? call.block : undefined;
}

const instanceDefaultSecurityGroup: TfRule = tfRule({
  id: 'iac/tf-aws-ec2-default-security-group',
  title: 'EC2 instance in the default security group',
  description:
    'An EC2 instance names no security group (no vpc_security_group_ids, security_groups, network interface or launch template), so AWS puts it in the VPC\'s default security group, or it names that group explicitly. Unless the default group has been emptied, it admits all traffic from every other member, and everything launched without thought lands in it: one compromised instance can reach all ports of the others (CIS AWS 5.4, AWS Foundational Security Best Practices EC2.2). When the configuration manages the default group without rules (aws_default_security_group with no ingress or egress, or the terraform-aws-modules/vpc module from 4.0.0 left at its defaults), being in it isolates an instance and is not reported.',
  remediation: 'Create a security group for the instance\'s role that opens only the ports it serves, set vpc_security_group_ids to it, and manage aws_default_security_group with no ingress or egress rules.',
  severity: 'low',
  cwe: ['CWE-284'],
  examples: {
    positive: [
      '# expect\nresource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  subnet_id     = aws_subnet.private.id\n}\n',
      // Dynamic network_interface and launch_template blocks that make nothing name no group either.
      'variable "network_interface" {\n  default = null\n}\nvariable "launch_template" {\n  default = null\n}\n# expect\nresource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  subnet_id     = aws_subnet.private.id\n  dynamic "network_interface" {\n    for_each = var.network_interface != null ? var.network_interface : {}\n    content {\n      device_index         = network_interface.key\n      network_interface_id = network_interface.value.network_interface_id\n    }\n  }\n  dynamic "launch_template" {\n    for_each = var.launch_template != null ? [var.launch_template] : []\n    content {\n      id = launch_template.value.id\n    }\n  }\n}\n',
      'resource "aws_default_security_group" "main" {\n  vpc_id = aws_vpc.main.id\n  ingress {\n    protocol  = -1\n    self      = true\n    from_port = 0\n    to_port   = 0\n  }\n}\nresource "aws_instance" "api" {\n  ami                    = "ami-0123456789abcdef0"\n  instance_type          = "t3.small"\n  subnet_id              = aws_subnet.private.id\n  # expect\n  vpc_security_group_ids = [aws_default_security_group.main.id]\n}\n',
      // Before 4.0.0 the vpc module leaves the default group alone; given rules, it keeps them.
      'module "vpc" {\n  source          = "terraform-aws-modules/vpc/aws"\n  version         = "3.19.0"\n  cidr            = "10.0.0.0/16"\n  private_subnets = ["10.0.1.0/24"]\n}\n# expect\nresource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  subnet_id     = module.vpc.private_subnets[0]\n}\n',
      'module "vpc" {\n  source                         = "terraform-aws-modules/vpc/aws"\n  version                        = "~> 5.0"\n  cidr                           = "10.0.0.0/16"\n  default_security_group_ingress = [{ self = true }]\n}\n# expect\nresource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  subnet_id     = module.vpc.private_subnets[0]\n}\n',
    ],
    negative: [
      'resource "aws_instance" "api" {\n  ami                    = "ami-0123456789abcdef0"\n  instance_type          = "t3.small"\n  subnet_id              = aws_subnet.private.id\n  vpc_security_group_ids = [aws_security_group.api.id]\n}\n',
      'resource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  launch_template {\n    id = aws_launch_template.api.id\n  }\n}\n',
      'variable "launch_template" {\n  default = { id = "lt-0123456789abcdef0" }\n}\nresource "aws_instance" "api" {\n  ami           = "ami-0123456789abcdef0"\n  instance_type = "t3.small"\n  dynamic "launch_template" {\n    for_each = var.launch_template != null ? [var.launch_template] : []\n    content {\n      id = launch_template.value.id\n    }\n  }\n}\n',
    ],
  },
  *check(input) {
    const defaults = moduleResourcesOf(input, 'aws_default_security_group');
    // A default group emptied in this file blocks all traffic: being in it isolates an instance rather than exposing it.
    const emptied = defaults.length > 0 && defaults.every((group) => lockedDown(input, group));
    for (const instance of resourcesOf(input, 'aws_instance')) {
      const settings = settingsOf(input, instance);
      if (!settings) continue;
      // Only blocks that may be made count: the ec2-instance module writes `dynamic "network_interface" { for_each =
      // var.network_interface != null ? var.network_interface : {} ... }` and a launch_template the same way.
      if (['network_interface', 'launch_template'].some((k) => attribute(settings, k) || blocksMade(settings, k, fileInstance(input)).length > 0)) continue;
      const groups = ['vpc_security_group_ids', 'security_groups'].map((k) => attribute(settings, k)).filter((a) => a !== undefined);
      if (groups.length === 0) {
        if (!emptied) yield { line: settings.line, message: `${label(instance)} names no security group, so it is launched into the VPC's default security group.`, resource: label(instance) };
        continue;
      }
      for (const a of groups) {
        const value = evaluate(a.expr, input.scope);
        const named = Array.isArray(value) && value.includes('default');
        // A lookup with for_each or count: the instance the expression names.
        const managed = mentioned(input, a.expr)
          .map((r) => (r.kind === 'data' ? instanceNamed(input, a.expr, r) : r))
          .find((r) => (r.kind === 'resource' && r.type === 'aws_default_security_group' && !lockedDown(input, r)) || isDefaultLookup(input, r));
        if (Array.isArray(value) && value.length === 0 && !emptied) yield { line: a.line, message: `${label(instance)} sets ${a.name} to an empty list, so it is launched into the VPC's default security group.`, resource: label(instance) };
        else if (named || managed) yield { line: a.line, message: `${label(instance)} uses the VPC's default security group${managed ? ` (${label(managed)})` : ''}.`, resource: label(instance) };
      }
    }
  },
});

// ---------------------------------------------------------------------------
// Search domains open to unsigned requests
// ---------------------------------------------------------------------------

const SEARCH_DOMAINS = ['aws_elasticsearch_domain', 'aws_opensearch_domain'];
const SEARCH_POLICY_TYPES = new Set([...SEARCH_DOMAINS, 'aws_elasticsearch_domain_policy', 'aws_opensearch_domain_policy']);
const searchAnonymousAccess: TfRule = tfRule({
  id: 'iac/tf-aws-search-anonymous-access',
  title: 'OpenSearch domain accepts unsigned requests from a network',
  description:
    'The access policy of an OpenSearch or Elasticsearch domain allows Principal "*" limited only by source IP address or VPC, and fine-grained access control is off. Requests then need no signature and no credentials: any program on an allowed address (every machine behind a shared NAT, any workload in the network) can read, change and delete every index, and the domain cannot tell who did.',
  remediation: 'Name IAM principals (roles of the applications that use the domain) in the access policy so that requests must be signed, or enable fine-grained access control (advanced_security_options) so that every request must authenticate.',
  severity: 'medium',
  cwe: ['CWE-306'],
  examples: {
    positive: [
      'resource "aws_opensearch_domain" "logs" {\n  domain_name    = "logs"\n  engine_version = "OpenSearch_2.11"\n}\nresource "aws_opensearch_domain_policy" "logs" {\n  domain_name = aws_opensearch_domain.logs.domain_name\n  # expect\n  access_policies = jsonencode({\n    # detail\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttp*", Resource = "${aws_opensearch_domain.logs.arn}/*", Condition = { IpAddress = { "aws:SourceIp" = ["198.51.100.0/24"] } } }]\n  })\n}\n',
    ],
    negative: [
      'resource "aws_opensearch_domain" "logs" {\n  domain_name    = "logs"\n  engine_version = "OpenSearch_2.11"\n}\nresource "aws_opensearch_domain_policy" "logs" {\n  domain_name = aws_opensearch_domain.logs.domain_name\n  access_policies = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/indexer" }, Action = "es:ESHttp*", Resource = "${aws_opensearch_domain.logs.arn}/*" }]\n  })\n}\n',
      // With fine-grained access control every request authenticates, and an open domain policy is the documented setup.
      'resource "aws_opensearch_domain" "logs" {\n  domain_name = "logs"\n  advanced_security_options {\n    enabled                        = true\n    internal_user_database_enabled = true\n  }\n  access_policies = jsonencode({\n    Statement = [{ Effect = "Allow", Principal = "*", Action = "es:ESHttp*", Resource = "*", Condition = { IpAddress = { "aws:SourceIp" = ["198.51.100.0/24"] } } }]\n  })\n}\n',
    ],
  },
  *check(input) {
    if (moduleResourcesOf(input, ...SEARCH_DOMAINS).length === 0) return;
    for (const policy of policies(input)) {
      const type = policy.resource.type;
      if (!SEARCH_POLICY_TYPES.has(type)) continue;
      const domain = SEARCH_DOMAINS.includes(type) ? policy.resource : mentioned(input, attribute(policy.resource.block, 'domain_name')?.expr).find((r) => r.kind === 'resource' && SEARCH_DOMAINS.includes(r.type));
      // A domain outside this file: whether it authenticates requests itself is unknown.
      if (!domain) continue;
      // Read where it is made: a dynamic advanced_security_options whose for_each is known empty makes none.
      const fineGrained = settingAt(domain.block, ['advanced_security_options', 'enabled'], fileInstance(input)).value;
      if (isTrueValue(fineGrained) || (fineGrained !== undefined && !known(fineGrained))) continue;
      for (const statement of policy.statements) {
        const from = anonymousFromNetwork(statement);
        if (!from) continue;
        const at = inside(policy.line, statement.detailLine ?? statement.line);
        yield {
          ...at,
          message: `${label(domain)} accepts unsigned requests from ${from.length > 0 ? from.slice(0, 3).join(', ') : 'the allowed network'} without fine-grained access control (Principal "*" limited by network only${detailNote(at)}).`,
          resource: label(domain),
        };
        break;
      }
    }
  },
});

// ---------------------------------------------------------------------------
// S3 CORS rules that let any site write
// ---------------------------------------------------------------------------

const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE']);
const anyOrigin = (origin: string) => /^(?:https?:\/\/)?\*$/.test(origin.trim());

const s3CorsAnyOriginWrite: TfRule = tfRule({
  id: 'iac/tf-aws-s3-cors-any-origin-write',
  title: 'S3 CORS rule lets any website write',
  description:
    'A CORS rule of an S3 bucket allows PUT, POST or DELETE from any origin ("*"). Scripts on any website can then send those requests from a visitor\'s browser and read the answers: uploads and deletions are no longer tied to your own web application, and a bucket that trusts a network (aws:SourceIp, a VPC endpoint) can be written through the browsers of people inside it. Allowing GET from any origin, for public assets, is not reported.',
  remediation: 'List the origins of your own web applications in allowed_origins (https://app.example.org) for rules that allow PUT, POST or DELETE; keep "*" for read-only rules on public content.',
  severity: 'low',
  cwe: ['CWE-942'],
  examples: {
    positive: [
      'resource "aws_s3_bucket_cors_configuration" "uploads" {\n  bucket = aws_s3_bucket.uploads.id\n  cors_rule {\n    allowed_methods = ["GET", "PUT", "POST"]\n    # expect\n    allowed_origins = ["*"]\n  }\n}\n',
      'resource "aws_s3_bucket" "uploads" {\n  bucket = "uploads"\n  cors_rule {\n    allowed_headers = ["*"]\n    allowed_methods = ["DELETE"]\n    # expect\n    allowed_origins = ["https://app.example.org", "*"]\n  }\n}\n',
    ],
    negative: [
      'resource "aws_s3_bucket_cors_configuration" "uploads" {\n  bucket = aws_s3_bucket.uploads.id\n  cors_rule {\n    allowed_headers = ["*"]\n    allowed_methods = ["PUT", "POST"]\n    allowed_origins = ["https://app.example.org"]\n  }\n}\n',
      'resource "aws_s3_bucket_cors_configuration" "assets" {\n  bucket = aws_s3_bucket.assets.id\n  cors_rule {\n    allowed_methods = ["GET", "HEAD"]\n    allowed_origins = ["*"]\n  }\n}\n',
    ],
  },
  *check(input) {
    for (const owner of resourcesOf(input, 'aws_s3_bucket', 'aws_s3_bucket_cors_configuration')) {
      // The elements of a dynamic "cors_rule" block share their lines: one finding per line, naming the methods of all.
      const writesAt = new Map<number, Set<string>>();
      for (const rule of sections(input, owner.block, 'cors_rule')) {
        const origins = asStrings(rule.get('allowed_origins'));
        const methods = asStrings(rule.get('allowed_methods'));
        if (!origins || !methods || !origins.some(anyOrigin)) continue;
        const writes = methods.map((m) => m.toUpperCase()).filter((m) => WRITE_METHODS.has(m));
        if (writes.length === 0) continue;
        const line = rule.lineOf('allowed_origins');
        writesAt.set(line, new Set([...(writesAt.get(line) ?? []), ...writes]));
      }
      for (const [line, writes] of writesAt) yield { line, message: `${label(owner)} has a CORS rule that allows ${[...writes].join(', ')} from any origin.`, resource: label(owner) };
    }
  },
});

/** Rules that harden who and what can act in an account: workload roles, service invocations, console users, default groups, anonymous search, cross-origin writes. */
export const hardeningRules: readonly TfRule[] = [workloadPrivilegedRole, lambdaServiceUnscoped, userConsolePassword, instanceDefaultSecurityGroup, searchAnonymousAccess, s3CorsAnyOriginWrite];
