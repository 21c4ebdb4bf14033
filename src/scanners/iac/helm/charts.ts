import path from 'node:path';
import type { ScanWarning } from '../../scanner.js';
import { looksBinary, type WorkspaceFile } from '../../../workspace/files.js';
import type { Git } from '../../../workspace/git.js';
import { ConfinedDisk } from '../../../workspace/confined-disk.js';
import { decodeUtf8 } from '../../../workspace/workspace.js';
import { analyseFile } from '../analyse.js';
import { analyseChart, withNote, withoutAlso, type ChartAnalysis } from './analyse.js';
import { helmDeployments, setPath, setValue, setValues, type HelmDeployment } from './deployments.js';
import { mayHoldDeployers } from '../deployer-documents.js';
import { MAX_DEPLOYER_FILE, type Deployers } from '../deployers.js';
import { isTemplateSource, joinPath, ParsedTemplates, type PackedFile, type ReleaseNames } from './chart.js';
import type { BuiltImages } from '../kubernetes/built-images.js';
import { parseHelmIgnore, type HelmIgnore } from './ignore.js';
import { chartOtherFile, MAX_OTHER_CHARS, MAX_OTHER_FILES, unpackChart } from './packaged.js';
import { satisfiesConstraint } from './functions.js';
import { isDict, loadValues, type Dict, type Value } from './values.js';
import type { ScannerFinding } from '../../../core/finding.js';
import { normaliseLine } from '../../../core/fingerprint.js';

/**
 * The Helm charts of a scan: directories with a Chart.yaml whose templates/ the scan
 * reaches. Their templates, Chart.yaml and values.yaml are not analysed as files of
 * their own; the chart is rendered once, when the scan reaches its first file. A chart's
 * helpers (*.tpl, which the walk does not hand to the iac scanner) and those of its
 * unpacked subcharts are read beside it, from the disk or, for --staged, from the index.
 */

/** Where a chart's files are read from. Paths are relative to the scan root. */
interface ChartSource {
  exists(file: string): Promise<boolean>;
  /** Files under a directory, recursively (bounded), without following links. */
  list(dir: string): Promise<string[]>;
  read(file: string): Promise<string | undefined>;
  /** Files of the scan that the scan does not hold and whose text matches `pattern` (a staged scan: the rest of the index); undefined where not supported. */
  grep?(pattern: string): Promise<string[]>;
  /** The bytes of a file (a packaged subchart), up to the size limit. */
  readBytes(file: string): Promise<Buffer | undefined>;
}

const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_CHART_FILES = 2000;
const MAX_CHART_CHARS = 32 * 1024 * 1024;
const MAX_LIST_DEPTH = 8;
/** Entries listed under a chart's templates/ and charts/ (beyond, the chart is not rendered). */
const MAX_LISTED = 20_000;
/** Characters of library charts' files kept for all the charts that use them (HelmCharts.libraryFiles). */
const MAX_KEPT_LIBRARY_CHARS = 8 * 1024 * 1024;
/** Files of a chart read at once (HelmCharts.input). */
const READ_TOGETHER = 8;

function decode(bytes: Buffer): string | undefined {
  return looksBinary(bytes) ? undefined : decodeUtf8(bytes);
}

/** The working tree under the scan root: regular files only, never through a symbolic link. */
class DiskSource implements ChartSource {
  private readonly disk: ConfinedDisk;
  constructor(root: string, maxBytes: number) {
    this.disk = new ConfinedDisk(root, maxBytes);
  }

  exists(file: string): Promise<boolean> {
    return this.disk.isFile(file);
  }

  async list(dir: string): Promise<string[]> {
    // Past the bounds the list is cut; the caller refuses a chart whose list is too long.
    return (await this.disk.list(dir, { maxDepth: MAX_LIST_DEPTH, maxFiles: MAX_LISTED })).files;
  }

  read(file: string): Promise<string | undefined> {
    return this.disk.readText(file);
  }

  readBytes(file: string): Promise<Buffer | undefined> {
    return this.disk.readBytes(file);
  }
}

/** The git index (what --staged scans): regular files only. */
class IndexSource implements ChartSource {
  private readonly listed = new Map<string, Promise<string[]>>();
  constructor(
    private readonly git: Git,
    private readonly prefix: string,
    private readonly maxBytes: number,
  ) {}

  list(dir: string): Promise<string[]> {
    let files = this.listed.get(dir);
    if (!files) {
      files = this.git
        .run(['ls-files', '-z', '--stage', '--', `:(literal)${this.prefix}${dir === '' ? '' : `${dir}/`}`])
        .then((out) =>
          out
            .split('\0')
            .map((line) => /^(?:100644|100755) [0-9a-f]+ 0\t(.+)$/s.exec(line)?.[1])
            .filter((p): p is string => p !== undefined && p.startsWith(this.prefix))
            .map((p) => p.slice(this.prefix.length))
            .slice(0, MAX_LISTED + 1),
        )
        .catch(() => []);
      this.listed.set(dir, files);
    }
    return files;
  }

  /** Paths of the index under the scan root whose text matches the extended regular expression (git grep --cached). */
  async grep(pattern: string): Promise<string[]> {
    try {
      const out = await this.git.run(['grep', '--cached', '-l', '-z', '-I', '--full-name', '-E', '-e', pattern, '--', this.prefix === '' ? ':(top)' : `:(top,literal)${this.prefix}`]);
      return out.split('\0').filter((p) => p.startsWith(this.prefix) && p !== '').map((p) => p.slice(this.prefix.length));
    } catch (error) {
      // git grep exits with 1 when nothing matches.
      if ((error as { code?: unknown }).code === 1) return [];
      throw error;
    }
  }

  async exists(file: string): Promise<boolean> {
    return (await this.list(path.posix.dirname(file) === '.' ? '' : path.posix.dirname(file))).includes(file);
  }

  async read(file: string): Promise<string | undefined> {
    const bytes = await this.readBytes(file);
    return bytes === undefined ? undefined : decode(bytes);
  }

  async readBytes(file: string): Promise<Buffer | undefined> {
    try {
      const bytes = await this.git.readStaged(this.prefix + file);
      return bytes.length > this.maxBytes ? undefined : bytes;
    } catch {
      return undefined;
    }
  }
}

/** A path of the configuration, from the scan root: `./deploy/chart/` -> `deploy/chart`, `.` -> ''. */
function cleanPath(value: string): string {
  return value.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/+$/, '').replace(/^\.$/, '');
}

/** Directories that may be charts because of where a scanned file sits. */
function candidateDirs(file: string): string[] {
  const parts = file.split('/');
  const out: string[] = [];
  const name = parts.at(-1);
  if (name === 'Chart.yaml' || name === 'values.yaml') out.push(parts.slice(0, -1).join('/'));
  parts.forEach((part, i) => {
    if (part === 'templates' && i < parts.length - 1) out.push(parts.slice(0, i).join('/'));
  });
  return out;
}

/** Whether the chart in `dir` owns `file`: its Chart.yaml, values.yaml, or a file under its templates/. */
function owns(dir: string, file: string): boolean {
  const rel = dir === '' ? file : file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : undefined;
  return rel !== undefined && (rel === 'Chart.yaml' || rel === 'values.yaml' || rel.startsWith('templates/'));
}

/** The chart whose charts/ holds a chart (`a/charts/b` → `a`), if that is a chart. */
function parentChart(dir: string, charts: ReadonlySet<string>): string | undefined {
  const m = /^(?:(.*)\/)?charts\/[^/]+$/.exec(dir);
  const parent = m ? (m[1] ?? '') : undefined;
  return parent !== undefined && charts.has(parent) ? parent : undefined;
}

/** A path of a chart's tree (relative to the chart): files of the chart and of its unpacked subcharts. */
const TREE_FILE = /^(?:charts\/[^/]+\/)*(?:Chart\.yaml|values\.yaml|requirements\.yaml|templates\/.+\.(?:ya?ml|tpl)|templates\/(?:.+\/)?_[^/]+)$/i;
/** A template that renders manifests: YAML under templates/ whose name does not start with `_`. */
const MANIFEST_TEMPLATE = /^(?:charts\/[^/]+\/)*templates\/(?:.+\/)?[^_/][^/]*\.ya?ml$/i;

type Warn = (warning: Omit<ScanWarning, 'scanner'>) => void;

/** What a chart's Chart.yaml (and requirements.yaml) says about it and its dependencies. */
interface ChartInfo {
  name: string;
  library: boolean;
  version: string;
  dependencies: Array<{ name: string; version: string; repository: string }>;
}

function chartInfo(chartYaml: string | undefined, requirements: string | undefined): ChartInfo | undefined {
  if (chartYaml === undefined) return undefined;
  const chart = loadValues(chartYaml, undefined).value;
  if (!isDict(chart)) return undefined;
  const extra = requirements === undefined ? null : loadValues(requirements, undefined).value;
  const listed: Value = (isDict(extra) ? extra.get('dependencies') : undefined) ?? chart.get('dependencies') ?? null;
  const field = (map: Map<string, Value>, key: string) => {
    const v = map.get(key);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
  };
  return {
    name: field(chart, 'name'),
    library: chart.get('type') === 'library',
    version: field(chart, 'version'),
    dependencies: (Array.isArray(listed) ? listed : []).filter(isDict).map((d) => ({ name: field(d, 'name'), version: field(d, 'version'), repository: field(d, 'repository') })),
  };
}

/** Path segments in common (a measure of how near two directories are). */
function shared(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

/** Renders of a chart with the values of its deployments, beside the one with its default values. */
export const MAX_DEPLOYMENT_RENDERS = 4;
/** What a file declaring a deployment may hold (a cheap filter of the index in a staged scan). */
const DEPLOYMENT_PATTERN = 'argoproj\\.io|helm\\.toolkit\\.fluxcd\\.io|helmCharts:|releases:';

/**
 * A finding's message with the name of its own object left out (`Deployment/web`, `Service web`):
 * a deployment's values that only rename the chart's objects (nameOverride, fullnameOverride)
 * give the same finding as the default render, not one more per deployment. The note naming
 * the other objects a merged finding stands for is left out too (values may reach more or fewer).
 */
function withoutOwnName(finding: ScannerFinding): string {
  const resource = finding.properties?.resource;
  const own = typeof resource === 'string' ? /^([A-Za-z][\w.]*)\/([^\s/]+)(?:\s|$)/.exec(resource) : null;
  const message = withoutAlso(finding);
  if (!own) return message;
  const [, kind, name] = own;
  return message.split(`${kind}/${name}`).join(`${kind}/\0`).split(`${kind} ${name}`).join(`${kind} \0`);
}

/** A render of a chart with a deployment's values, under the release that deployment installs. */
export interface DeploymentRender {
  name: string;
  label: string;
  values: Dict[];
  release?: ReleaseNames;
}

const DEFAULT_RELEASE = { name: 'release-name', namespace: 'default' };
/** A name in a message: a Kubernetes name, with dots (`web-redis`, `redis.web.svc`). */
const NAME_TOKEN = /[A-Za-z0-9_.-]+/g;

/** `name` as a part of a name (between its start or end and a `-` or `.`). */
function namePart(name: string): RegExp {
  return new RegExp(`(^|[-.])${escapeRegExp(name)}(?=$|[-.])`, 'g');
}

/** `namespace` before a slash (`web/sa`), as a name is written in its namespace. */
function namespacePart(namespace: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(namespace)}(?=/)`, 'g');
}

/**
 * A message with the names its release gives left out: every name that holds the release
 * name as a part (`web`, `web-redis`, `redis.web.svc`: the chart's fullname is the release
 * name alone when it holds the chart's name), and the release namespace before a slash
 * (`web/sa`). Two renders whose only difference is the release they install give the same text.
 */
function withoutRelease(message: string, release: ReleaseNames | undefined): string {
  const part = namePart(release?.name ?? DEFAULT_RELEASE.name);
  // The namespace first: a release may share its name with its namespace (edge/edge-fluentd).
  return message
    .replace(namespacePart(release?.namespace ?? DEFAULT_RELEASE.namespace), '$1\u0002')
    .replace(NAME_TOKEN, (token) => (token.search(part) >= 0 ? '\u0001' : token));
}

/**
 * A message said with Helm's default release ("release-name" in "default") in place of the
 * deployment's: what the fingerprint of a finding only deployments give is made of, so that
 * deployments that install the chart under other names give it the same fingerprint, in
 * whatever order they come (the one it had when every render was "release-name").
 */
function withDefaultRelease(message: string, release: ReleaseNames | undefined): string {
  let out = message;
  if (release?.namespace !== undefined) out = out.replace(namespacePart(release.namespace), `$1${DEFAULT_RELEASE.namespace}`);
  if (release?.name !== undefined) out = out.replace(NAME_TOKEN, (token) => token.replace(namePart(release.name!), `$1${DEFAULT_RELEASE.name}`));
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A deployment, for messages: `Application argocd/web, deploy/web.yaml`. */
function deploymentName(d: HelmDeployment): string {
  return `${d.what}, ${d.file}`;
}

export class HelmCharts {
  private readonly done = new Set<string>();
  /** The deployments of each chart that give it values (those of charts iac.helmValues configures are left out). */
  private readonly deployments = new Map<string, HelmDeployment[]>();
  /** The images skaffold builds for the charts it deploys, by chart directory (kubernetes/built-images.ts). */
  private builtImages: ReadonlyMap<string, BuiltImages> = new Map();
  /** The images the scan's Makefiles, scripts and CI files build (image-builds.ts): a chart that runs one by that name and tag pulls nothing. */
  private scriptBuiltImages: ReadonlyMap<string, string> = new Map();
  /** The library charts of the scan by name (directory and version), read when a dependency first needs one. */
  private libraryIndex: Promise<Map<string, Array<{ dir: string; version: string; library: boolean }>>> | undefined;
  /** Templates parsed for the charts' renders: a chart's own while it is rendered (once per deployment), a library's for every chart that uses it. */
  private readonly parsed = new ParsedTemplates();
  /** The files of the library charts that charts use (libraryFiles), and the characters they hold. */
  private readonly libraryTexts = new Map<string, Promise<ReadonlyArray<readonly [string, string | undefined]> | undefined>>();
  private libraryChars = 0;
  private libraryReads = 0;
  private readonly chartDirs: ReadonlySet<string>;
  /** What each Chart.yaml text (of a chart without requirements.yaml) says: read for the scan's library index, then for each chart's dependencies. */
  private readonly infos = new Map<string, ChartInfo | undefined>();

  private constructor(
    /** Every chart directory of the scan. */
    private readonly charts: readonly string[],
    /** The chart of each scanned file a chart owns. */
    private readonly owner: ReadonlyMap<string, string>,
    private readonly scanned: ReadonlySet<string>,
    private readonly source: ChartSource,
    private readonly staged: boolean,
    private readonly warn: Warn,
    /** Values files to apply over a chart's values.yaml, by chart directory (iac.helmValues). */
    private readonly valueFiles: ReadonlyMap<string, readonly string[]>,
  ) {
    this.chartDirs = new Set(charts);
  }

  static async find(
    files: readonly WorkspaceFile[],
    options: { root: string; git: Git | null; maxFileSize?: number; warn: Warn; helmValues?: Readonly<Record<string, readonly string[]>> },
  ): Promise<HelmCharts> {
    const staged = files.some((file) => file.fromIndex);
    const maxBytes = Math.min(options.maxFileSize ?? MAX_FILE_BYTES, MAX_FILE_BYTES);
    const source: ChartSource = staged && options.git ? new IndexSource(options.git, await options.git.prefix(), maxBytes) : new DiskSource(options.root, maxBytes);
    const scanned = new Set(files.map((file) => file.path));
    const candidates = new Set(files.flatMap((file) => candidateDirs(file.path)));
    const charts: string[] = [];
    for (const dir of [...candidates].sort()) {
      const chartFile = joinPath(dir, 'Chart.yaml');
      if (scanned.has(chartFile) || (await source.exists(chartFile))) charts.push(dir);
    }
    const owner = new Map<string, string>();
    if (charts.length > 0) {
      const set = new Set(charts);
      for (const file of files) {
        // The nearest chart, and then the chart it is a subchart of: a chart is rendered with its subcharts.
        let dir = candidateDirs(file.path)
          .filter((d) => set.has(d) && owns(d, file.path))
          .sort((a, b) => b.length - a.length)[0];
        for (let up = dir === undefined ? undefined : parentChart(dir, set); up !== undefined; up = parentChart(up, set)) dir = up;
        if (dir !== undefined) owner.set(file.path, dir);
      }
    }
    const valueFiles = new Map<string, readonly string[]>();
    for (const [dir, list] of Object.entries(options.helmValues ?? {})) {
      const chart = cleanPath(dir);
      // Only charts this scan renders: a scan of part of the tree, or of staged files, may not reach the others.
      if (charts.includes(chart)) valueFiles.set(chart, list.map(cleanPath));
    }
    return new HelmCharts(charts, owner, scanned, source, staged, options.warn, valueFiles);
  }

  /** Whether deployments of the scan's charts are looked for in a file (deployers.ts): any file of the scan but the charts' own, when it has charts. */
  wantsDeployments(file: string): boolean {
    return this.charts.length > 0 && !this.owner.has(file);
  }

  /**
   * The deployments of the scan's charts that give them values (deployments.ts), from the
   * scan's files (`read`: deployers.ts, under its budget, whose remainder bounds the rest)
   * and, in a scan of staged files, from the rest of the index; a chart iac.helmValues
   * configures keeps those values alone.
   */
  async findDeployments(read: Pick<Deployers, 'deployments' | 'budget'>, more: readonly HelmDeployment[] = []): Promise<void> {
    if (this.charts.length === 0) return;
    // Deployments found elsewhere (Terraform helm_release: terraform-releases.ts).
    const found: HelmDeployment[] = [...more, ...read.deployments];
    let budget = read.budget;
    const take = (file: string, text: string | null | undefined) => {
      if (text === null || text === undefined || text.length > MAX_DEPLOYER_FILE) return;
      budget -= text.length;
      try {
        found.push(...helmDeployments(file, text));
      } catch (error) {
        this.warn({ path: file, message: `Helm chart deployments in this file not read: ${(error as Error).message}` });
      }
    };
    if (this.staged && this.source.grep) {
      // What will be committed beside the staged files: the index's files that may declare deployments.
      try {
        for (const file of await this.source.grep(DEPLOYMENT_PATTERN)) {
          if (this.scanned.has(file) || !mayHoldDeployers(file) || budget <= 0) continue;
          take(file, await this.source.read(file));
        }
      } catch (error) {
        this.warn({ message: `could not read the index beside the staged files: the values deployments of the Helm charts give are applied only from the staged files (${(error as Error).message.split('\n')[0]})` });
      }
    }
    const charts = new Set(this.charts);
    for (const deployment of found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))) {
      if (!charts.has(deployment.chart) || this.valueFiles.has(deployment.chart)) continue;
      for (const note of deployment.notes) this.warn({ path: deployment.file, line: deployment.line, message: `${deployment.what} deploys the Helm chart ${deployment.chart || '.'}: ${note}` });
      // A deployment that gives no values renders as the default does.
      if (deployment.layers.length === 0) continue;
      const list = this.deployments.get(deployment.chart) ?? [];
      list.push(deployment);
      this.deployments.set(deployment.chart, list);
    }
  }

  /** Work done so far, for tests: library chart files read, template files parsed. */
  get work(): { libraryReads: number; templateParses: number } {
    return { libraryReads: this.libraryReads, templateParses: this.parsed.parses };
  }

  /** Whether the scan has Helm charts of its own. */
  get hasCharts(): boolean {
    return this.charts.length > 0;
  }

  /** The directory of the chart that owns a scanned file, or undefined for a file of no chart. */
  chartOf(file: string): string | undefined {
    return this.owner.get(file);
  }

  /** The directory of the chart a file lies in (its own files outside templates/ included), or undefined. */
  chartContaining(file: string): string | undefined {
    // The deepest of the file's directories that is a chart's (asked for every file of the scan: bitnami/charts has 4,200 files and 118 charts).
    for (let end = file.lastIndexOf('/'); end > 0; end = file.lastIndexOf('/', end - 1)) {
      const dir = file.slice(0, end);
      if (this.chartDirs.has(dir)) return dir;
    }
    return this.chartDirs.has('') ? '' : undefined;
  }

  /** The images skaffold builds and puts into the charts it deploys, by chart directory: rendered containers that run them are judged on the build. */
  useBuiltImages(byChart: ReadonlyMap<string, BuiltImages>): void {
    this.builtImages = byChart;
  }

  useScriptBuiltImages(images: ReadonlyMap<string, string>): void {
    this.scriptBuiltImages = images;
  }

  /** The chart's findings, the first time it is asked for; undefined afterwards. */
  async analyse(dir: string): Promise<ChartAnalysis | undefined> {
    if (this.done.has(dir)) return undefined;
    this.done.add(dir);
    try {
      const read = await this.input(dir);
      if (!read) return undefined;
      const builtImages = this.builtImages.get(dir);
      const scriptBuiltImages = this.scriptBuiltImages.size > 0 ? { scriptBuiltImages: this.scriptBuiltImages } : {};
      const input = { ...read, ...(builtImages ? { builtImages } : {}), ...scriptBuiltImages, parsed: this.parsed };
      const deployments = this.deployments.get(dir) ?? [];
      if (deployments.length === 0) return this.withoutStandalone(analyseChart(input, this.warn), input.otherFiles);
      return this.withoutStandalone(await this.withDeployments(dir, input, deployments), input.otherFiles);
    } catch (error) {
      // A renderer bug must not stop the scan; it is reported with the chart.
      this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `could not render this Helm chart: ${(error as Error).message}` });
      return undefined;
    } finally {
      // No other chart renders this one's templates (a library outside it is kept for the charts that use it).
      this.parsed.forget(dir);
    }
  }

  /**
   * The chart rendered with its default values, then with the values of each of its
   * first deployments (MAX_DEPLOYMENT_RENDERS; a warning names the others). A finding of
   * the same rule, place and message (its own object's name aside) is reported once, as is
   * one the default render gives on the same object at another place; one that only a deployment's
   * values give names the deployments whose values give it. Warnings the default render
   * gave are not repeated.
   */
  private async withDeployments(dir: string, input: NonNullable<Awaited<ReturnType<HelmCharts['input']>>>, deployments: readonly HelmDeployment[]): Promise<ChartAnalysis> {
    const DEFAULT = "the chart's default values";
    const warned = new Set<string>();
    const warningKey = (w: Omit<ScanWarning, 'scanner'>, label: string) => `${w.path ?? ''}\0${w.line ?? 0}\0${w.message.split(label).join('\0')}`;
    const base = analyseChart(input, (w) => {
      warned.add(warningKey(w, DEFAULT));
      this.warn(w);
    });
    // A finding is compared with its own object's name left out, and with the names the release gives (its
    // name, its namespace) left out: a deployment that installs the chart under its own release name renames
    // every object (web-fluentd for release-name-fluentd) and moves it to its namespace.
    const key = (f: ScannerFinding, release?: ReleaseNames | null) => `${f.ruleId}\0${f.location.path}\0${f.location.startLine}\0${release === null ? withoutOwnName(f) : withoutRelease(withoutOwnName(f), release)}`;
    const known = new Set(base.findings.flatMap((f) => [key(f, null), key(f)]));
    // The same message on the same object, moved to another line by the values (a pod securityContext a deployment
    // adds puts "no seccomp profile" on its line; a values file that sets limits: null again, as Helm drops the key,
    // puts "no memory limit" on the template's line): the default render's finding already says it.
    const said = (f: ScannerFinding, release?: ReleaseNames | null) => {
      const resource = f.properties?.resource;
      const text = `${typeof resource === 'string' ? resource : f.location.path}\0${withoutAlso(f).replace(/ \(rendered by [^()]*\)(?=\.?$)/, '')}`;
      return `${f.ruleId}\0${release === null ? text : withoutRelease(text, release)}`;
    };
    const saidByDefault = new Set(base.findings.flatMap((f) => [said(f, null), said(f)]));
    const extra = new Map<string, { finding: ScannerFinding; by: string[]; plain: string }>();
    const secrets = new Set(base.secrets);
    for (const { name, label, values, release } of await this.valuesToRender(dir, deployments)) {
      const deployment = { name };
      const analysis = analyseChart({ ...input, values, valuesOf: label, ...(release ? { release } : {}) }, (w) => {
        const k = warningKey(w, label);
        if (warned.has(k)) return;
        warned.add(k);
        this.warn(w.message.includes(label) ? w : { ...w, message: `${w.message} (with ${label})` });
      });
      for (const secret of analysis.secrets) secrets.add(secret);
      for (const finding of analysis.findings) {
        if (known.has(key(finding, null)) || saidByDefault.has(said(finding, null))) continue;
        const k = key(finding, release);
        if (known.has(k) || saidByDefault.has(said(finding, release))) continue;
        const seen = extra.get(k);
        if (seen) {
          if (!seen.by.includes(deployment.name)) seen.by.push(deployment.name);
        } else extra.set(k, { finding, by: [deployment.name], plain: withDefaultRelease(withoutAlso(finding), release) });
      }
    }
    // A finding only deployments' values give is told apart from the others of its rule and line by its message
    // (before the deployments are named), not by its place in the order of the deployments: a deployment added,
    // or the deployments reordered, leave the fingerprints of the other findings as they were.
    const texts = new Map<string, string[]>();
    const lineText = async (file: string, line: number) => {
      let lines = texts.get(file);
      if (!lines) texts.set(file, (lines = (input.files.get(file) ?? (await this.source.read(file).catch(() => undefined)))?.split('\n') ?? []));
      return lines[line - 1] ?? '';
    };
    const findings = [...base.findings];
    for (const { finding, by, plain } of extra.values()) {
      const place = finding.fingerprintKey ?? normaliseLine(await lineText(finding.location.path, finding.location.startLine));
      findings.push({
        ...finding,
        message: withNote(finding.message, ` (with the values of ${by.join('; ')})`),
        properties: { ...finding.properties, helm: { ...(finding.properties.helm as object), deployments: by } },
        fingerprintKey: `${place}\nwith deployment values: ${plain}`,
      });
    }
    return { findings, secrets: [...secrets] };
  }

  /**
   * The values to render a chart with beside its default ones (`ops check` too): those of
   * each of its first deployments (MAX_DEPLOYMENT_RENDERS; a warning names the others)
   * that give any it can read. `label` names them in messages (`the values of ...`); `release`
   * is the release name and namespace the deployment installs the chart with, when it tells them.
   */
  async deploymentValuesOf(dir: string): Promise<DeploymentRender[]> {
    return this.valuesToRender(dir, this.deployments.get(dir) ?? []);
  }

  private async valuesToRender(dir: string, deployments: readonly HelmDeployment[]): Promise<DeploymentRender[]> {
    const skipped = deployments.slice(MAX_DEPLOYMENT_RENDERS);
    if (skipped.length > 0) {
      this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `Helm chart rendered with the values of its first ${MAX_DEPLOYMENT_RENDERS} deployments only; not with those of ${skipped.map(deploymentName).join('; ')}` });
    }
    const out: DeploymentRender[] = [];
    for (const deployment of deployments.slice(0, MAX_DEPLOYMENT_RENDERS)) {
      const values = await this.deploymentValues(deployment);
      // Nothing of its values could be read (warned): it renders as the default does.
      if (values.length === 0) continue;
      const name = deploymentName(deployment);
      out.push({ name, label: `the values of ${name}`, values, ...(deployment.release ? { release: deployment.release } : {}) });
    }
    return out;
  }

  /** The values a deployment gives its chart, layer by layer; a values file that cannot be read, or a value that cannot, is a warning. */
  private async deploymentValues(deployment: HelmDeployment): Promise<Dict[]> {
    const out: Dict[] = [];
    const at = { path: deployment.file, line: deployment.line };
    for (const layer of deployment.layers) {
      if (layer.kind === 'values') out.push(layer.value);
      else if (layer.kind === 'set') {
        const parts = setPath(layer.name);
        if (parts) out.push(setValues(parts, setValue(layer.value, layer.string), layer.origin));
        else this.warn({ path: layer.origin.path, line: layer.origin.line, message: `Helm parameter ${layer.name} of ${deployment.what} not applied: not a path Helm's --set reads` });
      } else {
        const loaded = layer.kind === 'text' ? loadValues(layer.text, deployment.file, layer.lineAt) : undefined;
        const text = layer.kind === 'file' ? await this.source.read(layer.path) : undefined;
        if (layer.kind === 'file' && text === undefined) {
          this.warn({ ...at, message: `Helm values file ${layer.written} (${layer.path}) of ${deployment.what} was not found, or could not be read inside the scan root: the chart ${deployment.chart || '.'} is rendered with this deployment's other values only${deployment.optionalFiles ? ' (ignoreMissingValueFiles: Argo CD skips it too)' : ''}` });
          continue;
        }
        const result = loaded ?? loadValues(text!, layer.kind === 'file' ? layer.path : deployment.file);
        if (result.error || !isDict(result.value)) {
          const where = layer.kind === 'file' ? { path: layer.path, ...(result.error ? { line: result.error.line } : {}) } : at;
          this.warn({ ...where, message: `Helm values of ${deployment.what} not used: not valid YAML or not a mapping${result.error ? ` (${result.error.message})` : ''}` });
          continue;
        }
        out.push(result.value);
      }
    }
    return out;
  }

  /**
   * A file the chart prints through .Files that the scan also analyses on its own (a
   * complete manifest under files/ that one could kubectl apply): what the rules find on
   * its lines there is reported once, by the file's own analysis; the chart keeps only
   * what the file alone does not show.
   */
  private withoutStandalone(analysis: ChartAnalysis, otherFiles: ReadonlyMap<string, string> | undefined): ChartAnalysis {
    if (!otherFiles) return analysis;
    const alone = new Map<string, Set<string>>();
    const reported = (file: string) => {
      let keys = alone.get(file);
      if (!keys) {
        keys = new Set(analyseFile(file, otherFiles.get(file)!, () => {}).findings.map((f) => `${f.ruleId}\0${f.location.startLine}`));
        alone.set(file, keys);
      }
      return keys;
    };
    const findings = analysis.findings.filter((f) => {
      const file = f.location.path;
      if (!otherFiles.has(file) || !this.scanned.has(file) || this.owner.has(file)) return true;
      return !reported(file).has(`${f.ruleId}\0${f.location.startLine}`);
    });
    return { ...analysis, findings };
  }

  /**
   * The chart at `dir` as the renderer takes it: templates, values (with the configured
   * values files), subcharts unpacked or packaged, library charts and its other files,
   * within the scan's bounds. Used by analyse() and by `ops check` for declared ports.
   */
  async input(dir: string) {
    const rel = (file: string) => (dir === '' ? file : file.slice(dir.length + 1));
    // The chart's .helmignore: what it names is not part of the chart Helm loads (templates, subcharts, files).
    const ignoreFile = joinPath(dir, '.helmignore');
    const ignore = parseHelmIgnore((await this.source.read(ignoreFile)) ?? '');
    for (const problem of ignore.problems) this.warn({ path: ignoreFile, line: problem.line, message: `.helmignore rule not applied (Helm refuses it: ${problem.message})` });
    const listed = [...(await this.source.list(joinPath(dir, 'templates'))), ...(await this.source.list(joinPath(dir, 'charts')))].filter((file) => !ignore.ignores(rel(file)));
    const tree = [joinPath(dir, 'Chart.yaml'), joinPath(dir, 'values.yaml'), joinPath(dir, 'requirements.yaml'), ...listed.filter((file) => TREE_FILE.test(rel(file)))];
    const archives = listed.filter((file) => /^(?:charts\/[^/]+\/)*charts\/[^/]+\.tgz$/i.test(rel(file)));
    if (tree.length > MAX_CHART_FILES || listed.length > MAX_LISTED) {
      this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `Helm chart not rendered: more than ${MAX_CHART_FILES} template files, or ${MAX_LISTED} files, in its templates and subcharts` });
      return undefined;
    }
    const texts = new Map<string, string>();
    let chars = 0;
    /** Puts texts read into `texts`; false (with a warning) once the chart's files hold too much. */
    const keep = (read: Iterable<readonly [string, string | undefined]>): boolean => {
      for (const [file, text] of read) {
        if (text === undefined) continue;
        chars += text.length;
        if (chars > MAX_CHART_CHARS) {
          this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `Helm chart not rendered: its files hold more than ${MAX_CHART_CHARS} characters` });
          return false;
        }
        texts.set(file, text);
      }
      return true;
    };
    /**
     * Reads files into `texts`, as `keep`, in order; a few at a time, so that the file
     * system's round trips for one overlap the others' (bitnami/charts: 4,200 files, each
     * an open, a stat, a read and a close).
     */
    const readAll = async (files: readonly string[]): Promise<boolean> => {
      for (let i = 0; i < files.length; i += READ_TOGETHER) {
        const batch = files.slice(i, i + READ_TOGETHER);
        const read = await Promise.all(batch.map((file) => this.source.read(file)));
        if (!keep(batch.map((file, j) => [file, read[j]] as const))) return false;
      }
      return true;
    };
    if (!(await readAll(tree))) return undefined;
    // Packaged subcharts, unpacked in memory beside the unpacked ones (which win, as Helm loads them).
    const packedFiles = new Map<string, PackedFile>();
    const packedOther = new Map<string, string>();
    const packaged: string[] = [];
    for (const archive of archives) {
      const bytes = await this.source.readBytes(archive);
      const unpacked = bytes === undefined ? { problem: 'could not be read (or is larger than the file size limit)' } : unpackChart(bytes);
      if ('problem' in unpacked) {
        this.warn({ path: archive, message: `packaged Helm subchart not read: ${unpacked.problem}` });
        packaged.push(rel(archive));
        continue;
      }
      const base = `${archive.slice(0, archive.lastIndexOf('/'))}/${unpacked.chart.name}`;
      if (texts.has(`${base}/Chart.yaml`)) continue;
      for (const [file, text] of unpacked.chart.files) {
        chars += text.length;
        if (chars > MAX_CHART_CHARS) {
          this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `Helm chart not rendered: its files hold more than ${MAX_CHART_CHARS} characters` });
          return undefined;
        }
        texts.set(`${base}/${file}`, text);
        packedFiles.set(`${base}/${file}`, { archive, inner: `${unpacked.chart.name}/${file}` });
      }
      for (const [file, text] of unpacked.chart.other) {
        packedOther.set(`${base}/${file}`, text);
        packedFiles.set(`${base}/${file}`, { archive, inner: `${unpacked.chart.name}/${file}` });
      }
      if (unpacked.chart.otherTruncated) this.warn({ path: archive, message: `packaged Helm subchart: a chart in it holds more than ${MAX_OTHER_FILES} files or ${MAX_OTHER_CHARS} characters outside templates/; .Files reads only the first ones` });
    }
    const valueFiles: string[] = [];
    for (const file of this.valueFiles.get(dir) ?? []) {
      if (!texts.has(file) && !(await readAll([file]))) return undefined;
      if (texts.has(file)) valueFiles.push(file);
      else this.warn({ path: joinPath(dir, 'Chart.yaml'), message: `Helm values file ${file} (iac.helmValues) was not found or could not be read: the chart is rendered without it` });
    }
    const libraries = await this.libraries(dir, texts);
    for (const library of libraries.values()) {
      const files = await this.libraryFiles(library);
      if (files !== undefined && !keep(files)) return undefined;
    }
    const otherFilesCut = new Set<string>();
    const otherFiles = await this.otherFiles(dir, texts, packedFiles, packedOther, ignore, otherFilesCut);
    // The walk's ignore rules apply to templates it did not hand over; a staged scan renders what the index holds.
    const render = [
      ...tree.filter((file) => MANIFEST_TEMPLATE.test(rel(file)) && (this.staged || this.scanned.has(file))),
      ...[...packedFiles.keys()].filter((file) => MANIFEST_TEMPLATE.test(rel(file))),
    ];
    return {
      dir,
      files: texts,
      render,
      packaged,
      ...(packedFiles.size > 0 ? { packedFiles } : {}),
      ...(valueFiles.length > 0 ? { valueFiles } : {}),
      ...(libraries.size > 0 ? { libraries } : {}),
      ...(otherFiles.size > 0 ? { otherFiles } : {}),
      ...(otherFilesCut.size > 0 ? { otherFilesCut } : {}),
    };
  }

  /**
   * The files of the chart and of its subcharts outside their templates/ and charts/ that
   * their templates may read through .Files: for each chart of the tree whose templates
   * mention .Files (or when a helper of the tree does), its files on disk, or in the
   * archive it was unpacked from, bounded per chart; hidden directories such as .git, and
   * what the chart's .helmignore names, are left out. The charts whose files go beyond the
   * bounds are added to `cut`: a render that reads their .Files says that it reads only the first ones.
   */
  private async otherFiles(dir: string, texts: ReadonlyMap<string, string>, packedFiles: ReadonlyMap<string, PackedFile>, packedOther: ReadonlyMap<string, string>, ignore: HelmIgnore, cut: Set<string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const inTree = (file: string) => (dir === '' ? file : file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : undefined);
    // The charts of the tree: the top one and its subcharts, unpacked or packaged (not the libraries found elsewhere).
    const charts = [...texts.keys()].flatMap((file) => {
      const rel = inTree(file);
      const m = rel === undefined ? null : /^((?:charts\/[^/]+\/)*)Chart\.yaml$/.exec(rel);
      return m ? [joinPath(dir, m[1]!.replace(/\/$/, ''))] : [];
    });
    const mentions = (file: string, text: string) => /\.Files\b/.test(text) && /(?:^|\/)templates\//.test(file);
    const helperMentions = [...texts].some(([file, text]) => /(?:^|\/)_[^/]*$|\.tpl$/i.test(file) && mentions(file, text));
    let total = 0;
    for (const chart of charts.sort()) {
      const templates = joinPath(chart, 'templates/');
      if (!helperMentions && ![...texts].some(([file, text]) => file.startsWith(templates) && mentions(file, text))) continue;
      const ownFile = (file: string) => {
        const rel = inTree(file);
        const other = rel === undefined ? undefined : chartOtherFile(rel);
        return other !== undefined && joinPath(dir, other.chart) === chart;
      };
      if (packedFiles.has(joinPath(chart, 'Chart.yaml'))) {
        for (const [file, text] of packedOther) if (ownFile(file)) out.set(file, text);
        continue;
      }
      let count = 0;
      let chars = 0;
      for (const file of await this.source.list(chart)) {
        if (!ownFile(file) || ignore.ignores(inTree(file)!)) continue;
        if (count >= MAX_OTHER_FILES || chars > MAX_OTHER_CHARS || total > MAX_CHART_CHARS) {
          cut.add(chart);
          break;
        }
        const text = await this.source.read(file);
        if (text === undefined) continue;
        count++;
        chars += text.length;
        total += text.length;
        out.set(file, text);
      }
    }
    return out;
  }

  /**
   * A library chart's files that a chart using it renders with (Chart.yaml, values.yaml and
   * its templates), with their texts (undefined: not read), or undefined when it has more
   * than MAX_CHART_FILES: read once for all the charts of the scan that use it, up to
   * MAX_KEPT_LIBRARY_CHARS for all libraries (beyond, read for each chart).
   */
  private async libraryFiles(library: string): Promise<ReadonlyArray<readonly [string, string | undefined]> | undefined> {
    const kept = this.libraryTexts.get(library);
    if (kept) return kept;
    const read = (async () => {
      const files = [joinPath(library, 'Chart.yaml'), joinPath(library, 'values.yaml'), ...(await this.source.list(joinPath(library, 'templates'))).filter(isTemplateSource)];
      if (files.length > MAX_CHART_FILES) return undefined;
      const out: Array<readonly [string, string | undefined]> = [];
      for (const file of files) out.push([file, await this.source.read(file)]);
      this.libraryReads += files.length;
      return out;
    })();
    this.libraryTexts.set(library, read);
    const files = await read;
    const chars = (files ?? []).reduce((sum, [, text]) => sum + (text?.length ?? 0), 0);
    if (this.libraryChars + chars > MAX_KEPT_LIBRARY_CHARS) this.libraryTexts.delete(library);
    else this.libraryChars += chars;
    return files;
  }

  /** chartInfo, parsed once per Chart.yaml text. */
  private chartInfo(chartYaml: string | undefined, requirements: string | undefined): ChartInfo | undefined {
    if (chartYaml === undefined || requirements !== undefined) return chartInfo(chartYaml, requirements);
    if (!this.infos.has(chartYaml)) this.infos.set(chartYaml, chartInfo(chartYaml, undefined));
    return this.infos.get(chartYaml);
  }

  /** The charts of the scan by name (directory, version, and whether it is a library chart). */
  private libraryCharts(): Promise<Map<string, Array<{ dir: string; version: string; library: boolean }>>> {
    this.libraryIndex ??= (async () => {
      const index = new Map<string, Array<{ dir: string; version: string; library: boolean }>>();
      for (const dir of this.charts) {
        const info = this.chartInfo(await this.source.read(joinPath(dir, 'Chart.yaml')), undefined);
        if (info?.name) index.set(info.name, [...(index.get(info.name) ?? []), { dir, version: info.version, library: info.library }]);
      }
      return index;
    })();
    return this.libraryIndex;
  }

  /**
   * Dependencies of the chart and its unpacked subcharts that are not unpacked, and for
   * which the scan holds a library chart of that name and of a version the dependency
   * accepts (the nearest, or the one its file:// repository names): what `helm dependency
   * build` would have put under charts/ in a repository that keeps its library beside its
   * charts. An application chart counts only where a file:// repository names its directory
   * (a chart of shared helpers that does not say type: library); its own manifests are not
   * rendered into the parent's, they are judged where the scan renders that chart. By
   * name, the directory of that library.
   */
  private async libraries(dir: string, texts: ReadonlyMap<string, string>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const declaring = [...texts.keys()].filter((p) => p.endsWith('/Chart.yaml') || p === 'Chart.yaml').map((p) => p.slice(0, Math.max(0, p.length - '/Chart.yaml'.length)));
    const unpacked = new Set<string>();
    const wanted: Array<{ from: string; name: string; version: string; repository: string }> = [];
    for (const chart of declaring) {
      const info = this.chartInfo(texts.get(joinPath(chart, 'Chart.yaml')), texts.get(joinPath(chart, 'requirements.yaml')));
      if (!info) continue;
      if (chart !== dir) unpacked.add(info.name);
      for (const dep of info.dependencies) wanted.push({ from: chart, ...dep });
    }
    const inside = (d: string) => d === dir || dir === '' || d.startsWith(`${dir}/`);
    for (const dep of wanted) {
      if (!dep.name || unpacked.has(dep.name) || out.has(dep.name)) continue;
      const named = dep.repository.startsWith('file://') ? path.posix.normalize(joinPath(dep.from, dep.repository.slice('file://'.length))).replace(/\/$/, '') : undefined;
      let best: string | undefined;
      for (const candidate of (await this.libraryCharts()).get(dep.name) ?? []) {
        if (inside(candidate.dir) || (dep.version && !satisfiesConstraint(dep.version, candidate.version))) continue;
        if (!candidate.library && candidate.dir !== named) continue;
        if (candidate.dir === named) {
          best = candidate.dir;
          break;
        }
        if (best === undefined || shared(candidate.dir, dir) > shared(best, dir)) best = candidate.dir;
      }
      if (best !== undefined) out.set(dep.name, best);
    }
    return out;
  }
}
