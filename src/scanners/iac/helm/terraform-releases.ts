import type { Attribute, Block, Expr } from '../terraform/hcl/ast.js';
import { evaluate, type Scope } from '../terraform/hcl/evaluate.js';
import { PATH_VALUES, resolvePath } from '../terraform/hcl/file-functions.js';
import { isObject, UNKNOWN, type Value as TfValue } from '../terraform/hcl/value.js';
import { attribute, blocksOf, label, resourcesOf, textOf, type TfInput } from '../terraform/model.js';
import { setOrigins, type Dict, type Origin, type Value as HelmValue } from './values.js';
import type { TerraformModules } from '../terraform/scan-modules.js';
import { releaseNames, setPath, setValue, setValues, type HelmDeployment, type ValuesLayer } from './deployments.js';

/**
 * Terraform `helm_release` resources of a local chart (`chart = "${path.module}/charts/web"`
 * or a relative path, no `repository`) as deployments of the chart (deployments.ts), read
 * with the HCL evaluator: `values` entries (`file(...)` is the values file itself, read
 * later inside the scan root; `yamlencode({...})` keeps the lines of its keys; a heredoc
 * keeps its lines; any other known string is placed on its line), then `set`,
 * `set_list` and `set_sensitive` (blocks, or the provider 3.x lists of objects), as the
 * provider applies them. What the evaluator cannot tell is not applied, and a note says
 * so. A helm_release with for_each or count is one deployment per instance secloop reads.
 */

/** Whether a Terraform text may declare a helm_release (a cheap test before reading it). */
export function mayDeclareHelmRelease(text: string): boolean {
  return /\bhelm_release\b/.test(text);
}

/** The helm_release resources of the scan's Terraform files that deploy a local chart (helm/terraform-releases.ts). */
export async function terraformHelmReleases(modules: TerraformModules, warn: (warning: { path?: string; message: string }) => void): Promise<HelmDeployment[]> {
  const out: HelmDeployment[] = [];
  for (const { path, input, module, root } of await modules.inputsOf(mayDeclareHelmRelease)) {
    try {
      out.push(...helmReleaseDeployments(path, input, module, root));
    } catch (error) {
      warn({ path, message: `Helm chart deployments in this file (helm_release) not read: ${(error as Error).message}` });
    }
  }
  return out;
}

/**
 * The helm_release deployments of a Terraform file: `module` is its directory, `root` the
 * root module's (where relative paths start; undefined when it cannot be told).
 */
export function helmReleaseDeployments(file: string, input: TfInput, module: string, root: string | undefined): HelmDeployment[] {
  const out: HelmDeployment[] = [];
  const files = { module, ...(root !== undefined ? { root } : {}), text: () => undefined, list: () => undefined };
  for (const release of resourcesOf(input, 'helm_release')) {
    if (release.module !== undefined) continue;
    const block = release.block;
    const scope = input.scope;
    const pathScope: Scope = { ...scope, bound: (n) => (n === 'path' ? PATH_VALUES : scope.bound?.(n)) };
    const repository = attribute(block, 'repository');
    if (repository) {
      const value = evaluate(repository.expr, scope);
      // A repository (or one secloop cannot tell): the chart is not the scan's own.
      if (value !== null && value !== '') continue;
    }
    const chartAttribute = attribute(block, 'chart');
    if (!chartAttribute) continue;
    const written = evaluate(chartAttribute.expr, pathScope);
    if (typeof written !== 'string' || /:\/\//.test(written)) continue;
    const chart = resolvePath(written, files);
    if (chart === undefined) continue;
    const what = label(release);
    const layers: ValuesLayer[] = [];
    const notes: string[] = [];
    const values = attribute(block, 'values');
    if (values) readValues(input, values, file, scope, pathScope, files, layers, notes);
    for (const kind of ['set', 'set_list', 'set_sensitive'] as const) readSets(input, block, kind, file, scope, layers, notes);
    // The release as the provider installs it: `name`, in `namespace` (the provider's default: default), when the configuration tells them.
    const known = (name: string) => {
      const a = attribute(block, name);
      const value = a ? evaluate(a.expr, scope) : undefined;
      return typeof value === 'string' ? value : undefined;
    };
    const names = releaseNames(known('name'), known('namespace'));
    out.push({ what, file, line: block.line, chart, layers, notes, ...(names ? { release: names } : {}) });
  }
  return out;
}

function readValues(input: TfInput, values: Attribute, file: string, scope: Scope, pathScope: Scope, files: Parameters<typeof resolvePath>[1], layers: ValuesLayer[], notes: string[]): void {
  const entries: Array<{ expr: Expr | undefined; line: number; value?: TfValue }> = [];
  if (values.expr.kind === 'tuple') for (const item of values.expr.items) entries.push({ expr: item, line: item.line });
  else {
    const whole = evaluate(values.expr, scope);
    if (!Array.isArray(whole)) {
      notes.push(`values = ${short(textOf(input, values.expr))} is unknown to secloop (it depends on what the configuration alone does not tell): not applied`);
      return;
    }
    for (const value of whole) entries.push({ expr: undefined, line: values.line, value });
  }
  for (const entry of entries) {
    const expr = entry.expr;
    const written = expr ? short(textOf(input, expr)) : `values (an element of ${short(textOf(input, values.expr))})`;
    // file("..."): the values file itself, read later inside the scan root, its findings on its own lines.
    if (expr?.kind === 'call' && expr.name === 'file' && expr.args.length === 1 && !expr.expandFinal) {
      const at = resolvePath(evaluate(expr.args[0], pathScope), files);
      if (at === undefined) notes.push(`values entry ${written} names a file secloop cannot tell (unknown, or outside the scan root): not applied`);
      else layers.push({ kind: 'file', path: at, written: short(textOf(input, expr.args[0]!)) });
      continue;
    }
    // yamlencode({...}) / jsonencode({...}): the values themselves, each key on its line.
    if (expr?.kind === 'call' && (expr.name === 'yamlencode' || expr.name === 'jsonencode') && expr.args.length === 1 && !expr.expandFinal) {
      const value = evaluate(expr.args[0], scope);
      const unknown: string[] = [];
      const converted = isObject(value) ? helmValue(value, expr.args[0], file, expr.line, [], unknown) : undefined;
      if (!(converted instanceof Map)) {
        notes.push(`values entry ${written} is unknown to secloop, or not a map: not applied`);
        continue;
      }
      if (unknown.length > 0) notes.push(`values entry ${written}: ${unknown.slice(0, 4).join(', ')}${unknown.length > 4 ? ` and ${unknown.length - 4} more` : ''} unknown to secloop, not applied (the entry's other values are)`);
      layers.push({ kind: 'values', value: converted });
      continue;
    }
    const value = entry.value ?? evaluate(expr, scope);
    if (typeof value !== 'string') {
      notes.push(`values entry ${written} is unknown to secloop${value !== UNKNOWN ? ' (not a string)' : ''}: not applied`);
      continue;
    }
    if (value.trim() === '') continue;
    // A heredoc's lines follow its opening line; any other string is placed on its own line.
    const heredoc = expr?.kind === 'template' && expr.heredoc;
    const line = entry.line;
    layers.push({ kind: 'text', text: value, lineAt: heredoc ? (l) => line + l : () => line });
  }
}

/** `set`, `set_list` and `set_sensitive`: blocks (provider 2.x, dynamic blocks included) or a list of objects (3.x). */
function readSets(input: TfInput, block: Block, kind: 'set' | 'set_list' | 'set_sensitive', file: string, scope: Scope, layers: ValuesLayer[], notes: string[]): void {
  const entries: Array<{ name: TfValue; value: TfValue; type: TfValue; line: number }> = [];
  for (const set of blocksOf(block, kind)) {
    const read = (name: string) => {
      const a = attribute(set, name);
      return a ? evaluate(a.expr, scope) : null;
    };
    entries.push({ name: read('name'), value: read('value'), type: read('type'), line: set.line });
  }
  const list = attribute(block, kind);
  if (list) {
    const items: Array<{ value: TfValue; line: number }> = list.expr.kind === 'tuple' ? list.expr.items.map((item): { value: TfValue; line: number } => ({ value: evaluate(item, scope), line: item.line })) : [];
    if (list.expr.kind !== 'tuple') {
      const whole = evaluate(list.expr, scope);
      if (Array.isArray(whole)) items.push(...whole.map((value): { value: TfValue; line: number } => ({ value, line: list.line })));
      else notes.push(`${kind} = ${short(textOf(input, list.expr))} is unknown to secloop: not applied`);
    }
    for (const item of items) {
      if (!isObject(item.value)) {
        notes.push(`a ${kind} entry (line ${item.line}) is unknown to secloop: not applied`);
        continue;
      }
      entries.push({ name: item.value.name ?? null, value: item.value.value ?? null, type: item.value.type ?? null, line: item.line });
    }
  }
  for (const entry of entries) {
    const origin: Origin = { path: file, line: entry.line };
    if (typeof entry.name !== 'string') {
      notes.push(`a ${kind} (line ${entry.line}) whose name is unknown to secloop: not applied`);
      continue;
    }
    if (kind === 'set_list') {
      const parts = setPath(entry.name);
      if (!Array.isArray(entry.value) || !entry.value.every(scalar) || !parts) {
        notes.push(`${kind} ${entry.name} (line ${entry.line}): its value is unknown to secloop${parts ? '' : ', or its name is not a path Helm reads'}: not applied`);
        continue;
      }
      const items: HelmValue[] = entry.value.map((v) => setValue(asText(v), false));
      setOrigins(items, { items: items.map(() => origin) });
      layers.push({ kind: 'values', value: setValues(parts, items, origin) });
      continue;
    }
    if (!scalar(entry.value) || entry.value === null) {
      notes.push(`${kind} ${entry.name} (line ${entry.line}): its value is unknown to secloop: not applied`);
      continue;
    }
    layers.push({ kind: 'set', name: entry.name, value: asText(entry.value), string: entry.type === 'string', origin });
  }
}

function scalar(value: TfValue): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function asText(value: string | number | boolean | null): string {
  return value === null ? 'null' : String(value);
}

/**
 * An evaluated HCL value as Helm values (numbers as a values file gives them, float64),
 * each key and item on the line of the object or tuple constructor that writes it, else
 * on `line`; unknown parts are left out and named in `unknown`.
 */
function helmValue(value: TfValue, expr: Expr | undefined, file: string, line: number, path: string[], unknown: string[], depth = 0): HelmValue | undefined {
  if (value === UNKNOWN || depth > 100) {
    unknown.push(path.join('.') || '(the value)');
    return undefined;
  }
  const inner = expr?.kind === 'paren' ? expr.expr : expr;
  if (Array.isArray(value)) {
    const items = inner?.kind === 'tuple' && inner.items.length === value.length ? inner.items : undefined;
    const list: HelmValue[] = [];
    const origins: Origin[] = [];
    value.forEach((item, i) => {
      const at = items?.[i]?.line ?? line;
      const converted = helmValue(item, items?.[i], file, at, [...path, `[${i}]`], unknown, depth + 1);
      list.push(converted === undefined ? null : converted);
      origins.push({ path: file, line: at });
    });
    setOrigins(list, { items: origins });
    return list;
  }
  if (isObject(value)) {
    const byKey = new Map<string, { line: number; expr: Expr }>();
    if (inner?.kind === 'object') for (const item of inner.items) if (item.keyName !== undefined) byKey.set(item.keyName, { line: item.line, expr: item.value });
    const map: Dict = new Map();
    const keys = new Map<string, Origin>();
    for (const [key, item] of Object.entries(value)) {
      const written = byKey.get(key);
      const at = written?.line ?? line;
      const converted = helmValue(item, written?.expr, file, at, [...path, key], unknown, depth + 1);
      if (converted === undefined) continue;
      map.set(key, converted);
      keys.set(key, { path: file, line: at });
    }
    setOrigins(map, { keys });
    return map;
  }
  return value;
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}
