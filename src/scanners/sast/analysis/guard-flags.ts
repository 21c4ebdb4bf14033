import type { AstNode } from '../source/parse.js';
import type { Analyzer } from './analyzer.js';
import type { Binding, Scope } from './frame.js';
import { effects } from './effects.js';
import { mayRefine, pushChildren } from './ast-utils.js';

/**
 * Guard flags: `const ok = isSafePath(p); if (!ok) return;` refines p as `if (!isSafePath(p))`
 * would. A const or let declared with an expression is remembered with the write counts of
 * the variables the expression reads; testing the variable refines by the expression itself,
 * in the same function, while neither the flag nor those variables (nor member paths rooted
 * at them) were written since. Writes are counted in analysis order, so a write on any branch
 * or loop pass in between forgets the flag.
 */

export interface GuardFlag {
  test: AstNode;
  scope: Scope;
  writes: number;
  deps: [Binding, number][];
}

/** Flags being expanded now (a flag read in another flag's expression). */
const expanding = new Set<Binding>();

/** Remembers `const name = init` when the expression could be a guard. */
export function recordFlag(an: Analyzer, name: string, init: AstNode, scope: Scope): void {
  const b = scope.lookup(name);
  if (!b || b.frame !== an.frame) return;
  b.guardFlag = undefined;
  if (!mayRefine(init)) return;
  const deps = dependencies(init, scope);
  if (deps) b.guardFlag = { test: init, scope, writes: b.writes, deps: deps.map((d) => [d, d.writes]) };
}

/** Guards are short expressions: larger ones are not remembered. */
const MAX_NODES = 200;

/** The variables an expression reads, or null when it reads `this` (member paths on it are not counted) or is too large. */
function dependencies(root: AstNode, scope: Scope): Binding[] | null {
  let names = namesRead.get(root);
  if (names === undefined) {
    names = readNames(root);
    namesRead.set(root, names);
  }
  if (!names) return null;
  const out = new Set<Binding>();
  for (const name of names) {
    const b = scope.lookup(name);
    if (b) out.add(b);
  }
  return [...out];
}

/** The names of the variables an expression reads, per expression (declarations run once per pass and context). */
const namesRead = new WeakMap<AstNode, string[] | null>();

function readNames(root: AstNode): string[] | null {
  const out: string[] = [];
  const stack: AstNode[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (++seen > MAX_NODES) return null;
    switch (n.type) {
      case 'ThisExpression':
        return null;
      case 'Identifier':
        out.push(n.name);
        continue;
      case 'MemberExpression':
        stack.push(n.object);
        if (n.computed) stack.push(n.property);
        continue;
      case 'Property':
        if (n.computed) stack.push(n.key);
        stack.push(n.value);
        continue;
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
      case 'ClassExpression':
        continue;
      default:
        pushChildren(stack, n);
    }
  }
  return out;
}

function live(an: Analyzer, node: AstNode, scope: Scope): [Binding, GuardFlag] | null {
  if (node.type !== 'Identifier') return null;
  const b = scope.lookup(node.name);
  if (!b || b.frame !== an.frame || b.capturedWrite || expanding.has(b)) return null;
  const flag = b.guardFlag;
  if (!flag || flag.writes !== b.writes || flag.deps.some(([d, w]) => d.writes !== w)) return null;
  // Whether a flag is live depends on write counts that every loop pass moves: a pass that used one is not repeated as is.
  effects.count++;
  return [b, flag];
}

/** Refines by the expression a live flag holds (`refine` is the caller's refinement of a test). */
export function refineByFlag(an: Analyzer, node: AstNode, scope: Scope, refine: (test: AstNode, scope: Scope) => void): void {
  const found = live(an, node, scope);
  if (!found) return;
  const [b, flag] = found;
  expanding.add(b);
  try {
    refine(flag.test, flag.scope);
  } finally {
    expanding.delete(b);
  }
}

/** mayRefine, and also a test that reads a live flag (`ok`, `!ok`). */
export function testMayRefine(an: Analyzer, node: AstNode, scope: Scope): boolean {
  if (mayRefine(node)) return true;
  let n = node;
  while (n.type === 'UnaryExpression' && n.operator === '!') n = n.argument;
  while (n.type === 'ParenthesizedExpression') n = n.expression;
  return live(an, n, scope) !== null;
}
