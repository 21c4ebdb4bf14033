import type { ScannerFinding } from '../../core/finding.js';
import { readZizmorConfig, ZIZMOR_CONFIG_CANDIDATES, zizmorIgnoreJustification, zizmorSeverity } from '../iac/github/zizmor-config.js';
import { findZizmorSuppression, zizmorSuppressions } from '../iac/github/zizmor-ignore.js';

/** The posture rules that report what a zizmor audit reports (dependabot-cooldown, dependabot-execution). */
const ZIZMOR_AUDITED = new Set(['posture/dependabot-no-cooldown', 'posture/dependabot-external-code-execution']);

export function isZizmorConfig(path: string): boolean {
  return (ZIZMOR_CONFIG_CANDIDATES as readonly string[]).includes(path);
}

/**
 * Honours what a repository already tells zizmor about the Dependabot findings, as the iac
 * scanner does for workflows: `# zizmor: ignore[audit]` comments in dependabot.yml, and the
 * zizmor config's `disable`, `ignore` and `remap.severity` entries. The config's own problems
 * are warned about by the iac scanner, which reads it too.
 */
export function applyZizmor(findings: readonly ScannerFinding[], files: ReadonlyMap<string, string>): ScannerFinding[] {
  if (!findings.some((f) => ZIZMOR_AUDITED.has(f.ruleId))) return [...findings];
  const configPath = ZIZMOR_CONFIG_CANDIDATES.find((candidate) => files.has(candidate));
  const config = configPath ? readZizmorConfig(configPath, files.get(configPath)!, () => undefined) : undefined;
  return findings.map((finding) => {
    if (!ZIZMOR_AUDITED.has(finding.ruleId)) return finding;
    const { path, startLine } = finding.location;
    const text = files.get(path);
    const comment = text === undefined || startLine === undefined ? undefined : findZizmorSuppression(zizmorSuppressions(text), finding.ruleId, startLine);
    const ignored = comment?.reason ?? (config && startLine !== undefined ? zizmorIgnoreJustification(config, path, finding.ruleId, { line: startLine }) : undefined);
    const regraded = config ? zizmorSeverity(config, finding.ruleId) : undefined;
    if (!ignored && !regraded) return finding;
    return {
      ...finding,
      ...(ignored ? { inSourceSuppression: ignored } : {}),
      ...(regraded
        ? { severity: regraded.severity, properties: { ...finding.properties, severitySetBy: `${regraded.setBy} (secloop's own: ${finding.severity})` } }
        : {}),
    };
  });
}
