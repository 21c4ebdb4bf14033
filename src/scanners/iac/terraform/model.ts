import { childExpressions, type Attribute, type Block, type Body, type Expr } from './hcl/ast.js';
import { UNKNOWN, evaluate, type Scope, type Value } from './hcl/evaluate.js';
import { isSet } from './hcl/value.js';
import { AddressIndex, mentionsAddress, withLocals } from './addresses.js';
import { blockAddress, parseTerraformText, type CallerUse, type MadeParse, type ModuleBlocks, type TfDirectoryScope } from './directory.js';
import { confinedInputs, synthesizeModules } from './modules/synthesize.js';
import { parseHcl } from './hcl/parser.js';
import { isOverrideFile, overrideSourceOf } from './overrides.js';
import { requiredVersions } from './provider-versions.js';
import { MAX_INSTANCES_PER_FILE, MAX_RESOURCE_INSTANCES, blockMentionsBound, instanceBlock, instanceSuffix, planInstances, writtenExpr, type InstancePlan } from './resource-instances.js';

/** A Terraform resource or data source block. */
export interface TfResource {
  kind: 'resource' | 'data';
  type: string;
  name: string;
  block: Block;
  /** `aws_s3_bucket.logs` (data sources: `data.aws_iam_policy_document.x`; made by a module: `module.logs.aws_s3_bucket.this`). */
  address: string;
  /** The module call that creates this resource, for resources read from a registry module's inputs. */
  module?: string;
  /**
   * One instance of a resource with for_each or count (resource-instances.ts): its key
   * (each.key, count.index) and the resource as written. Its block is read with the
   * instance's values; `address` stays the resource's, `label` names the instance.
   */
  instance?: { key: string | number; of: TfResource };
}

/** The resource as written, for one instance of it (the resource itself otherwise). */
export function written(resource: TfResource): TfResource {
  return resource.instance?.of ?? resource;
}

export interface TfInput {
  source: string;
  body: Body;
  resources: TfResource[];
  data: TfResource[];
  providers: Block[];
  scope: Scope;
  /**
   * The scope with only the variable values that a definitions file or a module call gives,
   * not the variables' defaults (unknown without them): what tells a setting someone chose
   * from a module's default (rules/instances.ts `chosenInstance`).
   */
  given?: Scope;
  /** Source text of expressions that are not in the file (made for module resources). */
  texts: Map<Expr, string>;
  /**
   * The resources and data sources of the module directory's other files (directory.ts):
   * companions that rules look up (moduleResourcesOf, moduleDataOf, referrers,
   * mentioned), never the subject of a finding in this file.
   */
  others: TfResource[];
  /** The text of the other file an expression of `others` is in. */
  otherText?: (expr: Expr) => string | undefined;
  /** The source text of a local another file of the module directory defines. */
  otherLocalText?: (name: string) => string | undefined;
  /** The module directory's index of all its files' blocks, when this file's blocks are among them (model.ts `mentioned`). */
  shared?: ModuleBlocks;
  /** The directory's context token (TfDirectoryScope.context): what is read of the shared blocks in it may be kept for the other files. */
  context?: object;
  /**
   * The source texts of the module's output and module blocks, in all its files (TfDirectoryScope.exported),
   * or undefined when they cannot all be read: how a resource may be used beyond the module's own resources.
   */
  exported?: readonly string[];
  /** The resource blocks of the file and of the module directory's other files that are known not to be created (count 0, for_each empty). */
  absent?: readonly Block[];
  /** How the resources of this file with for_each or count are judged (resourcesOf): one by one, not at all, or as written (the default). */
  plans?: Map<TfResource, InstancePlan>;
  /** The version constraints that the module's `terraform` blocks, in this file and its directory's others, give a provider (provider-versions.ts). */
  requiredVersions?: (provider: string) => readonly string[];
  /** Read as local module calls make it: how the callers of all of them use the module's outputs (directory.ts CallerUse). */
  callerUses?: readonly CallerUse[];
  /** Read as local module calls make it: the outputs their callers may hand on (TfDirectoryScope handedOn), when known. */
  handedOn?: ReadonlySet<string>;
  /** Read as local module calls make it: the variables that every caller gives a subnet group that cannot reach an internet gateway (TfDirectoryScope unroutedArguments). */
  unroutedArguments?: ReadonlySet<string>;
}

/** What the registry module calls of the directory's other files make, kept per context: every file of the directory asks. */
const OTHER_MODULES = new WeakMap<object, Map<string, ReturnType<typeof synthesizeModules>>>();

function otherModules(file: { path: string; modules?: readonly Block[] }, scope: Scope, context: object | undefined): ReturnType<typeof synthesizeModules> {
  const kept = context ? OTHER_MODULES.get(context)?.get(file.path) : undefined;
  if (kept) return kept;
  const made = synthesizeModules({ attributes: [], blocks: [...(file.modules ?? [])] }, scope);
  if (context) {
    const byPath = OTHER_MODULES.get(context) ?? new Map<string, ReturnType<typeof synthesizeModules>>();
    byPath.set(file.path, made);
    OTHER_MODULES.set(context, byPath);
  }
  return made;
}

/**
 * Reads a Terraform file in the native syntax (.tf) or the JSON syntax (.tf.json, or
 * a text without a name that starts with `{`: directory.ts parseTerraformText) into one model,
 * with the resources of well-known registry modules added (modules/registry.ts).
 * With the scope of its module directory (directory.ts), `var.x` takes the value of a
 * terraform.tfvars first, and names the file does not define resolve in its other files.
 */
export function readTerraform(source: string, warn: (line: number, message: string) => void, directory?: TfDirectoryScope, path?: string, made?: MadeParse): TfInput | undefined {
  const parsed = directory?.takeParse(source) ?? (made?.text === source ? made.parsed : undefined) ?? parseTerraformText(source, path);
  for (const problem of parsed.problems) warn(problem.line, problem.message);
  // An override file is merged into the blocks of the directory's other files (overrides.ts), checked there.
  const override = path !== undefined && isOverrideFile(path);
  if (override && !directory?.overrideBlocks?.length) return undefined;
  const body = override ? { attributes: [], blocks: [...directory!.overrideBlocks!] } : parsed.body;
  const resources: TfResource[] = [];
  const data: TfResource[] = [];
  const providers: Block[] = [];
  for (const block of body.blocks) {
    if (block.type === 'resource') resources.push(asResource(block));
    else if (block.type === 'data') data.push(asResource(block));
    else if (block.type === 'provider') providers.push(block);
  }
  if (body.blocks.length === 0 && body.attributes.length === 0) return undefined;
  const scope = fileScope(body, directory);
  // A resource whose count is 0 (or for_each empty) with the values it is read with does not
  // exist: neither a subject nor a companion. In a module call's context those are the call's
  // values; read on its own, a module's defaults (and a definitions file's values): a library
  // module is judged as its callers get it when they leave it at its defaults, so a resource
  // it makes only when asked (`count = var.create_x ? 1 : 0`, x off by default) is judged in
  // the calls that ask for it, not here.
  const exists = existsIn(directory, scope);
  const absent = resources.filter((r) => !exists(r)).map((r) => r.block);
  resources.splice(0, resources.length, ...resources.filter(exists));
  const modules = synthesizeModules(body, scope);
  for (const made of modules.resources) resources.push({ kind: 'resource', type: made.type, name: made.name, block: made.block, address: made.address, module: made.module });
  const otherFiles = directory?.others?.() ?? [];
  const all = otherFiles.flatMap((file) => file.blocks.map(asResource));
  // What the registry modules that the other files call make: companions too (a flow log, a log target).
  for (const file of otherFiles) {
    if (!file.modules?.length) continue;
    const made = otherModules(file, scope, directory?.context);
    for (const [expr, text] of made.texts) modules.texts.set(expr, text);
    for (const r of made.resources) all.push({ kind: 'resource', type: r.type, name: r.name, block: r.block, address: r.address, module: r.module });
  }
  const others = all.filter(exists);
  for (const r of all) if (r.kind === 'resource' && !exists(r)) absent.push(r.block);
  const given: Scope = { ...scope, variable: (n) => directory?.assigned(n) };
  const input: TfInput = { source, body, resources, data, providers, scope, given, texts: modules.texts, others, ...((others.length > 0 || absent.length > 0) && directory?.sourceOf ? { otherText: directory.sourceOf } : {}), ...(directory?.localText ? { otherLocalText: directory.localText } : {}) };
  input.requiredVersions = (provider) => [...requiredVersions(body, provider), ...(directory?.requiredVersions?.(provider) ?? [])];
  const exported = directory ? directory.exported?.() : body.blocks.filter((b) => b.type === 'output' || b.type === 'module').map((b) => source.slice(b.start, b.end));
  if (exported) input.exported = exported;
  if (absent.length > 0) input.absent = absent;
  if (directory?.callerUses?.length) input.callerUses = directory.callerUses;
  if (directory?.handedOn) input.handedOn = directory.handedOn;
  if (directory?.unroutedArguments?.size) input.unroutedArguments = directory.unroutedArguments;
  // Data sources too: a policy document with for_each is read once per instance where it is applied (policy.ts).
  const plans = instancePlans([...resources, ...data], scope, warn);
  if (plans.size > 0) input.plans = plans;
  // The shared index knows this file's blocks only when this parse is the directory's.
  const shared = others.length > 0 ? directory?.blocks?.() : undefined;
  if (shared && [...resources, ...data].every((r) => r.module !== undefined || shared.has(r.block))) {
    input.shared = shared;
    if (directory?.context) input.context = directory.context;
  }
  return input;
}

/**
 * How each resource of the file with for_each or count is judged (resource-instances.ts):
 * one by one when its for_each or count can be read and the block reads `each` or
 * `count`, not at all when it makes nothing (also when only a variable's default makes it
 * so: readTerraform drops such resources, as a module call that makes nothing of them does).
 * Past the caps, as written, with a warning.
 */
function instancePlans(resources: readonly TfResource[], scope: Scope, warn: (line: number, message: string) => void): Map<TfResource, InstancePlan> {
  const plans = new Map<TfResource, InstancePlan>();
  const overBudget: TfResource[] = [];
  let left = MAX_INSTANCES_PER_FILE;
  for (const r of resources) {
    if (r.module !== undefined || (!attribute(r.block, 'for_each') && !attribute(r.block, 'count'))) continue;
    const plan = planInstances(r.block, scope);
    // Every instance reads the same: the resource as written stands for all of them.
    if (plan.kind === 'instances' && !blockMentionsBound(r.block)) continue;
    if (plan.kind === 'too-many') {
      const what = attribute(r.block, 'for_each') ? 'for_each' : 'count';
      warn(r.block.line, `${r.address}: its ${what} makes ${plan.count} instances, more than secloop judges one by one (${MAX_RESOURCE_INSTANCES}); it is judged once as written, with ${what === 'count' ? 'count.index' : 'each.key and each.value'} unknown`);
      continue;
    }
    if (plan.kind === 'instances' && plan.instances.length > left) {
      overBudget.push(r);
      continue;
    }
    if (plan.kind === 'instances') left -= plan.instances.length;
    if (plan.kind !== 'as-written') plans.set(r, plan);
  }
  // One warning for the file, not one per resource.
  if (overBudget.length > 0)
    warn(overBudget[0]!.block.line, `${overBudget.length} resource${overBudget.length === 1 ? '' : 's'} with for_each or count (the first: ${overBudget[0]!.address}) ${overBudget.length === 1 ? 'is' : 'are'} judged once as written, with each and count unknown: the file makes more than ${MAX_INSTANCES_PER_FILE} instances, the most secloop judges one by one in a file`);
  return plans;
}

function asResource(block: Block): TfResource {
  const [type = '', name = ''] = block.labels;
  return { kind: block.type === 'data' ? 'data' : 'resource', type, name, block, address: blockAddress(block) };
}

/**
 * The scope of a file's expressions: its own `variable` and `locals` blocks and, with
 * the scope of its module directory, a definitions file's value (or a module call's
 * argument) first, then the names the file does not declare from its other files.
 */
export function fileScope(body: Body, directory?: TfDirectoryScope): Scope {
  const variables = new Map<string, Expr>();
  /** Declared here, with or without a default: such a name is this file's, not another file's. */
  const declared = new Set<string>();
  const locals = new Map<string, Expr>();
  const types = new Map<string, Expr>();
  for (const block of body.blocks) {
    if (block.type === 'variable') {
      const name = block.labels[0] ?? '';
      declared.add(name);
      const fallback = attribute(block, 'default');
      if (fallback) variables.set(name, fallback.expr);
      const type = attribute(block, 'type');
      if (type) types.set(name, type.expr);
    } else if (block.type === 'locals') for (const a of block.body.attributes) locals.set(a.name, a.expr);
  }
  return directory
    ? {
        variable: (n) => directory.assigned(n) ?? (declared.has(n) ? variables.get(n) : directory.variable(n)),
        local: (n) => (locals.has(n) ? locals.get(n) : directory.local(n)),
        variableType: (n) => (declared.has(n) ? types.get(n) : directory.variableType?.(n)),
        ...(directory.files ? { files: directory.files } : {}),
      }
    : { variable: (n) => variables.get(n), local: (n) => locals.get(n), variableType: (n) => types.get(n) };
}

export function attribute(block: Block, name: string): Attribute | undefined {
  for (let i = block.body.attributes.length - 1; i >= 0; i--) if (block.body.attributes[i]!.name === name) return block.body.attributes[i];
  return undefined;
}

/**
 * Whether a resource exists in the context a file is read in (a module call's, or the
 * module on its own): every file of the directory asks this of every resource of the
 * directory, so the answer is kept per context (the directory's variables and locals are
 * the same for all its files).
 */
const createdInContext = new WeakMap<object, WeakMap<Block, boolean>>();

function existsIn(directory: TfDirectoryScope | undefined, scope: Scope): (r: TfResource) => boolean {
  let known = directory?.context ? createdInContext.get(directory.context) : undefined;
  if (directory?.context && !known) createdInContext.set(directory.context, (known = new WeakMap()));
  return (r) => {
    if (r.kind !== 'resource') return true;
    const cached = known?.get(r.block);
    if (cached !== undefined) return cached;
    const exists = !isNotCreated(r.block, (expr) => evaluate(expr, scope));
    known?.set(r.block, exists);
    return exists;
  };
}

/** A for_each value known to make nothing: an empty list, set or map. */
export function isKnownEmpty(value: Value): boolean {
  return Array.isArray(value) ? value.length === 0 : value !== null && value !== UNKNOWN && typeof value === 'object' && Object.keys(value).length === 0;
}

/**
 * Whether a resource (or module) block is known not to be created: its count is 0 or its
 * for_each is empty, as `value` reads them. One whose count or for_each cannot be read may be.
 */
export function isNotCreated(block: Block, value: (expr: Expr) => Value): boolean {
  const forEach = attribute(block, 'for_each');
  if (forEach) return isKnownEmpty(value(forEach.expr));
  const count = attribute(block, 'count');
  return count !== undefined && value(count.expr) === 0;
}

/** Nested blocks of a type, including the `content` of `dynamic "type"` blocks. */
export function blocksOf(block: Block, type: string): Block[] {
  const out: Block[] = [];
  for (const child of block.body.blocks) {
    if (child.type === type) out.push(child);
    else if (child.type === 'dynamic' && child.labels[0] === type) {
      const content = child.body.blocks.find((b) => b.type === 'content');
      if (content) out.push({ ...content, type, line: child.line, column: child.column });
    }
  }
  return out;
}

/** A nested path of blocks then an attribute: ['metadata_options', 'http_tokens']. Missing: undefined. */
export function attributeAt(block: Block, path: readonly string[]): Attribute | undefined {
  let current: Block | undefined = block;
  for (let i = 0; i < path.length - 1; i++) {
    current = current ? blocksOf(current, path[i]!)[0] : undefined;
    if (!current) return undefined;
  }
  return current ? attribute(current, path[path.length - 1]!) : undefined;
}

/** Where a setting at `path` is, or the deepest block of it that exists (the resource when none does). */
export function lineOfPath(block: Block, path: readonly string[]): number {
  let current: Block = block;
  for (let i = 0; i < path.length; i++) {
    const name = path[i]!;
    if (i === path.length - 1) {
      const a = attribute(current, name);
      if (a) return a.line;
    }
    const child = blocksOf(current, name)[0];
    if (!child) return current.line;
    current = child;
  }
  return current.line;
}

export function valueOf(input: TfInput, block: Block, name: string): Value | undefined {
  const a = attribute(block, name);
  return a ? evaluate(a.expr, input.scope) : undefined;
}

/**
 * The setting at `path` read as `attributeAt` finds it (the first block of each step),
 * with the iterator of each `dynamic` block on the way bound to the first element of its
 * for_each when that can be read: modules write `dynamic "encrypt_at_rest" { for_each =
 * [var.encrypt_at_rest] content { enabled = try(encrypt_at_rest.value.enabled, true) } }`.
 * A for_each that cannot be read, or is empty, leaves the iterator unknown, as before.
 */
export function valueAt(input: TfInput, block: Block, path: readonly string[]): Value | undefined {
  let current: Block | undefined = block;
  let scope = input.scope;
  for (let i = 0; i < path.length - 1 && current; i++) {
    const name = path[i]!;
    const child: Block | undefined = current.body.blocks.find((b) => b.type === name || (b.type === 'dynamic' && b.labels[0] === name && b.body.blocks.some((c) => c.type === 'content')));
    if (child?.type === 'dynamic') scope = withFirstElement(child, name, scope);
    current = child ? blocksOf(current, name)[0] : undefined;
  }
  const a = current ? attribute(current, path[path.length - 1]!) : undefined;
  return a ? evaluate(a.expr, scope) : undefined;
}

/** `scope` with a dynamic block's iterator bound to the first element of its for_each, when that can be read. */
function withFirstElement(dynamic: Block, name: string, scope: Scope): Scope {
  const forEach = attribute(dynamic, 'for_each');
  const value = forEach ? evaluate(forEach.expr, scope) : undefined;
  let first: { key: Value; value: Value } | undefined;
  if (Array.isArray(value) && value.length > 0) first = { key: isSet(value) ? value[0]! : 0, value: value[0]! };
  else if (value !== undefined && value !== null && value !== UNKNOWN && typeof value === 'object' && !Array.isArray(value)) {
    const entry = Object.entries(value)[0];
    if (entry) first = { key: entry[0], value: entry[1] };
  }
  if (!first) return scope;
  const iterator = attribute(dynamic, 'iterator')?.expr;
  const bound = iterator?.kind === 'traversal' && !iterator.source && iterator.path.length === 1 ? iterator.path[0]! : name;
  const element = first;
  return { variable: (n) => scope.variable(n), local: (n) => scope.local(n), bound: (n) => (n === bound ? element : scope.bound?.(n)), variableType: (n) => scope.variableType?.(n), ...(scope.files ? { files: scope.files } : {}) };
}

export function textOf(input: TfInput, read: Expr): string {
  const expr = writtenExpr(read);
  return input.texts.get(expr) ?? (overrideSourceOf(expr) ?? input.otherText?.(expr) ?? input.source).slice(expr.start, expr.end);
}

/**
 * Whether an expression mentions a resource address (`aws_s3_bucket.logs.id`,
 * `"${aws_vpc.main.id}"`). A resource made by a module is also mentioned by any output of
 * that module (`module.logs.s3_bucket_id`): outputs are how other code refers to it.
 */
export function mentions(input: TfInput, expr: Expr | undefined, address: string): boolean {
  return expr !== undefined && mentionsIn(textOf(input, expr), address);
}

function mentionsIn(text: string, address: string): boolean {
  const viaModule = /^module\.([\w-]+)\./.exec(address);
  if (viaModule && new RegExp(`(?<![\\w.-])module\\.${viaModule[1]}\\.[A-Za-z_]`).test(text)) return true;
  return mentionsAddress(text, address);
}

/**
 * Whether an output or a module call of the module mentions the address (through locals
 * too): the resource may then be used by the module's callers or by the module called.
 * Undefined when the module's outputs and module calls cannot all be read.
 */
export function exportedElsewhere(input: TfInput, address: string): boolean | undefined {
  if (!input.exported) return undefined;
  return input.exported.some((text) => mentionsIn(withLocals(text, (name) => localText(input, name)), address));
}

/**
 * Like exportedElsewhere, but read as local module calls make the module, an output that
 * none of their callers may hand on (TfInput handedOn) does not count: the resource stays
 * within the module and its callers' blocks that do not name that output.
 */
export function handedToCallers(input: TfInput, address: string): boolean | undefined {
  if (!input.exported) return undefined;
  const handed = input.handedOn;
  const resolved = (text: string) => withLocals(text, (name) => localText(input, name));
  return input.exported.some((text) => {
    const output = /^\s*output\s+"([^"]+)"/.exec(text)?.[1];
    if (handed && output !== undefined && !handed.has(output)) return false;
    if (!mentionsIn(resolved(text), address)) return false;
    return !/^\s*module\s/.test(text) || !onlyInConfinedInputs(text, address, resolved);
  });
}

/**
 * Whether a registry module call (its block's text) names the address only in inputs that the
 * module uses nowhere but where the table maps them (registry.ts confined): the resources it
 * makes of them, which the module's own resources show, are all that it does with them.
 */
function onlyInConfinedInputs(text: string, address: string, resolved: (text: string) => string): boolean {
  const block = parseHcl(text).body.blocks[0];
  const source = block?.type === 'module' ? evaluate(attribute(block, 'source')?.expr) : undefined;
  if (!block || typeof source !== 'string' || block.body.blocks.length > 0) return false;
  const confined = confinedInputs(source);
  return confined.size > 0 && block.body.attributes.every((a) => confined.has(a.name) || !mentionsIn(resolved(text.slice(a.expr.start, a.expr.end)), address));
}

/**
 * Whether every caller of the module (as the local module calls it is read in make it)
 * uses an output that hands on the resource in a way `test` accepts (TfInput callerUses):
 * `target_bucket = module.logs.s3_bucket_id` where the output s3_bucket_id is the bucket's.
 */
export function usedByCallers(input: TfInput, address: string, test: (use: CallerUse) => boolean): boolean {
  const outputs = new Set(input.callerUses?.filter(test).map((u) => u.output));
  if (outputs.size === 0 || !input.exported) return false;
  return input.exported.some((text) => {
    const name = /^\s*output\s+"([^"]+)"/.exec(text)?.[1];
    return name !== undefined && outputs.has(name) && mentionsIn(withLocals(text, (local) => localText(input, local)), address);
  });
}

/** The paths of the attributes of a block (`vpc_config.security_group_ids`, dynamic blocks by their name) that mention `target`. */
export function mentionPaths(input: TfInput, block: Block, instance: TfResource, prefix = '', depth = 0): string[] {
  if (depth > 8) return [`${prefix}...`];
  const target = written(instance);
  const out: string[] = [];
  for (const a of block.body.attributes) if (mentioned(input, a.expr).includes(target)) out.push(prefix + a.name);
  for (const child of block.body.blocks) {
    if (child.type === 'dynamic') {
      const content = child.body.blocks.find((b) => b.type === 'content');
      const name = `${prefix}${child.labels[0] ?? ''}`;
      for (const a of child.body.attributes) if (mentioned(input, a.expr).includes(target)) out.push(`${name}.${a.name}`);
      if (content) out.push(...mentionPaths(input, content, target, `${name}.`, depth + 1));
    } else out.push(...mentionPaths(input, child, target, `${prefix}${child.type}.`, depth + 1));
  }
  return out;
}

/**
 * The resources and data sources of the module that mention `target`, each with the paths
 * of its attributes that do (mentionPaths), or undefined when an output or a module call
 * may hand it on (exportedElsewhere), or that cannot be told: who uses a resource, when the
 * module shows all of them.
 */
export function usersOf(input: TfInput, instance: TfResource, handedOn: (input: TfInput, address: string) => boolean | undefined = exportedElsewhere): Array<{ resource: TfResource; paths: string[] }> | undefined {
  const target = written(instance);
  if (handedOn(input, target.address) !== false) return undefined;
  // Asked once per instance of a resource: the users of the resource as written are found once.
  let cache = USERS.get(input);
  if (!cache) USERS.set(input, (cache = new Map()));
  if (cache.has(target)) return cache.get(target);
  const out: Array<{ resource: TfResource; paths: string[] }> = [];
  for (const r of [...moduleResourcesOf(input), ...input.data, ...input.others.filter((o) => o.kind === 'data')]) {
    if (r.block === target.block) continue;
    const paths = mentionPaths(input, r.block, target);
    if (paths.length > 0) out.push({ resource: r, paths });
  }
  cache.set(target, out);
  return out;
}

const USERS = new WeakMap<TfInput, Map<TfResource, Array<{ resource: TfResource; paths: string[] }>>>();

/** The source text of a local as this file sees it: its own, else another file's when that text is known. */
function localText(input: TfInput, name: string): string | undefined {
  for (const block of input.body.blocks) {
    if (block.type !== 'locals') continue;
    const own = attribute(block, name);
    if (own) return textOf(input, own.expr);
  }
  return input.otherLocalText?.(name);
}

/** Resources of the given types whose attribute `name` refers to `target`. */
export function referrers(input: TfInput, target: TfResource, types: readonly string[], name: string): TfResource[] {
  return [...(referencesBy(input, types, name).get(target) ?? [])];
}

/**
 * For each resource or data source, the resources (of `types`, or all when undefined)
 * whose attribute `name` mentions it, in file order. Built once per input and attribute:
 * asking each resource's referrers by a scan of all resources made files of many
 * resources quadratic.
 */
export function referencesBy(input: TfInput, types: readonly string[] | undefined, name: string): References {
  const all = referencesByResource(input, types, name);
  if (!input.plans) return all;
  return {
    get: (target) => {
      const found = all.get(written(target));
      if (!found || !target.instance) return found;
      // Of one instance: the referrers (one by one when they have instances) that may name it.
      const key = target.instance.key;
      const out = found.flatMap((r) => instancesOfResource(input, r)).filter((r) => {
        const expr = attribute(r.block, name)?.expr;
        return expr === undefined || instanceKeysNamed(input, expr, target.address).every((k) => k === undefined || k === key);
      });
      return out.length > 0 ? out : undefined;
    },
  };
}

/**
 * The instance keys by which an expression names a resource's instances: `aws_s3_bucket.this["a"].id`
 * gives "a", `aws_s3_bucket.this[each.key]` in one instance its key; undefined for a
 * reference that does not name one instance (`aws_s3_bucket.this[*].id`, `values(aws_s3_bucket.this)`,
 * an index that cannot be read) or that is not written out (through a local). Empty when the
 * expression names the resource in none of these ways.
 */
function instanceKeysNamed(input: TfInput, expr: Expr, address: string): Array<string | number | undefined> {
  const parts = address.split('.');
  const out: Array<string | number | undefined> = [];
  let direct = false;
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    stack.push(...childExpressions(e));
    if (e.kind !== 'traversal' || e.source || e.path.length < parts.length || parts.some((p, i) => e.path[i] !== p)) continue;
    direct = true;
    const step = e.path[parts.length];
    let key: Value | undefined;
    if (step === '[?]') {
      const computed = e.path.slice(0, parts.length).filter((p) => p === '[?]').length;
      key = evaluate(e.indexes?.[computed], input.scope);
    } else if (step !== undefined && /^\[.*\]$/.test(step)) {
      try {
        key = JSON.parse(step.slice(1, -1)) as Value;
      } catch {
        key = undefined;
      }
    }
    out.push(typeof key === 'string' || typeof key === 'number' ? key : undefined);
  }
  // Named only through a local or another way the text shows: any instance.
  return direct ? out : [undefined];
}

function referencesByResource(input: TfInput, types: readonly string[] | undefined, name: string): References {
  const state = lookups(input);
  const shared = input.shared;
  // Without resources of its own making (registry modules), a file asks the directory, which found the references once for all its files.
  if (shared && state.byBlock && !state.synthesized) {
    const byBlock = state.byBlock;
    const blocks = shared.referencesBy(types, name);
    return {
      get: (target) => {
        const found = blocks.get(target.block)?.map((b) => byBlock.get(b)).filter((r): r is TfResource => r !== undefined);
        return found && found.length > 0 ? inFileOrder(input, found) : undefined;
      },
    };
  }
  const key = `${name}\0${types ? types.join('\0') : '*'}`;
  let built = state.referencesBy.get(key);
  if (!built) {
    built = new Map<TfResource, TfResource[]>();
    for (const r of types ? moduleResourcesOf(input, ...types) : moduleResourcesOf(input)) {
      const expr = attribute(r.block, name)?.expr;
      if (!expr) continue;
      for (const target of mentioned(input, expr)) {
        const list = built.get(target);
        if (list) list.push(r);
        else built.set(target, [r]);
      }
    }
    state.referencesBy.set(key, built);
  }
  return built;
}

/**
 * The resources then data sources, in file order, that an expression mentions as
 * `mentions` decides (candidates from an index of addresses: addresses.ts). The blocks
 * of a module directory's files are looked up in the directory's own index, shared by
 * all its files; what only this file has (resources made by registry modules) in one
 * of its own.
 */
export function mentioned(input: TfInput, read: Expr | undefined): readonly TfResource[] {
  if (!read) return [];
  // An expression of one instance of a resource is looked up as written.
  const expr = writtenExpr(read);
  const state = lookups(input);
  const cached = state.mentioned.get(expr);
  if (cached) return cached;
  const text = textOf(input, expr);
  const full = withLocals(text, (name) => localText(input, name));
  const found = new Set<TfResource>();
  for (const r of state.local.candidates(full)) if (mentionsIn(full, r.address)) found.add(r);
  if (state.byBlock && input.shared) {
    for (const block of input.shared.mentionedBy(expr, text)) {
      const r = state.byBlock.get(block);
      if (r) found.add(r);
    }
  }
  const ordered = inFileOrder(input, found);
  state.mentioned.set(expr, ordered);
  return ordered;
}

/** Resources and data sources of this input in file order (resources first, then the other files'). */
export function inFileOrder(input: TfInput, resources: Iterable<TfResource>): TfResource[] {
  const { position } = lookups(input);
  return [...resources].sort((a, b) => (position.get(written(a)) ?? Infinity) - (position.get(written(b)) ?? Infinity));
}

/** The resources that refer to a resource (referencesBy). */
export interface References {
  get(target: TfResource): readonly TfResource[] | undefined;
}

interface Lookups {
  count: number;
  /** Whether the file has resources made from registry module calls. */
  synthesized: boolean;
  position: Map<TfResource, number>;
  /** The resources found through the directory's shared index, by block. */
  byBlock: Map<Block, TfResource> | undefined;
  /** The file's own index: of every resource, or with a shared index of those only this file has. */
  local: AddressIndex<TfResource>;
  mentioned: WeakMap<Expr, readonly TfResource[]>;
  referencesBy: Map<string, Map<TfResource, TfResource[]>>;
}

const lookupsOf = new WeakMap<TfInput, Lookups>();

function lookups(input: TfInput): Lookups {
  const count = input.resources.length + input.data.length + input.others.length;
  let state = lookupsOf.get(input);
  if (state && state.count === count) return state;
  const all = [...input.resources, ...input.data, ...input.others];
  const shared = input.shared;
  const byBlock = shared ? new Map(all.filter((r) => shared.has(r.block)).map((r) => [r.block, r])) : undefined;
  const local = new AddressIndex(byBlock ? all.filter((r) => !byBlock.has(r.block)) : all, (r) => r.address, (address) => {
    const viaModule = /^module\.([\w-]+)\./.exec(address);
    return viaModule ? ['module', viaModule[1]!] : undefined;
  });
  state = { count, synthesized: input.resources.some((r) => r.module !== undefined), position: new Map(all.map((r, i) => [r, i])), byBlock, local, mentioned: new WeakMap(), referencesBy: new Map() };
  lookupsOf.set(input, state);
  return state;
}

/**
 * Resources and data sources by type, indexed once per input: rules ask for the
 * referrers of every resource, and a scan over all resources each time made a file of
 * many resources quadratic (40,000 buckets took minutes).
 */
interface ByType {
  count: number;
  /** This file's resources. */
  own: Map<string, TfResource[]>;
  position: Map<TfResource, number>;
  /** The other files' resources, and the data sources of all files. */
  others: Map<string, TfResource[]>;
  data: Map<string, TfResource[]>;
}

const byTypeOf = new WeakMap<TfInput, ByType>();

function grouped(items: Iterable<TfResource>): Map<string, TfResource[]> {
  const out = new Map<string, TfResource[]>();
  for (const r of items) {
    const list = out.get(r.type);
    if (list) list.push(r);
    else out.set(r.type, [r]);
  }
  return out;
}

function byType(input: TfInput): ByType {
  let cached = byTypeOf.get(input);
  if (!cached || cached.count !== input.resources.length) {
    cached = {
      count: input.resources.length,
      own: grouped(input.resources),
      position: new Map(input.resources.map((r, i) => [r, i])),
      others: grouped(input.others.filter((r) => r.kind === 'resource')),
      data: grouped([...input.data, ...input.others].filter((d) => d.kind === 'data')),
    };
    byTypeOf.set(input, cached);
  }
  return cached;
}

/**
 * The resources of the given types in this file, the subjects of the rules' findings: a
 * resource with for_each or count whose value can be read, once per instance
 * (instancesOfResource); one known to make nothing, not at all.
 */
export function resourcesOf(input: TfInput, ...types: string[]): TfResource[] {
  const { own, position } = byType(input);
  // One type (most rules ask for one, for every file): its list, copied, without the set of types.
  if (types.length === 1) {
    const listed = own.get(types[0]!) ?? [];
    return input.plans ? listed.flatMap((r) => instancesOfResource(input, r)) : listed.slice();
  }
  const picked = [...new Set(types)].flatMap((t) => own.get(t) ?? []);
  // In file order, as a filter over all resources gives them.
  const ordered = types.length > 1 ? picked.sort((a, b) => position.get(a)! - position.get(b)!) : picked;
  return input.plans ? ordered.flatMap((r) => instancesOfResource(input, r)) : ordered;
}

const INSTANCES = new WeakMap<TfInput, Map<TfResource, readonly TfResource[]>>();

/**
 * The instances of a resource of this file as the rules judge them (resource-instances.ts):
 * one per instance of a for_each or count that can be read, each read with its
 * `each.key`, `each.value` or `count.index`; none when it is known to make nothing; else
 * the resource as written. Made once per input: the same objects each time.
 */
export function instancesOfResource(input: TfInput, resource: TfResource): readonly TfResource[] {
  const plan = input.plans?.get(resource);
  if (!plan || plan.kind === 'as-written' || plan.kind === 'too-many') return [resource];
  if (plan.kind === 'none') return [];
  let made = INSTANCES.get(input);
  if (!made) INSTANCES.set(input, (made = new Map()));
  let views = made.get(resource);
  if (!views) {
    views = plan.instances.map(({ key, bound }) => ({ ...resource, block: instanceBlock(resource.block, bound), instance: { key, of: resource } }));
    made.set(resource, views);
  }
  return views;
}

/**
 * The instance of `target` (a resource or data source of the module as written) that an
 * expression names, read in an instance of its own resource: `data.aws_iam_policy_document.this[each.key].json`
 * in the instance "a" names data.aws_iam_policy_document.this["a"]. The target as written
 * when the expression names no one instance of it (`[*]`, `values(...)`, an index that cannot be
 * read) or the target is not judged one instance at a time (companionInstances).
 */
export function instanceNamed(input: TfInput, expr: Expr, target: TfResource): TfResource {
  const named = instancesNamed(input, expr, target);
  return named.length === 1 ? named[0]! : target;
}

/**
 * The instances of `target` an expression names, as instanceNamed reads them, several at
 * once (`[aws_iam_role.this["a"].name, aws_iam_role.this["b"].name]`); the target as
 * written when one of its mentions names no one instance, or names one it does not make.
 */
export function instancesNamed(input: TfInput, expr: Expr, target: TfResource): TfResource[] {
  const views = companionInstances(input, target);
  if (views.length === 0 || !views[0]!.instance) return [target];
  const keys = new Set(instanceKeysNamed(input, expr, target.address));
  if (keys.size === 0 || keys.has(undefined)) return [target];
  const named = views.filter((v) => keys.has(v.instance!.key));
  return named.length === keys.size ? named : [target];
}

/** The instance blocks made of the module's other files' blocks: per directory context (its files' scopes give the same values), else per file. */
const COMPANION_BLOCKS = new WeakMap<object, { left: number; blocks: WeakMap<Block, ReadonlyArray<{ key: string | number; block: Block }> | null> }>();
/** The companions of a file made of those blocks (a file's own resource objects, for its indexes). */
const COMPANIONS = new WeakMap<TfInput, Map<TfResource, readonly TfResource[]>>();

/**
 * The instances of a resource or data source of the module, as a companion of a rule's
 * subject reads them (the attachments and policies pooled per role, a policy document or
 * a `data "aws_iam_policy"` an expression names): of this file's, its instances as the
 * subjects are judged (instancesOfResource); of the module's other files', one per
 * instance of a for_each or count that can be read in this file's scope (a module's
 * variables and locals are the same in all its files) when the block reads `each` or
 * `count`. Otherwise, past MAX_RESOURCE_INSTANCES, past the budget of
 * MAX_INSTANCES_PER_FILE such instances a module directory (or a file read on its own)
 * may make, as written (one known to make nothing, by a variable's default too, is
 * dropped from the companions when the file is read: readTerraform). The instance blocks are made once for all the
 * files of a directory read in one context, so that the module's pools cost each file
 * no new substitution and share the policies read from them.
 */
export function companionInstances(input: TfInput, resource: TfResource): readonly TfResource[] {
  const target = written(resource);
  if (resource !== target) return [resource];
  const { position } = lookups(input);
  const at = position.get(target);
  if (at === undefined || at < input.resources.length + input.data.length || target.module !== undefined) return instancesOfResource(input, target);
  if (!attribute(target.block, 'for_each') && !attribute(target.block, 'count')) return [target];
  let made = COMPANIONS.get(input);
  if (!made) COMPANIONS.set(input, (made = new Map()));
  let views = made.get(target);
  if (!views) {
    const blocks = companionBlocks(input, target.block);
    views = blocks ? blocks.map(({ key, block }) => ({ ...target, block, instance: { key, of: target } })) : [target];
    made.set(target, views);
  }
  return views;
}

function companionBlocks(input: TfInput, block: Block): ReadonlyArray<{ key: string | number; block: Block }> | undefined {
  const owner = input.context ?? input;
  let state = COMPANION_BLOCKS.get(owner);
  if (!state) COMPANION_BLOCKS.set(owner, (state = { left: MAX_INSTANCES_PER_FILE, blocks: new WeakMap() }));
  const known = state.blocks.get(block);
  if (known !== undefined) return known ?? undefined;
  const plan = blockMentionsBound(block) ? planInstances(block, input.scope) : undefined;
  let made: Array<{ key: string | number; block: Block }> | null = null;
  if (plan?.kind === 'instances' && plan.instances.length <= state.left) {
    state.left -= plan.instances.length;
    made = plan.instances.map(({ key, bound }) => ({ key, block: instanceBlock(block, bound) }));
  }
  state.blocks.set(block, made);
  return made ?? undefined;
}

/**
 * The resources of the given types (all when undefined) whose attribute `name` refers to
 * `target`, each instance of them on its own (companionInstances): of an instance of the
 * target, those that name that instance or no one instance (instanceKeysNamed).
 */
export function referrerInstances(input: TfInput, target: TfResource, types: readonly string[] | undefined, name: string): TfResource[] {
  const found = referencesBy(input, types, name).get(written(target)) ?? [];
  const key = target.instance?.key;
  const out: TfResource[] = [];
  for (const r of found) {
    for (const view of companionInstances(input, r)) {
      const expr = attribute(view.block, name)?.expr;
      if (key === undefined || expr === undefined || instanceKeysNamed(input, expr, target.address).every((k) => k === undefined || k === key)) out.push(view);
    }
  }
  return out;
}

/**
 * What rules gather per resource instance from companions (the grants of each role...):
 * kept by the resource's block as written and the instance's key, so that a pool made
 * once serves every file of a module. An item given to a resource as written (one its
 * companion could not name one instance of) belongs to every instance; asked of a
 * resource as written, the items of all its instances.
 */
export class InstancePool<T> {
  private readonly byBlock = new Map<Block, Array<{ key: string | number | undefined; item: T }>>();

  add(resource: TfResource, item: T): void {
    const block = written(resource).block;
    const entry = { key: resource.instance?.key, item };
    const list = this.byBlock.get(block);
    if (list) list.push(entry);
    else this.byBlock.set(block, [entry]);
  }

  /** Whether anything was given to the resource or one of its instances. */
  has(resource: TfResource): boolean {
    return this.byBlock.has(written(resource).block);
  }

  get size(): number {
    return this.byBlock.size;
  }

  /** The items of the resource (or instance): its own and those given to it as written, in the order given. */
  get(resource: TfResource): T[] {
    const list = this.byBlock.get(written(resource).block) ?? [];
    const key = resource.instance?.key;
    return list.filter((e) => key === undefined || e.key === undefined || e.key === key).map((e) => e.item);
  }
}

/** The instances made so far of this file's resources (for naming them in findings: rules/common.ts). */
export function instancesMade(input: TfInput): ReadonlyMap<TfResource, readonly TfResource[]> | undefined {
  return INSTANCES.get(input);
}

/**
 * Resources of the given types (all with none given) in this file, then in the module
 * directory's other files: where a rule looks for a companion of its subject (the
 * bucket's public access block, an account-wide setting), not for subjects.
 */
export function moduleResourcesOf(input: TfInput, ...types: string[]): TfResource[] {
  const own = types.length > 0 ? resourcesOf(input, ...types) : input.resources;
  if (input.others.length === 0) return own;
  const { others: byOthers } = byType(input);
  const others = types.length > 0 ? [...new Set(types)].flatMap((t) => byOthers.get(t) ?? []) : input.others.filter((r) => r.kind === 'resource');
  return others.length > 0 ? [...own, ...others] : own;
}

/** Data sources of a type in this file, then in the module directory's other files. */
export function moduleDataOf(input: TfInput, type: string): TfResource[] {
  return byType(input).data.get(type) ?? [];
}

export function isTrueValue(value: Value | undefined): boolean {
  return value === true || value === 'true';
}

export function isFalseValue(value: Value | undefined): boolean {
  return value === false || value === 'false';
}

export function asStrings(value: Value | undefined): string[] | undefined {
  if (value === undefined || value === UNKNOWN) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return undefined;
}

/** How findings name a resource: its address, and for one instance of a resource with for_each or count its key (`aws_apigatewayv2_route.this["POST /start"]`). */
export function label(resource: TfResource): string {
  return resource.instance ? `${resource.address}${instanceSuffix(resource.instance.key)}` : resource.address;
}
