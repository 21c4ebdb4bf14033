import { boundaryDocumentStatements, boundaryMayLimit, boundaryOfArn, boundaryOfStatements, statementsOf, type Boundary, type Statement } from '../aws-policy.js';
import { isYMap, isYScalar, isYSeq, pair, type YNode } from '../yaml/tree.js';
import { entries, label, prop, referencedId, referencedIds, resourceById, resourcesOf } from './model.js';
import { follow, intrinsic, plainValue, text, UNKNOWN, UNKNOWN_TEXT } from './resolve.js';
import type { CfnResource, CfnTemplate } from './template.js';

/**
 * The statements of a template's policy document (aws-policy.ts, the model the Terraform
 * rules judge too), each with the line of its entry in the template, or of the
 * document's key when the statement has no line of its own. A statement whose Effect
 * cannot be told (`!If`) is left out: it may be a Deny.
 */
export function statementsIn(t: CfnTemplate, document: YNode | null | undefined, keyLine: number): Statement[] {
  const followed = follow(t, document);
  if (followed === UNKNOWN) return [];
  const written = jsonDocument(followed);
  if (written) {
    const raw = written['Statement'];
    const items = Array.isArray(raw) ? raw : [raw];
    return items.filter((item) => item && typeof item === 'object' && !Array.isArray(item) && (item as Record<string, unknown>)['Effect'] !== UNKNOWN_TEXT).flatMap((item) => statementsOf({ Statement: [item] }, keyLine));
  }
  if (!isYMap(followed)) return [];
  const list = follow(t, pair(followed, 'Statement')?.value);
  if (list === UNKNOWN || !list) return [];
  const out: Statement[] = [];
  for (const entry of isYSeq(list) ? list.items : [list]) {
    const json = plainValue(t, entry);
    if (!json || typeof json !== 'object' || Array.isArray(json) || (json as Record<string, unknown>)['Effect'] === UNKNOWN_TEXT) continue;
    out.push(...statementsOf({ Statement: [json] }, isYMap(entry) ? entry.line : keyLine));
  }
  return out;
}

/**
 * A policy document written as a JSON string, as CloudFormation accepts one (`!Sub '{"Statement": [...]}'`),
 * with every `${...}` of a Sub as UNKNOWN_TEXT; undefined when the text is no JSON object.
 */
function jsonDocument(node: YNode | null): Record<string, unknown> | undefined {
  let written: string | undefined;
  if (isYScalar(node) && typeof node.value === 'string') written = node.value;
  const call = intrinsic(node);
  if (call?.name === 'Fn::Sub') {
    const template = isYSeq(call.arg) ? call.arg.items[0] : call.arg;
    if (isYScalar(template) && typeof template.value === 'string') written = template.value.replace(/\$\{(!?)([^}]*)\}/g, (_, bang: string, name: string) => (bang ? `\${${name}}` : UNKNOWN_TEXT));
  }
  if (written === undefined || !/^\s*\{/.test(written) || written.length > 200_000) return undefined;
  try {
    const parsed: unknown = JSON.parse(written);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Resource types and the property that holds their resource policy (who may do what to the resource). */
export const RESOURCE_POLICIES: ReadonlyArray<readonly [string, string]> = [
  ['AWS::S3::BucketPolicy', 'PolicyDocument'],
  ['AWS::SQS::QueuePolicy', 'PolicyDocument'],
  ['AWS::SNS::TopicPolicy', 'PolicyDocument'],
  ['AWS::KMS::Key', 'KeyPolicy'],
  ['AWS::ECR::Repository', 'RepositoryPolicyText'],
  ['AWS::SecretsManager::ResourcePolicy', 'ResourcePolicy'],
  ['AWS::Elasticsearch::Domain', 'AccessPolicies'],
  ['AWS::OpenSearchService::Domain', 'AccessPolicies'],
];

/**
 * An AWS managed policy ARN as templates write it, read in the `aws` partition:
 * `!Sub` with `${AWS::Partition}`, `Fn::Join` of literal parts and `Ref AWS::Partition`
 * (as CDK writes them), or any value the template gives (a literal, a parameter's default).
 */
export function managedPolicyArn(t: CfnTemplate, node: YNode): string | undefined {
  const call = intrinsic(node);
  if (call?.name === 'Fn::Sub' && isYScalar(call.arg) && typeof call.arg.value === 'string') return call.arg.value.replace(/\$\{AWS::Partition\}/g, 'aws');
  return joinedWithPartition(call) ?? text(t, node);
}

/**
 * The text of an Fn::Join of literal parts and Refs, each Ref given by `refText` (undefined:
 * the text is not known). The partition is `aws`.
 */
function joinedText(call: ReturnType<typeof intrinsic>, refText: (name: string) => string | undefined): string | undefined {
  if (call?.name !== 'Fn::Join' || !isYSeq(call.arg) || call.arg.items.length !== 2) return undefined;
  const [delimiter, parts] = call.arg.items;
  if (!isYScalar(delimiter) || typeof delimiter.value !== 'string' || !isYSeq(parts)) return undefined;
  const texts: string[] = [];
  for (const part of parts.items) {
    const ref = intrinsic(part);
    const piece = ref?.name === 'Ref' && isYScalar(ref.arg) ? (ref.arg.value === 'AWS::Partition' ? 'aws' : refText(String(ref.arg.value))) : isYScalar(part) && part.value !== null && !ref ? String(part.value) : undefined;
    if (piece === undefined) return undefined;
    texts.push(piece);
  }
  return texts.join(delimiter.value);
}

function joinedWithPartition(call: ReturnType<typeof intrinsic>): string | undefined {
  return joinedText(call, () => undefined);
}

/** Resources that take a PermissionsBoundary: users and roles, and the roles SAM creates for functions and state machines. */
const BOUNDED_TYPES = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine'];

/**
 * The permissions boundary of a user or role (or of the role SAM creates), as the escalation
 * rules read it (aws-policy.ts's Boundary): an AWS::IAM::ManagedPolicy of the template by
 * its document, a policy ARN by what AWS publishes of it (or unread), a parameter without a
 * default unread. None when there is none, or when it may be none (an Fn::If whose condition
 * cannot be told, with an AWS::NoValue branch).
 */
export function permissionsBoundary(t: CfnTemplate, r: CfnResource): Boundary {
  const key = prop(t, r, 'PermissionsBoundary');
  const followed = follow(t, key?.value);
  if (!key || followed === null) return { kind: 'none' };
  const policy = resourceById(t, referencedIds(t, key.value)[0], 'AWS::IAM::ManagedPolicy');
  if (policy) {
    const document = prop(t, policy, 'PolicyDocument');
    return boundaryOfStatements(document ? boundaryStatementsIn(t, document.value, document.keyLine) : undefined, label(policy));
  }
  const arn = followed === UNKNOWN ? undefined : managedPolicyArn(t, followed);
  if (arn !== undefined) return boundaryOfArn(arn, key.keyLine);
  if (mayBeNone(t, key.value)) return { kind: 'none' };
  const call = intrinsic(key.value);
  const parameter = call?.name === 'Ref' ? referencedId(key.value) : undefined;
  return { kind: 'unread', name: parameter !== undefined && t.parameters.has(parameter) ? `the parameter ${parameter}` : (writtenJoin(call) ?? 'the policy PermissionsBoundary names') };
}

/** An Fn::Join of literal parts and Refs as a message shows it: `arn:aws:iam::${AWS::AccountId}:policy/boundary` (CDK writes boundaries so). */
function writtenJoin(call: ReturnType<typeof intrinsic>): string | undefined {
  return joinedText(call, (name) => `\${${name}}`);
}

/**
 * Whether the PermissionsBoundary of a role (or of the role SAM creates) may take away the
 * privilege its policies give (aws-policy.ts's boundaryMayLimit): not when it has none or
 * may have none.
 */
export function boundaryMayLimitRole(t: CfnTemplate, r: CfnResource): boolean {
  const key = prop(t, r, 'PermissionsBoundary');
  const followed = follow(t, key?.value);
  if (!key || followed === null) return false;
  const policy = resourceById(t, referencedIds(t, key.value)[0], 'AWS::IAM::ManagedPolicy');
  if (policy) {
    const document = prop(t, policy, 'PolicyDocument');
    return boundaryMayLimit({ statements: document ? statementsIn(t, document.value, document.keyLine) : undefined });
  }
  const arn = followed === UNKNOWN ? undefined : managedPolicyArn(t, followed);
  if (arn !== undefined) return boundaryMayLimit({ arn });
  return !mayBeNone(t, key.value);
}

/** An Fn::If whose condition cannot be told with an AWS::NoValue branch: the property may be absent. */
function mayBeNone(t: CfnTemplate, node: YNode | null): boolean {
  const call = intrinsic(node);
  return call?.name === 'Fn::If' && isYSeq(call.arg) && call.arg.items.slice(1).some((branch) => follow(t, branch) === null);
}

/**
 * The statements of a permissions boundary's document, read for what they let through
 * (boundaryDocumentStatements): undefined when an Allow statement's actions cannot be read.
 */
function boundaryStatementsIn(t: CfnTemplate, document: YNode | null, keyLine: number): Statement[] | undefined {
  const followed = follow(t, document);
  if (followed === UNKNOWN || followed === null) return undefined;
  const known = (value: unknown): boolean => (typeof value === 'string' ? !value.includes(UNKNOWN_TEXT) : Array.isArray(value) && value.every((item) => typeof item === 'string' && !item.includes(UNKNOWN_TEXT)));
  return boundaryDocumentStatements(jsonDocument(followed) ?? plainValue(t, followed), keyLine, known);
}

/**
 * The managed policies of the template that users or roles have only as their permissions
 * boundary: named by a PermissionsBoundary, attached to no one (no Users, Groups or Roles of
 * their own, in no ManagedPolicyArns, in no SAM Policies). Such a policy grants nothing: it
 * bounds what the policies of its users and roles grant.
 */
export function boundaryOnlyPolicies(t: CfnTemplate): ReadonlySet<CfnResource> {
  let found = boundaryOnly.get(t);
  if (found) return found;
  const named = new Set(resourcesOf(t, ...BOUNDED_TYPES).flatMap((r) => referencedIds(t, prop(t, r, 'PermissionsBoundary')?.value)));
  const attached = new Set([
    ...resourcesOf(t, 'AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group').flatMap((r) => referencedIds(t, prop(t, r, 'ManagedPolicyArns')?.value)),
    ...resourcesOf(t, 'AWS::Serverless::Function', 'AWS::Serverless::StateMachine').flatMap((r) => entries(t, prop(t, r, 'Policies')?.value).flatMap((item) => referencedIds(t, item))),
  ]);
  found = new Set(resourcesOf(t, 'AWS::IAM::ManagedPolicy').filter((p) => named.has(p.id) && !attached.has(p.id) && ['Users', 'Groups', 'Roles'].every((list) => !listsSome(t, prop(t, p, list)?.value))));
  boundaryOnly.set(t, found);
  return found;
}

const boundaryOnly = new WeakMap<CfnTemplate, ReadonlySet<CfnResource>>();

/** A list that names an entry (a name or an ARN as well as a reference), or one that cannot be read (it may). */
function listsSome(t: CfnTemplate, node: YNode | null | undefined): boolean {
  const list = follow(t, node);
  return list === UNKNOWN || (isYSeq(list) && list.items.length > 0) || (list !== null && !isYSeq(list));
}
