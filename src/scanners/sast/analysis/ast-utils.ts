import type { AstNode } from '../source/parse.js';

/** Small questions about AST nodes: names in patterns and keys, bounded searches of expressions. */

const mayRefineCache = new WeakMap<AstNode, boolean>();
const assignsCache = new WeakMap<AstNode, boolean>();

/** Could a guard refine anything on a branch of this test (comparisons, membership and validator calls)? */
export function mayRefine(node: AstNode): boolean {
  return cachedSearch(mayRefineCache, node, (n) => n.type === 'BinaryExpression' || n.type === 'CallExpression', 40);
}

/** Does evaluating this expression assign a variable (so branches must keep separate states)? */
export function assigns(node: AstNode): boolean {
  return cachedSearch(assignsCache, node, (n) => n.type === 'AssignmentExpression' || n.type === 'UpdateExpression', 200);
}

function cachedSearch(cache: WeakMap<AstNode, boolean>, node: AstNode, test: (n: AstNode) => boolean, limit: number): boolean {
  let cached = cache.get(node);
  if (cached === undefined) {
    cached = containsNode(node, test, limit);
    cache.set(node, cached);
  }
  return cached;
}

/** A bounded search of an expression, not entering functions; "true" when the bound is hit. */
function containsNode(root: AstNode, test: (n: AstNode) => boolean, limit: number): boolean {
  const stack: AstNode[] = [root];
  let seen = 0;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (++seen > limit) return true;
    if (test(n)) return true;
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'ClassExpression') continue;
    pushChildren(stack, n);
  }
  return false;
}

/** Pushes the child nodes of `n` onto a work stack (bounded AST searches). */
export function pushChildren(stack: AstNode[], n: AstNode): void {
  for (const key in n) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const child = (n as Record<string, unknown>)[key];
    if (Array.isArray(child)) {
      for (const c of child) if (c && typeof c === 'object' && typeof (c as AstNode).type === 'string') stack.push(c as AstNode);
    } else if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string') stack.push(child as AstNode);
  }
}

export function importedName(node: AstNode): string {
  return node.type === 'Identifier' ? node.name : String(node.value);
}

export function propertyKeyName(key: AstNode): string | null {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'Literal') return String(key.value);
  if (key.type === 'PrivateIdentifier') return `#${key.name}`;
  return null;
}

/** Names bound by a binding pattern (declarations, parameters, destructuring). */
export function patternNamesOf(pattern: AstNode | null | undefined): string[] {
  switch (pattern?.type) {
    case 'Identifier':
      return [pattern.name];
    case 'ObjectPattern':
      return pattern.properties.flatMap((p: AstNode) => patternNamesOf(p.type === 'RestElement' ? p.argument : p.value));
    case 'ArrayPattern':
      return pattern.elements.flatMap((e: AstNode | null) => (e ? patternNamesOf(e) : []));
    case 'RestElement':
      return patternNamesOf(pattern.argument);
    case 'AssignmentPattern':
      return patternNamesOf(pattern.left);
    case 'TSParameterProperty':
      return patternNamesOf(pattern.parameter);
    default:
      return [];
  }
}

export function constructorParams(classNode: AstNode): AstNode[] {
  const ctor = classNode.body.body.find((m: AstNode) => m.type === 'MethodDefinition' && m.kind === 'constructor');
  return ctor?.value?.params ?? [];
}

/**
 * Whether every `return` of a function gives a fresh empty container (`return isIndex(k) ? [] : {}`;
 * falling off the end gives undefined, which holds nothing either): its result, stored on a path,
 * is a container on the way to the data like a literal `{}`.
 */
export function returnsFreshContainer(fn: AstNode): boolean {
  if (fn.generator || fn.async) return false;
  if (fn.body?.type !== 'BlockStatement') return fn.body ? freshContainer(fn.body) : false;
  let returns = 0;
  const stack: AstNode[] = [fn.body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' || n.type === 'FunctionDeclaration' || n.type === 'ClassExpression' || n.type === 'ClassDeclaration') continue;
    if (n.type === 'ReturnStatement') {
      if (!n.argument || !freshContainer(n.argument)) return false;
      returns++;
      continue;
    }
    pushChildren(stack, n);
  }
  return returns > 0;
}

/** A fresh empty object or array (`{}`, `[]`, `isArray ? [] : {}`): a container on the way to the data. */
export function freshContainer(node: AstNode): boolean {
  if (node.type === 'ParenthesizedExpression') return freshContainer(node.expression);
  if (node.type === 'ConditionalExpression') return freshContainer(node.consequent) && freshContainer(node.alternate);
  return (node.type === 'ObjectExpression' && node.properties.length === 0) || (node.type === 'ArrayExpression' && node.elements.length === 0);
}
