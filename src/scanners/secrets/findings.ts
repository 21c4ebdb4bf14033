import type { ScannerFinding } from '../../core/finding.js';
import type { RuleDoc } from '../../core/rule.js';
import { redactSecret, secretHash } from '../../core/redact.js';
import type { Detector } from './detector.js';
import type { SecretMatch } from './engine/scan-bytes.js';

export const SECRET_CWE = ['CWE-798'];

/** Where a history finding came from; absent for the working tree. */
export interface CommitOrigin {
  commit: string;
  commitDate: string;
  inHead: boolean;
}

export function ruleDoc(detector: Detector): RuleDoc {
  return {
    id: ruleId(detector),
    title: detector.title,
    description: detector.description,
    remediation: detector.remediation,
    severity: detector.severity,
    confidence: detector.confidence,
    cwe: SECRET_CWE,
    tags: ['security', 'secret'],
  };
}

export function ruleId(detector: Detector): string {
  return `secrets/${detector.id}`;
}

/** The identity of a found secret: the baseline and history dedupe use only this hash. */
export function matchHash(match: SecretMatch): string {
  return secretHash(match.pair ? `${match.secret}\n${match.pair.secret}` : match.secret);
}

/**
 * Every raw value the report writers must hide: the secret, its pair, and each line of
 * a multi-line secret (excerpts are cut by line, so a whole PEM block never matches one).
 */
export function valuesToRedact(match: SecretMatch): string[] {
  const values = [match.secret];
  if (match.pair) values.push(match.pair.secret);
  for (const value of [...values]) {
    if (!/\n|\\n/.test(value)) continue;
    for (const part of value.split(/\r?\n|\\r\\n|\\n/)) {
      const trimmed = part.trim().replace(/^["'+,]+|["'+,]+$/g, '');
      if (trimmed.length >= 8 && !trimmed.startsWith('-----')) values.push(trimmed);
    }
  }
  return values;
}

/** A finding that carries no raw secret: only its type, redacted form and hash. */
export function toFinding(match: SecretMatch, path: string, detector: Detector, origin?: CommitOrigin): ScannerFinding {
  const redacted = redactSecret(match.secret);
  const properties: Record<string, unknown> = { secretType: detector.secretType, redacted, recognisedBy: detector.recognisedBy ?? 'format' };
  if (match.pair) {
    properties['pairRedacted'] = redactSecret(match.pair.secret);
    properties['pairLine'] = match.pair.line;
  }
  if (origin) Object.assign(properties, origin);
  return {
    ruleId: ruleId(detector),
    scanner: 'secrets',
    severity: detector.severity,
    confidence: detector.confidence,
    title: detector.title,
    message: message(detector, redacted, match, origin),
    cwe: SECRET_CWE,
    location: { path, startLine: match.line, startColumn: match.column, endLine: match.endLine, endColumn: match.endColumn },
    fix: { summary: detector.remediation },
    properties,
    fingerprintKey: matchHash(match),
  };
}

function message(detector: Detector, redacted: string, match: SecretMatch, origin?: CommitOrigin): string {
  const what = `${detector.secretType} ${redacted}${match.pair ? ` with its secret on line ${match.pair.line}` : ''}`;
  const verb = /password/i.test(detector.secretType) ? 'change' : /private key/i.test(detector.secretType) ? 'replace' : 'revoke';
  if (!origin) return `${capitalise(what)} is hard-coded here: ${detector.advice ?? `${verb} it and load it from the environment or a secret manager.`}`;
  const when = `${origin.commit.slice(0, 12)} (${origin.commitDate.slice(0, 10)})`;
  return origin.inHead
    ? `${capitalise(what)} was committed in ${when} and is still in HEAD: ${verb} it, then remove it.`
    : `${capitalise(what)} was committed in ${when} and removed later: rotate it: it is in history.`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
