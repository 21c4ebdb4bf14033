import { createHash } from 'node:crypto';

/**
 * Fingerprints identify a finding across runs. They hash the rule, the path and the
 * content of the finding's line (or a scanner-supplied key) plus the occurrence index
 * of that content in the file, never the line number: inserting unrelated lines above
 * a finding leaves its fingerprint unchanged.
 */
export interface FingerprintInput {
  ruleId: string;
  path: string;
  /** The finding's own identity: normalised line text, or the scanner's fingerprintKey. */
  key: string;
}

export function normaliseLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

export function hashHex(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex');
}

/**
 * Fingerprints for a batch of findings, in input order. Findings with the same rule,
 * path and key are numbered by line so that two identical lines stay distinct.
 */
export function fingerprintAll(inputs: ReadonlyArray<FingerprintInput & { line: number; column?: number }>): string[] {
  const order = inputs
    .map((input, index) => ({ input, index }))
    .sort((a, b) => a.input.line - b.input.line || (a.input.column ?? 0) - (b.input.column ?? 0) || a.index - b.index);
  const seen = new Map<string, number>();
  const result = new Array<string>(inputs.length);
  for (const { input, index } of order) {
    const group = hashHex(input.ruleId, input.path, input.key);
    const occurrence = seen.get(group) ?? 0;
    seen.set(group, occurrence + 1);
    result[index] = hashHex('secloop/v1', group, String(occurrence)).slice(0, 32);
  }
  return result;
}

/** SARIF's primaryLocationLineHash: a hash of the line text and its occurrence, as GitHub computes it in spirit. */
export function lineHash(lineText: string, occurrence: number): string {
  return `${hashHex(normaliseLine(lineText)).slice(0, 16)}:${occurrence + 1}`;
}
