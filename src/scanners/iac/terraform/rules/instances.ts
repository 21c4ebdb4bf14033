import { childExpressions, type Attribute, type Block, type Expr } from '../hcl/ast.js';
import { UNKNOWN, evaluate, type Scope, type Value } from '../hcl/evaluate.js';
import { isSet } from '../hcl/value.js';
import { attribute, isKnownEmpty, isNotCreated, type TfInput } from '../model.js';
import { isInstanceBlock } from '../resource-instances.js';

/**
 * Reading the instances of Terraform configuration: a resource with for_each or count is
 * read once per instance (binding `each.key`, `each.value`, `count.index`), and a
 * `dynamic "<name>"` block once per element of its for_each (binding `<name>.key` and
 * `<name>.value`, or the name given by `iterator`). Whatever cannot be read (a for_each
 * of unknown or empty value, a count of 0) is read once, with the names unknown, as the
 * file's scope alone reads it: expanding only ever adds what is known.
 *
 * The interface: `fileInstance(input)` is where a file's settings are read;
 * `instancesOf(block, within)` gives a resource's instances; `fieldsOf(block, instance)`
 * reads the attributes of a block in one instance; `sectionsIn(owner, name, instance)`
 * gives the nested configuration `name` (blocks, dynamic blocks per element, or the
 * attribute form `name = [{ ... }]`), each section with the instance it is read in, for
 * the sections nested in it.
 */

/**
 * Past this many elements a for_each or count is read as one instance of unknown values,
 * as is every one once a file has used up its budget of instances: a hostile file cannot
 * make the rules read one resource a million times.
 */
const MAX_INSTANCES = 256;
const MAX_INSTANCES_PER_FILE = 4096;
/**
 * Evaluation steps for the settings that depend on an element, per setting and per file
 * (the settings that do not are read once, with the evaluator's own limit). Real ones
 * take a few steps (`ingress.value.from_port`); past the limit a value is unknown.
 */
const STEPS_PER_VALUE = 2_000;
const STEPS_PER_FILE = 200_000;

/**
 * Where the settings of one instance are read: the file's scope, or that of a resource
 * instance or dynamic block element, which binds `names` (`each`, `count`, the
 * iterator). A value is computed in the outermost instance whose names it does not
 * need, once: the settings that do not depend on the element are not read again for each.
 */
export interface Instance {
  readonly scope: Scope;
  readonly names: readonly string[];
  readonly parent?: Instance;
  readonly values: Map<Expr, Value>;
  /** Instances and evaluation steps still to spend on the file (shared by all instances of a file). */
  readonly budget: { left: number; steps: number };
}

/** Reads the attributes of one block (or object) in one instance. */
export interface Fields {
  get(name: string): Value | undefined;
  lineOf(name: string): number;
}

/**
 * One piece of nested configuration written either as a block (`ingress { ... }`), as
 * one element of a `dynamic "ingress"` block, or as an object of an attribute
 * (`ingress = [{ ... }]`), with its line, a reader for its fields and the instance it is
 * read in. The elements of one dynamic block share its lines.
 */
export interface Section extends Fields {
  line: number;
  /** The block (for a dynamic block, its content named as the block it makes), absent for the attribute form. */
  block?: Block;
  instance: Instance;
}

const FILES = new WeakMap<TfInput, Instance>();

/**
 * The file's own instance: values read in it are cached for the file, and its budget
 * of instances and steps bounds all the expansion done on the file, by every rule.
 */
export function fileInstance(input: TfInput): Instance {
  let file = FILES.get(input);
  if (!file) FILES.set(input, (file = { scope: input.scope, names: [], values: new Map(), budget: { left: MAX_INSTANCES_PER_FILE, steps: STEPS_PER_FILE } }));
  return file;
}

const CHOSEN = new WeakMap<TfInput, Instance>();

/**
 * The file read with only the variable values a definitions file or a module call gives
 * (TfInput `given`): a setting known in fileInstance but unknown here takes its value
 * from a variable's default, which no one chose for this deployment (a library module's
 * `enabled = var.x`, x false by default, as a setting left unset).
 */
export function chosenInstance(input: TfInput): Instance {
  let file = CHOSEN.get(input);
  if (!file) CHOSEN.set(input, (file = { scope: input.given ?? { ...input.scope, variable: () => undefined }, names: [], values: new Map(), budget: { left: MAX_INSTANCES_PER_FILE, steps: STEPS_PER_FILE } }));
  return file;
}

/**
 * Whether the setting at `path` of `owner` has its value only from a variable's default
 * (known as the file reads it, unknown with only what a definitions file or a module call
 * gives): a value no one chose for this deployment, judged like a setting left unset.
 */
export function setByDefaultOnly(input: TfInput, owner: Block, path: readonly string[]): boolean {
  const { attribute: a, value } = settingAt(owner, path, fileInstance(input));
  if (!a || value === UNKNOWN) return false;
  const chosen = settingAt(owner, path, chosenInstance(input)).value;
  return chosen === UNKNOWN || chosen === undefined;
}

function bind(within: Instance, name: string, value: Value): Instance {
  const outer = within.scope;
  const scope: Scope = { variable: (n) => outer.variable(n), local: (n) => outer.local(n), bound: (n) => (n === name ? value : outer.bound?.(n)), variableType: (n) => outer.variableType?.(n), ...(outer.files ? { files: outer.files } : {}) };
  return { scope, names: [name], parent: within, values: new Map(), budget: within.budget };
}

function spend(within: Instance, count: number): boolean {
  if (count > MAX_INSTANCES || count > within.budget.left) return false;
  within.budget.left -= count;
  return true;
}

const ROOTS = new WeakMap<Expr, ReadonlySet<string>>();

/** The names an expression's references start with (`each` in `each.value.port`). */
function rootsOf(expr: Expr): ReadonlySet<string> {
  const cached = ROOTS.get(expr);
  if (cached) return cached;
  const roots = new Set<string>();
  const stack: Expr[] = [expr];
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (e.kind === 'traversal' && !e.source && e.path[0]) roots.add(e.path[0]);
    stack.push(...childExpressions(e));
  }
  ROOTS.set(expr, roots);
  return roots;
}

/** The value of an expression in an instance (each value computed once, in the outermost instance that can). */
export function valueIn(instance: Instance, expr: Expr): Value {
  const roots = rootsOf(expr);
  let at = instance;
  while (at.parent && !at.names.some((n) => roots.has(n))) at = at.parent;
  if (at.values.has(expr)) return at.values.get(expr)!;
  let value: Value;
  if (!at.parent) value = evaluate(expr, at.scope);
  else {
    const steps = { steps: Math.min(STEPS_PER_VALUE, at.budget.steps) };
    const given = steps.steps;
    value = evaluate(expr, at.scope, steps);
    at.budget.steps -= given - Math.max(steps.steps, 0);
  }
  at.values.set(expr, value);
  return value;
}

/** Keys and values of a for_each, or undefined when it cannot be read or is empty. */
function elements(value: Value, keys: 'index' | 'value'): Array<[Value, Value]> | undefined {
  const entries: Array<[Value, Value]> | undefined = Array.isArray(value)
    ? value.map((v, index) => [keys === 'index' && !isSet(value) ? index : v, v])
    : value !== null && value !== UNKNOWN && typeof value === 'object'
      ? Object.entries(value)
      : undefined;
  return entries && entries.length > 0 ? entries : undefined;
}

/** The attributes of a block read in an instance. */
export function fieldsOf(block: Block, instance: Instance): Fields {
  return {
    get: (name) => {
      const a = attribute(block, name);
      return a ? valueIn(instance, a.expr) : undefined;
    },
    lineOf: (name) => attribute(block, name)?.line ?? block.line,
  };
}

/**
 * The instances of a resource (or module) block: one per element of a readable for_each
 * (`each.key`, `each.value`) or count (`count.index`), and otherwise `within` itself, in
 * which `each` and `count` are unknown. An empty for_each or a count of 0 is read like
 * an unknown one (the resource as written is still checked), as in `sectionsIn`.
 *
 * Not for the subjects of findings: resourcesOf gives those one instance at a time
 * (model.ts), and of such an instance this gives `within` alone. It is for what is found
 * as written: module calls (module-calls.ts), and companions from the module's other files
 * or named by reference (the subnets publicSubnets reads, azure-common's `setting` of a
 * referenced account, the attachments of managedPolicyArnsOf).
 */
export function instancesOf(block: Block, within: Instance): Instance[] {
  // One instance of a resource already (resourcesOf): its each and count are in place.
  if (isInstanceBlock(block)) return [within];
  const forEach = attribute(block, 'for_each');
  if (forEach) {
    // A resource's for_each is a map or a set; of a set (toset), each.key is the element itself.
    const entries = elements(valueIn(within, forEach.expr), 'value');
    if (!entries || !spend(within, entries.length)) return [within];
    return entries.map(([key, value]) => bind(within, 'each', { key, value }));
  }
  const count = attribute(block, 'count');
  if (count) {
    const n = valueIn(within, count.expr);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || !spend(within, n)) return [within];
    return Array.from({ length: n }, (_, index) => bind(within, 'count', { index }));
  }
  return [within];
}

/** Whether a resource (or module) block is known not to be created in an instance (model.ts `isNotCreated`). */
export function notCreated(block: Block, within: Instance): boolean {
  return isNotCreated(block, (expr) => valueIn(within, expr));
}

/**
 * The `name` blocks of a block that may exist: each written `name { ... }`, and the
 * content of each `dynamic "name"` (at the dynamic block's line, as `blocksOf` gives it)
 * unless its for_each is known to be empty. For rules about a block's presence; rules
 * about the values in the blocks read `sectionsIn`.
 */
export function blocksMade(owner: Block, name: string, instance: Instance): Block[] {
  const out: Block[] = [];
  for (const child of owner.body.blocks) {
    if (child.type === name) out.push(child);
    else if (child.type === 'dynamic' && child.labels[0] === name) {
      const content = child.body.blocks.find((b) => b.type === 'content');
      const forEach = attribute(child, 'for_each');
      if (content && !(forEach && isKnownEmpty(valueIn(instance, forEach.expr)))) out.push({ ...content, type: name, line: child.line, column: child.column });
    }
  }
  return out;
}

/**
 * The sections `name` of a block read in an instance: each `name { ... }` block; each
 * element of a `dynamic "name"` block whose for_each can be read, with its iterator
 * bound (a for_each that cannot be read, or that is empty, often a variable's default
 * that a tfvars file may fill, gives one section in which the iterator is unknown); and
 * each object of the attribute form `name = [{ ... }]`. With `made`, a dynamic block
 * whose for_each is known to be empty gives nothing (as `blocksMade`): for rules that
 * ask what the block sets when it exists, where an unknown section would stand for a
 * block that is not there.
 */
export function sectionsIn(owner: Block, name: string, instance: Instance, options: { made?: boolean } = {}): Section[] {
  const out: Section[] = [];
  const read = (block: Block, at: Instance): Section => ({ line: block.line, block, instance: at, ...fieldsOf(block, at) });
  for (const child of owner.body.blocks) {
    if (child.type === name) {
      out.push(read(child, instance));
      continue;
    }
    if (child.type !== 'dynamic' || child.labels[0] !== name) continue;
    const content = child.body.blocks.find((b) => b.type === 'content');
    if (!content) continue;
    // The content read as the block it makes, at the line of the dynamic block (as `blocksOf` gives it).
    const made: Block = { ...content, type: name, line: child.line, column: child.column };
    const iterator = attribute(child, 'iterator')?.expr;
    const iteratorName = iterator?.kind === 'traversal' && !iterator.source && iterator.path.length === 1 ? iterator.path[0]! : name;
    const forEach = attribute(child, 'for_each');
    const value = forEach ? valueIn(instance, forEach.expr) : undefined;
    if (options.made && value !== undefined && isKnownEmpty(value)) continue;
    const entries = value !== undefined ? elements(value, 'index') : undefined;
    if (!entries || !spend(instance, entries.length)) {
      out.push(read(made, instance));
      continue;
    }
    for (const [key, value] of entries) out.push(read(made, bind(instance, iteratorName, { key, value })));
  }
  const a = attribute(owner, name);
  const items = a?.expr.kind === 'tuple' ? a.expr.items : a?.expr.kind === 'object' ? [a.expr] : [];
  for (const item of items) {
    if (item.kind !== 'object') continue;
    const entry = (field: string) => item.items.find((i) => i.keyName === field);
    out.push({ line: item.line, instance, get: (field) => (entry(field) ? valueIn(instance, entry(field)!.value) : undefined), lineOf: (field) => entry(field)?.line ?? item.line });
  }
  return out;
}

/** A setting at the end of a path of nested blocks, read where it is made (settingAt). */
export interface Setting {
  /** The attribute as written in the first section of the path, when it is. */
  attribute?: Attribute;
  /** Its value in that section's instance (undefined when it is not written). */
  value?: Value;
  /** The attribute's line, or that of the deepest section of the path that exists (the owner's when none does). */
  line: number;
}

/**
 * The setting at `path` (['private_cluster_config', 'enable_private_endpoint']) read
 * through the first section of each block of the path that may be made: a `dynamic`
 * block is read with its iterator bound when its for_each can be read
 * (`enable_private_endpoint = private_cluster_config.value.enable_private_endpoint`),
 * and is absent when its for_each is known to be empty. What `valueAt` and `lineOfPath`
 * give for blocks written out.
 */
export function settingAt(owner: Block, path: readonly string[], instance: Instance): Setting {
  let block = owner;
  let at = instance;
  for (const name of path.slice(0, -1)) {
    const section = sectionsIn(block, name, at, { made: true }).find((s) => s.block);
    if (!section?.block) return { line: block.line };
    block = section.block;
    at = section.instance;
  }
  const a = attribute(block, path[path.length - 1]!);
  return a ? { attribute: a, value: valueIn(at, a.expr), line: a.line } : { line: block.line };
}
