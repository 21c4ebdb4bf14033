import type { PlatformRules } from '../../rule.js';
import { readTerraform, type TfInput } from '../model.js';
import type { TfRule } from './common.js';
import { accessRules } from './access.js';
import { accountRules } from './accounts.js';
import { dataRules } from './data.js';
import { encryptionRules } from './encryption.js';
import { hardeningRules } from './hardening.js';
import { iamRules } from './iam.js';
import { loggingRules } from './logging.js';
import { networkRules } from './network.js';
import { serviceRules } from './services.js';
import { sharingRules } from './sharing.js';
import { storageRules } from './storage.js';

/** Terraform rules, AWS provider first. */
export const terraformRules: readonly TfRule[] = [...networkRules, ...storageRules, ...encryptionRules, ...sharingRules, ...iamRules, ...accountRules, ...loggingRules, ...serviceRules, ...dataRules, ...accessRules, ...hardeningRules];

export const terraformPlatform: PlatformRules<TfInput> = {
  platform: 'terraform',
  parse: (text, warn, context) => readTerraform(text, warn, context?.terraform),
  rules: terraformRules,
};
