import { severityRank, type Finding, type Location, type Severity } from '../core/finding.js';
import { cweNumber, owaspTitle } from '../core/taxonomy.js';
import { TOOL_VERSION } from '../core/version.js';
import type { RuleDoc } from '../core/rule.js';
import type { ScanResult, SuppressionKind } from '../engine/scan.js';

/** DESIGN.md "SARIF 2.1.0 conventions". */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: undefined,
};

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/secloop/secloop';

export function writeSarif(result: ScanResult): string {
  const entries: Array<{ finding: Finding; suppression?: { kind: SuppressionKind; justification: string } }> = [
    ...result.findings.map((finding) => ({ finding })),
    ...result.suppressed.map((s) => ({ finding: s.finding, suppression: { kind: s.kind, justification: s.justification } })),
  ];

  const ruleIds = [...new Set(entries.map((e) => e.finding.ruleId))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => {
    const fired = entries.filter((e) => e.finding.ruleId === id).map((e) => e.finding);
    return sarifRule(id, result.rules.get(id), fired);
  });

  const results = entries.map(({ finding, suppression }) => ({
    ruleId: finding.ruleId,
    ruleIndex: ruleIndex.get(finding.ruleId)!,
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    locations: [{ physicalLocation: physicalLocation(finding.location) }],
    partialFingerprints: {
      primaryLocationLineHash: result.lineHashes.get(finding.fingerprint) ?? `${finding.fingerprint.slice(0, 16)}:1`,
      'secloop/v1': finding.fingerprint,
    },
    ...(finding.trace && finding.trace.length > 0
      ? {
          codeFlows: [
            {
              threadFlows: [
                {
                  locations: finding.trace.map((step) => ({
                    location: {
                      physicalLocation: physicalLocation(step),
                      ...(step.message ? { message: { text: step.message } } : {}),
                    },
                  })),
                },
              ],
            },
          ],
        }
      : {}),
    ...(finding.related && finding.related.length > 0
      ? {
          relatedLocations: finding.related.map((loc, id) => ({
            id,
            physicalLocation: physicalLocation(loc),
            ...(loc.message ? { message: { text: loc.message } } : {}),
          })),
        }
      : {}),
    ...(suppression
      ? { suppressions: [{ kind: suppression.kind, status: 'accepted', justification: suppression.justification }] }
      : {}),
    properties: {
      severity: finding.severity,
      confidence: finding.confidence,
      scanner: finding.scanner,
      cwe: finding.cwe,
      owasp: finding.owasp,
      // SARIF `fixes` need concrete file edits; a fix that is advice goes here.
      ...(finding.fix ? { fix: finding.fix } : {}),
      ...finding.properties,
      ...(finding.alsoReportedBy ? { alsoReportedBy: finding.alsoReportedBy } : {}),
    },
  }));

  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secloop',
            version: TOOL_VERSION,
            semanticVersion: TOOL_VERSION,
            informationUri: INFORMATION_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.warnings.map((warning) => ({
              level: 'warning',
              message: { text: warning.message },
              ...(warning.path
                ? {
                    locations: [
                      { physicalLocation: physicalLocation({ path: warning.path, startLine: warning.line ?? 1 }) },
                    ],
                  }
                : {}),
            })),
          },
        ],
        results,
        columnKind: 'unicodeCodePoints',
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function physicalLocation(location: Location) {
  return {
    artifactLocation: { uri: encodeUriPath(location.path) },
    region: {
      startLine: Math.max(1, location.startLine),
      ...(location.startColumn ? { startColumn: location.startColumn } : {}),
      ...(location.endLine ? { endLine: location.endLine } : {}),
      ...(location.endColumn ? { endColumn: location.endColumn } : {}),
    },
  };
}

/** A relative URI reference: each path segment percent-encoded, slashes kept. */
function encodeUriPath(relative: string): string {
  return relative.split('/').map(encodeURIComponent).join('/');
}

function sarifRule(id: string, doc: RuleDoc | undefined, fired: readonly Finding[]) {
  const sample = fired[0]!;
  const severity = fired.reduce<Severity>((max, f) => (severityRank(f.severity) > severityRank(max) ? f.severity : max), sample.severity);
  const cwes = doc?.cwe ?? sample.cwe;
  const tags = [...new Set([
    'security',
    ...cwes.map((cwe) => cweNumber(cwe)).filter((n) => n !== undefined).map((n) => `external/cwe/cwe-${n}`),
    ...sample.owasp.map((id) => `external/owasp/${id.toLowerCase().replace(':', '-')}`),
    ...(doc?.tags ?? []),
  ])];
  const securitySeverity = SECURITY_SEVERITY[severity];
  const title = doc?.title ?? sample.title;
  const description = doc?.description ?? sample.message;
  const remediation = doc?.remediation ?? sample.fix?.summary ?? 'See the finding message.';
  const owaspNote = sample.owasp.map((o) => `${o} ${owaspTitle(o) ?? ''}`.trim()).join('; ');
  return {
    id,
    name: id.split('/').pop()!.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : '')),
    shortDescription: { text: title },
    fullDescription: { text: description },
    help: {
      text: `${description}\n\nHow to fix: ${remediation}${owaspNote ? `\n\nOWASP Top 10: ${owaspNote}` : ''}`,
      markdown: `${description}\n\n**How to fix:** ${remediation}${owaspNote ? `\n\n**OWASP Top 10:** ${owaspNote}` : ''}`,
    },
    ...(doc?.helpUri ? { helpUri: doc.helpUri } : {}),
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      tags,
      ...(securitySeverity ? { 'security-severity': securitySeverity } : {}),
      precision: confidenceToPrecision(doc?.confidence ?? sample.confidence),
      'problem.severity': LEVEL[severity] === 'note' ? 'recommendation' : LEVEL[severity],
    },
  };
}

function confidenceToPrecision(confidence: Finding['confidence']): string {
  return confidence === 'high' ? 'high' : confidence === 'medium' ? 'medium' : 'low';
}
