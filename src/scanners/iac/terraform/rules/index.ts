import type { PlatformRules } from '../../rule.js';
import { readTerraform, type TfInput } from '../model.js';
import type { TfRule } from './common.js';
import { kubernetesFromTerraform } from '../kubernetes/convert.js';
import { namingInstances } from './instance-findings.js';
import { accessRules } from './access.js';
import { accountRules } from './accounts.js';
import { azureRules } from './azure.js';
import { withAzapi } from './azapi.js';
import { dataRules } from './data.js';
import { ecsTaskRules } from './ecs-tasks.js';
import { encryptionRules } from './encryption.js';
import { awsEnvSecret } from './env-secrets.js';
import { awsPasswordRules } from './aws-passwords.js';
import { gcpRules } from './gcp.js';
import { hardeningRules } from './hardening.js';
import { iamRules } from './iam.js';
import { loggingRules } from './logging.js';
import { networkRules } from './network.js';
import { serviceRules } from './services.js';
import { sharingRules } from './sharing.js';
import { storageRules } from './storage.js';
import { readTfSuppressions, tfJustificationOf, tfSuppressionOf } from '../suppressions.js';

/** Terraform rules: the AWS provider first, then Google Cloud and Azure (the azurerm rules also judge the azapi provider's resources: azapi.ts). */
export const terraformRules: readonly TfRule[] = [...networkRules, ...storageRules, ...encryptionRules, ...sharingRules, ...iamRules, ...accountRules, ...loggingRules, ...serviceRules, awsEnvSecret, ...awsPasswordRules, ...dataRules, ...accessRules, ...hardeningRules, ...ecsTaskRules, ...gcpRules, ...withAzapi(azureRules)];

export const terraformPlatform: PlatformRules<TfInput> = {
  platform: 'terraform',
  parse: (text, warn, context) => readTerraform(text, warn, context?.terraform, context?.path, context?.terraformParse),
  rules: terraformRules,
  foreignSuppressions(text, input, warn) {
    // checkov, tfsec/Trivy and KICS inline comments, for the secloop rules that check the same thing (suppression-map.ts).
    const suppressions = readTfSuppressions(text, input, warn);
    if (suppressions.length === 0) return undefined;
    return (ruleId, hit) => {
      const by = tfSuppressionOf(suppressions, input, ruleId, hit);
      return by ? tfJustificationOf(by) : undefined;
    };
  },
  carried(input) {
    // The objects of the kubernetes provider's resources, for the Kubernetes rules; nothing is kept on a value unknown before apply.
    const kubernetes = kubernetesFromTerraform(input);
    if (!kubernetes) return [];
    return [{ platform: 'kubernetes', input: kubernetes.input, keep: kubernetes.keep, group: (hits) => namingInstances(input, hits) }];
  },
};
