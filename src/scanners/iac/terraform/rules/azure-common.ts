import type { Severity } from '../../../../core/finding.js';
import type { Hit } from '../../rule.js';
import type { Block } from '../hcl/ast.js';
import type { Value } from '../hcl/evaluate.js';
import { attribute, blocksOf, label, resourcesOf, type TfInput, type TfResource } from '../model.js';
import { requiresAtLeast } from '../provider-versions.js';
import { known } from './common.js';
import { fileInstance, instancesOf, sectionsIn, setByDefaultOnly, valueIn, type Instance } from './instances.js';

/**
 * Reading azurerm settings. The provider renamed many of them between major versions
 * (`enable_https_traffic_only` became `https_traffic_only_enabled`, `min_tls_version`
 * of an app's site_config became `minimum_tls_version`), so a setting is looked up by
 * all its names. Its value is read in every instance of the resource (for_each, count),
 * and a value that cannot be read is never a finding.
 */
export interface Setting {
  /** The name the file uses. */
  name: string;
  line: number;
  /** The value in each instance of the resource. */
  values: Value[];
}

/**
 * `names` in `owner`: a block of the resource (read in each of its instances), or a nested
 * section that `sectionAt` found (read in the instance it is made in, with the iterators
 * of the dynamic blocks on its path bound).
 */
export function setting(input: TfInput, resource: TfResource, owner: Block | Nested, names: readonly string[]): Setting | undefined {
  const nested = 'instance' in owner ? owner : undefined;
  const block = nested ? nested.block : (owner as Block);
  for (const name of names) {
    const a = attribute(block, name);
    if (a && nested) return { name, line: a.line, values: [valueIn(nested.instance, a.expr)] };
    // A subject is one instance already (resourcesOf: instancesOf gives it alone); a companion
    // found by reference (publicAccessOff of the storage account a network rule names) is the
    // resource as written, read here in each of its instances.
    if (a) return { name, line: a.line, values: instancesOf(resource.block, fileInstance(input)).map((instance) => valueIn(instance, a.expr)) };
  }
  return undefined;
}

/** A nested block of a subject found by `sectionAt` or `sectionsAt`, with the instance its settings are read in. */
export interface Nested {
  block: Block;
  line: number;
  instance: Instance;
}

/**
 * The nested blocks on a path (`site_config`, `threat_detection_policy`) of a subject, read
 * where they are made: a `dynamic` block gives one block per element of a for_each that can
 * be read, with its iterator bound (`for_each = [var.site_config]`, `minimum_tls_version =
 * site_config.value.minimum_tls_version`, as modules write them), and none when its
 * for_each is known to be empty (sectionsIn with made).
 */
export function sectionsAt(input: TfInput, block: Block, ...path: string[]): Nested[] {
  let current: Nested[] = [{ block, line: block.line, instance: fileInstance(input) }];
  for (const name of path)
    current = current.flatMap((owner) => sectionsIn(owner.block, name, owner.instance, { made: true }).flatMap((s) => (s.block ? [{ block: s.block, line: s.line, instance: s.instance }] : [])));
  return current;
}

/** The first nested block on a path as `sectionsAt` reads it, or undefined. */
export function sectionAt(input: TfInput, block: Block, ...path: string[]): Nested | undefined {
  return sectionsAt(input, block, ...path)[0];
}

/**
 * A setting read in at least one instance. `holds` and `always` narrow to it: when they
 * are true the setting exists, but when they are false it may exist all the same (a
 * plain `Setting` guard would narrow it to undefined in the else branch).
 */
export type ReadSetting = Setting & { values: [Value, ...Value[]] };

/** Whether some instance gives the setting a known value that `bad` picks. */
export function holds(found: Setting | undefined, bad: (value: Value) => boolean): found is ReadSetting {
  return !!found && found.values.some((v) => known(v) && bad(v));
}

/** Whether every instance gives the setting a known value that `good` accepts. */
export function always(found: Setting | undefined, good: (value: Value) => boolean): found is ReadSetting {
  return !!found && found.values.every((v) => known(v) && good(v));
}

/**
 * Whether some instance leaves the setting at the provider's default: it is not written,
 * or it is given null (`x = var.x` with an optional variable left at null), which
 * Terraform reads as not set.
 */
export const defaulted = (found: Setting | undefined): boolean => !found || found.values.some((v) => v === null);

/**
 * The severity of a finding on a value the file writes for a top-level setting of the
 * resource: low, as if left at the default, when only a variable's default gives it
 * (instances.ts `setByDefaultOnly`: a module's variable that no caller or definitions file
 * sets, which no one chose for this deployment); else the rule's own (undefined).
 */
export const writtenSeverity = (input: TfInput, resource: TfResource, found: Setting): Severity | undefined => (setByDefaultOnly(input, resource.block, [found.name]) ? 'low' : undefined);

/** Whether the setting cannot be read in some instance (a variable without default, a reference). */
export const unreadable = (found: Setting | undefined): boolean => !!found && found.values.some((v) => !known(v));

/**
 * Whether every instance of the resource turns public network access off
 * (public_network_access_enabled = false): no address on the internet reaches it, so its
 * network rules and anonymous access settings are not exposed there.
 */
export function publicAccessOff(input: TfInput, resource: TfResource): boolean {
  return always(setting(input, resource, resource.block, ['public_network_access_enabled']), isOff);
}

/** A flexible server's delegated_subnet_id that integrates it into a virtual network: set and not empty (one known only at apply counts). */
export function delegatesSubnet(value: Value): boolean {
  return value !== null && !(typeof value === 'string' && value.trim() === '');
}

/**
 * Whether no instance of a database, cache or workspace server has an endpoint on the
 * internet: public access turned off (public_network_access_enabled = false, or MySQL
 * flexible's public_network_access = "Disabled"), or a flexible server created with
 * virtual network integration (delegated_subnet_id, read as given when it names a subnet
 * known only at apply). Its firewall rules then admit nobody.
 */
export function noPublicEndpoint(input: TfInput, server: TfResource): boolean {
  if (server.type === 'azurerm_sql_server') return false;
  const flag = setting(input, server, server.block, ['public_network_access_enabled', 'public_network_access']);
  const subnet = /_flexible_server$/.test(server.type) ? setting(input, server, server.block, ['delegated_subnet_id']) : undefined;
  const count = Math.max(flag?.values.length ?? 1, subnet?.values.length ?? 1);
  for (let i = 0; i < count; i++) {
    if (delegatesSubnet(subnet?.values[i] ?? null)) continue;
    const value = flag?.values[i] ?? null;
    if (!known(value) || !(isOff(value) || text(value) === 'disabled')) return false;
  }
  return true;
}

/**
 * Whether the module's required_providers admit only azurerm `major`.0 and later: a
 * default that release changed is then the one that applies. Without a constraint, or
 * with one that admits an earlier release, the earlier default may apply.
 */
export const azurermFrom = (input: TfInput, major: number): boolean => requiresAtLeast(input.requiredVersions?.('azurerm') ?? [], major);

/** Whether the module constrains the azurerm version at all. */
export const pinsAzurerm = (input: TfInput): boolean => (input.requiredVersions?.('azurerm') ?? []).length > 0;

/** A value as lower-case text: strings, numbers and booleans (`1.2` and `"1.2"` read alike). */
export function text(value: Value): string | undefined {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export const isOn = (value: Value): boolean => value === true || text(value) === 'true';
export const isOff = (value: Value): boolean => value === false || text(value) === 'false';

/** The first nested block on a path (`site_config`, `network_profile`), or undefined. */
export function blockAt(block: Block, ...path: string[]): Block | undefined {
  let current: Block | undefined = block;
  for (const name of path) current = current ? blocksOf(current, name)[0] : undefined;
  return current;
}

/**
 * Server parameters set by configuration resources (`azurerm_postgresql_configuration`,
 * `azurerm_mysql_flexible_server_configuration`...) whose `name` is one of `names`,
 * with their `value` setting.
 */
export function* serverParameters(input: TfInput, types: readonly string[], names: readonly string[]): Generator<{ resource: TfResource; parameter: string; value: Setting }> {
  for (const resource of resourcesOf(input, ...types)) {
    const parameter = setting(input, resource, resource.block, ['name'])?.values.map(text).find((n) => n !== undefined && names.includes(n));
    const value = setting(input, resource, resource.block, ['value']);
    if (parameter && value) yield { resource, parameter, value };
  }
}

export function finding(resource: TfResource, line: number, message: string, severity?: Severity): Hit {
  return severity ? { line, message, resource: label(resource), severity } : { line, message, resource: label(resource) };
}

/** The web and function apps of the current generation of the provider (azurerm 3.0 and later), by operating system, with their deployment slots. */
export const OS_APP_TYPES = [
  'azurerm_linux_web_app',
  'azurerm_linux_web_app_slot',
  'azurerm_windows_web_app',
  'azurerm_windows_web_app_slot',
  'azurerm_linux_function_app',
  'azurerm_linux_function_app_slot',
  'azurerm_windows_function_app',
  'azurerm_windows_function_app_slot',
] as const;

/** The web and function apps of both generations of the provider, with their deployment slots. */
export const APP_TYPES = ['azurerm_app_service', 'azurerm_app_service_slot', 'azurerm_function_app', 'azurerm_function_app_slot', ...OS_APP_TYPES] as const;

/** Every App Service app with https_only and a site_config: the web and function apps above, Flex Consumption function apps and Standard logic apps. */
export const HOSTED_APP_TYPES = [...APP_TYPES, 'azurerm_function_app_flex_consumption', 'azurerm_logic_app_standard'] as const;
