import type { TfRule } from './common.js';
import { gcpEnvSecret } from './env-secrets.js';
import { gcpComputeRules } from './gcp-compute.js';
import { gcpDataRules } from './gcp-data.js';
import { gcpGkeRules } from './gcp-gke.js';
import { gcpIamRules } from './gcp-iam.js';
import { gcpTlsRules } from './gcp-tls.js';

/** Terraform rules for the Google Cloud (google provider). */
export const gcpRules: readonly TfRule[] = [...gcpComputeRules, ...gcpIamRules, ...gcpDataRules, ...gcpGkeRules, ...gcpTlsRules, gcpEnvSecret];
