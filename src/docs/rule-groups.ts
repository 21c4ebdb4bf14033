import { OPS_RULE_GROUP } from '../ops/rules.js';
import { loadScanners } from '../scanners/registry.js';
import type { RuleGroup } from './rules-page.js';

/** Every source of findings with its rules: the scanners, then `ops check`. */
export async function allRuleGroups(): Promise<RuleGroup[]> {
  return [...(await loadScanners()), OPS_RULE_GROUP];
}
