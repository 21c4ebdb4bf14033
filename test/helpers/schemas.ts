import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { sharedDataPath } from './paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const AjvDraft04 = AjvDraft04Module as unknown as typeof Ajv;

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(sharedDataPath('schemas', name), 'utf8')) as Record<string, unknown>;
}

function validatorOf(build: () => ValidateFunction): (doc: unknown) => string[] {
  let validator: ValidateFunction | undefined;
  return (doc) => {
    validator ??= build();
    return validator(doc) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

/** SARIF 2.1.0 (a draft-04 schema); returns ajv's errors as text. */
export const sarifErrors = validatorOf(() => {
  const ajv = new AjvDraft04({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  return ajv.compile(load('sarif-schema-2.1.0.json'));
});

/** CycloneDX 1.6 with its spdx and jsf sub-schemas. */
export const cycloneDxErrors = validatorOf(() => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // As cyclonedx-library does: the iri-reference check rejects valid purl-like references.
  ajv.addFormat('iri-reference', true);
  ajv.addSchema(load('spdx.schema.json'));
  ajv.addSchema(load('jsf-0.82.schema.json'));
  return ajv.compile(load('bom-1.6.schema.json'));
});

/** SPDX 2.3 (a draft 2019-09 schema). */
export const spdxErrors = validatorOf(() => {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  return ajv.compile(load('spdx-2.3-schema.json'));
});
