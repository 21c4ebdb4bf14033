import { boundaryDocumentStatements, statementsOf, type Condition, type Statement } from '../aws-policy.js';
import type { Attribute, Block, Expr } from './hcl/ast.js';
import { UNKNOWN, evaluate, type Value } from './hcl/evaluate.js';
import { isKnown } from './hcl/value.js';
import { readJson } from './json-syntax.js';
import { asStrings, attribute, blocksOf, companionInstances, instanceNamed, instancesOfResource, mentioned, moduleDataOf, valueOf, type TfInput, type TfResource } from './model.js';
import { blocksMade, fileInstance, instancesOf, valueIn } from './rules/instances.js';

/**
 * AWS policy documents wherever Terraform writes them: jsonencode({...}), heredoc or
 * quoted JSON, and `data "aws_iam_policy_document"` blocks, normalised to statements.
 */
export interface Policy {
  resource: TfResource;
  /** The attribute holding the policy, or undefined for a policy document data source. */
  attribute?: Attribute;
  line: number;
  statements: Statement[];
}

/** Resource types and the attribute that holds a JSON policy. */
const POLICY_ATTRIBUTES: Record<string, string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_s3_bucket_policy: ['policy'],
  aws_s3_bucket: ['policy'],
  aws_sqs_queue_policy: ['policy'],
  aws_sqs_queue: ['policy'],
  aws_sns_topic_policy: ['policy'],
  aws_sns_topic: ['policy'],
  aws_kms_key: ['policy'],
  aws_kms_key_policy: ['policy'],
  aws_ecr_repository_policy: ['policy'],
  aws_ecr_registry_policy: ['policy'],
  aws_glue_resource_policy: ['policy'],
  aws_cloudwatch_log_destination_policy: ['access_policy'],
  aws_cloudwatch_log_resource_policy: ['policy_document'],
  aws_elasticsearch_domain: ['access_policies'],
  aws_elasticsearch_domain_policy: ['access_policies'],
  aws_opensearch_domain: ['access_policies'],
  aws_opensearch_domain_policy: ['access_policies'],
  aws_secretsmanager_secret: ['policy'],
  aws_secretsmanager_secret_policy: ['policy'],
  aws_api_gateway_rest_api: ['policy'],
  aws_api_gateway_rest_api_policy: ['policy'],
  aws_efs_file_system_policy: ['policy'],
  aws_backup_vault_policy: ['policy'],
  aws_media_store_container_policy: ['policy'],
  aws_s3control_bucket_policy: ['policy'],
  aws_s3_access_point: ['policy'],
  aws_s3control_access_point_policy: ['policy'],
  aws_glacier_vault: ['access_policy'],
  aws_cloudwatch_event_bus_policy: ['policy'],
  aws_kinesis_resource_policy: ['policy'],
  aws_dynamodb_resource_policy: ['policy'],
  aws_ses_identity_policy: ['policy'],
  aws_msk_cluster_policy: ['policy'],
  aws_codeartifact_domain_permissions_policy: ['policy_document'],
  aws_codeartifact_repository_permissions_policy: ['policy_document'],
  aws_ssoadmin_permission_set_inline_policy: ['inline_policy'],
};

/** Resource types whose policy is an identity-based policy (no Principal element): the rest hold resource policies. */
export const IDENTITY_POLICY_TYPES: ReadonlySet<string> = new Set(['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role', 'aws_iam_policy_document', 'aws_ssoadmin_permission_set_inline_policy']);

/** Resource types that hold a resource policy (a policy with principals), as read by `policies`. */
export const RESOURCE_POLICY_TYPES: ReadonlySet<string> = new Set(Object.keys(POLICY_ATTRIBUTES).filter((type) => !IDENTITY_POLICY_TYPES.has(type)));

/**
 * The policies of the file's resources, and its policy documents that no resource
 * applies. With `module`, also the policies of the module directory's other files (for
 * rules that follow a role or policy from this file to where it is granted); a document
 * of another file is then read where it is applied, never on its own.
 */
export function* policies(input: TfInput, options: { module?: boolean } = {}): Generator<Policy> {
  const documents = moduleDataOf(input, 'aws_iam_policy_document');
  const isDocument = documentSet(documents);
  const used = new Set<TfResource>(appliedElsewhere(input, isDocument));
  const cache = statementCache(input);
  const read = (resource: TfResource, a: Attribute): Policy | undefined => {
    // A policy built by a data source is reported where it is applied (the first one mentioned, in file order).
    const source = mentioned(input, a.expr).find((d) => isDocument.has(d));
    if (source) {
      used.add(source);
      // A document with for_each or count: the instance the attribute names (`data.aws_iam_policy_document.this[each.key].json`).
      const document = instanceNamed(input, a.expr, source);
      return { resource, attribute: a, line: a.line, statements: cachedDocument(input, cache, document).map((s) => ({ ...s, line: a.line })) };
    }
    let statements = cache.get(a);
    if (statements === undefined) {
      const document = documentOf(input, a.expr);
      const lines = document ? statementLines(a.expr) : undefined;
      statements = document ? statementsOf(document, a.line).map((s, i) => (lines?.[i] !== undefined && lines[i]! > a.line ? { ...s, detailLine: lines[i]! } : s)) : null;
      cache.set(a, statements);
    }
    return statements ? { resource, attribute: a, line: a.line, statements } : undefined;
  };
  // The file's own policies, the subjects of findings, once per instance of a resource with for_each or count (resourcesOf);
  // a module's policies pooled for what they grant (options.module), those of its other files once per instance too (companionInstances).
  // Only those that hold a policy are expanded, each when it is read (with the documents it names):
  // the budget of companion instances is spent on what is read.
  for (const written of options.module ? [...input.resources, ...input.others.filter((r) => r.kind === 'resource')] : input.resources) {
    if (policyAttributes(written.block).length === 0) continue;
    for (const resource of options.module ? companionInstances(input, written) : instancesOfResource(input, written)) {
      for (const a of policyAttributes(resource.block)) {
        const policy = read(resource, a);
        if (policy) yield policy;
      }
    }
  }
  // A document that only resources known not to be created apply (`count = var.public ? 1 : 0`, off) is applied nowhere:
  // it is judged where those resources are made (a module call that turns them on), not on its own.
  for (const block of input.absent ?? []) for (const a of policyAttributes(block)) for (const d of mentioned(input, a.expr)) if (isDocument.has(d)) used.add(d);
  for (const data of input.data) {
    if (used.has(data) || !isDocument.has(data)) continue;
    // Once per instance of a document with for_each or count, as resources are.
    for (const document of instancesOfResource(input, data)) yield { resource: document, line: document.block.line, statements: cachedDocument(input, cache, document) };
  }
}

const documentSets = new WeakMap<readonly TfResource[], ReadonlySet<TfResource>>();

function documentSet(documents: readonly TfResource[]): ReadonlySet<TfResource> {
  let set = documentSets.get(documents);
  if (!set) documentSets.set(documents, (set = new Set(documents)));
  return set;
}

/** Statements read from a policy attribute or document block; null when they cannot be read. */
type StatementCache = WeakMap<Attribute | Block, Statement[] | null>;

/**
 * Where the statements read from the file's policies are kept: for the file, or, for the
 * blocks of a module directory, for all its files read in the same context, whose scopes
 * give the same values (the rules of every file read the module's policies).
 */
function statementCache(input: TfInput): StatementCache {
  const { shared, context } = input;
  let cache: StatementCache | undefined;
  if (shared && context) {
    let byContext = sharedStatements.get(shared);
    if (!byContext) sharedStatements.set(shared, (byContext = new WeakMap()));
    cache = byContext.get(context);
    if (!cache) byContext.set(context, (cache = new WeakMap()));
  } else {
    cache = fileStatements.get(input);
    if (!cache) fileStatements.set(input, (cache = new WeakMap()));
  }
  return cache;
}

const sharedStatements = new WeakMap<object, WeakMap<object, StatementCache>>();
const fileStatements = new WeakMap<TfInput, StatementCache>();

function cachedDocument(input: TfInput, cache: StatementCache, data: TfResource): Statement[] {
  let statements = cache.get(data.block);
  if (!statements) cache.set(data.block, (statements = documentStatements(input, data)));
  return statements;
}

/** This file's policy documents that a resource of another file of the module applies: they are reported there. */
function appliedElsewhere(input: TfInput, isDocument: ReadonlySet<TfResource>): TfResource[] {
  const own = input.data.filter((d) => isDocument.has(d));
  if (input.others.length === 0 || own.length === 0) return [];
  let found = appliedByOthers.get(input);
  if (!found) {
    const shared = input.shared;
    if (shared) found = own.filter((d) => shared.mentionedElsewhere(d.block, policyAttributes));
    else {
      const applied = new Set<TfResource>();
      for (const resource of input.others) for (const a of policyAttributes(resource.block)) for (const d of mentioned(input, a.expr)) if (isDocument.has(d)) applied.add(d);
      found = own.filter((d) => applied.has(d));
    }
    appliedByOthers.set(input, found);
  }
  return found;
}

const appliedByOthers = new WeakMap<TfInput, TfResource[]>();

/** The attributes of a resource block that hold a policy, inline role policies (`inline_policy { policy = ... }`) included. */
function policyAttributes(block: Block): Attribute[] {
  const out: Attribute[] = [];
  if (block.type !== 'resource') return out;
  const type = block.labels[0] ?? '';
  for (const name of Object.hasOwn(POLICY_ATTRIBUTES, type) ? POLICY_ATTRIBUTES[type]! : []) {
    const a = attribute(block, name);
    if (a) out.push(a);
  }
  for (const inline of type === 'aws_iam_role' ? blocksOf(block, 'inline_policy') : []) {
    const a = attribute(inline, 'policy');
    if (a) out.push(a);
  }
  return out;
}

/** The JSON value of a policy expression, or undefined when it cannot be read statically. */
export function documentOf(input: TfInput, expr: Expr): Value | undefined {
  const value = evaluate(expr, input.scope);
  if (typeof value === 'string') return parseJson(value);
  if (value !== UNKNOWN && value !== null && typeof value === 'object') return value;
  if (expr.kind === 'call' && expr.name === 'jsonencode' && expr.args[0]) {
    const inner = partialValue(expr.args[0], input, 0);
    return inner === UNKNOWN ? undefined : inner;
  }
  if (expr.kind === 'template') {
    // Interpolations inside JSON strings ("arn:aws:s3:::${var.bucket}/*") do not change the policy's shape.
    const text = expr.parts.map((p) => (p.kind === 'text' ? p.value : 'INTERPOLATED')).join('');
    return parseJson(text);
  }
  return undefined;
}

/**
 * The value of a jsonencode argument, with strings that interpolate something unknown
 * (`"arn:aws:iam::${data.aws_caller_identity.me.account_id}:root"`) read as their text
 * with INTERPOLATED in place of each unknown part, as heredoc policies are read: the
 * shape of such a string (a root principal, an ARN pinned to an account) is what rules
 * look at. Whole references stay unknown.
 */
function partialValue(expr: Expr, input: TfInput, depth: number): Value {
  if (depth > 32) return UNKNOWN;
  const next = (e: Expr) => partialValue(e, input, depth + 1);
  switch (expr.kind) {
    case 'object': {
      const out: { [key: string]: Value } = {};
      for (const item of expr.items) {
        const key = item.keyName ?? evaluate(item.key, input.scope);
        if (typeof key !== 'string') return UNKNOWN;
        out[key] = next(item.value);
      }
      return out;
    }
    case 'tuple':
      return expr.items.map(next);
    case 'paren':
      return next(expr.expr);
    case 'traversal': {
      const [root, name] = expr.path;
      const defined = expr.path.length === 2 && name ? (root === 'local' ? input.scope.local(name) : root === 'var' ? input.scope.variable(name) : undefined) : undefined;
      return defined ? next(defined) : evaluate(expr, input.scope);
    }
    case 'conditional': {
      // `var.cmk ? [{ ... }] : []`: the branch taken, read the same way, when the condition is known.
      const condition = evaluate(expr.condition, input.scope);
      return typeof condition === 'boolean' ? next(condition ? expr.then : expr.else) : evaluate(expr, input.scope);
    }
    case 'call': {
      // Statement = concat([{ ... }], ...): the statements of each list, read the same way.
      if (expr.name === 'concat' && !expr.expandFinal) {
        const lists = expr.args.map(next);
        if (lists.every((l) => Array.isArray(l))) return lists.flat();
      }
      // format("arn:%s:iam::%s:root", ...) with unknown arguments: its text, as a template's.
      const value = evaluate(expr, input.scope);
      if (value !== UNKNOWN || expr.name !== 'format' || !expr.args[0] || expr.expandFinal) return value;
      const spec = next(expr.args[0]);
      // Explicit argument indexes (%[2]s) are not followed.
      if (typeof spec !== 'string' || spec.includes('%[')) return value;
      let arg = 1;
      let unread = false;
      const text = spec.replace(/%(%|[-+# 0]*\d*(?:\.\d+)?[a-zA-Z])/g, (_, verb: string) => {
        if (verb === '%') return '%';
        const given = expr.args[arg++];
        if (!given) unread = true;
        const inner = given ? evaluate(given, input.scope) : UNKNOWN;
        return typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean' ? String(inner) : 'INTERPOLATED';
      });
      return unread ? value : text;
    }
    case 'template': {
      const value = evaluate(expr, input.scope);
      if (value !== UNKNOWN || !expr.parts.some((p) => p.kind === 'text') || expr.parts.some((p) => p.kind === 'directive')) return value;
      return expr.parts
        .map((p) => {
          if (p.kind === 'text') return p.value;
          const inner = evaluate(p.kind === 'interpolation' ? p.expr : undefined, input.scope);
          return typeof inner === 'string' || typeof inner === 'number' || typeof inner === 'boolean' ? String(inner) : 'INTERPOLATED';
        })
        .join('');
    }
    default:
      return evaluate(expr, input.scope);
  }
}

/** Where each statement of a policy written inline starts: in a jsonencode object, or in the JSON text of a heredoc. */
function statementLines(expr: Expr): number[] | undefined {
  if (expr.kind === 'call' && expr.name === 'jsonencode' && expr.args[0]?.kind === 'object') {
    const statement = expr.args[0].items.find((i) => i.keyName === 'Statement' || i.keyName === 'statement')?.value;
    if (statement?.kind === 'tuple') return statement.items.map((i) => i.line);
    return statement ? [statement.line] : undefined;
  }
  if (expr.kind !== 'template') return undefined;
  const text = expr.parts.map((p) => (p.kind === 'text' ? p.value : 'INTERPOLATED')).join('');
  const document = readJson(text);
  if (document?.kind !== 'object') return undefined;
  const statement = document.members.find((m) => m.key === 'Statement' || m.key === 'statement')?.value;
  // A heredoc's text starts on the line after `<<EOF`.
  const first = expr.line + (expr.heredoc ? 1 : 0) - 1;
  if (statement?.kind === 'array') return statement.items.map((i) => first + i.line);
  return statement ? [first + statement.line] : undefined;
}

function parseJson(text: string): Value | undefined {
  try {
    return JSON.parse(text) as Value;
  } catch {
    return undefined;
  }
}

function documentStatements(input: TfInput, data: TfResource): Statement[] {
  // A dynamic "statement" whose for_each is known to be empty (a module's optional statement turned off) makes none.
  return blocksMade(data.block, 'statement', fileInstance(input)).map((statement) => {
    // Identifiers that interpolate something unknown ("arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root")
    // are read as their text with INTERPOLATED in place of each unknown part, as jsonencode policies are.
    const read = (kind: string): string[] =>
      blocksOf(statement, kind).flatMap((p) => {
        const type = valueOf(input, p, 'type');
        const identifiers = attribute(p, 'identifiers');
        return (asStrings(identifiers ? partialValue(identifiers.expr, input, 0) : undefined) ?? []).map((id) => (id === '*' ? '*' : `${typeof type === 'string' ? type : '?'}:${id}`));
      });
    const principals = read('principals');
    const notPrincipals = read('not_principals');
    const hasPrincipal = blocksOf(statement, 'principals').length + blocksOf(statement, 'not_principals').length > 0;
    const conditions = blocksOf(statement, 'condition').flatMap((c): Condition[] => {
      const variable = valueOf(input, c, 'variable');
      const test = valueOf(input, c, 'test');
      return typeof variable === 'string' ? [{ operator: typeof test === 'string' ? test : '', key: variable, values: asStrings(valueOf(input, c, 'values')) ?? [] }] : [];
    });
    return {
      effect: valueOf(input, statement, 'effect') === 'Deny' ? 'Deny' : 'Allow',
      actions: asStrings(valueOf(input, statement, 'actions')) ?? [],
      notActions: asStrings(valueOf(input, statement, 'not_actions')) ?? [],
      resources: asStrings(valueOf(input, statement, 'resources')) ?? [],
      notResources: asStrings(valueOf(input, statement, 'not_resources')) ?? [],
      principals,
      notPrincipals,
      hasPrincipal,
      conditions,
      line: statement.line,
    };
  });
}

/** Attributes of a policy document data source that bring in statements of other documents. */
const MERGED_DOCUMENTS = ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json'];

/**
 * The statements of an aws_iam_policy (one instance of it) that a user or role has as its
 * permissions boundary, read for what they let through: undefined when an Allow
 * statement's actions cannot be read (the boundary may allow anything), or when the
 * document cannot be read at all. A Deny statement whose actions, resources or
 * conditions cannot be read is left out (it may deny nothing).
 */
export function boundaryStatements(input: TfInput, policy: TfResource): Statement[] | undefined {
  const a = attribute(policy.block, 'policy');
  if (!a) return undefined;
  const source = mentioned(input, a.expr).find((d) => d.kind === 'data' && d.type === 'aws_iam_policy_document');
  if (source) {
    const document = instanceNamed(input, a.expr, source);
    for (const name of MERGED_DOCUMENTS) {
      const merged = valueOf(input, document.block, name);
      if (merged !== undefined && merged !== null && !(Array.isArray(merged) && merged.length === 0)) return undefined;
    }
    const blocks = blocksMade(document.block, 'statement', fileInstance(input));
    const statements = documentStatements(input, document);
    const out: Statement[] = [];
    for (const [i, block] of blocks.entries()) {
      const statement = statements[i]!;
      const effect = valueOf(input, block, 'effect');
      const known = (name: string) => {
        const value = valueOf(input, block, name);
        return value === undefined || (value !== UNKNOWN && isKnown(value) && asStrings(value) !== undefined);
      };
      if (effect !== 'Deny') {
        // An effect that cannot be read may be Allow.
        if (!known('actions') || !known('not_actions')) return undefined;
        out.push({ ...statement, effect: 'Allow' });
      } else if (['actions', 'not_actions', 'resources', 'not_resources'].every(known) && blocksOf(block, 'condition').length === 0) out.push(statement);
    }
    return out;
  }
  return boundaryDocumentStatements(documentOf(input, a.expr), a.line, (value) => isKnown(value as Value) && (asStrings(value as Value) ?? []).every((text) => !text.includes('INTERPOLATED')));
}

/**
 * The AWS managed policy ARN a policy ARN expression names: a literal ARN, one whose
 * partition is interpolated (`arn:${data.aws_partition.current.partition}:iam::aws:policy/...`,
 * read as `aws`), or a `data "aws_iam_policy"` lookup by ARN or name (of a lookup with
 * for_each or count, the instance the expression names).
 */
export function managedPolicyArn(input: TfInput, expr: Expr): string | undefined {
  const value = evaluate(expr, input.scope);
  if (typeof value === 'string') return value;
  if (expr.kind === 'template' && !expr.heredoc) {
    const partitioned = /^arn:\$\{[^}]*partition[^}]*\}(:iam::aws:policy\/[\w+=,.@/-]+)$/.exec(expr.text);
    if (partitioned) return `arn:aws${partitioned[1]}`;
  }
  const found = mentioned(input, expr).find((d) => d.kind === 'data' && d.type === 'aws_iam_policy');
  if (!found) return undefined;
  // A lookup with for_each or count: the instance the expression names (`data.aws_iam_policy.this[each.key].arn`).
  const lookup = instanceNamed(input, expr, found);
  const arn = valueOf(input, lookup.block, 'arn');
  if (typeof arn === 'string') return arn;
  const name = valueOf(input, lookup.block, 'name');
  return typeof name === 'string' ? `arn:aws:iam::aws:policy/${name}` : undefined;
}

/**
 * The AWS managed policy ARNs an attachment's `name` (policy_arn) gives: managedPolicyArn's,
 * or, when that cannot be told, the ARN of each instance of a for_each or count
 * (`policy_arn = each.value` over a module's map of policies).
 */
export function managedPolicyArnsOf(input: TfInput, block: Block, name: string): string[] {
  const a = attribute(block, name);
  if (!a) return [];
  const direct = managedPolicyArn(input, a.expr);
  if (direct !== undefined) return [direct];
  const out = new Set<string>();
  // The attachments are companions of a role (tf-aws-workload-privileged-role), read one instance
  // at a time (companionInstances); one read as written (its for_each or count past the caps)
  // gives the ARN of each of its instances read here.
  for (const instance of instancesOf(block, fileInstance(input))) {
    const value = valueIn(instance, a.expr);
    if (typeof value === 'string') out.add(value);
  }
  return [...out];
}

/** Items of a list expression written out (`[a, b]`), or the expression itself. */
export const itemsOf = (expr: Expr): Expr[] => (expr.kind === 'tuple' ? expr.items : [expr]);
