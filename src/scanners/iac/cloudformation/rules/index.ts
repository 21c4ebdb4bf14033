import type { PlatformRules } from '../../rule.js';
import { justificationOf, readSuppressions, suppressionOf } from '../suppressions.js';
import { parseTemplate, type CfnTemplate } from '../template.js';
import type { CfnRule } from '../model.js';
import { accessRules } from './access.js';
import { bucketRules } from './buckets.js';
import { dataRules } from './data.js';
import { databaseRules } from './databases.js';
import { ecsTaskRules } from './ecs-tasks.js';
import { identityRules } from './identity.js';
import { networkRules } from './network.js';
import { outputRules } from './outputs.js';
import { serviceRules } from './services.js';
import { vpcRules } from './vpc.js';

export const cloudformationRules: readonly CfnRule[] = [...networkRules, ...dataRules, ...identityRules, ...serviceRules, ...ecsTaskRules, ...databaseRules, ...accessRules, ...vpcRules, ...bucketRules, ...outputRules];

export const cloudformationPlatform: PlatformRules<CfnTemplate> = {
  platform: 'cloudformation',
  parse: (text, warn, context) => parseTemplate(text, warn, context?.cloudformation?.passed),
  rules: cloudformationRules,
  foreignSuppressions(_text, template, warn) {
    const suppressions = readSuppressions(template, warn);
    if (suppressions.length === 0) return undefined;
    return (ruleId, hit) => {
      const by = suppressionOf(suppressions, ruleId, hit);
      return by ? justificationOf(by) : undefined;
    };
  },
};
