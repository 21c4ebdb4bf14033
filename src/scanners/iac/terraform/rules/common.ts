import { rule, type IacRule } from '../../rule.js';
import type { Block } from '../hcl/ast.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { attribute, valueOf, type TfInput } from '../model.js';
import { fileInstance, sectionsIn, type Instance, type Section } from './instances.js';
import { namingInstances } from './instance-findings.js';

export type { Instance, Section } from './instances.js';

export type TfRule = IacRule<TfInput>;

/**
 * A Terraform rule. Its subjects (resourcesOf) include each instance of a resource with
 * for_each or count; the findings that instances share are one (namingInstances).
 */
export const tfRule = (definition: Omit<TfRule, 'platform' | 'tags'>): TfRule => rule({ ...definition, check: (input) => namingInstances(input, definition.check(input)), platform: 'terraform' });

/**
 * The settings of nested configuration written as blocks (`ingress { ... }`), as
 * `dynamic "ingress"` blocks (one section per element of a for_each that can be read,
 * with the iterator bound), or as an attribute holding objects (`ingress = [{ ... }]`),
 * each with its line and a reader for its fields. Read in the file's scope, or in
 * `instance` (one instance of a resource with for_each or count: see instances.ts).
 * The elements of one dynamic block share its lines: a rule whose message names an
 * element's values reports one finding per line.
 */
export function sections(input: TfInput, owner: Block, name: string, instance: Instance = fileInstance(input)): Section[] {
  return sectionsIn(owner, name, instance);
}

export function known(value: Value | undefined): value is Exclude<Value, typeof UNKNOWN> {
  return value !== undefined && value !== UNKNOWN;
}

/** Whether a setting is given a value: written, and not null (a module's variable left at a null default omits it). */
export function given(input: TfInput, block: Block, name: string): boolean {
  return attribute(block, name) !== undefined && valueOf(input, block, name) !== null;
}
