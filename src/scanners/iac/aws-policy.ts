import { isWorld } from './cidr.js';

/**
 * AWS policy documents as statements, and what a statement grants: one model for every
 * platform that writes them (Terraform in terraform/policy.ts, CloudFormation). A value
 * is a document's JSON value, with unknown parts as they come.
 */
type Value = unknown;

export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  notActions: string[];
  resources: string[];
  notResources: string[];
  /** `*`, or `AWS:arn:...`, `Service:ec2.amazonaws.com`, ... */
  principals: string[];
  /** The principals of a NotPrincipal element (`not_principals` blocks), written as `principals` are. */
  notPrincipals: string[];
  hasPrincipal: boolean;
  /** Each condition test with its operator (`StringEquals`, `ForAnyValue:StringLike`, `IpAddressIfExists`) and values (empty when not static). */
  conditions: Condition[];
  /** Line of the statement block (policy_document data sources), else of the attribute that holds the policy. */
  line: number;
  /** Line of the statement inside a multi-line policy value (a heredoc or jsonencode), when it is known. */
  detailLine?: number;
}

export interface Condition {
  operator: string;
  key: string;
  values: string[];
}

function list(value: Value | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function principalList(value: Value | undefined): string[] {
  if (value === '*') return ['*'];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const out: string[] = [];
    for (const [type, ids] of Object.entries(value)) for (const id of list(ids)) out.push(id === '*' ? '*' : `${type}:${id}`);
    return out;
  }
  return list(value);
}

/** The statements of a policy document (its JSON value), each given `line`. */
export function statementsOf(document: Value, line: number): Statement[] {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return [];
  const raw = (document as Record<string, Value>)['Statement'] ?? (document as Record<string, Value>)['statement'];
  const items = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const out: Statement[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const s = item as Record<string, Value>;
    const effect = s['Effect'] === 'Deny' ? 'Deny' : 'Allow';
    const condition = s['Condition'];
    const conditions: Condition[] = [];
    if (condition && typeof condition === 'object' && !Array.isArray(condition)) {
      for (const [operator, inner] of Object.entries(condition)) {
        if (!inner || typeof inner !== 'object' || Array.isArray(inner)) continue;
        for (const [key, values] of Object.entries(inner)) conditions.push({ operator, key, values: list(values) });
      }
    }
    out.push({
      effect,
      actions: list(s['Action']),
      notActions: list(s['NotAction']),
      resources: list(s['Resource']),
      notResources: list(s['NotResource']),
      principals: principalList(s['Principal']),
      notPrincipals: principalList(s['NotPrincipal']),
      hasPrincipal: s['Principal'] !== undefined || s['NotPrincipal'] !== undefined,
      conditions,
      line,
    });
  }
  return out;
}

/** Whether an action pattern (`s3:*`, `iam:Put*`, `*`) covers the action `iam:PutUserPolicy`. */
export function actionCovers(pattern: string, action: string): boolean {
  let regex = actionPatterns.get(pattern);
  if (!regex) {
    regex = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    // Patterns come from the scanned files: the cache is bounded.
    if (actionPatterns.size >= 10_000) actionPatterns.clear();
    actionPatterns.set(pattern, regex);
  }
  return regex.test(action);
}

const actionPatterns = new Map<string, RegExp>();

export function allowsAction(statement: Statement, action: string): boolean {
  if (statement.effect !== 'Allow') return false;
  if (statement.notActions.length > 0) return !statement.notActions.some((p) => actionCovers(p, action));
  return statement.actions.some((p) => actionCovers(p, action));
}

export function onAllResources(statement: Statement): boolean {
  return statement.resources.includes('*') || (statement.resources.length === 0 && statement.notResources.length > 0);
}

/** Allow of every action on every resource. */
export function isFullAdmin(statement: Statement): boolean {
  return statement.effect === 'Allow' && statement.notActions.length === 0 && statement.actions.some((a) => a === '*' || a === '*:*') && onAllResources(statement);
}

/** Conditions that pin a public-principal statement to a specific source account, organisation, network or resource. */
const RESTRICTING_CONDITION = /^aws:(?:SourceArn|SourceAccount|SourceOwner|PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|PrincipalArn|SourceVpc|SourceVpce|SourceIp|VpcSourceIp|userid|username)$|^kms:(?:CallerAccount|ViaService)$|^s3:DataAccessPoint(?:Account|Arn)$|^elasticfilesystem:AccessPointArn$/i;

/**
 * Whether a condition test limits a public-principal statement to a source account,
 * organisation, network or resource. Only a positive test on a restricting key does:
 * a negated operator (StringNotEquals, NotIpAddress) admits everything but the values,
 * `...IfExists` and `ForAllValues:` pass when the caller's request lacks the key (a
 * direct call from any account), and a wildcard or 0.0.0.0/0 matches everyone. Values
 * that are not static (references) are taken to restrict.
 */
export function restricts(condition: Condition): boolean {
  // EFS's own default policy: only clients that reach the file system through its mount targets, inside its VPC.
  if (/^elasticfilesystem:AccessedViaMountTarget$/i.test(condition.key)) return /^Bool$/i.test(condition.operator) && condition.values.length > 0 && condition.values.every((v) => String(v).toLowerCase() === 'true');
  if (!RESTRICTING_CONDITION.test(condition.key)) return false;
  const operator = condition.operator;
  // Policy documents may omit the operator of a condition they read from a variable: keep the key's meaning.
  if (operator === '') return true;
  if (/Not|^Null$|IfExists$|^ForAllValues:/i.test(operator)) return false;
  // Wildcards match in *Like tests and in every Arn test (ArnEquals too).
  if (/Like$|(?:^|:)Arn/i.test(operator) && condition.values.some((v) => wildcardOpens(condition.key, v))) return false;
  if (/IpAddress$/i.test(operator) && condition.values.some(isWorld)) return false;
  return true;
}

/**
 * Whether a wildcard in a condition value lets in callers the key was meant to pin: a
 * wildcard in the account of an ARN (or, for ARNs without one such as S3's, in the
 * bucket name anyone can register), in the organisation of an organisation path, in
 * the role id of aws:userid, or anywhere in an account, organisation, VPC or endpoint
 * id. `arn:aws:sns:*:123456789012:*` and `o-abc/r-1/ou-2/*` still pin the account and
 * the organisation; `vpc-*`, `arn:aws:s3:::*` and `arn:aws:sns:*:*:alerts` do not.
 */
function wildcardOpens(key: string, value: string): boolean {
  const wild = (text: string) => /[*?]/.test(text);
  if (!wild(value)) return false;
  if (value.startsWith('arn:')) {
    const parts = value.split(':');
    const account = parts[4] ?? '';
    if (account !== '') return wild(account);
    return wild((parts.slice(5).join(':').split('/')[0] ?? '') || '*');
  }
  if (/^aws:PrincipalOrgPaths$/i.test(key)) return wild(value.split('/')[0]!);
  if (/^aws:userid$/i.test(key)) return wild(value.split(':')[0]!);
  if (/^kms:ViaService$/i.test(key)) return wild(value.split('.')[0]!);
  return true;
}

/**
 * A statement that hands access control to the account's S3 access points, as the S3
 * documentation writes it (Principal "*", Action "*" or s3:*, on the condition
 * s3:DataAccessPointAccount = the account, or s3:DataAccessPointArn): it applies only to
 * requests made through an access point it names, whose own policy grants the actions.
 * The test must pin the account or access point as `restricts` judges it (a wildcard
 * account would admit the access points of every account).
 */
export function delegatesToAccessPoints(statement: Statement): boolean {
  return statement.conditions.some((c) => /^s3:DataAccessPoint(?:Account|Arn)$/i.test(c.key) && restricts(c));
}

/** A statement that allows any principal: Principal "*", or an Allow with NotPrincipal (everyone but the principals it names). */
export function openTo(statement: Statement): 'any' | 'all-but' | undefined {
  if (statement.effect !== 'Allow') return undefined;
  if (statement.principals.includes('*')) return 'any';
  if (statement.notPrincipals.length > 0 && !statement.notPrincipals.includes('*')) return 'all-but';
  return undefined;
}

/** An Allow to any principal with no condition that pins who can use it. */
export function isPublicStatement(statement: Statement): boolean {
  return openTo(statement) !== undefined && !statement.conditions.some(restricts);
}

/** Privilege escalation paths in AWS IAM (Rhino Security Labs' catalogue): any one set of actions is enough. */
export const ESCALATION_PATHS: string[][] = [
  ['iam:CreatePolicyVersion'],
  ['iam:SetDefaultPolicyVersion'],
  ['iam:CreateAccessKey'],
  ['iam:CreateLoginProfile'],
  ['iam:UpdateLoginProfile'],
  ['iam:AttachUserPolicy'],
  ['iam:AttachGroupPolicy'],
  ['iam:AttachRolePolicy'],
  ['iam:PutUserPolicy'],
  ['iam:PutGroupPolicy'],
  ['iam:PutRolePolicy'],
  ['iam:AddUserToGroup'],
  ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'],
  ['lambda:UpdateFunctionCode'],
  ['glue:UpdateDevEndpoint'],
  ['iam:PassRole', 'ec2:RunInstances'],
  ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
  ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
  ['iam:PassRole', 'glue:CreateDevEndpoint'],
  ['iam:PassRole', 'cloudformation:CreateStack'],
  ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
];

const ESCALATION_ACTIONS = [...new Set(ESCALATION_PATHS.flat())];

/** The actions of the escalation paths that statements allow on every resource (full administrators are another rule's). */
export function escalationActions(statements: readonly Statement[]): Set<string> {
  const relevant = statements.filter((s) => onAllResources(s) && !isFullAdmin(s));
  return new Set(ESCALATION_ACTIONS.filter((action) => relevant.some((s) => allowsAction(s, action))));
}

/**
 * The actions of the escalation paths that a permissions boundary's statements let
 * through: allowed by an Allow statement, whatever its resources and conditions (the path
 * may need only those resources), and not denied by a Deny without conditions on every
 * resource.
 */
export function boundaryAllows(statements: readonly Statement[]): Set<string> {
  const denies = (s: Statement, action: string) =>
    s.effect === 'Deny' && s.conditions.length === 0 && onAllResources(s) && (s.notActions.length > 0 ? !s.notActions.some((p) => actionCovers(p, action)) : s.actions.some((p) => actionCovers(p, action)));
  return new Set(ESCALATION_ACTIONS.filter((action) => statements.some((s) => allowsAction(s, action)) && !statements.some((s) => denies(s, action))));
}

export function escalationPaths(actions: ReadonlySet<string>): string[][] {
  return ESCALATION_PATHS.filter((path) => path.every((action) => actions.has(action)));
}

/**
 * The statements of a permissions boundary's document (its JSON value), read for what they
 * let through: undefined when the document cannot be read, or when an Allow statement's
 * actions cannot be read (the boundary may allow anything); a statement whose Effect
 * cannot be read may be an Allow. A Deny statement whose actions or resources cannot be
 * read, or with a condition, is left out (it may deny nothing). `known` tells whether a
 * field's value (a string or a list, never undefined) holds no part the platform could not read.
 */
export function boundaryDocumentStatements(document: Value, line: number, known: (value: Value) => boolean): Statement[] | undefined {
  if (!document || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const raw = (document as Record<string, Value>)['Statement'] ?? (document as Record<string, Value>)['statement'];
  const items = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : undefined;
  if (!items) return undefined;
  const readable = (value: Value) => value === undefined || ((typeof value === 'string' || Array.isArray(value)) && known(value));
  const out: Statement[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) return undefined;
    const fields = item as Record<string, Value>;
    const [statement] = statementsOf({ Statement: [item] }, line);
    if (!statement) return undefined;
    if (fields['Effect'] !== 'Deny') {
      if (!readable(fields['Action']) || !readable(fields['NotAction'])) return undefined;
      out.push({ ...statement, effect: 'Allow' });
    } else if (['Action', 'NotAction', 'Resource', 'NotResource'].every((key) => readable(fields[key])) && fields['Condition'] === undefined) out.push(statement);
  }
  return out;
}

/**
 * A user's or role's permissions boundary as the escalation rules read it: none (also the
 * AWS managed AdministratorAccess, which limits nothing); one whose document is read, with
 * the escalation actions it lets through (boundaryAllows); or one that cannot be read (a
 * customer managed policy's ARN, a document with parts that cannot be read), by its name.
 */
export type Boundary = { kind: 'none' } | { kind: 'read'; allows: ReadonlySet<string> } | { kind: 'unread'; name: string };

/** The boundary a policy's statements make (boundaryDocumentStatements'), or an unread one by this name when they cannot be read. */
export function boundaryOfStatements(statements: readonly Statement[] | undefined, name: string): Boundary {
  return statements ? { kind: 'read', allows: boundaryAllows(statements) } : { kind: 'unread', name };
}

/** The boundary of a policy ARN whose document the configuration does not hold: the AWS managed policies the rules know are read. */
export function boundaryOfArn(arn: string, line: number): Boundary {
  if (isAdministratorAccessArn(arn)) return { kind: 'none' };
  return boundaryOfStatements(managedPolicyStatements(arn, line), arn);
}

/** The escalation paths of an identity's actions that its permissions boundary lets through (every action of the path). */
export function boundedPaths(actions: ReadonlySet<string>, boundary: Boundary): string[][] {
  return escalationPaths(boundary.kind === 'read' ? new Set([...actions].filter((action) => boundary.allows.has(action))) : actions);
}

/**
 * What the escalation rules say of an identity that can escalate through `paths`, granted
 * by the policies `granted` names: with a boundary that cannot be read, the finding is
 * medium and says that the boundary (whose document is not in this `source`: configuration,
 * template) may exclude them.
 */
export function escalationFinding(identity: string, paths: string[][], granted: string, boundary: Boundary, source: string): { message: string; severity?: 'medium' } {
  const can = `${identity} can escalate its privileges through ${describePaths(paths)} (granted by ${granted})`;
  if (boundary.kind !== 'unread') return { message: `${can}.` };
  return { message: `${can}, unless its permissions boundary (${boundary.name}), whose document is not in this ${source}, excludes them.`, severity: 'medium' };
}

/** Escalation paths as text: up to three, joined. */
export function describePaths(paths: string[][]): string {
  return paths.slice(0, 3).map((p) => p.join(' + ')).join('; ') + (paths.length > 3 ? `; and ${paths.length - 3} more` : '');
}

/** The actions an Allow statement grants as a whole service or more: "*", "sqs:*", or everything but its NotAction. */
export function broadActions(statement: Statement): string | undefined {
  if (statement.effect !== 'Allow') return undefined;
  if (statement.notActions.length > 0) return `every action except ${statement.notActions.slice(0, 3).join(', ')}`;
  const broad = statement.actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
  return broad.length > 0 ? broad.join(', ') : undefined;
}

/**
 * Condition keys that narrow a statement to some resources: the resource's tags, account
 * or organisation, and the keys of the service itself (s3:prefix, ec2:ResourceTag/team,
 * dynamodb:LeadingKeys). Keys about the caller or the request (aws:SourceIp,
 * aws:MultiFactorAuthPresent, aws:RequestedRegion) leave every resource in reach.
 */
const RESOURCE_CONDITION = /^aws:Resource(?:Tag\/.+|Account|OrgID|OrgPaths)$|^(?!aws:)[a-z0-9-]+:\S/i;

/** A condition test that narrows the resources: on a resource key, and not one that passes when the key is missing (`...IfExists`). */
const narrowsResources = (c: Condition) => RESOURCE_CONDITION.test(c.key) && !/IfExists$/i.test(c.operator);

/**
 * What an identity statement allows of whole services on every resource: "s3:*, dynamodb:*",
 * or every action but its NotAction; undefined for anything else. Left to other rules: full
 * administrator access (isFullAdmin), and a statement that is a privilege escalation path
 * on its own (iam:*, lambda:*, glue:*: the escalation rules'). A condition on the resource
 * (its tags, a service key) scopes the statement: it is not reported.
 */
export function serviceWideGrant(statement: Statement): string | undefined {
  if (statement.effect !== 'Allow' || !onAllResources(statement) || isFullAdmin(statement)) return undefined;
  const broad = statement.notActions.length > 0 ? broadActions(statement) : statement.actions.filter((a) => /^[a-z0-9-]+:\*$/i.test(a) && !RESOURCELESS_SERVICES.test(a)).join(', ') || undefined;
  if (broad === undefined || statement.conditions.some(narrowsResources)) return undefined;
  return escalationPaths(escalationActions([statement])).length > 0 ? undefined : broad;
}

/**
 * Services of the Systems Manager agent's message channels: their actions (the agent polling
 * for commands, Session Manager opening its channels) name no resource of the account and
 * support no resource ARNs, and AWS's AmazonSSMManagedInstanceCore grants each of them on
 * "*". `ec2messages:*` and `ssmmessages:*` are thus no wider than the managed policy: there
 * is nothing of the account they could delete or rewrite.
 */
const RESOURCELESS_SERVICES = /^(?:ec2messages|ssmmessages):\*$/i;

/**
 * The statements of a policy that serviceWideGrant reports, the first of them, and what they
 * allow as a message says it ("s3:*; dynamodb:* on every resource"), or undefined.
 */
export function serviceWideGrants(statements: readonly Statement[]): { first: Statement; text: string } | undefined {
  const grants = statements.flatMap((s) => {
    const what = serviceWideGrant(s);
    return what === undefined ? [] : [{ statement: s, what }];
  });
  if (grants.length === 0) return undefined;
  const where = grants.every((g) => g.statement.resources.includes('*')) ? 'every resource' : 'every resource outside NotResource';
  return { first: grants[0]!.statement, text: `${[...new Set(grants.map((g) => g.what))].join('; ')} on ${where}` };
}

/** The default key policy: the account root gets kms:* so that IAM policies can delegate use of the key (its partition or account may be interpolated). */
export const isRootKeyGrant = (s: Statement) =>
  s.actions.length > 0 && s.actions.every((a) => /^kms:\*$/i.test(a)) && s.principals.length > 0 && s.principals.every((p) => /^AWS:arn:(?:aws[\w-]*|\$\{[^}]+\}|INTERPOLATED):iam::(?:\d{12}|\$\{[^}]+\}|INTERPOLATED):root$/.test(p));

/** IAM actions that grant permissions to some identity: whoever holds one on every role or user can make itself administrator. */
const IAM_GRANTING_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:PutGroupPolicy',
  'iam:AddUserToGroup',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:UpdateAssumeRolePolicy',
  'iam:DeleteRolePermissionsBoundary',
];

/** `*`, or an IAM ARN with a wildcard over the roles, users, groups or policies of an account. */
function onAnyIamIdentity(statement: Statement): boolean {
  if (onAllResources(statement)) return true;
  return statement.resources.some((r) => /^arn:aws[\w-]*:iam::[^:]*:(?:\*|(?:role|user|group|policy)\/(?:[^*]*\/)?\*)$/.test(r));
}

/** What a set of statements allows that makes its holder privileged, or undefined. */
export function privilegeOf(statements: readonly Statement[]): string | undefined {
  if (statements.some(isFullAdmin)) return 'administrator access (every action on every resource)';
  const allBut = statements.find((s) => s.effect === 'Allow' && s.notActions.length > 0 && onAllResources(s));
  if (allBut) return `every action except ${allBut.notActions.slice(0, 3).join(', ')}`;
  const granting = IAM_GRANTING_ACTIONS.filter((action) => statements.some((s) => onAnyIamIdentity(s) && allowsAction(s, action)));
  if (granting.length > 0) return `IAM permissions it can use to make itself administrator (${granting.slice(0, 3).join(', ')}${granting.length > 3 ? ', ...' : ''})`;
  return undefined;
}

/** What privilegeOf and privilegedManagedPolicy say, strongest first. */
const PRIVILEGE_ORDER = ['administrator access', 'every action except', 'every action outside IAM', 'full control of IAM', 'IAM permissions'];

/** The grants of a role, the strongest first (a message names the first): administrator access before IAMFullAccess before one iam: action. */
export function strongestFirst<T>(grants: readonly T[], what: (grant: T) => string): T[] {
  const rank = (text: string) => {
    const i = PRIVILEGE_ORDER.findIndex((prefix) => text.startsWith(prefix));
    return i < 0 ? PRIVILEGE_ORDER.length : i;
  };
  return [...grants].sort((a, b) => rank(what(a)) - rank(what(b)));
}

/** A role's grants as the workload privileged role rules say them: the strongest, with where it comes from, and how many more. */
export function strongestGrant(grants: ReadonlyArray<{ what: string; via?: string }>): string {
  const first = strongestFirst(grants, (g) => g.what)[0]!;
  return `${first.what}${first.via === undefined ? '' : ` through ${first.via}`}${grants.length > 1 ? ` and ${grants.length - 1} more` : ''}`;
}

/** What a workload does with the role it names, as the workload privileged role rules say it. */
export const WORKLOAD_USES = { function: 'runs its code with', task: 'gives its containers', instance: 'gives the software on the instance' } as const;

/** AWS managed policies that make a role an administrator, or able to make itself one. */
const PRIVILEGED_MANAGED = /^arn:aws[\w-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

/** What the AWS managed policy with this ARN grants that makes its holder privileged, or undefined. */
export function privilegedManagedPolicy(arn: string): string | undefined {
  const name = PRIVILEGED_MANAGED.exec(arn.trim())?.[1];
  return name === 'AdministratorAccess' ? 'administrator access (AdministratorAccess)' : name === 'PowerUserAccess' ? 'every action outside IAM and Organizations (PowerUserAccess)' : name ? 'full control of IAM (IAMFullAccess)' : undefined;
}

/**
 * The statements of the AWS managed policies that the escalation rules read (as AWS
 * publishes them, the organizations and account reads aside): IAMFullAccess (every IAM
 * action) and PowerUserAccess (every action outside IAM, Organizations and Account).
 * AdministratorAccess is the full-admin rules'.
 */
export function managedPolicyStatements(arn: string, line: number): Statement[] | undefined {
  const name = PRIVILEGED_MANAGED.exec(arn.trim())?.[1];
  const allow = (actions: string[], notActions: string[] = []): Statement => ({ effect: 'Allow', actions, notActions, resources: ['*'], notResources: [], principals: [], notPrincipals: [], hasPrincipal: false, conditions: [], line });
  if (name === 'IAMFullAccess') return [allow(['iam:*'])];
  if (name === 'PowerUserAccess') return [allow([], ['iam:*', 'organizations:*', 'account:*']), allow(['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles'])];
  return undefined;
}

/**
 * Whether a role's permissions boundary may take away the privilege its policies give (a
 * boundary that denies IAM administration is a remedy the workload rules name). Only a
 * boundary that can be read and itself grants a privilege (an AWS managed AdministratorAccess,
 * PowerUserAccess or IAMFullAccess by ARN, a policy of the configuration whose statements
 * hold one) leaves the role as privileged as its policies make it; any other boundary, a
 * customer policy ARN or one that cannot be read (`unread`), may limit it.
 */
export function boundaryMayLimit(boundary: { arn: string } | { statements: readonly Statement[] | undefined } | 'unread'): boolean {
  if (boundary === 'unread') return true;
  if ('arn' in boundary) return privilegedManagedPolicy(boundary.arn) === undefined;
  return boundary.statements === undefined || privilegeOf(boundary.statements) === undefined;
}

/** Whether an ARN is that of the AWS managed AdministratorAccess policy, in any partition. */
export function isAdministratorAccessArn(arn: string): boolean {
  return PRIVILEGED_MANAGED.exec(arn.trim())?.[1] === 'AdministratorAccess';
}

/** Whether an ARN pattern lets in resources of any account (`*`, a wildcard account, or an S3 ARN with a wildcard bucket). */
export function anyAccountArn(arn: string): boolean {
  const wild = (text: string) => /[*?]/.test(text);
  if (!arn.startsWith('arn:')) return wild(arn);
  const parts = arn.split(':');
  const account = parts[4] ?? '';
  if (account !== '') return wild(account);
  return wild((parts.slice(5).join(':').split('/')[0] ?? '') || '*');
}

/**
 * Whether a Lambda permission lets an AWS service invoke the function on behalf of
 * resources of any account: a service principal with no source account or organisation,
 * and no source ARN ('no-source') or one that lets in any account ('any-account'). A
 * source ARN that cannot be read is taken as scoped.
 */
export function unscopedServicePermission(
  service: string | undefined,
  scoping: { sourceAccount: boolean; organisation: boolean; sourceArn: boolean; arn: string | undefined },
): 'no-source' | 'any-account' | undefined {
  if (!service || !/\.amazonaws\.com(?:\.cn)?$/i.test(service.trim())) return undefined;
  if (scoping.sourceAccount || scoping.organisation) return undefined;
  if (!scoping.sourceArn) return 'no-source';
  return scoping.arn !== undefined && anyAccountArn(scoping.arn.trim()) ? 'any-account' : undefined;
}

const NETWORK_KEY = /^aws:(?:SourceIp|VpcSourceIp|SourceVpc|SourceVpce)$/i;

/**
 * A statement that admits Principal "*" and limits it by network only: a positive IP,
 * VPC or endpoint test, and no test on who signs the request. (Without any limiting
 * condition the statement is open to everyone, which the public-principal rules report.)
 */
export function anonymousFromNetwork(statement: Statement): string[] | undefined {
  if (statement.effect !== 'Allow' || !statement.principals.includes('*') || statement.conditions.length === 0) return undefined;
  if (!statement.conditions.every((c) => NETWORK_KEY.test(c.key))) return undefined;
  const limiting = statement.conditions.filter((c) => !/Not|^Null$|IfExists$|^ForAllValues:/i.test(c.operator) && !(/IpAddress$/i.test(c.operator) && c.values.some(isWorld)));
  return limiting.length > 0 ? limiting.flatMap((c) => c.values) : undefined;
}
