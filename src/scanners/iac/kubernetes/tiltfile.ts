import { writtenScanPath } from '../../../workspace/relative-path.js';

/**
 * A Tiltfile: the images Tilt builds and the manifests it deploys. Tilt builds the image
 * of each `docker_build('name', 'context')` and `custom_build('name', ...)`, and puts the
 * image it built (tagged by its content) into every container of the YAML it deploys
 * (`k8s_yaml`) whose image has that name. A Tiltfile is Starlark, a program: it is never
 * evaluated here. Its tokens are read (names, string literals, brackets; comments
 * skipped) and only calls written with string literals count: `k8s_yaml('a.yaml')`,
 * `k8s_yaml(['a.yaml', 'b.yaml'])`, `k8s_yaml(kustomize('dir'))`. Anything computed (a
 * variable, `helm(...)`, `local(...)`, a loop) is left out: its manifests keep their findings.
 */

export interface TiltDeploy {
  /** Image names it builds, as written. */
  artifacts: string[];
  /** Manifest files it deploys, from the scan root. */
  manifests: string[];
  /** Directories of the kustomizations it builds, from the scan root. */
  kustomizeDirs: string[];
}

export function isTiltfile(path: string): boolean {
  return /(?:^|\/)Tiltfile$/.test(path);
}

/** Tokens of a Tiltfile read, at most. */
const MAX_TOKENS = 200_000;

type Token = { kind: 'name' | 'string' | 'punct'; value: string };

/**
 * Starlark's tokens, as far as these calls need them, in one pass: each character is
 * looked at a bounded number of times (an unterminated string ends its line, an
 * unterminated triple-quoted one the file), whatever the text.
 */
function tokens(source: string): Token[] {
  const out: Token[] = [];
  const name = /[A-Za-z0-9_]/;
  let i = 0;
  /** The prefix of the string literal that starts next (`r`, `b`, `rb`...). */
  let prefix = '';
  while (i < source.length && out.length < MAX_TOKENS) {
    const c = source[i]!;
    if (c === '#') {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
      continue;
    }
    if (/\s|\\/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const triple = source.startsWith(c.repeat(3), i);
      let end: number;
      let body: string | undefined;
      if (triple) {
        end = source.indexOf(c.repeat(3), i + 3);
        body = end < 0 ? undefined : source.slice(i + 3, end);
        i = end < 0 ? source.length : end + 3;
      } else {
        let j = i + 1;
        while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
        body = source[j] === c ? source.slice(i + 1, j) : undefined;
        i = j + 1;
      }
      // Escapes and byte strings matter to no path or image name: such a literal is not read.
      out.push({ kind: 'string', value: body === undefined || body.includes('\\') || /[bB]/.test(prefix) ? '\0' : body });
      prefix = '';
      continue;
    }
    if (name.test(c)) {
      let j = i + 1;
      while (j < source.length && name.test(source[j]!)) j++;
      const word = source.slice(i, j);
      if (/^[rRbB]{1,2}$/.test(word) && (source[j] === '"' || source[j] === "'")) {
        prefix = word;
        i = j;
        continue;
      }
      out.push({ kind: /[0-9]/.test(c) ? 'punct' : 'name', value: source.slice(i, j) });
      i = j;
      continue;
    }
    out.push({ kind: 'punct', value: c });
    i++;
  }
  return out;
}

/** The arguments of the call whose `(` is at `open`, split at top-level commas, and the index after its `)`. */
function callArguments(list: readonly Token[], open: number): { args: Token[][]; end: number } {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < list.length; i++) {
    const token = list[i]!;
    if (token.kind === 'punct' && '([{'.includes(token.value)) depth++;
    if (token.kind === 'punct' && ')]}'.includes(token.value)) {
      if (depth === 0) return { args: args.filter((arg, n) => arg.length > 0 || n < args.length - 1), end: i + 1 };
      depth--;
    }
    if (depth === 0 && token.kind === 'punct' && token.value === ',') args.push([]);
    else args.at(-1)!.push(token);
  }
  return { args: [], end: list.length };
}

/** A string literal alone (`'a.yaml'`). */
function literal(arg: readonly Token[] | undefined): string | undefined {
  return arg?.length === 1 && arg[0]!.kind === 'string' && arg[0]!.value !== '\0' ? arg[0]!.value : undefined;
}

/** The first positional argument, or the keyword one (`ref='app'`). */
function argument(args: readonly Token[][], keyword: string): Token[] | undefined {
  const named = args.find((arg) => arg[0]?.kind === 'name' && arg[0].value === keyword && arg[1]?.value === '=');
  if (named) return named.slice(2);
  const first = args[0];
  return first && !(first[0]?.kind === 'name' && first[1]?.value === '=') ? first : undefined;
}

export function readTiltfile(path: string, source: string): TiltDeploy {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const out: TiltDeploy = { artifacts: [], manifests: [], kustomizeDirs: [] };
  const list = tokens(source);
  for (let i = 0; i + 1 < list.length; i++) {
    const token = list[i]!;
    if (token.kind !== 'name' || list[i + 1]!.value !== '(' || !['docker_build', 'custom_build', 'k8s_yaml'].includes(token.value)) continue;
    // A method (`x.docker_build(`) or a definition (`def k8s_yaml(`) is not the builtin.
    const before = list[i - 1];
    if (before && (before.value === '.' || before.value === 'def')) continue;
    const { args, end } = callArguments(list, i + 1);
    // Calls written inside its arguments are its own (`kustomize('dir')`): the scan goes on after it, so no token is read twice.
    i = end - 1;
    if (token.value !== 'k8s_yaml') {
      const image = literal(argument(args, 'ref'))?.trim();
      if (image && !/\{\{|\$/.test(image)) out.artifacts.push(image);
      continue;
    }
    const arg = argument(args, 'yaml');
    if (!arg) continue;
    const file = literal(arg);
    if (file !== undefined) {
      const at = writtenScanPath(dir, file);
      if (at !== undefined) out.manifests.push(at);
    } else if (arg[0]?.value === '[' && arg.at(-1)?.value === ']') {
      // A list: its literal entries.
      for (const entry of callArguments(arg, 0).args) {
        const at = writtenScanPath(dir, literal(entry));
        if (at !== undefined) out.manifests.push(at);
      }
    } else if (arg[0]?.kind === 'name' && arg[0].value === 'kustomize' && arg[1]?.value === '(' && arg.at(-1)?.value === ')') {
      const at = writtenScanPath(dir, literal(argument(callArguments(arg, 1).args, 'pathToDir')));
      if (at !== undefined) out.kustomizeDirs.push(at);
    }
  }
  const unique = (items: string[]) => [...new Set(items)];
  return { artifacts: unique(out.artifacts), manifests: unique(out.manifests), kustomizeDirs: unique(out.kustomizeDirs) };
}
