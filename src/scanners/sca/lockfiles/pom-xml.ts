/**
 * Maven pom.xml: the dependencies the project declares (not a lockfile: transitive
 * dependencies need a resolver and are not reported). `${...}` is interpolated from
 * <properties>, project.* (with the parent's groupId and version as fallbacks) and the
 * parent chain when its pom can be read (relativePath, default ../pom.xml); a missing
 * <version> comes from dependencyManagement. Scope test is dev. Entities are never
 * expanded (fast-xml-parser with processEntities off), so XML bombs stay inert.
 */
import type { XMLParser as XMLParserType } from 'fast-xml-parser';
import type { Package } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, dirname, joinPath, type ParseContext } from './parser.js';
import { purlFor } from './purl.js';
import { fastXmlPackage } from '../../../core/packages.js';
import { LineIndex } from '../../../core/line-index.js';

type Xml = Record<string, unknown>;

const MAX_PARENTS = 5;
const MAX_INTERPOLATION_ROUNDS = 10;

const fastXml = fastXmlPackage;
let xmlParser: XMLParserType | undefined;
function parser(): { xml: XMLParserType; meta: string } {
  const { XMLParser } = fastXml();
  xmlParser ??= new XMLParser({
    processEntities: false,
    htmlEntities: false,
    ignoreAttributes: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    parseTagValue: false,
    trimValues: true,
    captureMetaData: true,
    isArray: (name) => name === 'dependency' || name === 'profile',
  });
  return { xml: xmlParser, meta: XMLParser.getMetaDataSymbol() as unknown as string };
}

function obj(value: unknown): Xml | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Xml) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function list(value: unknown): Xml[] {
  return Array.isArray(value) ? value.map(obj).filter((v): v is Xml => v !== undefined) : [];
}

interface Pom {
  project: Xml;
  path: string;
  /** The parent pom, when it could be read and is the one named in <parent>. */
  parent?: Pom;
}

function readPom(source: string, path: string): { project?: Xml; error?: { line: number; message: string } } {
  const validation = fastXml().XMLValidator.validate(source);
  const error = validation === true ? undefined : { line: validation.err.line, message: `malformed XML: ${validation.err.msg}` };
  try {
    const parsed = obj(parser().xml.parse(source));
    const project = obj(parsed?.project);
    return { ...(project ? { project } : {}), ...(error ? { error } : {}) };
  } catch (e) {
    return { error: error ?? { line: 1, message: `malformed XML: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

function loadParents(pom: Pom, ctx: ParseContext, seen: Set<string>, depth: number): void {
  const parentRef = obj(pom.project.parent);
  if (!parentRef || !ctx.read || depth >= MAX_PARENTS) return;
  let relative = text(parentRef.relativePath) ?? '../pom.xml';
  if (!relative.endsWith('.xml')) relative = `${relative.replace(/\/$/, '')}/pom.xml`;
  const parentPath = joinPath(dirname(pom.path), relative);
  if (parentPath === undefined || seen.has(parentPath)) return;
  const source = ctx.read(parentPath);
  if (source === undefined) return;
  const parsed = readPom(source, parentPath);
  if (!parsed.project) return;
  // Maven uses the file only when it is the parent the child names.
  if (text(parsed.project.artifactId) !== text(parentRef.artifactId)) return;
  seen.add(parentPath);
  pom.parent = { project: parsed.project, path: parentPath };
  loadParents(pom.parent, ctx, seen, depth + 1);
}

/** groupId:artifactId:version of the first parent in the chain that could not be read, if any. */
function outerParent(pom: Pom): string | undefined {
  let last = pom;
  while (last.parent) last = last.parent;
  const ref = obj(last.project.parent);
  if (!ref) return undefined;
  return [text(ref.groupId), text(ref.artifactId), text(ref.version)].filter((part) => part !== undefined).join(':');
}

/** Properties visible in `pom`: the parent chain's first, overridden by the child's. */
function propertiesOf(pom: Pom): Map<string, string> {
  const props = pom.parent ? propertiesOf(pom.parent) : new Map<string, string>();
  const own = obj(pom.project.properties) ?? {};
  for (const key of Object.keys(own)) {
    const value = text(own[key]);
    if (value !== undefined) props.set(key, value);
  }
  const parentRef = obj(pom.project.parent) ?? {};
  const groupId = text(pom.project.groupId) ?? text(parentRef.groupId);
  const version = text(pom.project.version) ?? text(parentRef.version);
  const artifactId = text(pom.project.artifactId);
  const set = (keys: string[], value: string | undefined): void => {
    if (value !== undefined) for (const key of keys) props.set(key, value);
  };
  set(['project.groupId', 'pom.groupId', 'groupId'], groupId);
  set(['project.artifactId', 'pom.artifactId', 'artifactId'], artifactId);
  set(['project.version', 'pom.version', 'version'], version);
  set(['project.parent.version', 'parent.version'], text(parentRef.version));
  set(['project.parent.groupId', 'parent.groupId'], text(parentRef.groupId));
  set(['project.parent.artifactId', 'parent.artifactId'], text(parentRef.artifactId));
  set(['project.name'], text(pom.project.name));
  return props;
}

function interpolate(value: string, props: Map<string, string>): string {
  let current = value;
  for (let round = 0; round < MAX_INTERPOLATION_ROUNDS && current.includes('${'); round++) {
    const next = current.replace(/\$\{([^}]+)\}/g, (whole, key: string) => props.get(key.trim()) ?? whole);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** groupId:artifactId -> version from dependencyManagement, the parent chain's overridden by the child's. */
function managedVersions(pom: Pom, props: Map<string, string>): Map<string, string> {
  // Maven interpolates the merged model with the child's properties, inherited entries included.
  const managed = pom.parent ? managedVersions(pom.parent, props) : new Map<string, string>();
  const deps = list(obj(obj(pom.project.dependencyManagement)?.dependencies)?.dependency);
  for (const dep of deps) {
    const g = text(dep.groupId);
    const a = text(dep.artifactId);
    const v = text(dep.version);
    if (g && a && v && text(dep.scope) !== 'import') managed.set(`${interpolate(g, props)}:${interpolate(a, props)}`, interpolate(v, props));
  }
  return managed;
}

export const pomXml = defineParser({
  id: 'maven-pom',
  ecosystem: 'Maven',
  matches: (path) => basename(path) === 'pom.xml',
  parse(source, ctx) {
    const parsed = readPom(source, ctx.path);
    if (parsed.error) ctx.warn(parsed.error.message, parsed.error.line);
    if (!parsed.project) {
      ctx.warn('no <project> element: not a Maven pom', 1);
      return;
    }
    const pom: Pom = { project: parsed.project, path: ctx.path };
    loadParents(pom, ctx, new Set([ctx.path]), 0);
    const props = propertiesOf(pom);
    const managed = managedVersions(pom, props);
    const lines = new LineIndex(source);
    const { meta } = parser();
    const importsBom = list(obj(obj(pom.project.dependencyManagement)?.dependencies)?.dependency).some((d) => text(d.scope) === 'import');
    /** The last parent of the chain names one more that is not in the project (spring-boot-starter-parent and the like). */
    const unreadParent = outerParent(pom);

    const declared: Array<{ dep: Xml; profile?: string }> = list(obj(pom.project.dependencies)?.dependency).map((dep) => ({ dep }));
    for (const profile of list(obj(pom.project.profiles)?.profile)) {
      const id = text(profile.id) ?? 'unnamed';
      for (const dep of list(obj(profile.dependencies)?.dependency)) declared.push({ dep, profile: id });
    }

    const nodes = new Map<string, GraphNode>();
    const root: GraphNode = { deps: [], devDeps: [] };
    for (const { dep, profile } of declared) {
      const offset = (dep as Record<string, unknown>)[meta] as { startIndex?: number } | undefined;
      const line = offset?.startIndex !== undefined ? lines.lineAt(offset.startIndex) : 1;
      const groupId = text(dep.groupId);
      const artifactId = text(dep.artifactId);
      if (!groupId || !artifactId) {
        ctx.warn('dependency without groupId or artifactId', line);
        continue;
      }
      const g = interpolate(groupId, props);
      const a = interpolate(artifactId, props);
      const declaredVersion = text(dep.version);
      const version = declaredVersion !== undefined ? interpolate(declaredVersion, props) : managed.get(`${g}:${a}`);
      const name = `${g}:${a}`;
      if (version === undefined) {
        const why = importsBom
          ? 'it is probably managed by an imported BOM, which is not resolved'
          : unreadParent
            ? `it is probably managed by the parent ${unreadParent}, which is not in the project`
            : 'no dependencyManagement entry gives one';
        ctx.warn(`${name} has no version (${why}) and cannot be checked`, line);
        continue;
      }
      if (/\$\{/.test(`${name}${version}`)) {
        ctx.warn(`${name}:${version} uses a property that is not defined here or in a readable parent`, line);
        continue;
      }
      if (/^[[(]/.test(version)) {
        ctx.warn(`${name} asks for a version range ${version}, not one version, and cannot be checked`, line);
        continue;
      }
      const scope = text(dep.scope) ?? 'compile';
      const type = text(dep.type);
      const classifier = text(dep.classifier);
      const flags: string[] = [];
      if (scope !== 'compile') flags.push(`scope:${scope}`);
      if (text(dep.optional) === 'true') flags.push('optional');
      if (profile) flags.push(`profile:${profile}`);
      const pkg: Package = {
        name,
        version,
        ecosystem: 'Maven',
        purl: purlFor('Maven', name, version, {
          ...(type && type !== 'jar' ? { type } : {}),
          ...(classifier ? { classifier } : {}),
        }),
        direct: true,
        dev: scope === 'test',
        location: { path: ctx.path, startLine: line },
        source: scope === 'system' ? 'file' : 'registry',
      };
      if (flags.length > 0) pkg.flags = flags;
      ctx.packages.push(pkg);
      const id = String(ctx.packages.length);
      nodes.set(id, { pkg, deps: [] });
      (pkg.dev ? (root.devDeps as string[]) : root.deps).push(id);
    }
    nodes.set('\0root', root);
    const rootGroup = props.get('project.groupId');
    const rootArtifact = props.get('project.artifactId') ?? 'project';
    const rootName = rootGroup ? `${rootGroup}:${rootArtifact}` : rootArtifact;
    const rootVersion = props.get('project.version');
    ctx.root = applyGraph({
      rootName,
      ...(rootVersion ? { rootVersion, rootPurl: purlFor('Maven', rootName, rootVersion) } : {}),
      nodes,
      projects: ['\0root'],
      devFromGraph: false,
    });
  },
});
