import type { PlatformRules } from '../../rule.js';
import { describeSuppression, readSuppressions, suppressionOf, type ForeignSuppression } from '../suppressions.js';
import { parseTemplate, type CfnTemplate } from '../template.js';
import type { CfnRule } from '../model.js';
import { dataRules } from './data.js';
import { identityRules } from './identity.js';
import { networkRules } from './network.js';
import { serviceRules } from './services.js';

export const cloudformationRules: readonly CfnRule[] = [...networkRules, ...dataRules, ...identityRules, ...serviceRules];

/** A rule that leaves out the hits a foreign suppression in the resource's Metadata covers. */
function honouringSuppressions(rule: CfnRule): CfnRule {
  return {
    ...rule,
    *check(t) {
      for (const hit of rule.check(t)) if (!t.suppressions?.length || !suppressionOf(t.suppressions, rule.id, hit)) yield hit;
    },
  };
}

/**
 * Reads the foreign suppressions of a template and says, as a warning on each one, how
 * many findings it hides: the rules they name run once more here (only for templates
 * that carry such suppressions), since parse is the platform's one way to report.
 */
function applySuppressions(t: CfnTemplate, warn: (line: number, message: string) => void): void {
  const suppressions = readSuppressions(t, warn);
  if (suppressions.length === 0) return;
  t.suppressions = suppressions;
  const named = new Set(suppressions.flatMap((s) => s.covers.map((c) => c.rule)));
  const hidden = new Map<ForeignSuppression, Map<string, number>>();
  for (const rule of cloudformationRules) {
    if (!named.has(rule.id)) continue;
    const seen = new Set<string>();
    try {
      for (const hit of rule.check(t)) {
        // analyse.ts reports a hit repeated on one line with one message once.
        const key = `${hit.line}\0${hit.detailLine ?? ''}\0${hit.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const by = suppressionOf(suppressions, rule.id, hit);
        if (!by) continue;
        const counts = hidden.get(by) ?? new Map<string, number>();
        counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
        hidden.set(by, counts);
      }
    } catch {
      // The rule's own run reports its failure.
    }
  }
  for (const [s, counts] of hidden) for (const [ruleId, count] of counts) warn(s.line, describeSuppression(s, ruleId, count));
}

export const cloudformationPlatform: PlatformRules<CfnTemplate> = {
  platform: 'cloudformation',
  parse: (text, warn) => {
    const template = parseTemplate(text, warn);
    if (template) applySuppressions(template, warn);
    return template;
  },
  rules: cloudformationRules.map(honouringSuppressions),
};
