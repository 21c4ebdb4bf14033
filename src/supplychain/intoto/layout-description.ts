import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../json/strict-json.js';
import { loadPublicKeyFile } from '../keys/key-files.js';
import { publicKeyMetadata } from '../keys/keys.js';
import { EXPIRES_FORMAT, validateLayout, type Inspection, type Layout, type Rule, type Step } from './models.js';
import { shlexSplit } from './python-compat.js';
import { unpackRule } from './rules.js';
import { yamlTooDeep } from '../../core/yaml-depth.js';

/**
 * A layout written by hand in YAML, turned into in-toto layout metadata:
 *
 *   expires: 2030-01-01T00:00:00Z     # or relative: 30d, 12w, 6m, 1y (from now, UTC)
 *   readme: Build and package the app
 *   keys:                              # name: public key file (relative to this file)
 *     alice: keys/alice.pub
 *   steps:
 *     - name: build
 *       functionaries: [alice]
 *       threshold: 1
 *       expected_command: npm run build        # a string (split like a shell) or a list
 *       expected_materials:
 *         - ALLOW src/*                        # a string (split like a shell) or a list
 *       expected_products:
 *         - CREATE dist/app.js
 *         - DISALLOW *
 *   inspections:
 *     - name: untar
 *       run: tar xzf app.tgz
 *       expected_materials: [MATCH app.tgz WITH PRODUCTS FROM build]
 *
 * Unknown fields are errors, so a typo cannot silently drop a rule.
 */

export class LayoutDescriptionError extends UsageError {}

const TOP_FIELDS = new Set(['expires', 'readme', 'keys', 'steps', 'inspections']);
const STEP_FIELDS = new Set(['name', 'functionaries', 'threshold', 'expected_command', 'expected_materials', 'expected_products']);
const INSPECTION_FIELDS = new Set(['name', 'run', 'expected_materials', 'expected_products']);

export function layoutFromDescriptionFile(file: string, now = new Date()): Layout {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read layout description ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return layoutFromDescription(text, path.dirname(path.resolve(file)), now, file);
}

export function layoutFromDescription(text: string, baseDir: string, now: Date, where = 'layout description'): Layout {
  const tooDeep = yamlTooDeep(text);
  if (tooDeep) throw new LayoutDescriptionError(`${where}:${tooDeep.line}: ${tooDeep.message}`);
  let doc: unknown;
  try {
    doc = parseYaml(text, { schema: 'core', maxAliasCount: 50, uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    throw new LayoutDescriptionError(`${where}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const fail = (message: string): never => {
    throw new LayoutDescriptionError(`${where}: ${message}`);
  };
  const top = record(doc, 'the document', TOP_FIELDS, fail);

  const keyNames = new Map<string, string>();
  const keys: JsonObject = {};
  for (const [name, file] of Object.entries(record(top.keys ?? {}, 'keys', null, fail))) {
    if (typeof file !== 'string') fail(`keys.${name} must be the path of a public key file`);
    const key = loadPublicKeyFile(path.resolve(baseDir, file as string));
    keyNames.set(name, key.keyid);
    keys[key.keyid] = publicKeyMetadata(key);
  }

  const steps: Step[] = list(top.steps ?? [], 'steps', fail).map((value, index) => {
    const step = record(value, `steps[${index}]`, STEP_FIELDS, fail);
    const name = itemName(step.name, `steps[${index}]`, fail);
    const threshold = step.threshold ?? 1;
    if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 1) fail(`step '${name}': threshold must be a whole number of at least 1`);
    const functionaries = list(step.functionaries ?? [], `step '${name}' functionaries`, fail).map((keyName) => {
      const keyid = typeof keyName === 'string' ? keyNames.get(keyName) : undefined;
      if (!keyid) return fail(`step '${name}': functionary '${String(keyName)}' is not a key named under keys`);
      return keyid;
    });
    if ((threshold as number) > functionaries.length) fail(`step '${name}': threshold ${String(threshold)} is more than its ${functionaries.length} functionaries`);
    return {
      _type: 'step',
      name,
      expected_materials: rules(step.expected_materials, `step '${name}' expected_materials`, fail),
      expected_products: rules(step.expected_products, `step '${name}' expected_products`, fail),
      pubkeys: functionaries,
      expected_command: command(step.expected_command, `step '${name}' expected_command`, fail),
      threshold: threshold as number,
    };
  });

  const inspect: Inspection[] = list(top.inspections ?? [], 'inspections', fail).map((value, index) => {
    const inspection = record(value, `inspections[${index}]`, INSPECTION_FIELDS, fail);
    const name = itemName(inspection.name, `inspections[${index}]`, fail);
    const run = command(inspection.run, `inspection '${name}' run`, fail);
    if (run.length === 0) fail(`inspection '${name}' needs a run command`);
    return {
      _type: 'inspection',
      name,
      expected_materials: rules(inspection.expected_materials, `inspection '${name}' expected_materials`, fail),
      expected_products: rules(inspection.expected_products, `inspection '${name}' expected_products`, fail),
      run,
    };
  });

  const readme = top.readme ?? '';
  if (typeof readme !== 'string') fail('readme must be a string');
  const layout: Layout = { _type: 'layout', steps, inspect, keys, expires: expiresFrom(top.expires ?? '1m', now, fail), readme: readme as string };
  try {
    validateLayout(layout);
  } catch (error) {
    fail((error as Error).message);
  }
  return layout;
}

/** An absolute `YYYY-MM-DDTHH:MM:SSZ`, or a duration from now: 30d, 12w, 6m, 1y. */
export function expiresFrom(value: unknown, now: Date, fail: (message: string) => never): string {
  if (typeof value !== 'string') return fail('expires must be YYYY-MM-DDTHH:MM:SSZ or a duration like 30d, 6m, 1y');
  if (EXPIRES_FORMAT.test(value)) return value;
  const m = /^(\d{1,4})([dwmy])$/.exec(value.trim());
  if (!m) return fail(`expires '${value}' must be YYYY-MM-DDTHH:MM:SSZ or a duration like 30d, 6m, 1y`);
  const amount = Number(m[1]);
  const date = new Date(now.getTime());
  date.setUTCMilliseconds(0);
  if (m[2] === 'd' || m[2] === 'w') date.setUTCDate(date.getUTCDate() + amount * (m[2] === 'w' ? 7 : 1));
  else addMonths(date, m[2] === 'y' ? amount * 12 : amount);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Calendar months as dateutil's relativedelta adds them: the day is clamped to the month's end. */
function addMonths(date: Date, months: number): void {
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
}

type Fail = (message: string) => never;

function record(value: unknown, where: string, allowed: Set<string> | null, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(`${where} must be a mapping`);
  if (allowed) {
    for (const key of Object.keys(value)) if (!allowed.has(key)) fail(`unknown field '${key}' in ${where} (known: ${[...allowed].join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) return fail(`${where} must be a list`);
  return value;
}

function itemName(value: unknown, where: string, fail: Fail): string {
  if (typeof value !== 'string' || value === '' || /[/\\\0]/.test(value)) return fail(`${where} needs a name without path separators`);
  return value;
}

function command(value: unknown, where: string, fail: Fail): JsonValue[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return split(value, where, fail);
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) return value as string[];
  return fail(`${where} must be a string or a list of strings`);
}

function rules(value: unknown, where: string, fail: Fail): Rule[] {
  if (value === undefined || value === null) return [];
  return list(value, where, fail).map((rule, index) => {
    const parts = typeof rule === 'string' ? split(rule, `${where}[${index}]`, fail) : Array.isArray(rule) && rule.every((p) => typeof p === 'string') ? (rule as string[]) : fail(`${where}[${index}] must be a string or a list of strings`);
    try {
      unpackRule(parts);
    } catch (error) {
      fail(`${where}[${index}]: ${(error as Error).message}`);
    }
    return parts;
  });
}

function split(text: string, where: string, fail: Fail): string[] {
  try {
    return shlexSplit(text);
  } catch (error) {
    return fail(`${where}: ${(error as Error).message}`);
  }
}
