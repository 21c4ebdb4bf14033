import type { TfRule } from './common.js';

/** Terraform rules for the Azure (azurerm provider). */
export const azureRules: readonly TfRule[] = [];
