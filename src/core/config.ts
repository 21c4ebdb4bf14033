import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { yamlPackage } from './packages.js';
import type { Document, Node as YamlNode } from 'yaml';
import { CONFIG_SCHEMA, type SchemaNode } from './config-schema.js';
import { UsageError } from './errors.js';
import type { ScannerId, Severity } from './finding.js';
import { yamlTooDeep } from './yaml-depth.js';
import { parsePortSpec } from './port-spec.js';

export type FailOn = Severity | 'none';

export interface RuleSetting {
  enabled: boolean;
  severity?: Severity;
}

export interface ResolvedConfig {
  /** The file the settings came from, if any. */
  file?: string;
  scanners: Partial<Record<ScannerId, boolean>>;
  failOn: FailOn;
  /** Whether findings tagged test-code count for failOn (default true). */
  failOnTestCode: boolean;
  ignore: string[];
  maxFileSize: number;
  skipDirs: string[];
  rules: Record<string, RuleSetting>;
  /** Where each `rules:` key is written ("secloop.yaml:12"), for messages about unknown rule ids. */
  ruleLocations?: Record<string, string>;
  secrets: { history?: boolean; allowlist: string[] };
  sca: { prodOnly?: boolean; db?: string; offline?: boolean };
  sast: { libraryInputs?: boolean };
  /** Ports, ranges and transports as written (see parsePortSpec). */
  ops: { allowedPorts: Array<number | string> };
  /**
   * helmValues: values files applied over a Helm chart's values.yaml, by chart directory (paths from the scan root).
   * githubRepository: the scanned repository's owner/name on GitHub, when git's origin remote does not tell it.
   */
  iac: { helmValues: Record<string, string[]>; githubRepository?: string };
}

export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;
export const CONFIG_FILE_NAME = 'secloop.yaml';

export function defaultConfig(): ResolvedConfig {
  return {
    scanners: {},
    failOn: 'high',
    failOnTestCode: true,
    ignore: [],
    maxFileSize: DEFAULT_MAX_FILE_SIZE,
    skipDirs: ['.git', 'node_modules'],
    rules: {},
    secrets: { allowlist: [] },
    sca: {},
    sast: {},
    ops: { allowedPorts: [] },
    iac: { helmValues: {} },
  };
}

/**
 * Load `--config FILE`, or `secloop.yaml` at the root when present. Every mistake is a
 * UsageError naming the file, line and key.
 */
export function loadConfig(root: string, explicit?: string): ResolvedConfig {
  const file = explicit ? path.resolve(explicit) : path.join(root, CONFIG_FILE_NAME);
  if (!explicit && !existsSync(file)) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read config ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfig(text, file);
}

/** The YAML library, loaded only when there is a config file to read (it costs start-up time). */
const yaml = yamlPackage;

export function parseConfig(text: string, file = CONFIG_FILE_NAME): ResolvedConfig {
  const display = path.basename(file);
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) throw new UsageError(`${display}:${tooDeep.line}: ${tooDeep.message}`);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.linePos?.[0]?.line ?? lineCounter.linePos(firstError.pos[0]).line;
    throw new UsageError(`${display}:${line}: invalid YAML: ${firstError.message.split('\n')[0]}`);
  }
  const lineOf = (node: YamlNode | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;

  if (doc.contents === null) return { ...defaultConfig(), file };
  const fail: Fail = (node, key, problem) => {
    throw new UsageError(`${display}:${lineOf(node)}: ${key ? `'${key}' ` : ''}${problem}`);
  };
  validate(doc.contents as YamlNode, CONFIG_SCHEMA, '', { fail, doc, aliases: 0 });
  const raw = doc.toJS({ maxAliasCount: 50 }) as Record<string, unknown>;
  const ruleLocations: Record<string, string> = {};
  const rulesNode = (doc.contents as { get?: (key: string, keepScalar: boolean) => unknown }).get?.('rules', true);
  if (rulesNode && typeof rulesNode === 'object' && 'items' in rulesNode) {
    for (const pair of (rulesNode as { items: Array<{ key: YamlNode }> }).items) {
      const id = String((pair.key as { value?: unknown }).value ?? '');
      ruleLocations[id] = `${display}:${lineOf(pair.key)}`;
    }
  }
  return { ...resolve(raw), file, ruleLocations };
}

/**
 * Rule ids secloop no longer has, each with what became of its findings: a config that
 * still names one (most often to turn it off) is not refused for it, and `secloop
 * explain` says why it is gone.
 */
export const RETIRED_RULES: ReadonlyMap<string, string> = new Map([
  [
    'iac/tf-aws-s3-no-encryption-config',
    'S3 encrypts every new object by default (SSE-S3) since January 2023, so a bucket without an encryption configuration is not a finding (as for CloudFormation); a bucket that asks for SSE-KMS without a key of its own is reported by iac/tf-aws-no-customer-managed-key.',
  ],
]);

/**
 * Rule ids under `rules:` that no rule of the loaded scanners has: a typo there would
 * otherwise be ignored without a word. Ids of scanners not run this time, and retired ids, are not checked;
 * an id whose prefix names no scanner at all is. Throws a UsageError (exit 2).
 */
export function checkRuleIds(config: ResolvedConfig, known: { scanners: readonly string[]; loaded: readonly string[]; ids: readonly string[] }): void {
  for (const id of Object.keys(config.rules)) {
    const prefix = id.includes('/') ? id.slice(0, id.indexOf('/')) : '';
    const where = config.ruleLocations?.[id] ?? config.file ?? CONFIG_FILE_NAME;
    if (!known.scanners.includes(prefix)) {
      throw new UsageError(`${where}: 'rules.${id}' names no scanner (rule ids start with one of ${known.scanners.join(', ')}, e.g. secrets/github-pat)`);
    }
    if (!known.loaded.includes(prefix) || known.ids.includes(id) || RETIRED_RULES.has(id)) continue;
    const hint = closest(id, known.ids.filter((candidate) => candidate.startsWith(`${prefix}/`)));
    throw new UsageError(`${where}: 'rules.${id}' is not a known rule${hint ? ` (did you mean '${hint}'?)` : ''}; \`secloop explain\` lists them`);
  }
}

type Fail = (node: YamlNode, key: string, problem: string) => never;

interface Validation {
  fail: Fail;
  doc: Document;
  aliases: number;
}

/** More alias uses than any sensible config needs: a billion-laughs document stops here. */
const MAX_ALIASES = 100;

function validate(input: YamlNode, schema: SchemaNode, key: string, v: Validation): void {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  const fail: Fail = v.fail;
  let node = input;
  if (isAlias(node)) {
    if (++v.aliases > MAX_ALIASES) fail(node, key, `uses more than ${MAX_ALIASES} YAML aliases`);
    const target = node.resolve(v.doc);
    if (!target) fail(node, key, 'is an alias to nothing');
    node = target as YamlNode;
  }
  switch (schema.kind) {
    case 'boolean':
      if (!isScalar(node) || typeof node.value !== 'boolean') fail(node, key, 'must be true or false');
      return;
    case 'string':
      if (!isScalar(node) || typeof node.value !== 'string') fail(node, key, 'must be a string');
      if (schema.pattern && !schema.pattern.test(node.value)) fail(node, key, `must be ${schema.describe ?? `a string matching ${schema.pattern}`}`);
      return;
    case 'integer': {
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(node, key, 'must be a whole number');
      if ((schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max))
        fail(node, key, `must be between ${schema.min} and ${schema.max}`);
      return;
    }
    case 'port':
      if (!isScalar(node) || parsePortSpec(node.value) === undefined)
        fail(node, key, 'must be a port from 1 to 65535, a range like "8000-8010", or either with /tcp or /udp ("53/udp")');
      return;
    case 'size':
      if (!isScalar(node) || parseSize(node.value) === undefined)
        fail(node, key, "must be a size in bytes or with a unit, like 5MB or 512KB");
      return;
    case 'enum':
      if (!isScalar(node) || typeof node.value !== 'string' || !schema.values.includes(node.value))
        fail(node, key, `must be one of ${schema.values.join(', ')}`);
      return;
    case 'array':
      if (!isSeq(node)) fail(node, key, 'must be a list');
      node.items.forEach((item, i) => validate(item as YamlNode, schema.items, `${key}[${i}]`, v));
      return;
    case 'object': {
      if (!isMap(node)) fail(node, key, 'must be a mapping of keys to values');
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode;
        const name = isScalar(keyNode) ? String(keyNode.value) : '';
        const childKey = key ? `${key}.${name}` : name;
        const childSchema = schema.properties[name] ?? schema.additional;
        if (!childSchema) {
          const hint = closest(name, Object.keys(schema.properties));
          fail(keyNode, childKey, `is not a known setting${hint ? ` (did you mean '${hint}'?)` : ''}`);
        }
        if (pair.value === null || pair.value === undefined) fail(keyNode, childKey, 'has no value');
        validate(pair.value as YamlNode, childSchema, childKey, v);
      }
      return;
    }
    case 'oneOf': {
      for (const option of schema.options) {
        try {
          const probe: Fail = (n, k, p) => {
            throw new OptionMismatch(n, k, p);
          };
          validate(node, option, key, { ...v, fail: probe });
          return;
        } catch (error) {
          if (!(error instanceof OptionMismatch)) throw error;
          // A mapping that fails inside says more than "must be one of".
          if (option.kind === 'object' && isMap(node)) fail(error.node, error.key, error.problem);
        }
      }
      fail(node, key, `must be ${schema.describe}`);
    }
  }
}

class OptionMismatch extends Error {
  constructor(readonly node: YamlNode, readonly key: string, readonly problem: string) {
    super(problem);
  }
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

export function parseSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}

function resolve(raw: Record<string, unknown>): ResolvedConfig {
  const config = defaultConfig();
  const get = <T>(key: string): T | undefined => raw[key] as T | undefined;
  config.scanners = get('scanners') ?? {};
  config.failOn = get('failOn') ?? config.failOn;
  config.failOnTestCode = get('failOnTestCode') ?? config.failOnTestCode;
  config.ignore = get('ignore') ?? [];
  const size = parseSize(get('maxFileSize'));
  if (size) config.maxFileSize = size;
  config.skipDirs = get('skipDirs') ?? config.skipDirs;
  for (const [id, setting] of Object.entries(get<Record<string, unknown>>('rules') ?? {})) {
    config.rules[id] = ruleSetting(setting);
  }
  config.secrets = { allowlist: [], ...(get('secrets') ?? {}) };
  config.sca = get('sca') ?? {};
  config.sast = get('sast') ?? {};
  config.ops = { allowedPorts: [], ...(get('ops') ?? {}) };
  config.iac = { helmValues: {}, ...(get('iac') ?? {}) };
  return config;
}

function ruleSetting(value: unknown): RuleSetting {
  if (value === 'off' || value === false) return { enabled: false };
  if (value === 'on' || value === true) return { enabled: true };
  const object = value as { enabled?: boolean; severity?: Severity };
  return { enabled: object.enabled ?? true, ...(object.severity ? { severity: object.severity } : {}) };
}

/** The known key nearest to a typo, if it is near enough to be a likely meaning. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
