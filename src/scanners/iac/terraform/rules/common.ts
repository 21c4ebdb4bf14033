import { rule, type IacRule } from '../../rule.js';
import type { Expr } from '../hcl/ast.js';
import { UNKNOWN, evaluate, type Value } from '../hcl/evaluate.js';
import { attribute, blocksOf, type TfInput } from '../model.js';
import type { Block } from '../hcl/ast.js';

export type TfRule = IacRule<TfInput>;

export const tfRule = (definition: Omit<TfRule, 'platform' | 'tags'>): TfRule => rule({ ...definition, platform: 'terraform' });

/**
 * The settings of nested configuration written either as blocks (`ingress { ... }`) or
 * as an attribute holding objects (`ingress = [{ ... }]`), each with its line and a
 * reader for its fields.
 */
export interface Section {
  line: number;
  get(name: string): Value | undefined;
  lineOf(name: string): number;
  block?: Block;
}

export function sections(input: TfInput, owner: Block, name: string): Section[] {
  const out: Section[] = [];
  for (const block of blocksOf(owner, name)) {
    out.push({
      line: block.line,
      block,
      get: (field) => {
        const a = attribute(block, field);
        return a ? evaluate(a.expr, input.scope) : undefined;
      },
      lineOf: (field) => attribute(block, field)?.line ?? block.line,
    });
  }
  const a = attribute(owner, name);
  if (a) {
    const items: Expr[] = a.expr.kind === 'tuple' ? a.expr.items : a.expr.kind === 'object' ? [a.expr] : [];
    for (const item of items) {
      if (item.kind !== 'object') continue;
      out.push({
        line: item.line,
        get: (field) => {
          const entry = item.items.find((i) => i.keyName === field);
          return entry ? evaluate(entry.value, input.scope) : undefined;
        },
        lineOf: (field) => item.items.find((i) => i.keyName === field)?.line ?? item.line,
      });
    }
  }
  return out;
}

export function known(value: Value | undefined): value is Exclude<Value, typeof UNKNOWN> {
  return value !== undefined && value !== UNKNOWN;
}
