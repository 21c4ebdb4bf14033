import type { Attribute, Block, Body, Expr, ObjectExpr, ObjectItem, Pos } from '../hcl/ast.js';
import { UNKNOWN, evaluate, type Scope, type Value } from '../hcl/evaluate.js';
import { MODULES, SECURITY_GROUP_PRESETS, namedRule, type BlockInput, type Condition, type ModuleSpec, type PolicyStatementsInput, type ResourceSpec, type VersionedDefault } from './registry.js';
import { applies, constraintRange, versionFromRef } from './versions.js';

/**
 * Resources that a `module` block of a well-known registry module creates, built from
 * the module's inputs with the registry table (registry.ts), so that the resource rules
 * read them like resources written by hand. Attributes copied from the module keep
 * their own lines, so findings point at the module input to change (or at the module
 * header when the problem is a missing input or a module default).
 *
 * A module whose inputs cannot be read statically enough to know which resources it
 * creates (`create_bucket = var.x`, a block input taken from a variable) is left
 * alone: no finding is better than a guessed one.
 */
export interface SynthesizedResource {
  type: string;
  name: string;
  /** `module.logs.aws_s3_bucket.this`. */
  address: string;
  block: Block;
  module: string;
}

export interface Synthesis {
  resources: SynthesizedResource[];
  /** Source text of the expressions made here (references to sibling resources), for `mentions`. */
  texts: Map<Expr, string>;
}

export interface ModuleCall {
  name: string;
  block: Block;
  spec: ModuleSpec;
  /** `//modules/ssh` of `terraform-aws-modules/security-group/aws//modules/ssh`, without slashes. */
  submodule?: string;
  /** Semver range of the admitted releases, or undefined when any release may be used. */
  versions?: string;
}

/** Registry address of a module source: `terraform-aws-modules/s3-bucket/aws` from its registry or GitHub spelling. */
export function registryAddress(source: string): { address: string; submodule?: string } | undefined {
  let rest = source.trim().replace(/^registry\.terraform\.io\//, '');
  let submodule: string | undefined;
  const sub = /^(.*?)\/\/(?:modules\/)?([^?]+?)\/?(\?.*)?$/.exec(rest.replace(/^git::[a-z]+:\/\//, ''));
  if (sub) {
    rest = sub[1]! + (sub[3] ?? '');
    submodule = sub[2];
  } else rest = rest.replace(/^git::[a-z]+:\/\//, '');
  const github = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([\w.-]+)\/terraform-([a-z0-9]+)-([\w.-]+?)(?:\.git)?(?:\?.*)?$/.exec(rest);
  if (github) return { address: `${github[1]}/${github[3]}/${github[2]}`.toLowerCase(), ...(submodule ? { submodule } : {}) };
  const registry = /^([a-z0-9][\w-]*)\/([a-z0-9][\w-]*)\/([a-z0-9][\w-]*)$/i.exec(rest);
  if (registry) return { address: `${registry[1]}/${registry[2]}/${registry[3]}`.toLowerCase(), ...(submodule ? { submodule } : {}) };
  return undefined;
}

/** The inputs of a module source that the table's module uses only where it maps them (ModuleSpec confined). */
export function confinedInputs(source: string): ReadonlySet<string> {
  const address = registryAddress(source);
  const spec = address && MODULES.find((m) => m.source === address.address && m.submodule === address.submodule);
  return new Set(spec?.confined ?? []);
}

/** The module blocks of a body that call a module of the table. */
export function moduleCalls(body: Body, scope: Scope): ModuleCall[] {
  const calls: ModuleCall[] = [];
  for (const block of body.blocks) {
    if (block.type !== 'module' || !block.labels[0]) continue;
    const source = evaluate(attribute(block, 'source')?.expr, scope);
    if (typeof source !== 'string') continue;
    const address = registryAddress(source);
    if (!address) continue;
    // A submodule (`//modules/vpc-endpoints`) creates other resources than the module: it is
    // read only when the table describes it, or when the security-group expansion knows it (presets).
    const spec =
      MODULES.find((m) => m.source === address.address && m.submodule === address.submodule) ??
      (address.submodule ? MODULES.find((m) => m.source === address.address && m.expand === 'security-group-rules') : undefined);
    if (!spec) continue;
    const version = evaluate(attribute(block, 'version')?.expr, scope);
    const constraint = typeof version === 'string' ? version : versionFromRef(source);
    const versions = constraintRange(constraint);
    calls.push({ name: block.labels[0], block, spec, ...(address.submodule ? { submodule: address.submodule } : {}), ...(versions ? { versions } : {}) });
  }
  return calls;
}

export function synthesizeModules(body: Body, scope: Scope): Synthesis {
  const out: Synthesis = { resources: [], texts: new Map() };
  for (const call of moduleCalls(body, scope)) {
    const made = new Builder(call, scope, out.texts).build();
    if (made) out.resources.push(...made);
  }
  return out;
}

/** Thrown inside a builder when the module cannot be analysed statically. */
class Opaque extends Error {}

class Builder {
  constructor(
    private readonly call: ModuleCall,
    private readonly scope: Scope,
    private readonly texts: Map<Expr, string>,
  ) {}

  build(): SynthesizedResource[] | undefined {
    try {
      if (this.call.spec.expand === 'security-group-rules') return this.securityGroupRules();
      const out: SynthesizedResource[] = [];
      for (const spec of this.call.spec.resources) {
        try {
          if (spec.when && !spec.when.every((c) => this.holds(c))) continue;
          if (spec.each) out.push(...this.eachResource(spec, spec.each));
          else out.push(this.resource(spec));
        } catch (error) {
          // A resource no rule misses when it is absent is left out alone.
          if (!(error instanceof Opaque && spec.optional)) throw error;
        }
      }
      return out;
    } catch (error) {
      if (error instanceof Opaque) return undefined;
      throw error;
    }
  }

  /** A module input: an attribute, or a nested block written where an object is expected (`logging { ... }`). */
  private input(name: string): Attribute | undefined {
    const a = attribute(this.call.block, name);
    if (a) return a;
    const block = this.call.block.body.blocks.find((b) => b.type === name && b.labels.length === 0);
    return block ? { name, expr: blockAsObject(block), ...span(block) } : undefined;
  }

  /**
   * A module input, or a field of an object input written in place (`logging.target_bucket`
   * of `logging = { target_bucket = ... }`); a field of an input given any other way (a
   * variable, a function) is not read, as if not given.
   */
  private inputAt(path: string): Attribute | undefined {
    const [name, ...fields] = path.split('.');
    let a = this.input(name!);
    for (const field of fields) {
      if (!a || a.expr.kind !== 'object') return undefined;
      const item = a.expr.items.find((i) => i.keyName === field);
      if (!item) return undefined;
      a = { name: field, expr: item.value, ...span(item) };
    }
    return a;
  }

  /** A condition on the module's inputs; Opaque when it cannot be decided. */
  private holds(condition: Condition): boolean {
    if ('versions' in condition) {
      const answer = applies(this.call.versions, condition.versions);
      if (answer === 'maybe') {
        if (condition.otherwise === undefined) throw new Opaque();
        return condition.otherwise;
      }
      return answer === 'always';
    }
    const a = this.input(condition.input);
    if (!a) return condition.is === 'true' || condition.is === 'false' ? condition.otherwise : condition.is === 'unset';
    const value = evaluate(a.expr, this.scope);
    if (value === UNKNOWN) throw new Opaque();
    if (condition.is === 'true' || condition.is === 'false') {
      const wanted = condition.is === 'true';
      if (value === true || value === 'true') return wanted;
      if (value === false || value === 'false') return !wanted;
      if (value === null) return condition.otherwise;
      throw new Opaque();
    }
    let set: boolean;
    if (value === null || value === '' || value === 'null') set = false;
    else if (Array.isArray(value)) set = value.length > 0;
    else if (typeof value === 'object') set = Object.keys(value).length > 0;
    else set = true;
    return condition.is === 'set' ? set : !set;
  }

  private resource(spec: ResourceSpec): SynthesizedResource {
    const address = `module.${this.call.name}.${spec.type}.${spec.name}`;
    const body: Body = { attributes: [], blocks: [] };
    const header = this.call.block;
    // Blocks whose input is given and makes none (null, [], or {} where the module tests its length):
    // the module's defaults for their attributes do not apply either.
    const turnedOff = new Set<string>();
    // Blocks an empty object makes in some admitted releases and not in others: their module defaults are unknown.
    const uncertain = new Set<string>();
    for (const entry of spec.blocks ?? []) {
      const { block: name, input: from = name, versions, emptyMakesNone }: BlockInput = typeof entry === 'string' ? { block: entry } : Array.isArray(entry) ? { block: entry[0], input: entry[1] } : entry;
      // A block of some releases only: left out unless every admitted release builds it.
      if (versions !== undefined && applies(this.call.versions, versions) !== 'always') continue;
      if (typeof entry === 'object' && !Array.isArray(entry) && entry.mapValues) {
        const values = this.input(from);
        if (values) body.blocks.push(...this.mapValueBlocks(name, values.expr, entry.mapValues.keyAs));
        continue;
      }
      const a = this.input(from);
      if (!a) continue;
      let none = false;
      if (emptyMakesNone && a.expr.kind === 'object' && a.expr.items.length === 0) {
        const answer = emptyMakesNone === true ? 'always' : applies(this.call.versions, emptyMakesNone);
        none = answer === 'always';
        if (answer === 'maybe') uncertain.add(name);
      }
      const made = none ? [] : this.blocksFrom(name, a.expr);
      if (made.length === 0) turnedOff.add(name);
      body.blocks.push(...made);
    }
    if (spec.policy) {
      const a = this.input(spec.policy.input);
      if (a) body.attributes.push(this.policyDocument(spec.policy, a));
    }
    const given = new Set<string>();
    for (const entry of spec.attributes ?? []) {
      const [path, from] = typeof entry === 'string' ? [entry, entry] : entry;
      if (given.has(path)) continue;
      const a = this.inputAt(from);
      if (!a) continue;
      given.add(path);
      place(body, path, { ...a, name: lastPart(path) }, header);
    }
    for (const [path, defaults] of Object.entries(spec.defaults ?? {})) {
      if (given.has(path) || lookup(body, path)) continue;
      const parent = path.split('.')[0]!;
      if (path.includes('.') && turnedOff.has(parent) && !body.blocks.some((b) => b.type === parent)) continue;
      const made = body.blocks.find((b) => b.type === parent);
      // Defaults for a block without a given attribute apply only to such a block of the input.
      const applicable = defaults.filter((d) => d.without === undefined || (made !== undefined && !givenIn(made, d.without, this.scope)));
      const found = path.includes('.') && uncertain.has(parent) ? ({ value: UNKNOWN } as { value: Value }) : this.defaultValue(applicable);
      if (found === undefined) continue;
      // A default inside a block the input made is reported on that block's line.
      const line = path.includes('.') ? (made?.line ?? header.line) : header.line;
      place(body, path, 'attribute' in found ? { ...found.attribute, name: lastPart(path) } : this.synthetic(lastPart(path), found.value, line), header);
    }
    // A nested block named in a path exists in the real resource even when no input sets it.
    for (const entry of spec.attributes ?? []) {
      const path = typeof entry === 'string' ? entry : entry[0];
      if (path.includes('.')) ensureBlock(body, path.split('.').slice(0, -1), header);
    }
    for (const [name, target] of Object.entries(spec.refs ?? {})) {
      const text = `module.${this.call.name}.${target}.id`;
      const expr: Expr = { kind: 'traversal', path: text.split('.'), ...at(header.line) };
      this.texts.set(expr, text);
      body.attributes.push({ name, expr, ...at(header.line) });
    }
    return { type: spec.type, name: spec.name, address, module: this.call.name, block: { type: 'resource', labels: [spec.type, spec.name], body, ...span(header) } };
  }

  /**
   * The resources a `count = length(var.<input>)` resource makes, one per object of the list
   * (`<name>[<index>]`), or a `for_each = var.<input>` one, one per object value of the map
   * (`<name>["<key>"]`). Attribute and block paths may name nested blocks (`default_action.type`),
   * made once per resource; `defaults` apply to each resource, on its object's line.
   */
  private eachResource(spec: ResourceSpec, inputName: string): SynthesizedResource[] {
    const header = this.call.block;
    const a = this.input(inputName);
    if (!a) return [];
    // Each object as a lookup of its fields: written in place they keep their lines, else the input's.
    type Element = { key: string; line: number; field: (name: string) => Attribute | undefined; blocks: (type: string, from: string) => Block[] };
    const written = (key: string, object: ObjectExpr): Element => {
      const field = (name: string): Attribute | undefined => {
        const item = object.items.find((i) => i.keyName === name);
        return item ? { name, expr: item.value, ...span(item) } : undefined;
      };
      return { key, line: object.line, field, blocks: (type, from) => (field(from) ? this.blocksFrom(type, field(from)!.expr) : []) };
    };
    const read = (key: string, object: Record<string, Value>): Element => ({
      key,
      line: a.line,
      field: (name) => (name in object ? this.synthetic(name, object[name]!, a.line) : undefined),
      blocks: (type, from) => valueBlocks(type, object[from], a.line),
    });
    let elements: Element[];
    if (a.expr.kind === 'tuple' && a.expr.items.every((i) => i.kind === 'object')) elements = (a.expr.items as ObjectExpr[]).map((object, index) => written(String(index), object));
    else if (a.expr.kind === 'object' && a.expr.items.every((i) => i.keyName !== undefined && i.value.kind === 'object'))
      elements = a.expr.items.map((item) => written(JSON.stringify(item.keyName), item.value as ObjectExpr));
    else {
      const value = evaluate(a.expr, this.scope);
      if (value === null || (Array.isArray(value) && value.length === 0)) return [];
      if (Array.isArray(value) && value.every((v) => isRecord(v))) elements = (value as Array<Record<string, Value>>).map((object, index) => read(String(index), object));
      else if (isRecord(value) && Object.values(value).every((v) => isRecord(v))) elements = Object.entries(value as Record<string, Record<string, Value>>).map(([key, object]) => read(JSON.stringify(key), object));
      else throw new Opaque();
    }
    return elements.map(({ key, line, field, blocks }) => {
      const name = `${spec.name}[${key}]`;
      const body: Body = { attributes: [], blocks: [] };
      // Nested blocks made for this resource start on its object's line.
      const anchor: Block = { type: 'resource', labels: [], body, ...at(line) };
      for (const [attr, value] of Object.entries(spec.fixed ?? {})) body.attributes.push(this.synthetic(attr, value, line));
      // Nested blocks from fields holding an object or a list of objects (a firewall rule's `allow`).
      for (const entry of spec.blocks ?? []) {
        const { block: path, input: from = lastPart(path), wrap }: BlockInput = typeof entry === 'string' ? { block: entry } : Array.isArray(entry) ? { block: entry[0], input: entry[1] } : entry;
        const made = blocks(lastPart(path), from);
        const parent = path.includes('.') ? ensureBlock(body, path.split('.').slice(0, -1), anchor) : body;
        if (!wrap) parent.blocks.push(...made);
        else for (const b of made) parent.blocks.push({ type: wrap.block, labels: [], body: { attributes: Object.entries(wrap.fixed).map(([n, v]) => this.synthetic(n, v, b.line)), blocks: [b] }, ...span(b) });
      }
      const given = new Set<string>();
      for (const entry of spec.attributes ?? []) {
        const [path, from] = typeof entry === 'string' ? [entry, entry] : entry;
        const found = given.has(path) ? undefined : field(from);
        if (!found) continue;
        given.add(path);
        place(body, path, { ...found, name: lastPart(path) }, anchor);
      }
      for (const [path, defaults] of Object.entries(spec.defaults ?? {})) {
        if (given.has(path) || lookup(body, path)) continue;
        const found = this.defaultValue(defaults);
        if (found !== undefined) place(body, path, 'attribute' in found ? { ...found.attribute, name: lastPart(path) } : this.synthetic(lastPart(path), found.value, line), anchor);
      }
      for (const [attr, target] of Object.entries(spec.refs ?? {})) {
        const text = `module.${this.call.name}.${target}.id`;
        const expr: Expr = { kind: 'traversal', path: text.split('.'), ...at(line) };
        this.texts.set(expr, text);
        body.attributes.push({ name: attr, expr, ...at(line) });
      }
      return { type: spec.type, name, address: `module.${this.call.name}.${spec.type}.${name}`, module: this.call.name, block: { type: 'resource', labels: [spec.type, name], body, ...span(header) } };
    });
  }

  /**
   * The module's default for the admitted releases: a value (UNKNOWN when they differ), the
   * module input those releases pass on when it is given, or undefined for the provider's own default.
   */
  private defaultValue(defaults: readonly VersionedDefault[]): { value: Value } | { attribute: Attribute } | undefined {
    let result: { value: Value } | { attribute: Attribute } | undefined;
    for (const d of defaults) {
      const answer = applies(this.call.versions, d.versions);
      if (answer === 'maybe') return { value: UNKNOWN };
      if (answer !== 'always') continue;
      const a = d.input === undefined ? undefined : this.input(d.input);
      result = a ? { attribute: a } : { value: d.value };
    }
    return result;
  }

  /**
   * The policy the module's `aws_iam_policy_document` makes of statement objects, as
   * `jsonencode` of the same JSON policy, so that the policy rules read it like a policy
   * written inline: each statement keeps the line of its object in the module call. A
   * statement, principal or condition whose shape cannot be read makes the policy
   * unreadable (Opaque) rather than read with a part missing: a dropped condition would
   * make a restricted statement look open.
   */
  private policyDocument(spec: PolicyStatementsInput, input: Attribute): Attribute {
    const line = input.line;
    const statements: Expr[] = [];
    let entries: Expr[];
    if (input.expr.kind === 'object') entries = input.expr.items.map((i) => i.value);
    else if (input.expr.kind === 'tuple') entries = input.expr.items;
    else {
      const value = evaluate(input.expr, this.scope);
      if (value !== null && !(typeof value === 'object' && Object.keys(value).length === 0)) throw new Opaque();
      entries = [];
    }
    for (const entry of entries) {
      if (entry.kind !== 'object') throw new Opaque();
      const field = (key: string) => entry.items.find((i) => i.keyName === key)?.value;
      const items: ObjectItem[] = [];
      const put = (key: string, value: Expr | undefined) => {
        if (value && !(value.kind === 'literal' && value.value === null)) items.push(objectItem(key, value, value));
      };
      // An effect read as Allow when it is not known could report a Deny statement.
      const effect = field('effect');
      const effectValue = effect ? evaluate(effect, this.scope) : null;
      if (effectValue !== null && typeof effectValue !== 'string') throw new Opaque();
      put('Sid', field('sid'));
      put('Effect', effect);
      put('Action', field('actions'));
      put('NotAction', field('not_actions'));
      put('NotResource', field('not_resources'));
      if (field('resources')) put('Resource', field('resources'));
      else if (!field('not_resources')) {
        const text = `module.${this.call.name}.${spec.resourceDefault}.arn`;
        const ref: Expr = { kind: 'traversal', path: text.split('.'), ...at(entry.line) };
        this.texts.set(ref, text);
        put('Resource', ref);
      }
      put('Principal', this.principals(field('principals')));
      put('NotPrincipal', this.principals(field('not_principals')));
      put('Condition', this.conditions([field('condition'), field('conditions')]));
      statements.push({ kind: 'object', items, ...span(entry) });
    }
    const document: ObjectExpr = {
      kind: 'object',
      items: [objectItem('Version', { kind: 'literal', value: '2012-10-17', ...at(line) }, at(line)), objectItem('Statement', { kind: 'tuple', items: statements, ...at(line) }, at(line))],
      ...at(line),
    };
    // Positions without source text, so that data sources named inside a statement are not read as the policy itself.
    const expr: Expr = { kind: 'call', name: 'jsonencode', args: [document], expandFinal: false, ...at(line) };
    return { name: spec.attribute, expr, ...span(input) };
  }

  /** `{ AWS = [...], Service = [...] }` from a list of { type, identifiers } objects. */
  private principals(expr: Expr | undefined): Expr | undefined {
    const entries = this.objectList(expr);
    if (entries.length === 0) return undefined;
    const byType = new Map<string, Expr[]>();
    for (const entry of entries) {
      const type = evaluate(entry.items.find((i) => i.keyName === 'type')?.value, this.scope);
      const identifiers = entry.items.find((i) => i.keyName === 'identifiers')?.value;
      if (typeof type !== 'string' || !identifiers) throw new Opaque();
      const ids = identifiers.kind === 'tuple' ? identifiers.items : [identifiers];
      byType.set(type, [...(byType.get(type) ?? []), ...ids]);
    }
    const first = entries[0]!;
    return { kind: 'object', items: [...byType].map(([type, ids]) => objectItem(type, { kind: 'tuple', items: ids, ...span(ids[0] ?? first) }, ids[0] ?? first)), ...span(first) };
  }

  /** `{ <test> = { <variable> = values } }` from lists of { test, variable, values } objects. */
  private conditions(exprs: Array<Expr | undefined>): Expr | undefined {
    const entries = exprs.flatMap((e) => this.objectList(e));
    if (entries.length === 0) return undefined;
    const byTest = new Map<string, ObjectItem[]>();
    for (const entry of entries) {
      const field = (key: string) => entry.items.find((i) => i.keyName === key)?.value;
      const test = evaluate(field('test'), this.scope);
      const variable = evaluate(field('variable'), this.scope);
      const values = field('values');
      if (typeof test !== 'string' || typeof variable !== 'string' || !values) throw new Opaque();
      const same = byTest.get(test) ?? [];
      // The same key tested twice is merged by the provider in ways not modelled here.
      if (same.some((i) => i.keyName === variable)) throw new Opaque();
      byTest.set(test, [...same, objectItem(variable, values, entry)]);
    }
    const first = entries[0]!;
    return { kind: 'object', items: [...byTest].map(([test, items]) => objectItem(test, { kind: 'object', items, ...span(items[0]!) }, items[0]!)), ...span(first) };
  }

  /** The objects of a list input written in place; an absent, null or empty list has none. */
  private objectList(expr: Expr | undefined): ObjectExpr[] {
    if (!expr) return [];
    if (expr.kind === 'tuple' && expr.items.every((i) => i.kind === 'object')) return expr.items as ObjectExpr[];
    const value = evaluate(expr, this.scope);
    if (value === null || (Array.isArray(value) && value.length === 0)) return [];
    throw new Opaque();
  }

  /** Nested blocks from an input holding a map of objects (one per value, its key as attribute `keyAs` unless set) or a list of them. */
  private mapValueBlocks(type: string, expr: Expr, keyAs: string | undefined): Block[] {
    if (expr.kind !== 'object') return this.blocksFrom(type, expr);
    if (!expr.items.every((i) => i.keyName !== undefined && i.value.kind === 'object')) throw new Opaque();
    return expr.items.map((item) => {
      const block = objectBlock(type, item.value as ObjectExpr);
      if (keyAs && !block.body.attributes.some((a) => a.name === keyAs)) block.body.attributes.push(this.synthetic(keyAs, item.keyName!, item.line));
      return block;
    });
  }

  /** Nested blocks from an input holding an object or a list of objects. */
  private blocksFrom(type: string, expr: Expr): Block[] {
    if (expr.kind === 'object') return [objectBlock(type, expr)];
    if (expr.kind === 'tuple' && expr.items.every((i) => i.kind === 'object')) return expr.items.map((i) => objectBlock(type, i as ObjectExpr));
    const value = evaluate(expr, this.scope);
    if (value === null || (Array.isArray(value) && value.length === 0)) return [];
    // A block built from a variable or a function cannot be read here.
    throw new Opaque();
  }

  private synthetic(name: string, value: Value, line: number): Attribute {
    const expr: Expr =
      value === UNKNOWN
        ? { kind: 'traversal', path: ['module', this.call.name, 'default', name], ...at(line) }
        : Array.isArray(value) && value.every((v) => typeof v === 'string')
          ? { kind: 'tuple', items: value.map((v) => ({ kind: 'literal', value: v, ...at(line) }) as Expr), ...at(line) }
          : { kind: 'literal', value: typeof value === 'object' ? null : value, ...at(line) };
    if (value === UNKNOWN) this.texts.set(expr, `module.${this.call.name}.default.${name}`);
    return { name, expr, ...at(line) };
  }

  /**
   * terraform-aws-modules/security-group: one aws_security_group_rule per named rule in
   * ingress_rules (or the preset of a `//modules/<service>` submodule) for the sources
   * in ingress_cidr_blocks, and one per entry of ingress_with_cidr_blocks.
   */
  private securityGroupRules(): SynthesizedResource[] {
    if (!this.holds({ input: 'create', is: 'true', otherwise: true })) return [];
    const header = this.call.block;
    const out: SynthesizedResource[] = [];
    const add = (key: string, ports: readonly [number, number, string], portsLine: number, cidrs: Attribute | undefined, ipv6: Attribute | undefined) => {
      if (!cidrs && !ipv6) return;
      const attributes: Attribute[] = [
        this.synthetic('type', 'ingress', portsLine),
        this.synthetic('from_port', ports[0], portsLine),
        this.synthetic('to_port', ports[1], portsLine),
        this.synthetic('protocol', ports[2], portsLine),
      ];
      if (cidrs) attributes.push({ ...cidrs, name: 'cidr_blocks' });
      if (ipv6) attributes.push({ ...ipv6, name: 'ipv6_cidr_blocks' });
      const address = `module.${this.call.name}.aws_security_group_rule.${key}`;
      out.push({ type: 'aws_security_group_rule', name: key, address, module: this.call.name, block: { type: 'resource', labels: ['aws_security_group_rule', key], body: { attributes, blocks: [] }, ...span(header) } });
    };
    const cidrs = this.input('ingress_cidr_blocks');
    const ipv6 = this.input('ingress_ipv6_cidr_blocks');
    const named = this.input('ingress_rules');
    const rules = this.call.submodule ? SECURITY_GROUP_PRESETS[this.call.submodule] : undefined;
    if (this.call.submodule && !rules) throw new Opaque();
    // A rule a later release added to the preset is opened when every admitted release has it.
    const preset = rules?.flatMap((r) => (typeof r === 'string' ? [r] : applies(this.call.versions, r[1]) === 'always' ? [r[0]] : []));
    const auto = this.input('auto_ingress_rules');
    const names: Array<{ name: string; line: number }> = [];
    for (const [a, fallback] of [[auto, preset ?? []], [named, []]] as const) {
      const value = a ? evaluate(a.expr, this.scope) : fallback;
      if (value === UNKNOWN || (!Array.isArray(value) && value !== null)) throw new Opaque();
      for (const name of value ?? []) if (typeof name === 'string') names.push({ name, line: a?.line ?? header.line });
    }
    for (const { name, line } of names) {
      const ports = namedRule(name);
      if (ports) add(`ingress_rules["${name}"]`, ports, line, cidrs, ipv6);
    }
    for (const [inputName, cidrKey] of [['ingress_with_cidr_blocks', 'cidr_blocks'], ['ingress_with_ipv6_cidr_blocks', 'ipv6_cidr_blocks']] as const) {
      const list = this.input(inputName);
      if (!list) continue;
      if (list.expr.kind !== 'tuple') throw new Opaque();
      list.expr.items.forEach((item, index) => {
        if (item.kind !== 'object') throw new Opaque();
        const field = (key: string) => item.items.find((i) => i.keyName === key);
        const rule = field('rule') ? evaluate(field('rule')!.value, this.scope) : undefined;
        const numbers = (['from_port', 'to_port', 'protocol'] as const).map((k) => (field(k) ? evaluate(field(k)!.value, this.scope) : undefined));
        const ports: readonly [number, number, string] | undefined =
          typeof rule === 'string'
            ? namedRule(rule)
            : typeof numbers[0] === 'number' && typeof numbers[1] === 'number' && (typeof numbers[2] === 'string' || typeof numbers[2] === 'number')
              ? [numbers[0], numbers[1], String(numbers[2])]
              : undefined;
        if (!ports) return;
        // Here the sources are one comma-separated string.
        const own = field(cidrKey);
        let sources: Attribute | undefined;
        if (own) {
          const text = evaluate(own.value, this.scope);
          if (typeof text !== 'string') return;
          sources = { name: cidrKey, expr: { kind: 'tuple', items: text.split(',').map((c) => ({ kind: 'literal', value: c.trim(), ...at(own.line) }) as Expr), ...at(own.line) }, ...at(own.line) };
        }
        const fallback = cidrKey === 'cidr_blocks' ? cidrs : ipv6;
        const key = `${inputName === 'ingress_with_cidr_blocks' ? 'ingress_with_cidr_blocks' : 'ingress_with_ipv6_cidr_blocks'}[${index}]`;
        if (cidrKey === 'cidr_blocks') add(key, ports, item.line, sources ?? fallback, undefined);
        else add(key, ports, item.line, undefined, sources ?? fallback);
      });
    }
    return out;
  }
}

function attribute(block: Block, name: string): Attribute | undefined {
  for (let i = block.body.attributes.length - 1; i >= 0; i--) if (block.body.attributes[i]!.name === name) return block.body.attributes[i];
  return undefined;
}

function at(line: number): Pos {
  return { line, column: 1, endLine: line, start: 0, end: 0 };
}

function span(node: Pos): Pos {
  return { line: node.line, column: node.column, endLine: node.endLine, start: node.start, end: node.end };
}

function lastPart(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/** A block from an object expression: scalar items become attributes, object items nested blocks. */
function objectBlock(type: string, expr: ObjectExpr): Block {
  const body: Body = { attributes: [], blocks: [] };
  for (const item of expr.items) {
    if (!item.keyName) continue;
    if (item.value.kind === 'object') body.blocks.push(objectBlock(item.keyName, item.value));
    else if (item.value.kind === 'tuple' && item.value.items.length > 0 && item.value.items.every((i) => i.kind === 'object'))
      body.blocks.push(...item.value.items.map((i) => objectBlock(item.keyName!, i as ObjectExpr)));
    else body.attributes.push({ name: item.keyName, expr: item.value, line: item.line, column: item.column, endLine: item.endLine, start: item.start, end: item.end });
  }
  return { type, labels: [], body, line: expr.line, column: expr.column, endLine: expr.endLine, start: expr.start, end: expr.end };
}

function isRecord(value: Value): value is Record<string, Value> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Nested blocks from the value of a field holding an object or a list of objects, on the
 * input's line: their scalar and list fields become attributes. Null or absent makes none;
 * anything else cannot be read here.
 */
function valueBlocks(type: string, value: Value | undefined, line: number): Block[] {
  if (value === undefined || value === null) return [];
  const objects: Value[] = Array.isArray(value) ? value : [value];
  if (!objects.every((o) => isRecord(o))) throw new Opaque();
  return (objects as Array<Record<string, Value>>).map((object) => {
    const attributes: Attribute[] = [];
    for (const [name, v] of Object.entries(object)) {
      const literal = (x: Value): Expr => ({ kind: 'literal', value: typeof x === 'object' ? null : x, ...at(line) }) as Expr;
      if (v === UNKNOWN) throw new Opaque();
      const expr: Expr = Array.isArray(v) ? { kind: 'tuple', items: v.map(literal), ...at(line) } : literal(v);
      attributes.push({ name, expr, ...at(line) });
    }
    return { type, labels: [], body: { attributes, blocks: [] }, ...at(line) };
  });
}

function objectItem(keyName: string, value: Expr, where: Pos): ObjectItem {
  return { keyName, key: { kind: 'literal', value: keyName, ...span(where) }, value, ...span(where) };
}

function blockAsObject(block: Block): ObjectExpr {
  const item = (keyName: string, value: Expr, where: Pos) => ({ keyName, key: { kind: 'literal', value: keyName, ...where } as Expr, value, ...where });
  return {
    kind: 'object',
    items: [...block.body.attributes.map((a) => item(a.name, a.expr, span(a))), ...block.body.blocks.map((b) => item(b.type, blockAsObject(b), span(b)))],
    ...span(block),
  };
}

function ensureBlock(body: Body, path: readonly string[], header: Block): Body {
  let current = body;
  for (const name of path) {
    let child = current.blocks.find((b) => b.type === name);
    if (!child) {
      child = { type: name, labels: [], body: { attributes: [], blocks: [] }, ...span(header) };
      current.blocks.push(child);
    }
    current = child.body;
  }
  return current;
}

function place(body: Body, path: string, attribute: Attribute, header: Block): void {
  const parts = path.split('.');
  const target = parts.length > 1 ? ensureBlock(body, parts.slice(0, -1), header) : body;
  target.attributes.push(attribute);
}

/** Whether a block sets this attribute to something other than null. */
function givenIn(block: Block, name: string, scope: Scope): boolean {
  const a = block.body.attributes.find((x) => x.name === name);
  return a !== undefined && evaluate(a.expr, scope) !== null;
}

function lookup(body: Body, path: string): Attribute | undefined {
  const parts = path.split('.');
  let current: Body | undefined = body;
  for (const name of parts.slice(0, -1)) current = current?.blocks.find((b) => b.type === name)?.body;
  return current?.attributes.find((a) => a.name === parts[parts.length - 1]);
}
