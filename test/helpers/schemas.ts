import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import AjvDraft04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import { sharedDataPath } from './paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(sharedDataPath('schemas', name), 'utf8')) as Record<string, unknown>;
}

let sarifValidator: ValidateFunction | undefined;

/** Validates a SARIF log against the OASIS 2.1.0 schema in shared/data; returns ajv's errors as text. */
export function sarifErrors(log: unknown): string[] {
  if (!sarifValidator) {
    // The SARIF schema is JSON Schema draft-04.
    const AjvDraft04 = AjvDraft04Module as unknown as typeof Ajv;
    const ajv = new AjvDraft04({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    sarifValidator = ajv.compile(load('sarif-schema-2.1.0.json'));
  }
  return sarifValidator(log) ? [] : (sarifValidator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
