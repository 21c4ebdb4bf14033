import type { TfRule } from './common.js';
import { azureAuthRules } from './azure-auth.js';
import { azureComputeRules } from './azure-compute.js';
import { azureContainerRules } from './azure-containers.js';
import { azureDataRules } from './azure-data.js';
import { azureGovernanceRules } from './azure-governance.js';
import { azureNetworkRules } from './azure-network.js';
import { azureAppSettingSecret } from './env-secrets.js';

/** Terraform rules for the Azure (azurerm provider). */
export const azureRules: readonly TfRule[] = [...azureNetworkRules, ...azureDataRules, ...azureComputeRules, ...azureContainerRules, ...azureAuthRules, ...azureGovernanceRules, azureAppSettingSecret];
