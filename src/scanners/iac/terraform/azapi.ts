/**
 * Resources of the azapi provider, read as the Azure Resource Manager (ARM) resources
 * they make: `resource "azapi_resource" "x" { type = "Microsoft.Storage/storageAccounts@2023-05-01"
 * body = { properties = { ... } } }`. Azure Verified Modules and many current modules
 * create resources this way instead of with azurerm_* resources.
 *
 * The body is an HCL object (azapi 2) or `jsonencode({ ... })` of one (azapi 1), or any
 * expression that evaluates to an object (a local, `merge(...)`): a property is read in
 * its evaluated value, and its line in the object as written (the key's line), or, where
 * the object is not written there (a variable, a call), the line of the deepest key of
 * its path that is. A value that cannot be told before apply is unknown: never judged.
 *
 * `azapi_update_resource` patches properties of an existing resource: what its body
 * leaves out is left as it is, not set to ARM's default (`update`).
 */
import type { Expr } from './hcl/ast.js';
import { UNKNOWN, type Value } from './hcl/evaluate.js';
import { attribute, blocksOf, referrers, resourcesOf, type TfInput, type TfResource } from './model.js';
import { chosenInstance, fileInstance, valueIn } from './rules/instances.js';

export const AZAPI_RESOURCE = 'azapi_resource';
export const AZAPI_UPDATE = 'azapi_update_resource';

/** An azapi resource (one instance of it, with for_each or count) of an ARM type. */
export interface ArmResource {
  resource: TfResource;
  /** The ARM type as written, without its API version: `Microsoft.Storage/storageAccounts`. */
  armType: string;
  /** `2023-05-01`, `2024-01-01-preview`; undefined when the type does not say or cannot be read. */
  apiVersion: string | undefined;
  /** An azapi_update_resource: its body patches the resource, what it leaves out keeps its value. */
  update: boolean;
  /** The evaluated body: an object, UNKNOWN, or undefined when there is none. */
  body: Value | undefined;
  /** The body as written (inside `jsonencode(...)`), for the lines of its keys. */
  expr: Expr | undefined;
  /** The line of `body`, or of the resource's header when it has none. */
  line: number;
}

/** How a property of the body reads. */
export type ArmProperty =
  /** Given a value (null is not a value: ARM reads it as absent). `line`: its key's line, or the deepest written key on its path. */
  | { state: 'set'; value: Exclude<Value, typeof UNKNOWN>; line: number }
  /** Not in the body: ARM's default applies (or, for an update, the value the resource has). `line`: the deepest written key on its path. */
  | { state: 'absent'; line: number }
  /** Cannot be told before apply (a variable without a value, another resource's attribute). */
  | { state: 'unknown'; line: number };

/** The azapi_resource (and, with `updates`, azapi_update_resource) instances of the file whose type is one of `types` (case-insensitive). */
export function armResources(input: TfInput, types: readonly string[], updates = true): ArmResource[] {
  const wanted = new Set(types.map((t) => t.toLowerCase()));
  const out: ArmResource[] = [];
  for (const resource of resourcesOf(input, ...(updates ? [AZAPI_RESOURCE, AZAPI_UPDATE] : [AZAPI_RESOURCE]))) {
    const arm = armResource(input, resource);
    if (arm && wanted.has(arm.armType.toLowerCase())) out.push(arm);
  }
  return out;
}

/** The ARM resources read of a file's azapi resources (every rule that judges them asks for them). */
const READ = new WeakMap<TfInput, WeakMap<TfResource, ArmResource | null>>();

/** An azapi resource as the ARM resource it makes, or undefined when its type cannot be read. Read once per file. */
export function armResource(input: TfInput, resource: TfResource): ArmResource | undefined {
  let read = READ.get(input);
  if (!read) READ.set(input, (read = new WeakMap()));
  const known = read.get(resource);
  if (known !== undefined) return known ?? undefined;
  const made = readArmResource(input, resource);
  read.set(resource, made ?? null);
  return made;
}

function readArmResource(input: TfInput, resource: TfResource): ArmResource | undefined {
  const type = attribute(resource.block, 'type');
  const typeValue = type ? valueIn(fileInstance(input), type.expr) : undefined;
  // `"Microsoft.Storage/storageAccounts@${var.api_version}"`: the type is written, its API version cannot be told.
  const written = typeof typeValue === 'string' ? typeValue : type ? writtenType(type.expr) : undefined;
  if (written === undefined) return undefined;
  const [armType = '', version] = written.trim().split('@');
  const apiVersion = version !== undefined && /^\d{4}-\d{2}-\d{2}/.test(version) ? version : undefined;
  const body = attribute(resource.block, 'body');
  let expr = body ? unwrap(body.expr) : undefined;
  // azapi 1.x wrote the body as a JSON string: `jsonencode({ ... })`, whose object holds the values and lines.
  if (expr?.kind === 'call' && expr.name === 'jsonencode' && expr.args.length === 1) expr = unwrap(expr.args[0]!);
  // A `body` read as a block (not how azapi takes it): what it holds is not told, never ARM's defaults.
  let value: Value | undefined = expr ? valueIn(fileInstance(input), expr) : blocksOf(resource.block, 'body').length > 0 ? UNKNOWN : undefined;
  // A JSON text written out (a heredoc): its values, all on the line of `body`.
  if (typeof value === 'string') value = parsedJson(value);
  return { resource, armType, apiVersion, update: resource.type === AZAPI_UPDATE, body: value, expr, line: body?.line ?? resource.block.line };
}

/** The ARM type a template writes before its API version, with `@` (the version left out): undefined when the type itself is not written. */
function writtenType(expr: Expr): string | undefined {
  const e = unwrap(expr);
  if (e.kind !== 'template') return undefined;
  let text = '';
  for (const part of e.parts) {
    if (part.kind !== 'text') break;
    text += part.value;
  }
  const at = text.indexOf('@');
  return at > 0 ? text.slice(0, at + 1) : undefined;
}

function parsedJson(text: string): Value {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Value) : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

function unwrap(expr: Expr): Expr {
  let e = expr;
  while (e.kind === 'paren') e = e.expr;
  return e;
}

const isObject = (v: Value | undefined): v is { [key: string]: Value } => v !== null && v !== undefined && v !== UNKNOWN && typeof v === 'object' && !Array.isArray(v);

/** A key of an object, as ARM reads property names: without regard to case. */
function entry(object: { [key: string]: Value }, key: string): Value | undefined {
  if (key in object) return object[key];
  const lower = key.toLowerCase();
  const found = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : object[found];
}

/**
 * The item of `key` written in an object expression (the last one written), or in the
 * objects a `merge(...)` is given (the last that has it wins, as merge does).
 */
function itemOf(expr: Expr | undefined, key: string): { expr: Expr; line: number } | undefined {
  if (!expr) return undefined;
  const e = unwrap(expr);
  const lower = key.toLowerCase();
  if (e.kind === 'object') {
    for (let i = e.items.length - 1; i >= 0; i--) {
      const item = e.items[i]!;
      const name = item.keyName ?? (item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value : undefined);
      if (name?.toLowerCase() === lower) return { expr: item.value, line: item.line };
    }
    return undefined;
  }
  if (e.kind === 'call' && e.name === 'merge') {
    for (let i = e.args.length - 1; i >= 0; i--) {
      const found = itemOf(e.args[i], key);
      if (found) return found;
    }
  }
  return undefined;
}

/** A property of the body at `path` (`['properties', 'minimumTlsVersion']`). */
export function armProperty(arm: ArmResource, path: readonly string[]): ArmProperty {
  let value: Value | undefined = arm.body;
  let expr = arm.expr;
  let line = arm.line;
  for (const key of path) {
    if (value === undefined || value === null) return { state: 'absent', line };
    if (!isObject(value)) return { state: 'unknown', line };
    const item = itemOf(expr, key);
    expr = item?.expr;
    if (item) line = item.line;
    value = entry(value, key);
  }
  if (value === undefined || value === null) return { state: 'absent', line };
  if (value === UNKNOWN) return { state: 'unknown', line };
  return { state: 'set', value, line };
}

/**
 * The elements of an array property the body sets, each with its line: an element's own
 * where the array is written out (a tuple), else the property's. Undefined when the property
 * is not an array the body sets.
 */
export function armElements(arm: ArmResource, path: readonly string[]): Array<{ value: Value; line: number }> | undefined {
  const found = armProperty(arm, path);
  if (found.state !== 'set' || !Array.isArray(found.value)) return undefined;
  let expr = arm.expr;
  for (const key of path) expr = itemOf(expr, key)?.expr;
  const written = expr ? unwrap(expr) : undefined;
  const items = written?.kind === 'tuple' && written.items.length === found.value.length ? written.items : undefined;
  return found.value.map((value, i) => ({ value, line: items?.[i]?.line ?? found.line }));
}

/**
 * Whether a property the body sets has its value only from a variable's default: read with
 * only what a definitions file or a module call gives (rules/instances.ts `chosenInstance`),
 * it cannot be told, so no one chose it for this deployment (as `setByDefaultOnly` tells
 * of a setting). Its own expression is read where the body writes it out; the properties
 * of a JSON text are not told apart (false).
 */
export function armSetByDefaultOnly(input: TfInput, arm: ArmResource, path: readonly string[]): boolean {
  if (!arm.expr || armProperty(arm, path).state !== 'set') return false;
  let expr: Expr = arm.expr;
  let rest = path;
  for (const [i, key] of path.entries()) {
    const item = itemOf(expr, key);
    if (!item) break;
    expr = item.expr;
    rest = path.slice(i + 1);
  }
  let value: Value | undefined = valueIn(chosenInstance(input), expr);
  if (rest.length > 0 && typeof valueIn(fileInstance(input), expr) === 'string') {
    if (typeof value !== 'string') return false;
    value = parsedJson(value);
  }
  for (const key of rest) {
    if (!isObject(value)) return true;
    value = entry(value, key);
  }
  return value === undefined || value === null || value === UNKNOWN;
}

/** Whether the body may hold the property: set, or unknown (a body, or an object on its path, that cannot be told). */
export function mayHold(arm: ArmResource, path: readonly string[]): boolean {
  return armProperty(arm, path).state !== 'absent';
}

/**
 * The value ARM gives a property the body leaves out, by API version: `defaults` lists
 * [the first API version it applies from, value] in order (`['', x]` from the first). With
 * an API version that cannot be read, the value only when every version has the same.
 */
export function armDefault(defaults: ReadonlyArray<readonly [string, Value]>, apiVersion: string | undefined): Value | undefined {
  if (defaults.length === 0) return undefined;
  if (apiVersion === undefined) {
    const first = defaults[0]![1];
    return defaults.every(([, v]) => v === first) ? first : undefined;
  }
  let found: Value | undefined;
  // API versions are dates (YYYY-MM-DD, maybe `-preview`): as text, they sort in time.
  for (const [from, value] of defaults) if (apiVersion.slice(0, 10) >= from) found = value;
  return found;
}

/**
 * The azapi_update_resource instances of the module that patch this resource (their
 * resource_id names it): what they set replaces what the resource's body says.
 */
export function patchesOf(input: TfInput, arm: ArmResource): ArmResource[] {
  if (arm.update) return [];
  return referrers(input, arm.resource, [AZAPI_UPDATE], 'resource_id').flatMap((r) => {
    const patch = armResource(input, r);
    return patch ? [patch] : [];
  });
}

/** A label for messages: `azapi_resource.data (Microsoft.Storage/storageAccounts@2023-05-01)`. */
export function armTypeText(arm: ArmResource): string {
  return arm.apiVersion ? `${arm.armType}@${arm.apiVersion}` : arm.armType;
}
