import type { AstNode } from '../source/parse.js';
import { patternNamesOf } from './ast-utils.js';

/**
 * What a function body or block declares, computed once per node (the static half of
 * scoping; bindings are created per analysis context from it).
 */
export interface Declarations {
  /** `var` names hoisted to this function (function bodies and programs only). */
  vars: string[];
  /** let/const/class names of this block. */
  lexical: string[];
  /** Function declarations initialised when the block is entered. */
  functions: AstNode[];
}

const cache = new WeakMap<AstNode, Declarations>();

/** Declarations of a function body / program (`hoistVars`) or of a block. */
export function declarationsOf(block: AstNode, statements: readonly AstNode[], hoistVars: boolean): Declarations {
  const cached = cache.get(block);
  if (cached) return cached;
  const vars = new Set<string>();
  const lexical: string[] = [];
  const functions: AstNode[] = [];
  for (const raw of statements) {
    const statement = unwrapExport(raw);
    if (!statement) continue;
    if (statement.type === 'FunctionDeclaration' && statement.id) functions.push(statement);
    else if (statement.type === 'ClassDeclaration' && statement.id) lexical.push(statement.id.name);
    else if (statement.type === 'VariableDeclaration' && statement.kind !== 'var') {
      for (const d of statement.declarations) for (const name of patternNamesOf(d.id)) lexical.push(name);
    } else if (statement.type === 'TSEnumDeclaration' && statement.id) lexical.push(statement.id.name);
    else if (statement.type === 'TSModuleDeclaration' && statement.id?.type === 'Identifier') lexical.push(statement.id.name);
    else if (statement.type === 'TSImportEqualsDeclaration' && statement.id) lexical.push(statement.id.name);
  }
  if (hoistVars) for (const statement of statements) collectVars(statement, vars);
  const result = { vars: [...vars], lexical, functions };
  cache.set(block, result);
  return result;
}

function unwrapExport(statement: AstNode): AstNode | null {
  if (statement.type === 'ExportNamedDeclaration') return statement.declaration ?? null;
  if (statement.type === 'ExportDefaultDeclaration') {
    const d = statement.declaration;
    return d && (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id ? d : null;
  }
  return statement;
}

/** `var` declarations anywhere in a statement, not entering nested functions. */
function collectVars(node: AstNode | null | undefined, out: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  switch (node.type) {
    case 'VariableDeclaration':
      if (node.kind === 'var') for (const d of node.declarations) for (const name of patternNamesOf(d.id)) out.add(name);
      return;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ClassDeclaration':
    case 'ClassExpression':
      return;
    case 'ExportNamedDeclaration':
      collectVars(node.declaration, out);
      return;
    case 'BlockStatement':
    case 'StaticBlock':
      for (const s of node.body) collectVars(s, out);
      return;
    case 'IfStatement':
      collectVars(node.consequent, out);
      collectVars(node.alternate, out);
      return;
    case 'ForStatement':
      collectVars(node.init, out);
      collectVars(node.body, out);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      collectVars(node.left, out);
      collectVars(node.body, out);
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'LabeledStatement':
    case 'WithStatement':
      collectVars(node.body, out);
      return;
    case 'TryStatement':
      collectVars(node.block, out);
      collectVars(node.handler?.body, out);
      collectVars(node.finalizer, out);
      return;
    case 'SwitchStatement':
      for (const c of node.cases) for (const s of c.consequent) collectVars(s, out);
      return;
    default:
      return;
  }
}
