import picomatch from 'picomatch';
import type { BuiltImages } from '../kubernetes/built-images.js';
import { DEFAULT_LIMITS, Engine, RenderError, TPL_FILE, type Rendered, type RenderLimits, type Where } from './render.js';
import { parseTemplate, TemplateSyntaxError, type Define, type ParsedTemplate } from './template.js';
import { GoInt, GoObject, isDict, Mapped, isString, loadValues, originsOf, setOrigins, str, TemplateError, toYaml, type Dict, type LoadedValues, type Origin, type Value } from './values.js';
import { duplicateKeyMessage } from '../yaml/tree.js';
import { MAX_OTHER_CHARS, MAX_OTHER_FILES } from './packaged.js';

/**
 * A Helm chart rendered as `helm template` renders it with the chart's default values:
 * Chart.yaml, values.yaml, the templates and the helpers of the chart and of its
 * unpacked subcharts. Release "release-name" in namespace "default" (or those a deployment
 * of the chart gives, `release`); the cluster is
 * unknown (no API version is reported as available, lookup finds nothing). .Files reads
 * each chart's own files: a subchart's templates read the subchart's.
 */

export interface ChartInput {
  /** The chart's directory relative to the scan root ('' for the root itself). */
  dir: string;
  /** Texts by path relative to the scan root: Chart.yaml, values.yaml and templates of the chart and of its unpacked subcharts (charts/<name>/). */
  files: ReadonlyMap<string, string>;
  /**
   * The files of the chart and of its subcharts outside their templates/ and charts/
   * (paths relative to the scan root), which their templates read through .Files.
   */
  otherFiles?: ReadonlyMap<string, string>;
  /**
   * The charts of the tree (their directories) with more files outside templates/ than
   * `otherFiles` keeps (charts.ts MAX_OTHER_FILES, MAX_OTHER_CHARS): a render whose templates
   * read their .Files warns that it reads only the first ones.
   */
  otherFilesCut?: ReadonlySet<string>;
  /** The templates to render (paths relative to the scan root), YAML files under the templates/ of the chart or a subchart. */
  render: readonly string[];
  /** Values files (their texts are in `files`) applied over the chart's values.yaml in this order, as `helm template -f` applies them. */
  valueFiles?: readonly string[];
  /** Values applied after the values files, in this order (those a deployment of the chart gives, with their origins). */
  values?: readonly Dict[];
  /** Whose values those are, for messages (`the values of Application argocd/web, deploy/web.yaml`). */
  valuesOf?: string;
  /** The release's name and namespace, as the deployment that gives the values installs the chart (else "release-name" in "default"). */
  release?: ReleaseNames;
  /** Packaged subcharts (charts/*.tgz) that could not be read. */
  packaged?: readonly string[];
  /** Files of `files` unpacked from packaged subcharts, by their path in the chart's tree: the archive they came from and their path in it. */
  packedFiles?: ReadonlyMap<string, PackedFile>;
  /**
   * Library charts found elsewhere in the scan (directory by chart name; their files are in
   * `files`), which stand for a dependency of that name that is not unpacked under charts/:
   * a chart repository that keeps its shared library beside the charts that use it.
   */
  libraries?: ReadonlyMap<string, string>;
  /** The images a development tool that deploys the chart (skaffold) builds, and puts in place of the rendered ones (kubernetes/built-images.ts). */
  builtImages?: BuiltImages;
  /** The images a Makefile, script or CI file of the scan builds with `docker build -t` (image-builds.ts builtImageKey), with the file that builds each. */
  scriptBuiltImages?: ReadonlyMap<string, string>;
  /** Templates parsed by earlier renders (a library's helpers, which every chart that uses it renders with), parsed again only when their text differs. */
  parsed?: ParsedTemplates;
}

/** Characters of template sources whose parse ParsedTemplates keeps (beyond, a template is parsed for each render). */
const MAX_KEPT_TEMPLATE_CHARS = 8 * 1024 * 1024;

/**
 * Template files parsed once and shared between renders, by path and text: a repository
 * of charts keeps one library (bitnami's `common`) that each chart depends on, and a chart
 * is rendered again with the values of each of its deployments. A parsed template is
 * never changed by the renders that use it. Bounded by the characters of the sources kept.
 */
export class ParsedTemplates {
  private readonly kept = new Map<string, { src: string; parsed: ParsedTemplate | TemplateSyntaxError }>();
  private chars = 0;
  /** Templates parsed (not taken from what was kept): what a test counts. */
  parses = 0;

  /** The template parsed from `src`, as parseTemplate gives it (a syntax error is thrown again each time). */
  parse(src: string, file: string): ParsedTemplate {
    const kept = this.kept.get(file);
    if (kept !== undefined && kept.src === src) {
      if (kept.parsed instanceof TemplateSyntaxError) throw kept.parsed;
      return kept.parsed;
    }
    this.parses++;
    let parsed: ParsedTemplate | TemplateSyntaxError;
    try {
      parsed = parseTemplate(src, file);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      parsed = error;
    }
    if (kept !== undefined) this.drop(file);
    if (this.chars + src.length <= MAX_KEPT_TEMPLATE_CHARS) {
      this.kept.set(file, { src, parsed });
      this.chars += src.length;
    }
    if (parsed instanceof TemplateSyntaxError) throw parsed;
    return parsed;
  }

  /** Forgets the templates under a directory (a chart's own tree once it is analysed: no other chart renders them). */
  forget(dir: string): void {
    const prefix = dir === '' ? '' : `${dir}/`;
    for (const file of [...this.kept.keys()]) if (file.startsWith(prefix)) this.drop(file);
  }

  private drop(file: string): void {
    const kept = this.kept.get(file);
    if (kept === undefined) return;
    this.chars -= kept.src.length;
    this.kept.delete(file);
  }
}

/** A release's name and namespace as a deployment installs it; what it does not tell stays Helm's default. */
export interface ReleaseNames {
  name?: string;
  namespace?: string;
}

/** A file read from a packaged subchart: it has no place on disk, so what it holds is reported on the archive. */
export interface PackedFile {
  archive: string;
  /** The path in the archive, `redis/templates/master.yaml`. */
  inner: string;
}

export interface ChartWarning {
  path: string;
  line?: number;
  message: string;
}

export interface RenderedTemplate {
  path: string;
  rendered: Rendered;
}

export interface ChartRender {
  name: string;
  templates: RenderedTemplate[];
  warnings: ChartWarning[];
}

/** The Kubernetes version `helm template` assumes without a cluster (that of the client library of Helm 3.15). */
export const KUBE_VERSION = { version: 'v1.30.0', major: '1', minor: '30' };
const HELM_VERSION = 'v3.15.0';

/**
 * What `.Capabilities.APIVersions` holds under `helm template` without a cluster:
 * chartutil.DefaultVersionSet, the group/versions built into Helm's client library
 * (client-go 0.30, with apiextensions.k8s.io), and no resource kinds ("apps/v1" is
 * there, "apps/v1/Deployment" is not), nor custom resources (monitoring.coreos.com/v1).
 */
export const DEFAULT_API_VERSIONS: readonly string[] = [
  'v1',
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `admissionregistration.k8s.io/${v}`),
  'internal.apiserver.k8s.io/v1alpha1',
  ...['v1', 'v1beta1', 'v1beta2'].map((v) => `apps/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `authentication.k8s.io/${v}`),
  ...['v1', 'v1beta1'].map((v) => `authorization.k8s.io/${v}`),
  ...['v1', 'v2', 'v2beta1', 'v2beta2'].map((v) => `autoscaling/${v}`),
  ...['v1', 'v1beta1'].map((v) => `batch/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `certificates.k8s.io/${v}`),
  ...['v1', 'v1beta1'].map((v) => `coordination.k8s.io/${v}`),
  ...['v1', 'v1beta1'].map((v) => `discovery.k8s.io/${v}`),
  ...['v1', 'v1beta1'].map((v) => `events.k8s.io/${v}`),
  'extensions/v1beta1',
  ...['v1', 'v1beta1', 'v1beta2', 'v1beta3'].map((v) => `flowcontrol.apiserver.k8s.io/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `networking.k8s.io/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `node.k8s.io/${v}`),
  ...['v1', 'v1beta1'].map((v) => `policy/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `rbac.authorization.k8s.io/${v}`),
  'resource.k8s.io/v1alpha2',
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `scheduling.k8s.io/${v}`),
  ...['v1', 'v1alpha1', 'v1beta1'].map((v) => `storage.k8s.io/${v}`),
  'storagemigration.k8s.io/v1alpha1',
  ...['v1', 'v1beta1'].map((v) => `apiextensions.k8s.io/${v}`),
];

/** A path under a directory; the directory itself for '' (a chart's own files sit in '' of its tree). */
export function joinPath(dir: string, rel: string): string {
  return dir === '' ? rel : rel === '' ? dir : `${dir}/${rel}`;
}

/** Chart.yaml's keys as Helm's chart.Metadata fields. */
const METADATA_FIELDS: Record<string, string> = {
  name: 'Name',
  home: 'Home',
  sources: 'Sources',
  version: 'Version',
  description: 'Description',
  keywords: 'Keywords',
  maintainers: 'Maintainers',
  icon: 'Icon',
  apiVersion: 'APIVersion',
  condition: 'Condition',
  tags: 'Tags',
  appVersion: 'AppVersion',
  deprecated: 'Deprecated',
  annotations: 'Annotations',
  kubeVersion: 'KubeVersion',
  dependencies: 'Dependencies',
  type: 'Type',
};

function metadata(chart: Dict, fallbackName: string): GoObject {
  const fields = new Map<string, Value>();
  for (const [key, field] of Object.entries(METADATA_FIELDS)) {
    const value = chart.get(key);
    const list = key === 'sources' || key === 'keywords' || key === 'maintainers' || key === 'dependencies';
    fields.set(field, value ?? (key === 'deprecated' ? false : key === 'annotations' ? null : list ? null : ''));
  }
  if (fields.get('Name') === '') fields.set('Name', fallbackName);
  // Versions are strings in chart.Metadata even when YAML reads them as numbers.
  for (const field of ['Version', 'AppVersion', 'Name']) {
    const v = fields.get(field);
    if (typeof v === 'number') fields.set(field, String(v));
  }
  return new GoObject('*chart.Metadata', fields);
}

function capabilities(): GoObject {
  const kube = new GoObject(
    'chartutil.KubeVersion',
    new Map<string, Value>([
      ['Version', KUBE_VERSION.version],
      ['Major', KUBE_VERSION.major],
      ['Minor', KUBE_VERSION.minor],
    ]),
    new Map([
      ['GitVersion', () => KUBE_VERSION.version],
      ['String', () => KUBE_VERSION.version],
    ]),
    KUBE_VERSION.version,
  );
  const has = (a: Value[]) => {
    if (a.length !== 1) throw new TemplateError(`wrong number of args for Has: want 1 got ${a.length}`);
    return isString(a[0]) && DEFAULT_API_VERSIONS.includes(str(a[0]));
  };
  const apis = new GoObject('chartutil.VersionSet', new Map(), new Map([['Has', has]]), `[${DEFAULT_API_VERSIONS.join(' ')}]`, DEFAULT_API_VERSIONS.map((v, i) => [new GoInt(i), v]));
  const helm = new GoObject('helmversion.BuildInfo', new Map<string, Value>([['Version', HELM_VERSION], ['GitCommit', ''], ['GitTreeState', ''], ['GoVersion', '']]));
  return new GoObject('*chartutil.Capabilities', new Map<string, Value>([['KubeVersion', kube], ['APIVersions', apis], ['HelmVersion', helm]]));
}

/** Characters of YAML that AsConfig and AsSecrets may give (the render's output bound applies after). */
const MAX_FILES_YAML = 4 * 1024 * 1024;

/**
 * .Files: the chart's other files (paths relative to the chart), as Helm's engine.files
 * offers them: Get, GetBytes, Lines, Glob (`*` within a path segment, `**` across), and
 * AsConfig / AsSecrets (a map of base name to content, the latter base64). What Get and
 * Lines give knows the file's lines (`dir` is the chart's directory from the scan root),
 * so that a manifest a template prints from a file is reported on the file's own line.
 */
function files(entries: ReadonlyMap<string, string> = new Map(), dir = ''): GoObject {
  const name = (a: Value[]) => (isString(a[0]) ? str(a[0]) : '');
  const text = (a: Value[]): string | Mapped => {
    const file = name(a);
    const content = entries.get(file);
    if (content === undefined || content === '') return '';
    const path = joinPath(dir, file);
    return new Mapped(content, content.split('\n').map((_line, i) => ({ path, line: i + 1 })));
  };
  const asMap = (encode: (content: string) => string) => {
    if (entries.size === 0) return '{}';
    const map: Dict = new Map([...entries].map(([name, content]) => [name.slice(name.lastIndexOf('/') + 1), encode(content)]));
    const yaml = toYaml(map, MAX_FILES_YAML);
    return typeof yaml === 'string' ? yaml : yaml.s;
  };
  const methods = new Map<string, (args: Value[]) => Value>([
    ['Get', text],
    ['GetBytes', text],
    [
      'Lines',
      (a) => {
        const content = entries.get(name(a)) ?? '';
        const path = joinPath(dir, name(a));
        return content === '' ? [] : content.replace(/\n$/, '').split('\n').map((line, i) => new Mapped(line, [{ path, line: i + 1 }]));
      },
    ],
    [
      'Glob',
      (a) => {
        const match = picomatch(name(a), { dot: true });
        return files(new Map([...entries].filter(([file]) => match(file))), dir);
      },
    ],
    ['AsConfig', () => asMap((content) => content)],
    ['AsSecrets', () => asMap((content) => Buffer.from(content, 'utf8').toString('base64'))],
  ]);
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return new GoObject('engine.files', new Map(), methods, `map[${sorted.map(([name]) => name).join(' ')}]`, sorted.map(([name, content]) => [name, content]));
}

/** .Files with each of its methods calling `read` first: what a template reads of a chart whose files were cut. */
function watched(files: GoObject, read: () => void): GoObject {
  const methods = new Map([...files.methods].map(([name, method]) => [name, (args: Value[]) => (read(), method(args))] as const));
  return new GoObject(files.type, files.fields, methods, files.text, files.entries);
}

/** The files .Files offers the chart in `dir`: those of `otherFiles` in it, outside its templates/ and charts/. */
function filesOf(dir: string, otherFiles: ReadonlyMap<string, string> | undefined): GoObject {
  const prefix = dir === '' ? '' : `${dir}/`;
  const own = new Map<string, string>();
  for (const [file, content] of otherFiles ?? []) {
    if (!file.startsWith(prefix)) continue;
    const rel = file.slice(prefix.length);
    if (!/^(?:templates|charts)\//.test(rel)) own.set(rel, content);
  }
  return files(own, dir);
}

/**
 * Helm's order of parsing: deeper paths first, so that a chart's own definitions win over
 * its subcharts'. `place` gives where a file would be in the chart's tree (a library found
 * elsewhere sits under charts/).
 */
function parseOrder(paths: Iterable<string>, place: (path: string) => string = (p) => p): string[] {
  const depth = (p: string) => p.split('/').length;
  return [...paths].map((path) => ({ path, at: place(path) })).sort((a, b) => depth(b.at) - depth(a.at) || (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map((p) => p.path);
}

/**
 * A file under templates/ that Helm parses as a template: YAML, a .tpl helper, or a partial of
 * any other name starting with `_` (`_helper_create_bucket.txt`), which Helm loads as well and
 * charts include by its path (`include (print $.Template.BasePath "/_helper_create_bucket.txt") .`).
 */
export function isTemplateSource(rel: string): boolean {
  return /\.(?:ya?ml|tpl)$/i.test(rel) || /(?:^|\/)_[^/]+$/.test(rel);
}

/** A chart of the tree: the top one, or an unpacked subchart under charts/. */
interface ChartNode {
  dir: string;
  /** Helm's name of the chart in template names: `top/charts/sub`. */
  fullPath: string;
  metadata: GoObject;
  values: Dict;
  library: boolean;
}

interface Dependency {
  name: string;
  key: string;
  condition: string[];
  tags: string[];
}

function dependencies(chart: Dict): Dependency[] {
  const list = chart.get('dependencies');
  if (!Array.isArray(list)) return [];
  return list.filter(isDict).flatMap((d) => {
    const name = d.get('name');
    if (typeof name !== 'string') return [];
    const alias = d.get('alias');
    const condition = d.get('condition');
    const tags = d.get('tags');
    return [{ name, key: typeof alias === 'string' && alias ? alias : name, condition: typeof condition === 'string' ? condition.split(',').map((c) => c.trim()).filter(Boolean) : [], tags: Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [] }];
  });
}

/** A dependency's condition and tags in the parent's values, as Helm decides whether to render it. */
function enabled(dependency: Dependency, parentValues: Dict): boolean {
  for (const condition of dependency.condition) {
    let v: Value = parentValues;
    for (const key of condition.split('.')) v = isDict(v) ? (v.get(key) ?? null) : null;
    if (typeof v === 'boolean') return v;
  }
  const tags = parentValues.get('tags');
  if (dependency.tags.length > 0 && isDict(tags)) {
    const set = dependency.tags.map((t) => tags.get(t)).filter((v): v is boolean => typeof v === 'boolean');
    if (set.length > 0) return set.some(Boolean);
  }
  return true;
}

/**
 * Helm's coalescing of a subchart's values: what the parent sets under the subchart's
 * key wins over the subchart's defaults, map by map; a null removes a default. Each key
 * keeps the origin of the file that gave its value.
 */
function coalesce(overrides: Value, defaults: Dict, depth = 0): Dict {
  const out: Dict = new Map();
  const keys = new Map<string, Origin>();
  const over = isDict(overrides) ? overrides : new Map<string, Value>();
  const from = (map: Dict, key: string) => {
    const o = originsOf(map);
    return o && 'keys' in o ? o.keys.get(key) : undefined;
  };
  for (const key of new Set([...defaults.keys(), ...over.keys()])) {
    const base = defaults.get(key);
    const mine = over.get(key);
    if (over.has(key) && mine === null && defaults.has(key)) continue;
    const value = over.has(key) ? (isDict(mine) && isDict(base) && depth < 100 ? coalesce(mine, base, depth + 1) : mine!) : base!;
    out.set(key, value);
    const origin = over.has(key) ? from(over, key) : from(defaults, key);
    if (origin) keys.set(key, origin);
  }
  setOrigins(out, { keys });
  return out;
}

interface Loaded {
  metadata: GoObject;
  chart: Dict;
  values: Dict;
}

function loadChart(dir: string, files: ReadonlyMap<string, string>, warnings: ChartWarning[]): Loaded | undefined {
  const chartPath = joinPath(dir, 'Chart.yaml');
  const chartYaml = loadValues(files.get(chartPath) ?? '', undefined);
  if (chartYaml.error || !isDict(chartYaml.value)) {
    warnings.push({ path: chartPath, ...(chartYaml.error ? { line: chartYaml.error.line } : {}), message: `Helm chart not rendered: Chart.yaml is not valid (${chartYaml.error?.message ?? 'not a mapping'})` });
    return undefined;
  }
  // Charts of apiVersion v1 list their dependencies in requirements.yaml, which Helm reads into the chart's metadata.
  const requirements = files.get(joinPath(dir, 'requirements.yaml'));
  if (requirements !== undefined) {
    const loaded = loadValues(requirements, undefined);
    const listed = isDict(loaded.value) ? loaded.value.get('dependencies') : undefined;
    if (Array.isArray(listed)) chartYaml.value.set('dependencies', listed);
  }
  const valuesPath = joinPath(dir, 'values.yaml');
  const valuesText = files.get(valuesPath);
  const values = valuesText === undefined ? { value: new Map() as Value } : loadValues(valuesText, valuesPath);
  if (values.error || !isDict(values.value)) {
    warnings.push({ path: valuesPath, ...(values.error ? { line: values.error.line } : {}), message: `Helm chart not rendered: values.yaml is not valid (${values.error?.message ?? 'not a mapping'})` });
    return undefined;
  }
  sayDuplicates(valuesPath, values, warnings);
  return { metadata: metadata(chartYaml.value, dir.split('/').at(-1) || 'chart'), chart: chartYaml.value, values: values.value };
}

/** The keys a values file writes twice: Helm reads the last value, and so does secloop. */
function sayDuplicates(path: string, loaded: LoadedValues, warnings: ChartWarning[]): void {
  for (const duplicate of loaded.duplicates ?? []) warnings.push({ path, line: duplicate.line, message: duplicateKeyMessage(duplicate, 'helm-values') });
}

/** The chart and its enabled unpacked subcharts, each with the values it renders with. */
function chartTree(input: ChartInput, warnings: ChartWarning[]): { nodes: ChartNode[]; missing: string[] } | undefined {
  const root = loadChart(input.dir, input.files, warnings);
  if (!root) return undefined;
  for (const file of input.valueFiles ?? []) {
    const loaded = loadValues(input.files.get(file) ?? '', file);
    if (loaded.error || !isDict(loaded.value)) {
      warnings.push({ path: file, ...(loaded.error ? { line: loaded.error.line } : {}), message: `Helm values file not used: not valid YAML or not a mapping${loaded.error ? ` (${loaded.error.message})` : ''}` });
      continue;
    }
    sayDuplicates(file, loaded, warnings);
    root.values = coalesce(loaded.value, root.values);
  }
  for (const values of input.values ?? []) root.values = coalesce(values, root.values);
  const nodes: ChartNode[] = [];
  const missing: string[] = [];
  const visit = (dir: string, loaded: Loaded, fullPath: string, depth: number) => {
    nodes.push({ dir, fullPath, metadata: loaded.metadata, values: loaded.values, library: loaded.chart.get('type') === 'library' });
    if (depth >= 5) return;
    const subdirs = new Set<string>();
    const prefix = joinPath(dir, 'charts/');
    for (const path of input.files.keys()) {
      const m = path.startsWith(prefix) ? /^([^/]+)\/Chart\.yaml$/.exec(path.slice(prefix.length)) : null;
      if (m) subdirs.add(`${prefix}${m[1]}`);
    }
    const subcharts = [...subdirs].sort().flatMap((subdir) => {
      const sub = loadChart(subdir, input.files, warnings);
      return sub ? [{ subdir, sub, name: String(sub.metadata.fields.get('Name')) }] : [];
    });
    const deps = dependencies(loaded.chart);
    for (const dep of deps) {
      if (subcharts.some((s) => s.name === dep.name)) continue;
      const library = input.libraries?.get(dep.name);
      const sub = library === undefined || library === dir ? undefined : loadChart(library, input.files, warnings);
      // A library chart, or the chart a file:// repository names (charts.ts): what `helm dependency build` puts under charts/.
      if (sub && String(sub.metadata.fields.get('Name')) === dep.name) subcharts.push({ subdir: library!, sub, name: dep.name });
      else missing.push(dep.key);
    }
    for (const { subdir, sub, name } of subcharts) {
      const uses = deps.filter((d) => d.name === name);
      for (const dep of uses.length > 0 ? uses : [{ name, key: name, condition: [], tags: [] }]) {
        if (!enabled(dep, loaded.values)) continue;
        // The subchart sees the parent's settings for it over its defaults, and the parent's globals.
        const values = coalesce(loaded.values.get(dep.key) ?? null, sub.values);
        const globals = coalesce(loaded.values.get('global') ?? null, isDict(sub.values.get('global')) ? (sub.values.get('global') as Dict) : new Map());
        values.set('global', globals);
        // ...and the parent sees the subchart's defaults under its key.
        loaded.values.set(dep.key, values);
        const fields = new Map(sub.metadata.fields);
        fields.set('Name', dep.key);
        visit(subdir, { ...sub, metadata: new GoObject(sub.metadata.type, fields), values }, `${fullPath}/charts/${dep.key}`, depth + 1);
      }
    }
  };
  visit(input.dir, root, String(root.metadata.fields.get('Name')), 0);
  return { nodes, missing };
}

export function renderChart(input: ChartInput, limits: RenderLimits = DEFAULT_LIMITS): ChartRender {
  const warnings: ChartWarning[] = [];
  const tree = chartTree(input, warnings);
  if (!tree) return { name: input.dir, templates: [], warnings };
  const { nodes, missing } = tree;
  // The chart of a file: the deepest chart whose templates/ hold it.
  const nodeOf = (path: string) => nodes.filter((n) => path.startsWith(joinPath(n.dir, 'templates/'))).sort((a, b) => b.dir.length - a.dir.length)[0];

  // Every template source of the tree is parsed once; definitions are shared, and each file is also a template named by its path.
  const parsed = new Map<string, ParsedTemplate>();
  const defines = new Map<string, Define>();
  const libraries = [...(input.libraries ?? [])].map(([name, dir]) => ({ prefix: `${dir}/`, place: joinPath(input.dir, `charts/${name}/`) }));
  const place = (path: string) => {
    const library = libraries.find((l) => path.startsWith(l.prefix));
    return library ? library.place + path.slice(library.prefix.length) : path;
  };
  for (const path of parseOrder([...input.files.keys()].filter((p) => isTemplateSource(p) && nodeOf(p)), place)) {
    try {
      const src = input.files.get(path)!;
      const template = input.parsed ? input.parsed.parse(src, path) : parseTemplate(src, path);
      parsed.set(path, template);
      const node = nodeOf(path)!;
      defines.set(`${node.fullPath}/${path.slice(node.dir === '' ? 0 : node.dir.length + 1)}`, { name: path, body: template.body, file: path, line: 1 });
      for (const define of template.defines) defines.set(define.name, define);
    } catch (error) {
      if (!(error instanceof TemplateSyntaxError)) throw error;
      warnings.push({ path, line: error.line, message: `Helm template not parsed: ${error.message}` });
    }
  }

  const engine = new Engine(defines, limits);
  const release: Dict = new Map<string, Value>([
    ['Name', input.release?.name ?? 'release-name'],
    ['Namespace', input.release?.namespace ?? 'default'],
    ['IsUpgrade', false],
    ['IsInstall', true],
    ['Revision', new GoInt(1)],
    ['Service', 'Helm'],
  ]);
  const caps = capabilities();
  // Each chart of the tree reads its own other files (not its parent's nor its subcharts').
  const chartFiles = new Map<string, GoObject>();
  // A chart whose files were cut: that its templates read them is said once, after the render.
  const readCut = new Set<string>();
  const filesFor = (dir: string) => chartFiles.get(dir) ?? chartFiles.set(dir, input.otherFilesCut?.has(dir) ? watched(filesOf(dir, input.otherFiles), () => readCut.add(dir)) : filesOf(dir, input.otherFiles)).get(dir)!;
  const templates: RenderedTemplate[] = [];
  // Helm renders in its parse order, and every template of a chart gets the same top-level
  // object: a template that sets `$.Values` (istio's zzz_profile.yaml merges its defaults
  // that way, first in that order) changes what the chart's later templates see.
  const queue = parseOrder(input.render);
  const tops = new Map<ChartNode, Dict>();
  for (const [index, path] of queue.entries()) {
    const template = parsed.get(path);
    const node = nodeOf(path);
    if (!template || !node || node.library) continue;
    if (engine.exhausted()) {
      warnings.push({ path, message: `Helm templates not rendered, a bound was exceeded: the chart's templates take more than ${limits.maxChartSteps} steps or ${limits.maxChartOutput} characters of output (${queue.length - index} templates left, from this one)` });
      break;
    }
    const inChart = path.slice(node.dir === '' ? 0 : node.dir.length + 1);
    const top: Dict =
      tops.get(node) ??
      new Map<string, Value>([
        ['Values', node.values],
        ['Chart', node.metadata],
        ['Release', release],
        ['Capabilities', caps],
        ['Files', filesFor(node.dir)],
        ['Subcharts', new Map()],
      ]);
    tops.set(node, top);
    top.set('Template', new Map<string, Value>([['Name', `${node.fullPath}/${inChart}`], ['BasePath', `${node.fullPath}/templates`]]));
    try {
      templates.push({ path, rendered: engine.render(template.body, path, top) });
    } catch (error) {
      if (error instanceof RenderError) warnings.push(renderWarning(error, path, input.packaged ?? [], missing));
      else if (error instanceof TemplateError || error instanceof RangeError) warnings.push({ path, message: `Helm template not rendered: ${error.message}` });
      else throw error;
    }
  }
  for (const dir of [...readCut].sort()) {
    warnings.push({ path: joinPath(dir, 'Chart.yaml'), message: `Helm chart: more than ${MAX_OTHER_FILES} files or ${MAX_OTHER_CHARS} characters outside templates/; .Files reads only the first ones` });
  }
  // Reported in path order, whatever order they were rendered in.
  templates.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { name: String(nodes[0]!.metadata.fields.get('Name')), templates, warnings };
}

function renderWarning(error: RenderError, path: string, packaged: readonly string[], missing: readonly string[]): ChartWarning {
  const own = error.at.findLast((w) => w.file === path) ?? error.at[0];
  const inner = error.at.find((w) => w.file !== TPL_FILE);
  const where = inner && inner !== own ? ` (at ${describe(inner)})` : error.at[0]?.file === TPL_FILE ? ' (in a string rendered by tpl)' : '';
  const absent = [...(missing.length > 0 ? [`dependencies missing from charts/: ${missing.join(', ')}`] : []), ...(packaged.length > 0 ? [`packaged subcharts that could not be read: ${packaged.join(', ')}`] : [])];
  const hint = /is not defined|nil pointer/.test(error.message) && absent.length > 0 ? ` (${absent.join('; ')}; secloop does not fetch dependencies)` : '';
  const what = error.bound ? 'Helm template not rendered, a bound was exceeded' : 'Helm template not rendered';
  return { path, ...(own ? { line: own.line } : {}), message: `${what}: ${error.message}${where}${hint}` };
}

function describe(where: Where): string {
  return `${where.file}:${where.line}`;
}
