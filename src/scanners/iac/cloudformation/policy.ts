import { statementsOf, type Statement } from '../aws-policy.js';
import { isYMap, isYScalar, isYSeq, pair, type YNode } from '../yaml/tree.js';
import { follow, intrinsic, plainValue, text, UNKNOWN, UNKNOWN_TEXT } from './resolve.js';
import type { CfnTemplate } from './template.js';

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

function joinedWithPartition(call: ReturnType<typeof intrinsic>): string | undefined {
  if (call?.name !== 'Fn::Join' || !isYSeq(call.arg) || call.arg.items.length !== 2) return undefined;
  const [delimiter, parts] = call.arg.items;
  if (!isYScalar(delimiter) || typeof delimiter.value !== 'string' || !isYSeq(parts)) return undefined;
  const texts: string[] = [];
  for (const part of parts.items) {
    const ref = intrinsic(part);
    if (ref?.name === 'Ref' && isYScalar(ref.arg) && ref.arg.value === 'AWS::Partition') texts.push('aws');
    else if (isYScalar(part) && part.value !== null && !ref) texts.push(String(part.value));
    else return undefined;
  }
  return texts.join(delimiter.value);
}
