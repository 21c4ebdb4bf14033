/**
 * The Kubernetes objects a Terraform file deploys through the kubernetes provider
 * (kubernetes_deployment, kubernetes_role_v1, kubernetes_manifest...), as the tree the
 * Kubernetes rules read (yaml/tree.ts), so that those rules judge them unchanged.
 *
 * A resource is read after HCL evaluation (its `dynamic` blocks once per element of a
 * for_each that can be read), through the provider's schema (schema.ts). Every node
 * carries the line of the attribute, block or object item it comes from: a finding lands
 * on the HCL line to change. A value the configuration alone cannot tell (a resource's
 * attribute, a variable without a value) stays unknown: it is a scalar without a value in
 * the tree, and its line is listed in `unknownLines`, where no finding is kept, since the
 * rules cannot tell what it will be.
 */
import { childExpressions, type Block, type Expr } from '../hcl/ast.js';
import { UNKNOWN, type Scope, type Value } from '../hcl/evaluate.js';
import { attribute, attributeAt, instancesOfResource, label, textOf, type TfInput, type TfResource } from '../model.js';
import { fileInstance, sectionsIn, valueIn, type Instance } from '../rules/instances.js';
import { get, isYMap, loadYaml, text, type YMap, type YNode, type YPair } from '../../yaml/tree.js';
import { kubeInputOf, type KubeInput, type KubeObject } from '../../kubernetes/model.js';
import { fieldOf, kindOf, KUBECTL_MANIFEST, MANIFEST_RESOURCE, NOT_OF_THE_OBJECT, PARTIAL_OBJECTS, RULES_ON_DATA } from './schema.js';
import type { Hit } from '../../rule.js';

export interface TerraformKubernetes {
  input: KubeInput;
  /** Lines holding a value that cannot be told before apply: no finding is kept there. */
  unknownLines: ReadonlySet<number>;
  /** Whether a finding of a rule stands: on no unknown line, and not resting on a map of data that cannot be told (RULES_ON_DATA). */
  keep(hit: Hit, ruleId: string): boolean;
}

interface Context {
  unknownLines: Set<number>;
  /** The maps of data (by their provider name: annotations, labels) whose value cannot be told, in the object being read. */
  unknownData: Set<string>;
  /** The text of an expression of the file, for messages. */
  textOf: (expr: Expr) => string;
}

/** The Kubernetes objects of a Terraform file's kubernetes provider resources, or undefined when it has none. */
export function kubernetesFromTerraform(tf: TfInput): TerraformKubernetes | undefined {
  // A resource with for_each or count, one object per instance, each read with its each.key, each.value or count.index (model.ts resourcesOf).
  const candidates = tf.resources.filter((r) => r.kind === 'resource' && (r.type === MANIFEST_RESOURCE || r.type === KUBECTL_MANIFEST || kindOf(r.type) !== undefined)).flatMap((r) => instancesOfResource(tf, r));
  if (candidates.length === 0) return undefined;
  const context: Context = { unknownLines: new Set(), unknownData: new Set(), textOf: (expr) => textOf(tf, expr) };
  const instance = withKubernetesNames(tf, fileInstance(tf));
  const objects: KubeObject[] = [];
  /** The maps of data that cannot be told, by object (its address), and in any object of the file. */
  const unknownData = new Map<string, Set<string>>();
  const inFile = new Set<string>();
  for (const resource of candidates) {
    context.unknownData = new Set();
    const object = resource.type === MANIFEST_RESOURCE ? fromManifest(resource, instance, context) : resource.type === KUBECTL_MANIFEST ? fromKubectl(resource, instance) : fromSchema(resource, instance, context);
    if (!object) continue;
    objects.push(object);
    unknownData.set(label(resource), context.unknownData);
    for (const field of context.unknownData) inFile.add(field);
  }
  if (objects.length === 0) return undefined;
  const unknownLines = context.unknownLines;
  const keep = (hit: Hit, ruleId: string): boolean => {
    if (unknownLines.has(hit.line) || (hit.detailLine !== undefined && unknownLines.has(hit.detailLine))) return false;
    const partial = hit.resource === undefined ? undefined : PARTIAL_OBJECTS.get(hit.resource.split('.')[0]!);
    if (partial && !partial.has(ruleId)) return false;
    const rests = RULES_ON_DATA.get(ruleId);
    if (!rests) return true;
    // The object a finding names: its label (`kubernetes_deployment_v1.app["api"]`, whose key may hold spaces), then maybe a container.
    const resource = hit.resource;
    const address = resource === undefined ? undefined : [...unknownData.keys()].find((l) => resource === l || resource.startsWith(`${l} `));
    const unknown = rests.scope === 'file' ? inFile : address !== undefined ? unknownData.get(address) : undefined;
    return !rests.fields.some((field) => unknown?.has(field));
  };
  return { input: kubeInputOf(objects), unknownLines, keep };
}

/**
 * The file's instance with the names of the module's kubernetes provider resources known:
 * `kubernetes_namespace_v1.shop.metadata[0].name` is the name written in that resource
 * (`shop`), as it will be once applied, and so are its namespace and its `id`
 * (`namespace/name`, or the name of an object without namespace). Other attributes of a
 * resource stay unknown.
 */
function withKubernetesNames(tf: TfInput, file: Instance): Instance {
  const byType = new Map<string, { [name: string]: Value }>();
  /** The name, namespace and id of a resource (or of one instance), or undefined when its name cannot be told. */
  const named = (block: Block): Value | undefined => {
    const metadata: { [key: string]: Value } = {};
    for (const key of ['name', 'namespace']) {
      const a = attributeAt(block, ['metadata', key]);
      const value = a ? valueIn(file, a.expr) : undefined;
      if (typeof value === 'string') metadata[key] = value;
    }
    if (typeof metadata.name !== 'string') return undefined;
    const id = typeof metadata.namespace === 'string' ? `${metadata.namespace}/${metadata.name}` : metadata.name;
    return { metadata: [metadata], id };
  };
  for (const r of [...tf.resources, ...tf.others]) {
    if (r.kind !== 'resource' || !r.type.startsWith('kubernetes_') || r.module !== undefined) continue;
    // A resource of this file with for_each or count is known by instance: `kubernetes_namespace_v1.team["a"].metadata[0].name`, `...[each.key]...`.
    const views = tf.resources.includes(r) ? instancesOfResource(tf, r) : [r];
    let value: Value | undefined;
    if (views[0]?.instance) {
      const entries = views.map((v): [string | number, Value] => [v.instance!.key, named(v.block) ?? UNKNOWN]);
      value = typeof entries[0]![0] === 'number' ? entries.map(([, v]) => v) : Object.fromEntries(entries);
    } else value = views.length > 0 ? named(r.block) : undefined;
    if (value === undefined) continue;
    let resources = byType.get(r.type);
    if (!resources) byType.set(r.type, (resources = Object.create(null) as { [name: string]: Value }));
    resources[r.name] = value;
  }
  if (byType.size === 0) return file;
  const outer = file.scope;
  const scope: Scope = { ...outer, bound: (n) => byType.get(n) ?? outer.bound?.(n) };
  return { scope, names: [], values: new Map(), budget: file.budget };
}

/** A resource of the provider's schema (kubernetes_deployment...): its blocks and arguments as the object's fields. */
function fromSchema(resource: TfResource, instance: Instance, context: Context): KubeObject | undefined {
  const made = kindOf(resource.type);
  if (!made) return undefined;
  const body = blockMap(resource.block, instance, '', context);
  const at = { keyLine: resource.block.line, keyColumn: resource.block.column };
  const head: YPair[] = [
    { key: 'apiVersion', ...at, value: scalar(made.apiVersion, resource.block.line, resource.block.column, true) },
    { key: 'kind', ...at, value: scalar(made.kind, resource.block.line, resource.block.column, true) },
  ];
  const root: YMap = { ...body, pairs: [...head, ...body.pairs] };
  return objectOf(resource, made.kind, made.apiVersion, root);
}

/**
 * A kubernetes_manifest: `manifest` holds the object in the API's shape, as an HCL object
 * (its items give the lines) or as `yamldecode(<<EOF ... EOF)` (the heredoc's lines). A
 * manifest read from a file (`yamldecode(file(...))`) is left to the scan of that file.
 */
function fromManifest(resource: TfResource, instance: Instance, context: Context): KubeObject | undefined {
  const manifest = attribute(resource.block, 'manifest');
  if (!manifest) return undefined;
  let expr = manifest.expr;
  while (expr.kind === 'paren') expr = expr.expr;
  let root: YNode | undefined;
  if (expr.kind === 'call' && expr.name === 'yamldecode' && expr.args.length === 1) {
    const source = expr.args[0]!;
    if (source.kind !== 'template' && source.kind !== 'literal') return undefined;
    const value = valueIn(instance, source);
    if (typeof value !== 'string') return undefined;
    root = yamlAt(value, source, manifest.line);
  } else {
    if (readsFile(expr)) return undefined;
    const value = valueIn(instance, manifest.expr);
    if (value === UNKNOWN || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    root = raw(manifest.expr, value, manifest.line, manifest.column, context);
  }
  return manifestObject(resource, root);
}

/**
 * A kubectl_manifest (the kubectl providers): `yaml_body` holds one YAML document, written
 * in a heredoc or string (the heredoc's lines), or read by `file(...)` or `templatefile(...)`.
 * A document read from a file the scan reads itself (.yaml, .yml, .json) is left to the scan
 * of that file, as kubernetes_manifest's are; one read from a template of another name
 * (`deployment.yaml.tpl`) is judged here, every node on the line of `yaml_body`.
 * `override_namespace` gives the namespace.
 */
function fromKubectl(resource: TfResource, instance: Instance): KubeObject | undefined {
  const body = attribute(resource.block, 'yaml_body');
  if (!body) return undefined;
  let expr = body.expr;
  while (expr.kind === 'paren') expr = expr.expr;
  const path = expr.kind === 'call' && (expr.name === 'file' || expr.name === 'templatefile') ? expr.args[0] : undefined;
  if (path ? scannedItself(path) : expr.kind !== 'template' && expr.kind !== 'literal') return undefined;
  const value = valueIn(instance, expr);
  if (typeof value !== 'string') return undefined;
  let root = yamlAt(value, expr, body.line);
  if (!isYMap(root)) return undefined;
  const override = attribute(resource.block, 'override_namespace');
  const namespace = override ? valueIn(instance, override.expr) : undefined;
  if (override && typeof namespace === 'string') {
    const metadata = get(root, 'metadata');
    const at = { keyLine: override.line, keyColumn: override.column };
    const pair: YPair = { key: 'namespace', ...at, value: scalar(namespace, override.line, override.column, true) };
    const merged: YMap = isYMap(metadata) ? { ...metadata, pairs: [...metadata.pairs.filter((p) => p.key !== 'namespace'), pair] } : { kind: 'map', pairs: [pair], line: override.line, column: override.column };
    root = { ...root, pairs: [...root.pairs.filter((p) => p.key !== 'metadata'), { key: 'metadata', ...(isYMap(metadata) ? { keyLine: metadata.line, keyColumn: metadata.column } : at), value: merged }] };
  }
  return manifestObject(resource, root);
}

/** Whether a file function's path names a file the scan reads on its own as Kubernetes YAML or JSON (by its name as written: `"${path.module}/app.yaml"`). */
function scannedItself(path: Expr): boolean {
  let e = path;
  while (e.kind === 'paren') e = e.expr;
  const last = e.kind === 'literal' ? e.value : e.kind === 'template' ? e.parts.at(-1) : undefined;
  const tail = typeof last === 'string' ? last : last && typeof last === 'object' && last.kind === 'text' ? last.value : undefined;
  // A path whose name cannot be read may be such a file: left to it.
  return tail === undefined || /\.(?:ya?ml|json)$/i.test(tail);
}

/** The document of a YAML text written in an HCL string or heredoc, its lines placed in the .tf file (all on `line` when they cannot be). */
function yamlAt(value: string, source: Expr, line: number): YNode | undefined {
  const loaded = loadYaml(value);
  const documents = loaded.documents.filter((d) => d.root !== null);
  if (documents.length !== 1) return undefined;
  // A heredoc's text starts on the line after `<<EOF`; an interpolation that adds lines moves them, and then only the attribute's line is known.
  const heredoc = source.kind === 'template' && source.heredoc;
  const exact = heredoc && value.replace(/\n$/, '').split('\n').length === source.endLine - source.line - 1;
  return moved(documents[0]!.root!, exact ? (n) => n + source.line : () => line);
}

/** Whether an expression reads a file (`file(...)`, `templatefile(...)`): such a manifest is scanned in its own file. */
function readsFile(expr: Expr): boolean {
  if (expr.kind === 'call' && (expr.name === 'file' || expr.name === 'templatefile')) return true;
  return childExpressions(expr).some(readsFile);
}

function moved(node: YNode, to: (line: number) => number): YNode {
  switch (node.kind) {
    case 'scalar':
      return { ...node, line: to(node.line) };
    case 'seq':
      return { ...node, line: to(node.line), items: node.items.map((item) => moved(item, to)) };
    case 'map':
      return { ...node, line: to(node.line), pairs: node.pairs.map((p) => ({ ...p, keyLine: to(p.keyLine), value: p.value ? moved(p.value, to) : null })) };
  }
}

/** The object a manifest written out (kubernetes_manifest, kubectl_manifest) describes: a mapping that names its kind and apiVersion. */
function manifestObject(resource: TfResource, root: YNode | undefined): KubeObject | undefined {
  if (!isYMap(root)) return undefined;
  const kind = text(get(root, 'kind'));
  const apiVersion = text(get(root, 'apiVersion'));
  if (!kind || !apiVersion) return undefined;
  return objectOf(resource, kind, apiVersion, root);
}

function objectOf(resource: TfResource, kind: string, apiVersion: string, root: YMap): KubeObject {
  const metadata = get(root, 'metadata');
  const name = text(get(metadata, 'name')) ?? text(get(metadata, 'generateName'));
  // A namespace that cannot be told (a kubernetes_namespace's name) is left unset in the model, which the rules read as "may be any".
  const namespace = text(get(metadata, 'namespace'));
  return {
    kind,
    apiVersion,
    name: name ?? (attributeAt(resource.block, ['metadata', 'name']) ? '(unknown)' : '(unnamed)'),
    ...(namespace ? { namespace } : {}),
    root,
    line: resource.block.line,
    // The instance of a resource with for_each or count (`kubernetes_deployment.app["api"]`); findings all its instances share name the resource (instance-findings.ts).
    label: label(resource),
  };
}

/** A block of the provider's schema as a mapping of the API: attributes and nested blocks, in the order of their lines. */
function blockMap(block: Block, instance: Instance, name: string, context: Context): YMap {
  const pairs: YPair[] = [];
  const put = (key: string, keyLine: number, keyColumn: number, value: YNode, list: boolean) => {
    const existing = pairs.find((p) => p.key === key);
    if (existing && list && existing.value?.kind === 'seq' && value.kind === 'seq') existing.value.items.push(...value.items);
    else pairs.push({ key, keyLine, keyColumn, value });
  };
  for (const a of block.body.attributes) {
    if (name === '' && NOT_OF_THE_OBJECT.has(a.name)) continue;
    const value = valueIn(instance, a.expr);
    // `= null` leaves an argument unset.
    if (value === null) continue;
    const field = fieldOf(a.name, name, isPlain(value) && !fieldOf(a.name, name).data);
    if (field.data && value === UNKNOWN) context.unknownData.add(a.name);
    const node = field.data ? raw(a.expr, value, a.line, a.column, context) : schemaValue(a.expr, value, a.line, a.column, a.name, field.list, context);
    put(field.key, a.line, a.column, node, field.list);
  }
  const types: string[] = [];
  for (const child of block.body.blocks) {
    const type = child.type === 'dynamic' ? child.labels[0] : child.type;
    if (type !== undefined && !types.includes(type)) types.push(type);
  }
  for (const type of types) {
    if (name === '' && NOT_OF_THE_OBJECT.has(type)) continue;
    const field = fieldOf(type, name);
    const maps = sectionsIn(block, type, instance).flatMap((s) => (s.block ? [blockMap(s.block, s.instance, type, context)] : []));
    if (maps.length === 0) continue;
    if (field.flatten) for (const m of maps) for (const p of m.pairs) put(p.key, p.keyLine, p.keyColumn, p.value!, false);
    else if (field.list) put(field.key, maps[0]!.line, maps[0]!.column, { kind: 'seq', items: maps, line: maps[0]!.line, column: maps[0]!.column }, true);
    else for (const m of maps) put(field.key, m.line, m.column, m, false);
  }
  pairs.sort((a, b) => a.keyLine - b.keyLine || a.keyColumn - b.keyColumn);
  // The provider's first ReplicationController wrote the pod spec right in `template` (`template { container { } }`): it is the template's spec.
  if (name === 'template' && !pairs.some((p) => p.key === 'spec') && pairs.some((p) => p.key === 'containers')) {
    const metadata = pairs.filter((p) => p.key === 'metadata');
    const spec: YMap = { kind: 'map', pairs: pairs.filter((p) => p.key !== 'metadata'), line: block.line, column: block.column };
    return { kind: 'map', pairs: [...metadata, { key: 'spec', keyLine: block.line, keyColumn: block.column, value: spec }], line: block.line, column: block.column };
  }
  return { kind: 'map', pairs, line: block.line, column: block.column };
}

/**
 * An attribute's value where the schema has blocks, as some files write them
 * (`container = [{ ... }]`, `security_context = { ... }`): its object keys are fields
 * of the schema, renamed as blocks are, and an object where a list is due is a list of one.
 */
function schemaValue(expr: Expr | undefined, value: Value, line: number, column: number, name: string, list: boolean, context: Context): YNode {
  if (value === UNKNOWN || value === null || typeof value !== 'object') return leaf(value, line, column, context, expr);
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      const at = itemAt(expr, i);
      return schemaValue(at?.expr, item, at?.line ?? line, at?.column ?? column, name, false, context);
    });
    return { kind: 'seq', items, line, column };
  }
  const pairs: YPair[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (inner === null) continue;
    const at = keyAt(expr, key);
    const field = fieldOf(key, name, isPlain(inner) && !fieldOf(key, name).data);
    const keyLine = at?.line ?? line;
    const keyColumn = at?.column ?? column;
    if (field.data && inner === UNKNOWN) context.unknownData.add(key);
    const node = field.data ? raw(at?.expr, inner, keyLine, keyColumn, context) : schemaValue(at?.expr, inner, keyLine, keyColumn, key, field.list, context);
    pairs.push({ key: field.key, keyLine, keyColumn, value: node });
  }
  const map: YMap = { kind: 'map', pairs, line, column };
  return list ? { kind: 'seq', items: [map], line, column } : map;
}

/** A value in the API's shape (a kubernetes_manifest, a map of labels): keys as written. */
function raw(expr: Expr | undefined, value: Value, line: number, column: number, context: Context): YNode {
  if (value === UNKNOWN || value === null || typeof value !== 'object') return leaf(value, line, column, context, expr);
  if (Array.isArray(value)) {
    return {
      kind: 'seq',
      items: value.map((item, i) => {
        const at = itemAt(expr, i);
        return raw(at?.expr, item, at?.line ?? line, at?.column ?? column, context);
      }),
      line,
      column,
    };
  }
  const pairs: YPair[] = [];
  for (const [key, inner] of Object.entries(value)) {
    const at = keyAt(expr, key);
    // A map of data in the API's shape (matchLabels) is named as the provider names it (match_labels) in RULES_ON_DATA.
    if (inner === UNKNOWN) context.unknownData.add(key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    pairs.push({ key, keyLine: at?.line ?? line, keyColumn: at?.column ?? column, value: raw(at?.expr, inner, at?.line ?? line, at?.column ?? column, context) });
  }
  return { kind: 'map', pairs, line, column };
}

/** A value that is no object and holds none (a scalar, a list of scalars, unknown): a field holding it is only renamed. */
function isPlain(value: Value): boolean {
  if (Array.isArray(value)) return value.every((item) => item === UNKNOWN || item === null || typeof item !== 'object');
  return value === UNKNOWN || value === null || typeof value !== 'object';
}

function leaf(value: Value, line: number, column: number, context: Context, expr?: Expr): YNode {
  if (value === UNKNOWN) {
    context.unknownLines.add(line);
    // What gives it, for a message that must name it (a container `name = var.name`).
    const written = expr ? context.textOf(expr).replace(/\s+/g, ' ').trim() : '';
    return { kind: 'scalar', value: null, quoted: false, line, column, atApply: written.length <= 60 ? written : '' };
  }
  if (value === null || typeof value !== 'object') return scalar(value, line, column, typeof value === 'string');
  return { kind: 'scalar', value: null, quoted: false, line, column };
}

/** A scalar of the tree; a string is quoted (the text "yes" is no boolean), but "true" and "false", which Terraform converts for a boolean argument. */
function scalar(value: string | number | boolean | null, line: number, column: number, isString: boolean): YNode {
  return { kind: 'scalar', value, quoted: isString && !/^(?:true|false)$/.test(String(value)), line, column };
}

/** The expression, line and column of an object item written in `expr` (an object literal), when it is written there. */
function keyAt(expr: Expr | undefined, key: string): { expr: Expr; line: number; column: number } | undefined {
  let e = expr;
  while (e?.kind === 'paren') e = e.expr;
  if (e?.kind !== 'object') return undefined;
  for (let i = e.items.length - 1; i >= 0; i--) {
    const item = e.items[i]!;
    const name = item.keyName ?? (item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value : undefined);
    if (name === key) return { expr: item.value, line: item.line, column: item.column };
  }
  return undefined;
}

/** The expression of the i-th element written in `expr` (a tuple literal). */
function itemAt(expr: Expr | undefined, i: number): { expr: Expr; line: number; column: number } | undefined {
  let e = expr;
  while (e?.kind === 'paren') e = e.expr;
  if (e?.kind !== 'tuple') return undefined;
  const item = e.items[i];
  return item ? { expr: item, line: item.line, column: item.column } : undefined;
}
