import { isJsonObject, type JsonObject, type JsonValue } from '../json/strict-json.js';
import { unpackRule } from './rules.js';

/**
 * in-toto 1.3.1 classic metadata: Link and Layout (with Steps and Inspections), read
 * the way the reference reads them. Known fields only, with the reference's defaults:
 * unknown fields are dropped before the signature is checked, exactly as
 * `Link(**data)` / `Layout.read(data)` drop them, so both implementations verify the
 * same bytes. Validation follows the reference's `_validate_*` methods.
 */

export type ArtifactHashes = Record<string, string>;
export type Artifacts = Record<string, ArtifactHashes>;
export type Rule = string[];

export interface Link {
  _type: 'link';
  name: JsonValue;
  materials: Artifacts;
  products: Artifacts;
  byproducts: JsonObject;
  command: JsonValue[];
  environment: JsonObject;
}

export interface Step {
  _type: 'step';
  name: string;
  expected_materials: Rule[];
  expected_products: Rule[];
  pubkeys: string[];
  expected_command: JsonValue[];
  threshold: number;
}

export interface Inspection {
  _type: 'inspection';
  name: string;
  expected_materials: Rule[];
  expected_products: Rule[];
  run: JsonValue[];
}

export interface Layout {
  _type: 'layout';
  steps: Step[];
  inspect: Inspection[];
  /** keyid -> public key dict, kept as written (checked when a key is used). */
  keys: JsonObject;
  expires: string;
  readme: string;
}

export class MetadataFormatError extends Error {
  override readonly name = 'MetadataFormatError';
}

const HEX = /^[a-fA-F0-9]+$/;
export const EXPIRES_FORMAT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

export function linkFromJson(data: JsonObject): Link {
  const link: Link = {
    _type: 'link',
    name: field(data, 'name', null),
    materials: artifacts(field(data, 'materials', {}), 'materials'),
    products: artifacts(field(data, 'products', {}), 'products'),
    byproducts: objectField(field(data, 'byproducts', {}), 'byproducts'),
    command: listField(field(data, 'command', []), 'command'),
    environment: objectField(field(data, 'environment', {}), 'environment'),
  };
  return link;
}

export function layoutFromJson(data: JsonObject): Layout {
  const steps = data.steps;
  const inspect = data.inspect;
  if (!Array.isArray(steps)) throw new MetadataFormatError('Invalid layout: field `steps` must be a list');
  if (!Array.isArray(inspect)) throw new MetadataFormatError('Invalid layout: field `inspect` must be a list');
  const expires = data.expires;
  const readme = field(data, 'readme', '');
  if (typeof readme !== 'string') invalid(`Invalid readme '${String(readme)}', value must be a string`);
  if (typeof expires !== 'string' || expires === '') throw new MetadataFormatError('Invalid layout: field `expires` is missing');
  const layout: Layout = {
    _type: 'layout',
    steps: steps.map((step, index) => stepFromJson(step, index)),
    inspect: inspect.map((inspection, index) => inspectionFromJson(inspection, index)),
    keys: objectField(field(data, 'keys', {}), 'keys'),
    expires,
    readme,
  };
  validateLayout(layout);
  return layout;
}

export function validateLayout(layout: Layout): void {
  parseExpires(layout.expires);
  for (const [keyid, key] of Object.entries(layout.keys)) {
    if (!HEX.test(keyid)) invalid(`key id '${keyid}' in keys is not hex`);
    if (!isJsonObject(key) || typeof key.keytype !== 'string' || !isJsonObject(key.keyval) || typeof key.keyval.public !== 'string') {
      invalid(`key ${keyid} in keys is not a public key`);
    }
    if (key.keyval.private !== undefined && key.keyval.private !== '') invalid(`key ${keyid} in keys contains private key material`);
  }
  const seen = new Set<string>();
  for (const item of [...layout.steps, ...layout.inspect]) {
    if (seen.has(item.name)) {
      invalid(`there is already a step or inspection with name '${item.name}'; names must be unique within a layout`);
    }
    seen.add(item.name);
  }
}

/** The expiry as a Date; the reference's ISO 8601 form `YYYY-MM-DDTHH:MM:SSZ` only. */
export function parseExpires(expires: string): Date {
  const m = EXPIRES_FORMAT.exec(expires);
  if (!m) throw new MetadataFormatError(`Malformed date string in layout: '${expires}' (expected YYYY-MM-DDTHH:MM:SSZ)`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new MetadataFormatError(`Malformed date string in layout: '${expires}'`);
  }
  return date;
}

function stepFromJson(value: JsonValue, index: number): Step {
  if (!isJsonObject(value)) invalid(`step ${index} is not an object`);
  const name = itemName(value, `step ${index}`);
  const threshold = field(value, 'threshold', 1);
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold)) invalid(`Invalid threshold '${String(threshold)}' of step '${name}', value must be an int`);
  const pubkeys = listField(field(value, 'pubkeys', []), `pubkeys of step '${name}'`);
  for (const keyid of pubkeys) if (typeof keyid !== 'string' || !HEX.test(keyid)) invalid(`step '${name}': pubkeys must be hex key ids`);
  return {
    _type: 'step',
    name,
    expected_materials: rules(field(value, 'expected_materials', []), `expected_materials of step '${name}'`),
    expected_products: rules(field(value, 'expected_products', []), `expected_products of step '${name}'`),
    pubkeys: pubkeys as string[],
    expected_command: listField(field(value, 'expected_command', []), `expected_command of step '${name}'`),
    threshold,
  };
}

function inspectionFromJson(value: JsonValue, index: number): Inspection {
  if (!isJsonObject(value)) invalid(`inspection ${index} is not an object`);
  const name = itemName(value, `inspection ${index}`);
  return {
    _type: 'inspection',
    name,
    expected_materials: rules(field(value, 'expected_materials', []), `expected_materials of inspection '${name}'`),
    expected_products: rules(field(value, 'expected_products', []), `expected_products of inspection '${name}'`),
    run: listField(field(value, 'run', []), `run of inspection '${name}'`),
  };
}

function itemName(value: JsonObject, where: string): string {
  const name = value.name;
  // The reference does not check names; secloop needs them as file names, so strings only.
  if (typeof name !== 'string') invalid(`${where} needs a string name`);
  return name;
}

function rules(value: JsonValue, where: string): Rule[] {
  const list = listField(value, where);
  return list.map((rule) => {
    if (!Array.isArray(rule) || !rule.every((part) => typeof part === 'string')) invalid(`${where}: each rule must be a list of strings`);
    try {
      unpackRule(rule as string[]);
    } catch (error) {
      invalid(`${where}: ${(error as Error).message}`);
    }
    return rule as string[];
  });
}

function artifacts(value: JsonValue, where: string): Artifacts {
  const object = objectField(value, where);
  for (const [path, hashes] of Object.entries(object)) {
    if (!isJsonObject(hashes)) invalid(`Invalid link: ${where} entry '${path}' must be a dict of hashes`);
    for (const [algorithm, digest] of Object.entries(hashes)) {
      if (typeof digest !== 'string' || !HEX.test(digest)) invalid(`Invalid link: ${where} entry '${path}' has a non-hex ${algorithm} digest`);
    }
  }
  return object as Artifacts;
}

function field(data: JsonObject, name: string, fallback: JsonValue): JsonValue {
  return Object.prototype.hasOwnProperty.call(data, name) ? data[name]! : fallback;
}

function objectField(value: JsonValue, where: string): JsonObject {
  if (!isJsonObject(value)) invalid(`field \`${where}\` must be a dict`);
  return value;
}

function listField(value: JsonValue, where: string): JsonValue[] {
  if (!Array.isArray(value)) invalid(`field \`${where}\` must be a list`);
  return value;
}

function invalid(message: string): never {
  throw new MetadataFormatError(message);
}

/** The dict the reference signs (`attr.asdict` of the object), field for field. */
export function signableOf(signed: Link | Layout): JsonObject {
  if (signed._type === 'link') {
    const { _type, name, materials, products, byproducts, command, environment } = signed;
    return { _type, name, materials, products, byproducts, command, environment } as JsonObject;
  }
  return {
    _type: 'layout',
    steps: signed.steps.map(({ _type, name, expected_materials, expected_products, pubkeys, expected_command, threshold }) => ({
      _type,
      name,
      expected_materials,
      expected_products,
      pubkeys,
      expected_command,
      threshold,
    })),
    inspect: signed.inspect.map(({ _type, name, expected_materials, expected_products, run }) => ({ _type, name, expected_materials, expected_products, run })),
    keys: signed.keys,
    expires: signed.expires,
    readme: signed.readme,
  } as JsonObject;
}
