/**
 * pip requirements files. Only exact pins (`==1.2.3`, `===1.2.3`) name one version;
 * anything else is reported as a warning, because it cannot be matched to advisories.
 * `-r other.txt` includes are followed through the read callback, relative to the
 * including file, once each (cycles end there). pip-compile's `# via` comments give
 * the graph: a package "via" other packages is transitive, "via -r file" is direct.
 * Files named for development (requirements-dev.txt, requirements/test.txt) are dev.
 */
import type { Package } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser, dirname, joinPath, type ParseContext } from './parser.js';
import { normalizePythonName } from './purl.js';
import { pythonPackage } from './support/python.js';
import { splitLines } from './support/lines.js';

const MAX_INCLUDE_DEPTH = 10;
const DEV_WORDS = new Set(['dev', 'devel', 'develop', 'development', 'test', 'tests', 'testing', 'lint', 'linting', 'docs', 'doc', 'ci']);

export function isRequirementsFile(path: string): boolean {
  const name = basename(path).toLowerCase();
  if (!name.endsWith('.txt')) return false;
  if (name.startsWith('requirements') || /[-_.]requirements\.txt$/.test(name)) return true;
  return basename(dirname(path)).toLowerCase() === 'requirements';
}

export function isDevRequirementsFile(path: string): boolean {
  const stem = basename(path).toLowerCase().replace(/\.txt$/, '');
  const words = stem.split(/[-_.]+/);
  return words.some((w) => DEV_WORDS.has(w));
}

export const requirementsTxt = defineParser({
  id: 'pip-requirements',
  ecosystem: 'PyPI',
  matches: isRequirementsFile,
  parse(text, ctx) {
    const state: State = { visited: new Set([ctx.path]), nodes: new Map(), rootDeps: [], devRootDeps: [] };
    readFile(text, ctx.path, isDevRequirementsFile(ctx.path), 0, state, ctx);
    const rootId = '\0root';
    state.nodes.set(rootId, { deps: state.rootDeps, devDeps: state.devRootDeps });
    const rootName = ctx.defaultRootName;
    ctx.root = applyGraph({ rootName, nodes: state.nodes, projects: [rootId], devFromGraph: false });
  },
});

interface State {
  visited: Set<string>;
  /** One node per package entry; edges come from `# via` comments. */
  nodes: Map<string, GraphNode>;
  rootDeps: string[];
  devRootDeps: string[];
}

interface LogicalLine {
  text: string;
  line: number;
  /** Comment text on the following lines (pip-compile annotations). */
  comments: string[];
}

/** Joins `\` continuations and strips comments; comment-only lines attach to the previous requirement. */
function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let raw = lines[i] as string;
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = raw.slice(0, -1) + ' ' + (lines[++i] as string);
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      out.at(-1)?.comments.push(trimmed.slice(1).trim());
      continue;
    }
    const comment = /(^|\s)#/.exec(raw);
    const body = (comment ? raw.slice(0, comment.index) : raw).trim();
    if (body) out.push({ text: body, line: first, comments: [] });
  }
  return out;
}

/** "# via a", "# via", "#   b", "#   -r requirements.in" -> ["a", "b", "-r requirements.in"]. */
function viaParents(comments: string[]): string[] | undefined {
  const start = comments.findIndex((c) => c === 'via' || c.startsWith('via '));
  if (start === -1) return undefined;
  const parents: string[] = [];
  const firstRest = (comments[start] as string).slice(3).trim();
  if (firstRest) parents.push(firstRest);
  for (const c of comments.slice(start + 1)) {
    if (!c || c.includes(':')) break;
    parents.push(c);
  }
  return parents;
}

function option(text: string, names: string[]): string | undefined {
  for (const name of names) {
    if (text === name) return '';
    if (text.startsWith(`${name}=`)) return text.slice(name.length + 1).trim();
    if (text.startsWith(`${name} `) || text.startsWith(`${name}\t`)) return text.slice(name.length).trim();
    if (name.length === 2 && text.startsWith(name)) return text.slice(2).trim(); // "-rfile.txt"
  }
  return undefined;
}

function readFile(text: string, path: string, dev: boolean, depth: number, state: State, ctx: ParseContext): void {
  const top = path === ctx.path;
  const warn = (message: string, line: number): void => {
    if (top) ctx.warn(message, line);
    else ctx.warn(`${path}:${line}: ${message}`);
  };
  const byName = new Map<string, string>();
  const viaEdges: Array<{ id: string; parents: string[] }> = [];

  for (const { text: entry, line, comments } of logicalLines(text)) {
    if (entry.startsWith('-')) {
      const include = option(entry, ['-r', '--requirement']);
      if (include !== undefined) {
        followInclude(include, path, dev, depth, line, state, ctx, warn);
        continue;
      }
      const editable = option(entry, ['-e', '--editable']);
      // "-e ." is the project itself; any other editable is code from a path or repository.
      if (editable !== undefined && editable !== '.' && editable !== './') {
        warn(`editable requirement ${JSON.stringify(editable)} is not a released version and cannot be checked`, line);
      }
      continue; // constraints and index options: no package of their own
    }
    const pkg = readRequirement(entry, path, line, dev, warn);
    if (!pkg) continue;
    ctx.packages.push(pkg);
    const id = `${path}:${line}`;
    state.nodes.set(id, { pkg, deps: [] });
    byName.set(pkg.name, id);
    const parents = viaParents(comments);
    if (parents && parents.length > 0 && !parents.some((p) => p.startsWith('-r') || p.startsWith('-c'))) {
      viaEdges.push({ id, parents });
    } else {
      (dev ? state.devRootDeps : state.rootDeps).push(id);
      pkg.direct = true;
    }
  }
  for (const { id, parents } of viaEdges) {
    for (const parent of parents) {
      const parentId = byName.get(normalizePythonName(parent.split(/[\s[]/)[0] ?? parent));
      if (parentId !== undefined) state.nodes.get(parentId)?.deps.push(id);
    }
  }
}

function followInclude(
  target: string,
  from: string,
  dev: boolean,
  depth: number,
  line: number,
  state: State,
  ctx: ParseContext,
  warn: (message: string, line: number) => void,
): void {
  if (/^[a-z]+:\/\//i.test(target)) {
    warn(`include ${JSON.stringify(target)} is a URL and was not followed`, line);
    return;
  }
  const resolved = joinPath(dirname(from), target);
  if (resolved === undefined) {
    warn(`include ${JSON.stringify(target)} points outside the scanned folder and was not followed`, line);
    return;
  }
  if (state.visited.has(resolved)) return; // already read (shared base file or a cycle)
  if (depth >= MAX_INCLUDE_DEPTH) {
    warn(`include ${JSON.stringify(target)} is nested more than ${MAX_INCLUDE_DEPTH} deep and was not followed`, line);
    return;
  }
  if (!ctx.read) {
    warn(`include ${JSON.stringify(target)} was not followed (no file access)`, line);
    return;
  }
  const text = ctx.read(resolved);
  if (text === undefined) {
    warn(`include ${JSON.stringify(target)} (${resolved}) cannot be read`, line);
    return;
  }
  state.visited.add(resolved);
  readFile(text, resolved, dev || isDevRequirementsFile(resolved), depth + 1, state, ctx);
}

const REQUIREMENT = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/;

function readRequirement(
  entry: string,
  path: string,
  line: number,
  dev: boolean,
  warn: (message: string, line: number) => void,
): Package | undefined {
  // Per-requirement options (--hash=..., --config-settings ...) follow the requirement.
  const hashes: string[] = [];
  const withoutOptions = entry
    .replace(/\s--hash[=\s]\s*([^\s]+)/g, (_, hash: string) => {
      hashes.push(hash);
      return '';
    })
    .replace(/\s--[a-z-]+(=\S+|\s+\S+)?/g, '')
    .trim();
  const semicolon = withoutOptions.search(/\s*;/);
  const requirement = (semicolon === -1 ? withoutOptions : withoutOptions.slice(0, semicolon)).trim();

  if (/^(\.|\/|~)/.test(requirement) || /^[a-z]+(\+[a-z]+)?:\/\//i.test(requirement)) {
    warn(`requirement ${JSON.stringify(requirement)} is a path or URL, not a released version, and cannot be checked`, line);
    return undefined;
  }
  const match = REQUIREMENT.exec(requirement);
  if (!match) {
    warn(`cannot read requirement ${JSON.stringify(requirement.slice(0, 80))}`, line);
    return undefined;
  }
  const name = match[1] as string;
  const spec = (match[3] ?? '').trim();
  if (spec.startsWith('@')) {
    warn(`${name} comes from ${JSON.stringify(spec.slice(1).trim())}, not a released version, and cannot be checked`, line);
    return undefined;
  }
  const pin = /^===?\s*([^\s,*]+)$/.exec(spec);
  if (!pin) {
    const shown = spec || 'any version';
    warn(`${name} is not pinned to one version (${shown}); pin it with == to have it checked`, line);
    return undefined;
  }
  return pythonPackage({ name, version: pin[1] as string, line, path, dev, hashes });
}
