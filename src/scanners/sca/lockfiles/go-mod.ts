/**
 * go.mod: `require` lines and blocks (`// indirect` marks transitive ones), `replace`
 * directives (to another module version, or to a local folder, which is then not a
 * released module), and the Go toolchain itself as the `stdlib` package (from the
 * `toolchain` line, else the `go` line), since many Go advisories are in the standard
 * library. Versions keep their `v` prefix, as go.mod writes them.
 *
 * Both lines are minimums. The `toolchain` line names the toolchain the go command
 * switches to when its own is older, so it stands for the build's Go. The `go` line alone
 * is the module's minimum Go version (before Go 1.21 only a language version that any
 * toolchain builds): the build's Go is often newer, so stdlib from it is flagged
 * MINIMUM_GO_VERSION_FLAG and its findings have low confidence.
 */
import type { Package } from '../model.js';
import { applyGraph, type GraphNode } from './graph.js';
import { basename, defineParser } from './parser.js';
import { purlFor } from './purl.js';
import { splitLines } from './support/lines.js';
import { goScheme } from '../versions/go.js';

interface Require {
  path: string;
  version: string;
  indirect: boolean;
  line: number;
}

interface Replace {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: string;
  line: number;
}

export const goMod = defineParser({
  id: 'go-mod',
  ecosystem: 'Go',
  matches: (path) => basename(path) === 'go.mod',
  parse(text, ctx) {
    const requires: Require[] = [];
    const replaces: Replace[] = [];
    let modulePath: string | undefined;
    let goVersion: { version: string; line: number } | undefined;
    let toolchain: { version: string; line: number } | undefined;
    let block: string | undefined;

    const lines = splitLines(text);
    for (let i = 0; i < lines.length; i++) {
      const lineNumber = i + 1;
      const raw = lines[i] as string;
      const commentAt = raw.indexOf('//');
      const comment = commentAt === -1 ? '' : raw.slice(commentAt + 2).trim();
      const body = (commentAt === -1 ? raw : raw.slice(0, commentAt)).trim();
      if (!body) continue;
      let verb: string | undefined;
      let args: string[];
      if (block !== undefined) {
        if (body === ')') {
          block = undefined;
          continue;
        }
        verb = block;
        args = tokens(body);
      } else {
        const words = tokens(body);
        verb = words[0];
        args = words.slice(1);
        if (args.length === 1 && args[0] === '(') {
          block = verb;
          continue;
        }
      }
      switch (verb) {
        case 'module':
          modulePath = args[0];
          break;
        case 'go':
          if (args[0]) goVersion = { version: args[0], line: lineNumber };
          break;
        case 'toolchain':
          if (args[0]) toolchain = { version: args[0], line: lineNumber };
          break;
        case 'require': {
          const [path, version] = args;
          if (!path || !version) {
            ctx.warn(`require line without module and version: ${JSON.stringify(body)}`, lineNumber);
            break;
          }
          requires.push({ path, version, indirect: /(^|;\s*)indirect\b/.test(comment), line: lineNumber });
          break;
        }
        case 'replace': {
          const arrow = args.indexOf('=>');
          const left = args.slice(0, arrow);
          const right = args.slice(arrow + 1);
          if (arrow < 1 || !left[0] || !right[0]) {
            ctx.warn(`cannot read replace directive ${JSON.stringify(body)}`, lineNumber);
            break;
          }
          const replace: Replace = { from: left[0], to: right[0], line: lineNumber };
          if (left[1]) replace.fromVersion = left[1];
          if (right[1]) replace.toVersion = right[1];
          replaces.push(replace);
          break;
        }
        case 'exclude':
        case 'retract':
        case 'godebug':
        case 'tool':
        case 'ignore':
          break;
        default:
          ctx.warn(`unknown go.mod directive ${JSON.stringify(verb ?? body)}`, lineNumber);
      }
    }
    if (block !== undefined) ctx.warn(`the ${block} block is not closed with ')'`, lines.length);
    if (!modulePath) ctx.warn('no module line: not a complete go.mod', 1);

    const nodes = new Map<string, GraphNode>();
    const root: GraphNode = { deps: [] };
    for (const req of requires) {
      const replace =
        replaces.find((r) => r.from === req.path && r.fromVersion === req.version) ??
        replaces.find((r) => r.from === req.path && r.fromVersion === undefined);
      const pkg = goPackage(req, replace, ctx.path);
      ctx.packages.push(pkg);
      const id = String(req.line);
      nodes.set(id, { pkg, deps: [] });
      if (!req.indirect) root.deps.push(id);
    }
    const std = stdlibVersion(goVersion, toolchain);
    if (toolchain && toolchain.version !== 'default' && !toolchainRelease(toolchain.version)) {
      ctx.warn(`cannot read the toolchain version ${JSON.stringify(toolchain.version)} (expected go1.X.Y)`, toolchain.line);
    }
    if (std) {
      const pkg: Package = {
        name: 'stdlib',
        version: std.version,
        ecosystem: 'Go',
        purl: purlFor('Go', 'stdlib', std.version),
        direct: true,
        dev: false,
        location: { path: ctx.path, startLine: std.line },
        source: 'other',
        // Without a toolchain line the version is only the module's minimum Go version.
        flags: std.fromToolchain ? ['toolchain'] : ['toolchain', MINIMUM_GO_VERSION_FLAG],
      };
      ctx.packages.push(pkg);
      nodes.set('\0stdlib', { pkg, deps: [] });
      root.deps.push('\0stdlib');
    }
    nodes.set('\0root', root);
    const rootName = modulePath ?? ctx.defaultRootName;
    ctx.root = applyGraph({ rootName, rootPurl: purlFor('Go', rootName), nodes, projects: ['\0root'], devFromGraph: false });
    // go.mod does not record who requires an indirect module: no path for those.
    for (const pkg of ctx.packages) if (!pkg.direct) delete pkg.dependencyPath;
  },
});

/** The flag on a stdlib package whose version is go.mod's `go` line, not a toolchain. */
export const MINIMUM_GO_VERSION_FLAG = 'minimum-go-version';

/** "1.21", "1.21.3", "1.21rc2" (go line) or "go1.21.3" (toolchain line): the stdlib version, "v1.21.3". */
function goReleaseVersion(text: string): string | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?$/.exec(text);
  if (!m) return undefined;
  const [, major, minor, patch = '0', label, n] = m;
  return `v${major}.${minor}.${patch}${label === undefined ? '' : `-${label}.${n}`}`;
}

/**
 * The Go whose standard library the module is built with, as far as go.mod tells: the
 * higher of the toolchain and go lines (the go command ignores a toolchain line below the
 * go line), from the toolchain line when it is that one. `toolchain default` names none.
 * A custom toolchain's suffix (go1.22.1-custom) is dropped: its base release is what the
 * advisories name.
 */
function stdlibVersion(
  goLine: { version: string; line: number } | undefined,
  toolchainLine: { version: string; line: number } | undefined,
): { version: string; line: number; fromToolchain: boolean } | undefined {
  const fromGo = goLine ? goReleaseVersion(goLine.version) : undefined;
  const fromToolchain = toolchainLine ? toolchainRelease(toolchainLine.version) : undefined;
  if (fromToolchain && toolchainLine && (!fromGo || compareGo(fromToolchain, fromGo) >= 0)) {
    return { version: fromToolchain, line: toolchainLine.line, fromToolchain: true };
  }
  if (fromGo && goLine) return { version: fromGo, line: goLine.line, fromToolchain: false };
  return undefined;
}

/** "go1.22.1" or a custom build's "go1.22.1-custom": "v1.22.1". */
function toolchainRelease(name: string): string | undefined {
  const release = /^go(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)(?:[-+].*)?$/.exec(name)?.[1];
  return release ? goReleaseVersion(release) : undefined;
}

function compareGo(a: string, b: string): number {
  return goScheme.compareKeys(goScheme.parse(a).key, goScheme.parse(b).key);
}

function tokens(body: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) out.push(m[1] ?? m[2] ?? (m[3] as string));
  return out;
}

function isLocalPath(target: string): boolean {
  return target.startsWith('./') || target.startsWith('../') || target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target);
}

function goPackage(req: Require, replace: Replace | undefined, path: string): Package {
  let name = req.path;
  let version = req.version;
  const flags: string[] = [];
  let source: Package['source'] = 'registry';
  if (replace) {
    if (isLocalPath(replace.to)) {
      source = 'file';
      flags.push(`replaced-by:${replace.to}`);
    } else {
      name = replace.to;
      version = replace.toVersion ?? version;
      flags.push(`replaces:${req.path}@${req.version}`);
    }
  }
  if (version.endsWith('+incompatible')) flags.push('incompatible');
  const pkg: Package = {
    name,
    version,
    ecosystem: 'Go',
    purl: purlFor('Go', name, version),
    direct: !req.indirect,
    dev: false,
    location: { path, startLine: req.line },
    source,
  };
  if (flags.length > 0) pkg.flags = flags;
  return pkg;
}
