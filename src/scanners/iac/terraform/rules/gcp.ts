import type { TfRule } from './common.js';

/** Terraform rules for the Google Cloud (google provider). */
export const gcpRules: readonly TfRule[] = [];
