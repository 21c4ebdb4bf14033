import type { PlatformRules } from '../../rule.js';
import { parseTemplate, type CfnTemplate } from '../template.js';
import type { CfnRule } from '../model.js';
import { dataRules } from './data.js';
import { identityRules } from './identity.js';
import { networkRules } from './network.js';
import { serviceRules } from './services.js';

export const cloudformationRules: readonly CfnRule[] = [...networkRules, ...dataRules, ...identityRules, ...serviceRules];

export const cloudformationPlatform: PlatformRules<CfnTemplate> = {
  platform: 'cloudformation',
  parse: (text, warn) => parseTemplate(text, warn),
  rules: cloudformationRules,
};
