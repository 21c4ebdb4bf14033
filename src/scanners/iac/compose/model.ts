import { listEntry, type Hit, type ParseContext } from '../rule.js';
import { loadYamlCached } from '../yaml/cache.js';
import { duplicateKeyMessage, deepestKeyLine, get, isTrue, isYMap, isYScalar, items, pair, text, type YamlLoadResult, type YMap, type YNode } from '../yaml/tree.js';
import { interpolate, type DotEnv } from './dotenv.js';

/** A docker-compose service with where it is written. */
export interface ComposeService {
  name: string;
  node: YMap;
  /** Line of the service's key (`web:`). */
  line: number;
  /** The `.env` file beside the compose file, whose values Compose fills the file's `${VAR}` with. */
  dotenv?: DotEnv;
}

export interface ComposeInput {
  services: ComposeService[];
  /** The top-level `secrets:` read from a file (`file: ./db/password.txt`), as written. */
  secretFiles: ComposeSecretFile[];
  /** The compose file's path from the scan root, and the secret files git holds (ParseContext.compose.committedFiles). */
  path?: string;
  committedFiles?: ReadonlyMap<string, number>;
  /** The images the repository builds itself, by repository and tag (ParseContext.compose.builtImages), with where each is built. */
  builtImages?: ReadonlyMap<string, string>;
  /** Why the file is for local development, tests or CI only (its name, folder or opening comment), when it is. */
  devOnly?: string;
  /** The file is a Docker Swarm stack (docker-stack.yml): its published ports go through the routing mesh of every node. */
  swarmStack?: boolean;
}

/** A stack file for `docker stack deploy` by its name: a name part `stack` (docker-stack.yml, stack.prod.yaml). */
export function isSwarmStackName(filePath: string): boolean {
  const name = filePath.split('/').pop() ?? '';
  return name.replace(/\.ya?ml$/i, '').split(/[._-]+/).some((w) => w.toLowerCase() === 'stack');
}

/**
 * Name parts and folders of compose files meant for development, tests or CI
 * (`docker-compose.dev.yml`, `compose.ci.yaml`, `.devcontainer/`, the end-to-end test
 * runners' `cypress/` and `playwright/`, the integration tests' `integration/`; not
 * `integrations/`, where projects keep the services they connect to).
 */
const DEV_WORD = /^(?:dev|devel|develop|development|devenv|local|debug|test|tests|testing|e2e|integration|ci|devcontainer|cypress|playwright)$/i;
/** Words of a folder's name that make it one for tests wherever they stand (`_integration-test/`, `e2e-tests/`); `ci-cd/` or `local-path/` are not taken this way. */
const TEST_FOLDER_WORD = /^(?:test|tests|testing|e2e|cypress|playwright)$/i;

/**
 * Why a compose file at `filePath` is for development, tests or CI only, or undefined: a
 * name part or folder, or else the comment it opens with (`source`, its text).
 * `docker-compose.override.yml` is not taken for one: it is as often where a self-hosted
 * installation keeps its production changes.
 */
export function devOnlyReason(filePath: string, source?: string): string | undefined {
  const parts = filePath.split('/');
  const name = parts.pop() ?? '';
  const word = name.replace(/\.ya?ml$/i, '').split(/[._-]+/).find((w) => DEV_WORD.test(w));
  if (word !== undefined) return `its name says ${word.toLowerCase()}`;
  const folder = parts.find((p) => DEV_WORD.test(p.replace(/^\./, '')) || p.split(/[-_.]+/).some((w) => TEST_FOLDER_WORD.test(w)));
  if (folder !== undefined) return `it is in the folder ${folder}/`;
  const said = source === undefined ? undefined : devOnlyHeader(source);
  return said !== undefined ? `its opening comment says "${said}"` : undefined;
}

const DEV_PURPOSE = String.raw`(?:local )?(?:development|dev|testing|tests?)(?: (?:and|&|or) (?:local )?(?:development|dev|testing|tests?))?`;
/**
 * What an opening comment says to keep a file out of production: "FOR TEST AND DEVELOPMENT
 * ONLY, DO NOT USE IN PRODUCTION", "This configuration file is for the development setup",
 * "not intended for production". "for development, see compose.dev.yaml" or "for development
 * use compose.dev.yaml" say where another file is, not what this one is for.
 */
const DEV_HEADER = new RegExp(
  String.raw`\b(?:for (?:the )?${DEV_PURPOSE} (?:(?:use |purposes )?only|setup|environment|purposes)\b|(?:do not|don't|never) use (?:(?:this|it|this file|this setup) )?in production\b|not (?:meant |intended |suitable |ready )?for (?:use in )?production\b)`,
  'i',
);

/** The phrase of the comment lines a compose file opens with (before its first key) that says it is for development or tests only. */
function devOnlyHeader(source: string): string | undefined {
  const comments: string[] = [];
  for (const line of source.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed === '---') continue;
    if (!trimmed.startsWith('#')) break;
    comments.push(trimmed.replace(/^#+/, '').replace(/[*_`#]+/g, '').trim());
  }
  const match = DEV_HEADER.exec(comments.join(' ').replace(/\s+/g, ' '));
  return match?.[0];
}

/** Stage names of a Dockerfile's development build (`FROM node:22 AS development`). */
const DEV_STAGE = /^(?:dev|devel|develop|development|debug)$/i;

/**
 * Why a compose file is for development by what it builds: a service built to a development
 * stage of its Dockerfile (`build.target: development`), the hot-reloading image of a local
 * stack, which no production file runs (appwrite's docker-compose.override.yml).
 */
function developmentBuildReason(services: readonly ComposeService[]): string | undefined {
  for (const s of services) {
    const target = text(get(get(s.node, 'build'), 'target'));
    if (target !== undefined && DEV_STAGE.test(target.trim())) return `service ${s.name} builds the ${target.trim()} stage of its Dockerfile (build.target)`;
  }
  return undefined;
}

export interface ComposeSecretFile {
  name: string;
  file: string;
  /** The line of `file:`. */
  line: number;
}

/** The secrets of a document's top-level `secrets:` that Compose reads from a file. */
export function secretFilesOf(root: YNode | null | undefined): ComposeSecretFile[] {
  const secrets = get(root, 'secrets');
  if (!isYMap(secrets)) return [];
  return secrets.pairs.flatMap((p) => {
    const file = isYMap(p.value) ? pair(p.value, 'file') : undefined;
    const value = text(file?.value);
    return file && value ? [{ name: p.key, file: value, line: file.keyLine }] : [];
  });
}

/** Top-level keys of the Compose file format; `x-` extensions aside. */
const TOP_LEVEL_KEYS = new Set(['version', 'name', 'include', 'services', 'networks', 'volumes', 'configs', 'secrets', 'models']);

/**
 * A file whose root is a mapping of services without the `services:` key: a fragment that a
 * tool places under `services:` when it assembles the compose file (grafana's
 * devenv/docker/blocks/<name>/docker-compose.yaml). Every key names a service, whose value
 * has an image, build or extends, and none is a top-level key of the format.
 */
function serviceFragment(root: YNode | null | undefined): boolean {
  if (!isYMap(root) || root.pairs.length === 0) return false;
  return root.pairs.every((p) => !TOP_LEVEL_KEYS.has(p.key) && !p.key.startsWith('x-') && isYMap(p.value) && ['image', 'build', 'extends'].some((key) => pair(p.value as YMap, key)));
}

/** `load` parses the text: a reader ahead of the scan loop holds the parse for the loop through the scan's parses (yaml/parses.ts). */
export function readCompose(source: string, warn: (line: number, message: string) => void, context?: ParseContext, load: (text: string) => YamlLoadResult = loadYamlCached): ComposeInput | undefined {
  const loaded = load(source);
  for (const problem of loaded.problems) warn(problem.line, problem.message);
  for (const duplicate of loaded.duplicates) warn(duplicate.line, duplicateKeyMessage(duplicate, 'compose'));
  const services: ComposeService[] = [];
  const secretFiles: ComposeSecretFile[] = [];
  for (const doc of loaded.documents) {
    secretFiles.push(...secretFilesOf(doc.root));
    const map = get(doc.root, 'services') ?? (serviceFragment(doc.root) ? doc.root : undefined);
    if (!isYMap(map)) continue;
    for (const p of map.pairs) {
      if (isYMap(p.value)) services.push({ name: p.key, node: p.value, line: p.keyLine, ...(context?.compose?.dotenv ? { dotenv: context.compose.dotenv } : {}) });
    }
  }
  if (services.length === 0) {
    // Valid YAML that holds no service (a list, a scalar, a mapping without services or include): said, not skipped quietly.
    const root = loaded.documents[0]?.root;
    if (context?.path !== undefined && loaded.problems.length === 0 && !(isYMap(root) && (pair(root, 'services') || pair(root, 'include'))))
      warn(1, isYMap(root) ? 'the file holds no services: (and no include:): nothing in it is checked' : 'the file is not a mapping of compose keys: Compose rejects it, so it is not checked');
    return undefined;
  }
  const devOnly = context?.path !== undefined ? (devOnlyReason(context.path, source) ?? developmentBuildReason(services)) : undefined;
  const swarmStack = context?.path !== undefined && isSwarmStackName(context.path);
  const committedFiles = context?.compose?.committedFiles;
  const builtImages = context?.compose?.builtImages;
  return {
    services,
    secretFiles,
    ...(context?.path !== undefined ? { path: context.path } : {}),
    ...(committedFiles ? { committedFiles } : {}),
    ...(builtImages ? { builtImages } : {}),
    ...(devOnly !== undefined ? { devOnly } : {}),
    ...(swarmStack ? { swarmStack } : {}),
  };
}

/**
 * The services of a compose file that cannot run as written: no `image`, `build` or
 * `extends`. Compose requires one of them, so such a service is completed by another
 * file (docker-compose.override.yml, or a file given with -f) and holds only what it
 * changes (written-values.ts).
 */
export function partialServices(input: ComposeInput): Set<string> {
  return new Set(input.services.filter((s) => !['image', 'build', 'extends'].some((key) => pair(s.node, key))).map((s) => s.name));
}

/** The line of a key path under a service, or of the deepest part that exists (the service key when none does). */
export function lineIn(service: ComposeService, ...keys: string[]): number {
  return deepestKeyLine(service.node, service.line, keys);
}

export interface PublishedPort {
  /** Host address, '' when not given (all interfaces). */
  hostIp: string;
  hostPorts: [number, number] | undefined;
  containerPorts: [number, number] | undefined;
  protocol: 'tcp' | 'udp';
  /** Line of the entry itself. */
  line: number;
  /** Where a problem with this entry is reported: the entry's own line (convention 5 of `Hit`); a long-syntax entry is a block, reported on its first line. */
  at: Pick<Hit, 'line' | 'detailLine'>;
  raw: string;
  /** The long syntax's `name` and `app_protocol`: a port named for another protocol is not the catalogue's service of its number (ports.ts namedOtherwise). */
  names?: string[];
}

/**
 * A value as Compose reads it: its variables filled in from the `.env` file beside it
 * (interpolate), and the text to show for it: as written, with what the `.env` file made
 * of it when it gave a variable. `unresolved`: a variable had no value at all.
 */
function resolved(service: ComposeService, raw: string): { text: string; shown: string; unresolved: boolean } {
  const value = interpolate(raw, service.dotenv?.values);
  return { text: value.text, shown: value.fromDotEnv ? `${raw} (${value.text} with the values of ${service.dotenv!.path})` : raw, unresolved: value.unresolved };
}

/**
 * The image a service pulls, its variables filled in from the `.env` file beside it when
 * that gives every one of them (`image: ${IMAGE}` alone is not known), or from the defaults
 * written in the file (`app:${VERSION:-latest}`), which compose uses when the variable is
 * not set, as a Dockerfile's `FROM ${BASE}` is judged by its build argument's default; with
 * the text to show for it.
 */
export function serviceImage(service: ComposeService): { ref: string; shown: string } | undefined {
  const raw = text(get(service.node, 'image'));
  if (raw === undefined) return undefined;
  const value = resolved(service, raw);
  if (value.unresolved) return { ref: raw, shown: raw };
  if (value.shown !== raw) return { ref: value.text, shown: value.shown };
  if (value.text !== raw && ONLY_DEFAULTS.test(raw)) return { ref: value.text, shown: `${raw} (${value.text} with the default written there, used when the variable is not set)` };
  return { ref: raw, shown: raw };
}

/** Whether every variable of a text has a default written in it (`${NAME:-default}`, `${NAME-default}`), which Compose uses when the variable is not set. */
export function onlyDefaults(raw: string): boolean {
  return ONLY_DEFAULTS.test(raw);
}

/** Text whose every variable is `${NAME:-default}` or `${NAME-default}` (a `$$` is a literal dollar). */
const ONLY_DEFAULTS = /^(?:[^$]|\$\$|\$\{[A-Za-z_][A-Za-z0-9_]*:?-[^}$]*\})*$/;

/** `a:b:c` split on the colons outside `${...}` (`${BIND:-127.0.0.1}:5432:5432` has three parts). */
function splitColons(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('${', i)) depth++;
    else if (text[i] === '}' && depth > 0) depth--;
    else if (text[i] === ':' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function range(text: string | undefined): [number, number] | undefined {
  if (text === undefined || text === '') return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const from = Number(match[1]);
  return [from, match[2] ? Number(match[2]) : from];
}

/**
 * Short syntax `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTO]` (IPv6 hosts in
 * brackets) and the long syntax `{ target, published, host_ip, protocol }`.
 */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  const out: PublishedPort[] = [];
  const key = pair(service.node, 'ports');
  for (const item of items(key?.value)) {
    if (isYScalar(item)) {
      // Compose fills in the variables first, then reads the entry ("${REDIS_PORT:-127.0.0.1:7654}:6379").
      const { text: value, shown } = resolved(service, String(item.value ?? ''));
      let rest = value.trim();
      let protocol: 'tcp' | 'udp' = 'tcp';
      const slash = rest.lastIndexOf('/');
      if (slash >= 0) {
        protocol = rest.slice(slash + 1).toLowerCase() === 'udp' ? 'udp' : 'tcp';
        rest = rest.slice(0, slash);
      }
      let hostIp = '';
      const v6 = /^\[([^\]]*)\]:(.*)$/.exec(rest);
      if (v6) {
        hostIp = v6[1]!;
        rest = v6[2]!;
      }
      const parts = splitColons(rest);
      if (!v6 && parts.length === 3) hostIp = parts.shift()!;
      const containerPart = parts.pop();
      const hostPart = parts.pop();
      out.push({ hostIp, hostPorts: range(hostPart), containerPorts: range(containerPart), protocol, line: item.line, at: listEntry(item.line), raw: shown });
    } else if (isYMap(item)) {
      const published = resolved(service, text(get(item, 'published')) ?? '');
      let hostIp = resolved(service, text(get(item, 'host_ip')) ?? '').text;
      let hostPort = published.text;
      // Some files write the address into `published` ("127.0.0.1:8080").
      const withIp = /^(.*):(\d+(?:-\d+)?)$/.exec(published.text);
      if (withIp && /[.:]/.test(withIp[1]!)) {
        hostIp ||= withIp[1]!;
        hostPort = withIp[2]!;
      } else if (/^[\d.]+$/.test(published.text) && published.text.includes('.')) {
        hostIp ||= published.text;
        hostPort = '';
      }
      const protocol = (text(get(item, 'protocol')) ?? 'tcp').toLowerCase() === 'udp' ? 'udp' : 'tcp';
      const target = resolved(service, text(get(item, 'target')) ?? '');
      const names = [text(get(item, 'name')), text(get(item, 'app_protocol'))].filter((name) => name !== undefined);
      out.push({ hostIp, hostPorts: range(hostPort), containerPorts: range(target.text), protocol, line: item.line, at: { line: item.line }, raw: published.text ? published.shown : target.shown, ...(names.length > 0 ? { names } : {}) });
    }
  }
  return out;
}

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '');
  return /^127\./.test(a) || a === '::1' || a === 'localhost';
}

export function isAllInterfaces(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '');
  return a === '' || a === '0.0.0.0' || a === '::' || a === '*';
}

export interface Mount {
  source: string;
  target: string;
  /** Where a problem with the mount's source is reported: a short-syntax entry's own line, the `source:` key of a long-syntax one. */
  at: Pick<Hit, 'line' | 'detailLine'>;
  bind: boolean;
  /** Mounted read-only: `:ro` in the short syntax, `read_only: true` in the long one. */
  readOnly: boolean;
  /** Bind propagation (`shared`, `rslave`, ...) and where it is set, when given. */
  propagation?: { mode: string; at: Pick<Hit, 'line' | 'detailLine'> };
}

/** Volume mounts: `src:dst[:mode]` strings and `{ type, source, target }` maps. */
export function mounts(service: ComposeService): Mount[] {
  const out: Mount[] = [];
  const key = pair(service.node, 'volumes');
  for (const item of items(key?.value)) {
    if (isYScalar(item)) {
      // Compose fills in the variables first, then reads the entry (`${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock`).
      const raw = resolved(service, String(item.value ?? '')).text;
      const parts = splitColons(raw);
      // A Windows drive (`C:\data:/data`): its colon is no separator.
      if (parts.length > 2 && /^[A-Za-z]$/.test(parts[0]!) && /^[\\/]/.test(parts[1]!)) parts.splice(0, 2, `${parts[0]}:${parts[1]}`);
      // A lone path (`- /app/node_modules`) is an anonymous volume at that container path: no host path is mounted.
      if (parts.length === 1) {
        out.push({ source: '', target: raw.trim(), at: listEntry(item.line), bind: false, readOnly: false });
        continue;
      }
      const [source = '', target = '', options = ''] = parts;
      const bind = /^(?:\/|\.|~|\$|[A-Za-z]:[\\/])/.test(source);
      const at = listEntry(item.line);
      const mode = options.split(',').find((o) => /^r?(?:shared|slave|private)$/.test(o));
      const readOnly = options.split(',').some((o) => o.trim() === 'ro');
      out.push({ source, target, at, bind, readOnly, ...(mode ? { propagation: { mode, at } } : {}) });
    } else if (isYMap(item)) {
      const source = resolved(service, text(get(item, 'source')) ?? '').text;
      const type = text(get(item, 'type')) ?? (source.startsWith('/') ? 'bind' : 'volume');
      const propagation = pair(get(item, 'bind'), 'propagation');
      const mode = text(propagation?.value);
      out.push({
        source,
        target: text(get(item, 'target')) ?? '',
        at: { line: pair(item, 'source')?.keyLine ?? item.line },
        bind: type === 'bind',
        readOnly: isTrue(get(item, 'read_only')),
        ...(propagation && mode ? { propagation: { mode, at: { line: propagation.keyLine } } } : {}),
      });
    }
  }
  return out;
}

/** Plain entries of a list setting (`security_opt:`, `devices:`, `cap_add:`), each placed on its own line. */
export function listEntries(service: ComposeService, key: string): Array<{ value: string; node: YNode; at: Pick<Hit, 'line' | 'detailLine'> }> {
  const entry = pair(service.node, key);
  return items(entry?.value).flatMap((item) => {
    const value = text(item);
    return value === undefined ? [] : [{ value, node: item, at: listEntry(item.line) }];
  });
}

/**
 * `environment` (or build `args`) as a map or as a `KEY=value` list: a map entry is a
 * setting of its own, a list entry is reported on its own line.
 */
export function environment(owner: YNode | null | undefined, key: string): Array<{ name: string; value: unknown; at: Pick<Hit, 'line' | 'detailLine'> }> {
  const out: Array<{ name: string; value: unknown; at: Pick<Hit, 'line' | 'detailLine'> }> = [];
  const entry = pair(owner, key);
  const node = entry?.value;
  if (isYMap(node)) {
    for (const p of node.pairs) out.push({ name: p.key, value: isYScalar(p.value) ? p.value.value : undefined, at: { line: p.keyLine } });
  } else {
    for (const item of items(node)) {
      const raw = text(item);
      if (raw === undefined) continue;
      const eq = raw.indexOf('=');
      out.push({ name: eq >= 0 ? raw.slice(0, eq) : raw, value: eq >= 0 ? raw.slice(eq + 1) : undefined, at: listEntry(item.line) });
    }
  }
  return out;
}
