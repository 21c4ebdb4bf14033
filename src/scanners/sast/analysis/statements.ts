import type { Analyzer } from './analyzer.js';
import type { AstNode } from '../source/parse.js';
import { declarationsOf } from './declarations.js';
import { Binding, Scope, State, lastBindingId, type JumpTarget } from './frame.js';
import { effects } from './effects.js';
import { ALL_CLASSES, EMPTY, join, sanitize, withStep, withoutStringFacts, type Value } from './value.js';
import { refineAfterCall, refineByTest } from '../models/guards.js';
import { refineResponse } from '../models/content-type.js';
import { requireModule } from './modules.js';
import { assignPattern, refine, writeBinding } from './bindings.js';
import { keysOf, elementsOf } from './objects.js';
import { makeClosure, makeClass } from './closures.js';
import { locOf, snippet, frameName } from './taint-points.js';
import { evaluate } from './expressions.js';
import { importedName, patternNamesOf } from './ast-utils.js';
import { recordFlag } from './guard-flags.js';

/** Statements: blocks and declarations, branches, loops (run until their state is stable, bounded), try, switch, labels and jumps. */

export const LOOP_PASSES = 3;

/** A function body or program: hoisted vars and functions, then the statements. */
export function execBody(an: Analyzer, owner: AstNode, body: AstNode[], scope: Scope): void {
  const decls = declarationsOf(owner, body, true);
  for (const name of decls.vars) {
    if (!scope.vars.has(name)) scope.declare(name);
  }
  execStatements(an, owner, body, scope);
}

/** Statements of a block: lexical declarations and function declarations first. */
function execStatements(an: Analyzer, owner: AstNode, body: AstNode[], scope: Scope): void {
  const decls = declarationsOf(owner, body, false);
  for (const name of decls.lexical) scope.declare(name);
  for (const fn of decls.functions) {
    const b = scope.declare(fn.id.name);
    writeBinding(an, b, makeClosure(an, fn, scope));
  }
  for (const statement of body) {
    if (an.frame!.state.dead) break;
    exec(an, statement, scope);
  }
}

export function exec(an: Analyzer, node: AstNode, scope: Scope): void {
  const frame = an.frame!;
  switch (node.type) {
    case 'ExpressionStatement':
      evaluate(an, node.expression, scope);
      refineAfterCall(an, node.expression, scope);
      refineResponse(an, node.expression, scope);
      return;
    case 'VariableDeclaration':
      for (const d of node.declarations) {
        if (d.init) {
          const value = evaluate(an, d.init, scope);
          assignPattern(an, d.id, value, scope, true, d);
          if (node.kind !== 'var' && d.id.type === 'Identifier') recordFlag(an, d.id.name, d.init, scope);
        } else if (node.kind !== 'var' && d.id.type === 'Identifier') {
          const b = scope.lookup(d.id.name);
          if (b && b.frame === frame) {
            b.writes++;
            frame.state.set(b, EMPTY);
          }
        }
      }
      return;
    case 'FunctionDeclaration':
      return; // hoisted
    case 'ClassDeclaration': {
      const cls = makeClass(an, node, scope);
      if (node.id) writeBinding(an, scope.lookup(node.id.name) ?? scope.declare(node.id.name), cls);
      return;
    }
    case 'ReturnStatement': {
      let value = node.argument ? evaluate(an, node.argument, scope) : EMPTY;
      if (value.taint.length > 0) value = withStep(value, locOf(an, node), `returned from ${frameName(an, frame)}`);
      frame.returns = join(frame.returns, value);
      frame.observer?.onReturn(node.argument ?? null, scope);
      frame.state.dead = true;
      return;
    }
    case 'ThrowStatement':
      frame.thrown = join(frame.thrown, evaluate(an, node.argument, scope));
      frame.state.dead = true;
      return;
    case 'IfStatement':
      execIf(an, node, scope);
      return;
    case 'BlockStatement':
    case 'StaticBlock':
      execStatements(an, node, node.body, new Scope(scope, frame));
      return;
    case 'ForStatement':
      execFor(an, node, scope);
      return;
    case 'ForInStatement':
    case 'ForOfStatement':
      execForInOf(an, node, scope);
      return;
    case 'WhileStatement':
    case 'DoWhileStatement':
      execWhile(an, node, scope);
      return;
    case 'TryStatement':
      execTry(an, node, scope);
      return;
    case 'SwitchStatement':
      execSwitch(an, node, scope, null);
      return;
    case 'LabeledStatement':
      execLabeled(an, node, scope);
      return;
    case 'BreakStatement':
    case 'ContinueStatement':
      jump(an, node);
      return;
    case 'ExportNamedDeclaration':
      execExportNamed(an, node, scope);
      return;
    case 'ExportDefaultDeclaration':
      execExportDefault(an, node, scope);
      return;
    case 'TSExportAssignment': {
      const value = evaluate(an, node.expression, scope);
      const rec = an.modules.get(frame.moduleId);
      if (rec) rec.moduleObj.set('exports', value);
      return;
    }
    case 'TSImportEqualsDeclaration': {
      const ref = node.moduleReference;
      if (ref?.type === 'TSExternalModuleReference') {
        const value = requireModule(an, frame.moduleId, ref.expression.value);
        writeBinding(an, scope.lookup(node.id.name) ?? scope.declare(node.id.name), value);
      }
      return;
    }
    case 'TSEnumDeclaration':
    case 'TSModuleDeclaration':
    case 'TSInterfaceDeclaration':
    case 'TSTypeAliasDeclaration':
    case 'TSDeclareFunction':
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'EmptyStatement':
    case 'DebuggerStatement':
      return;
    case 'WithStatement':
      evaluate(an, node.object, scope);
      exec(an, node.body, scope);
      return;
    default:
      return;
  }
}

function execExportNamed(an: Analyzer, node: AstNode, scope: Scope): void {
  const rec = an.modules.get(an.frame!.moduleId);
  if (node.declaration) {
    exec(an, node.declaration, scope);
    const d = node.declaration;
    const names: string[] =
      d.type === 'VariableDeclaration' ? d.declarations.flatMap((x: AstNode) => patternNamesOf(x.id)) : d.id?.type === 'Identifier' ? [d.id.name] : [];
    for (const name of names) {
      const b = scope.lookup(name);
      if (b && rec) rec.esmExports.set(name, b);
    }
    return;
  }
  if (node.source || !rec) return;
  for (const s of node.specifiers) {
    if (s.exportKind === 'type') continue;
    const local = importedName(s.local);
    const b = scope.lookup(local);
    if (b) rec.esmExports.set(importedName(s.exported), b.importRef ?? b);
  }
}

function execExportDefault(an: Analyzer, node: AstNode, scope: Scope): void {
  const rec = an.modules.get(an.frame!.moduleId);
  const d = node.declaration;
  let b: Binding;
  if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
    if (d.type === 'ClassDeclaration') exec(an, d, scope);
    b = scope.lookup(d.id.name)!;
  } else {
    const value =
      d.type === 'FunctionDeclaration' ? makeClosure(an, d, scope) : d.type === 'ClassDeclaration' ? makeClass(an, d, scope) : evaluate(an, d, scope);
    b = scope.declare('*default*');
    writeBinding(an, b, value);
  }
  if (rec) rec.esmExports.set('default', b);
}

function execIf(an: Analyzer, node: AstNode, scope: Scope): void {
  const frame = an.frame!;
  evaluate(an, node.test, scope);
  const before = frame.state;
  const thenState = before.clone();
  frame.state = thenState;
  refineByTest(an, node.test, scope, true);
  exec(an, node.consequent, scope);
  const afterThen = frame.state;
  const elseState = before.clone();
  frame.state = elseState;
  refineByTest(an, node.test, scope, false);
  if (node.alternate) exec(an, node.alternate, scope);
  const afterElse = frame.state;
  afterElse.absorb(afterThen);
  frame.state = afterElse;
}

interface PassStart {
  effects: number;
  work: number;
  entryWork: number;
  lastBinding: number;
}

function passStart(an: Analyzer): PassStart {
  return { effects: effects.count, work: an.work, entryWork: an.entryWork, lastBinding: lastBindingId() };
}

/**
 * A loop pass that had no effects (see effects.ts) and left the loop's variables as they
 * were would be run again identically by each of the `remaining` passes: their sameAs
 * test fails only on the new block-scoped variables every pass declares. They are
 * skipped and charged to the budgets as if run, unless that would exhaust a budget
 * (the passes then run and meet the budget where they did before).
 */
function skipRepeats(an: Analyzer, start: PassStart, remaining: number): boolean {
  if (effects.count !== start.effects) return false;
  const work = (an.work - start.work) * remaining;
  const entryWork = (an.entryWork - start.entryWork) * remaining;
  if (an.work + work > an.totalBudget || an.entryWork + entryWork > an.entryBudget) return false;
  an.work += work;
  an.entryWork += entryWork;
  return true;
}

function loopTarget(label: string | null): JumpTarget {
  return { label, isLoop: true, breaks: [], continues: [] };
}

/** Runs a loop body until the state stops changing (bounded), then leaves with the joined states. */
function runLoop(an: Analyzer, target: JumpTarget, pass: () => void, testNode: AstNode | null, scope: Scope): void {
  const frame = an.frame!;
  frame.jumps.push(target);
  const entry = frame.state.clone();
  let head = frame.state.clone();
  try {
    for (let i = 0; i < LOOP_PASSES; i++) {
      frame.state = head.clone();
      const start = passStart(an);
      const floor = effects.passFloor;
      effects.passFloor = start.lastBinding;
      try {
        if (testNode) refineByTest(an, testNode, scope, true);
        pass();
      } finally {
        effects.passFloor = floor;
      }
      const next = head.clone();
      next.absorb(frame.state);
      for (const c of target.continues) next.absorb(c);
      target.continues.length = 0;
      if (next.sameAs(head)) break;
      const repeated = next.repeats(head, start.lastBinding) && skipRepeats(an, start, LOOP_PASSES - 1 - i);
      head = next;
      if (repeated) break;
    }
  } finally {
    frame.jumps.pop();
  }
  const exit = head;
  exit.absorb(entry);
  for (const b of target.breaks) exit.absorb(b);
  exit.dead = entry.dead;
  frame.state = exit;
}

function execFor(an: Analyzer, node: AstNode, scope: Scope, label: string | null = null): void {
  const frame = an.frame!;
  const loopScope = new Scope(scope, frame);
  if (node.init) {
    if (node.init.type === 'VariableDeclaration') {
      if (node.init.kind !== 'var') for (const d of node.init.declarations) for (const n of patternNamesOf(d.id)) loopScope.declare(n);
      exec(an, node.init, loopScope);
    } else evaluate(an, node.init, loopScope);
  }
  runLoop(an, 
    loopTarget(label),
    () => {
      if (node.test) evaluate(an, node.test, loopScope);
      exec(an, node.body, new Scope(loopScope, frame));
      if (node.update && !frame.state.dead) evaluate(an, node.update, loopScope);
    },
    node.test ?? null,
    loopScope,
  );
}

function execWhile(an: Analyzer, node: AstNode, scope: Scope, label: string | null = null): void {
  const frame = an.frame!;
  runLoop(an, 
    loopTarget(label),
    () => {
      evaluate(an, node.test, scope);
      exec(an, node.body, new Scope(scope, frame));
    },
    node.type === 'WhileStatement' ? node.test : null,
    scope,
  );
}

function execForInOf(an: Analyzer, node: AstNode, scope: Scope, label: string | null = null): void {
  const frame = an.frame!;
  const collection = evaluate(an, node.right, scope);
  const item = node.type === 'ForInStatement' ? keysOf(an, collection) : elementsOf(an, collection, node.await === true, node.right);
  const itemAt = item.taint.length === 0 ? item : withStep(item, locOf(an, node.left), `${node.type === 'ForInStatement' ? 'key' : 'element'} of ${snippet(an, node.right, 40)}`);
  runLoop(an, 
    loopTarget(label),
    () => {
      const bodyScope = new Scope(scope, frame);
      const left = node.left;
      if (left.type === 'VariableDeclaration') {
        const pattern = left.declarations[0].id;
        if (left.kind !== 'var') for (const n of patternNamesOf(pattern)) bodyScope.declare(n);
        assignPattern(an, pattern, itemAt, bodyScope, true, left);
      } else assignPattern(an, left, itemAt, scope, false, left);
      exec(an, node.body, bodyScope);
    },
    null,
    scope,
  );
}

function execTry(an: Analyzer, node: AstNode, scope: Scope): void {
  const frame = an.frame!;
  const before = frame.state.clone();
  const thrownBefore = frame.thrown;
  frame.thrown = EMPTY;
  exec(an, node.block, scope);
  const afterTry = frame.state;
  const thrown = frame.thrown;
  frame.thrown = thrownBefore;
  if (node.handler) {
    const catchState = before.clone();
    const tryForCatch = afterTry.clone();
    tryForCatch.dead = false;
    catchState.absorb(tryForCatch);
    frame.state = catchState;
    const catchScope = new Scope(scope, frame);
    if (node.handler.param) {
      for (const n of patternNamesOf(node.handler.param)) catchScope.declare(n);
      assignPattern(an, node.handler.param, thrown, catchScope, true, node.handler.param);
    }
    exec(an, node.handler.body, catchScope);
    const afterCatch = frame.state;
    afterCatch.absorb(afterTry);
    frame.state = afterCatch;
  } else {
    frame.state = afterTry;
  }
  if (node.finalizer) {
    const wasDead = frame.state.dead;
    frame.state.dead = false;
    exec(an, node.finalizer, scope);
    if (wasDead) frame.state.dead = true;
  }
}

function execSwitch(an: Analyzer, node: AstNode, scope: Scope, label: string | null): void {
  const frame = an.frame!;
  evaluate(an, node.discriminant, scope);
  const target: JumpTarget = { label, isLoop: false, breaks: [], continues: [] };
  frame.jumps.push(target);
  const entry = frame.state.clone();
  const switchScope = new Scope(scope, frame);
  let fallthrough: State | null = null;
  let hasDefault = false;
  try {
    for (const c of node.cases) {
      const caseState = entry.clone();
      frame.state = caseState;
      if (c.test) {
        evaluate(an, c.test, switchScope);
        refineSwitchCase(an, node.discriminant, c.test, switchScope);
      } else hasDefault = true;
      if (fallthrough) frame.state.absorb(fallthrough);
      execStatements(an, c, c.consequent, switchScope);
      fallthrough = frame.state;
    }
  } finally {
    frame.jumps.pop();
  }
  const exit = hasDefault ? new State() : entry.clone();
  if (hasDefault) exit.dead = true;
  if (fallthrough) exit.absorb(fallthrough);
  for (const b of target.breaks) exit.absorb(b);
  frame.state = exit;
}

function execLabeled(an: Analyzer, node: AstNode, scope: Scope): void {
  const label: string = node.label.name;
  const body = node.body;
  if (body.type === 'ForStatement') return execFor(an, body, scope, label);
  if (body.type === 'ForInStatement' || body.type === 'ForOfStatement') return execForInOf(an, body, scope, label);
  if (body.type === 'WhileStatement' || body.type === 'DoWhileStatement') return execWhile(an, body, scope, label);
  if (body.type === 'SwitchStatement') return execSwitch(an, body, scope, label);
  const frame = an.frame!;
  const target: JumpTarget = { label, isLoop: false, breaks: [], continues: [] };
  frame.jumps.push(target);
  try {
    exec(an, body, scope);
  } finally {
    frame.jumps.pop();
  }
  for (const b of target.breaks) frame.state.absorb(b);
}

function jump(an: Analyzer, node: AstNode): void {
  const frame = an.frame!;
  const label: string | null = node.label?.name ?? null;
  const isBreak = node.type === 'BreakStatement';
  for (let i = frame.jumps.length - 1; i >= 0; i--) {
    const t = frame.jumps[i]!;
    const matches = label ? t.label === label : isBreak || t.isLoop;
    if (!matches) continue;
    if (isBreak) t.breaks.push(frame.state.clone());
    else t.continues.push(frame.state.clone());
    break;
  }
  frame.state.dead = true;
}

/** A clean copy for values that stop being the original string (numeric conversion and such). */
function sanitized(v: Value, mask = ALL_CLASSES): Value {
  return sanitize(withoutStringFacts(v), mask);
}

function refineSwitchCase(an: Analyzer, discriminant: AstNode, test: AstNode, scope: Scope): void {
  if (discriminant.type !== 'Identifier' && discriminant.type !== 'MemberExpression') return;
  if (test.type === 'Literal' || (test.type === 'TemplateLiteral' && test.expressions.length === 0)) {
    refine(an, discriminant, scope, (v) => sanitized(v));
  }
}
