import type { Analyzer, ModuleRec } from './analyzer.js';
import type { AstNode, ParsedFile } from '../source/parse.js';
import { Binding, Frame, Scope, type ImportRef } from './frame.js';
import { EMPTY, Obj, apiValue, isEmptyValue, join, make, objValue, type Value } from './value.js';
import { normaliseModuleName } from '../models/apis.js';
import { withEntryBudget } from './budget.js';
import { execBody } from './statements.js';
import { readProp } from './objects.js';
import { importedName } from './ast-utils.js';

/** Modules, evaluated the way Node does on first require or import: hoisted imports, ES exports and namespaces, re-exports. */

export function loadModule(an: Analyzer, id: string): ModuleRec | undefined {
  const existing = an.modules.get(id);
  if (existing) return existing;
  const file = an.files.get(id);
  if (!file) return undefined;
  // Each module's top level has its own budget, also when another module's import loads it.
  return withEntryBudget(an, `module ${id}`, () => evaluateModule(an, id, file));
}

function evaluateModule(an: Analyzer, id: string, file: ParsedFile): ModuleRec {
  const moduleObj = new Obj(`module:${id}`);
  const exportsObj = new Obj(`exports:${id}`);
  moduleObj.set('exports', objValue(exportsObj));
  const rec: ModuleRec = {
    id, file, status: 'running', moduleObj, exportsObj, esmExports: new Map(), starExports: [], namespace: null, frame: null, scope: null,
  };
  an.modules.set(id, rec);
  const frame = new Frame(id, null, file.isModule ? EMPTY : objValue(exportsObj), [], an.stack.length);
  const scope = new Scope(null, frame);
  rec.frame = frame;
  rec.scope = scope;
  const bind = (name: string, value: Value) => {
    const b = scope.declare(name);
    b.all = value;
    frame.state.set(b, value);
  };
  bind('module', objValue(moduleObj));
  bind('exports', objValue(exportsObj));
  bind('require', apiValue('global.require'));
  bind('__dirname', make({ str: '.', norm: true }));
  bind('__filename', make({ str: id }));
  an.stack.push(frame);
  try {
    const body: AstNode[] = file.program.body;
    hoistImports(an, rec, body, scope);
    execBody(an, file.program, body, scope);
    rec.status = 'done';
    an.enterDeferredHandlers(frame);
  } finally {
    an.stack.pop();
    rec.status = 'done';
    an.deferredHandlers.delete(frame);
  }
  return rec;
}

/** Imports bind before the body runs, and their modules are evaluated first (ESM order). */
function hoistImports(an: Analyzer, rec: ModuleRec, body: AstNode[], scope: Scope): void {
  for (const statement of body) {
    if (statement.type === 'ImportDeclaration') {
      if (statement.importKind === 'type') continue;
      const spec: string = statement.source.value;
      const target = an.resolver.resolve(rec.id, spec);
      if (target) loadModule(an, target);
      for (const s of statement.specifiers) {
        if (s.importKind === 'type') continue;
        const b = scope.declare(s.local.name);
        const imported = s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? null : importedName(s.imported);
        b.importRef = target ? { moduleId: target, name: imported ?? '*' } : { external: spec, name: imported };
      }
    } else if (statement.type === 'ExportNamedDeclaration' && statement.source) {
      const target = an.resolver.resolve(rec.id, statement.source.value);
      if (target) loadModule(an, target);
      for (const s of statement.specifiers) {
        const exported = importedName(s.exported);
        const local = importedName(s.local);
        rec.esmExports.set(exported, target ? { moduleId: target, name: local } : { external: statement.source.value, name: local === 'default' ? 'default' : local });
      }
    } else if (statement.type === 'ExportAllDeclaration') {
      const target = an.resolver.resolve(rec.id, statement.source.value);
      if (target) {
        loadModule(an, target);
        if (statement.exported) rec.esmExports.set(importedName(statement.exported), { moduleId: target, name: '*' });
        else rec.starExports.push(target);
      }
    }
  }
}

/** The value `require(id)` gives: module.exports, or the namespace of an ES module. */
function moduleValue(an: Analyzer, id: string): Value {
  const rec = loadModule(an, id);
  if (!rec) return EMPTY;
  if (rec.file.isModule) return objValue(namespaceOf(an, rec));
  return rec.moduleObj.get('exports') ?? EMPTY;
}

function namespaceOf(an: Analyzer, rec: ModuleRec): Obj {
  if (!rec.namespace) rec.namespace = new Obj(`namespace:${rec.id}`);
  const ns = rec.namespace;
  for (const name of exportNames(an, rec, new Set())) {
    const value = readExport(an, rec.id, name, new Set());
    ns.set(name, value);
  }
  return ns;
}

export function exportNames(an: Analyzer, rec: ModuleRec, seen: Set<string>): string[] {
  if (seen.has(rec.id)) return [];
  seen.add(rec.id);
  const names = [...rec.esmExports.keys()];
  for (const star of rec.starExports) {
    const target = an.modules.get(star);
    if (target) for (const n of exportNames(an, target, seen)) if (n !== 'default') names.push(n);
  }
  return names;
}

/** An export of a project module, following re-exports; CommonJS modules export module.exports. */
export function readExport(an: Analyzer, moduleId: string, name: string, seen: Set<string>): Value {
  const key = `${moduleId}#${name}`;
  if (seen.has(key)) return EMPTY;
  seen.add(key);
  const rec = loadModule(an, moduleId);
  if (!rec) return EMPTY;
  if (name === '*') return moduleValue(an, moduleId);
  if (!rec.file.isModule) {
    const exportsValue = rec.moduleObj.get('exports') ?? EMPTY;
    if (name === 'default') return join(exportsValue, readProp(an, exportsValue, 'default', null, null));
    return readProp(an, exportsValue, name, null, null);
  }
  const entry = rec.esmExports.get(name);
  if (entry instanceof Binding) return entry.all;
  if (entry) return readImport(an, entry, seen);
  for (const star of rec.starExports) {
    const value = readExport(an, star, name, seen);
    if (!isEmptyValue(value)) return value;
  }
  return EMPTY;
}

export function readImport(an: Analyzer, ref: ImportRef, seen = new Set<string>()): Value {
  if ('moduleId' in ref) return readExport(an, ref.moduleId, ref.name, seen);
  const moduleValue = externalModule(an, ref.external);
  if (ref.name === null || ref.name === 'default') return moduleValue;
  return readProp(an, moduleValue, ref.name, null, null);
}

function externalModule(an: Analyzer, spec: string): Value {
  return apiValue(normaliseModuleName(spec));
}

/** `require(spec)` from a module. */
export function requireModule(an: Analyzer, fromId: string, spec: string): Value {
  const target = an.resolver.resolve(fromId, spec);
  if (target) return moduleValue(an, target);
  if (spec.startsWith('.') || spec.startsWith('/')) return EMPTY;
  return externalModule(an, spec);
}
