import { composePlatform } from './compose/rules.js';
import { dockerfilePlatform } from './dockerfile/rules.js';
import { githubPlatform } from './github/rules.js';
import { findZizmorSuppression, zizmorSuppressions } from './github/zizmor-ignore.js';
import { zizmorConfigJustification, zizmorSeverity } from './github/zizmor-config.js';
import { gitlabPlatform } from './gitlab/rules.js';
import { kubernetesPlatform } from './kubernetes/rules.js';
import { preCommitPlatform } from './precommit/rules.js';
import type { IacRule, Platform, PlatformRules } from './rule.js';
import { terraformPlatform } from './terraform/rules/index.js';
import { cloudformationPlatform } from './cloudformation/rules/index.js';

/**
 * Each platform reads its files into its own input type and only its own rules see it,
 * so the list can hold them under one erased type.
 */
function erase<Input>(platform: PlatformRules<Input>): PlatformRules<unknown> {
  return platform as unknown as PlatformRules<unknown>;
}

/** Every IaC platform secloop reads, with its parser and rules. */
export const PLATFORM_RULES: ReadonlyArray<PlatformRules<unknown>> = [
  erase(dockerfilePlatform),
  erase(kubernetesPlatform),
  erase(composePlatform),
  erase({
    ...githubPlatform,
    foreignSuppressions(text, wf) {
      const comments = zizmorSuppressions(text);
      const config = wf.zizmor;
      if (comments.length === 0 && !config) return undefined;
      // A comment in the file first, then the scan's zizmor.yml (ignore entries, disabled audits, unpinned-uses policies).
      return (ruleId, hit) => findZizmorSuppression(comments, ruleId, hit.line, hit.detailLine)?.reason ?? (config ? zizmorConfigJustification(config, wf, ruleId, hit) : undefined);
    },
    foreignSeverities(wf) {
      // The scan's zizmor.yml regrades the audits it remaps, as zizmor would.
      const config = wf.zizmor;
      return config && config.remaps.size > 0 ? (ruleId) => zizmorSeverity(config, ruleId) : undefined;
    },
  }),
  erase(gitlabPlatform),
  erase(preCommitPlatform),
  erase(terraformPlatform),
  erase(cloudformationPlatform),
];

export function platformRules(platform: Platform): PlatformRules<unknown> | undefined {
  return PLATFORM_RULES.find((p) => p.platform === platform);
}

export function allIacRules(): ReadonlyArray<IacRule<unknown>> {
  return PLATFORM_RULES.flatMap((p) => p.rules);
}
