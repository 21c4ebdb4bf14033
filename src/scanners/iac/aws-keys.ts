/** Whose KMS key encrypts AWS data, whichever syntax writes it (Terraform, CloudFormation). */

/** An AWS managed key named by its alias (`alias/aws/s3`, `arn:aws:kms:...:alias/aws/secretsmanager`): its key policy cannot be changed. */
export const AWS_MANAGED_ALIAS = /(?:^|:)alias\/aws\//;

/**
 * The S3 default-encryption algorithms that use a KMS key (SSE-KMS, DSSE-KMS): without a
 * key named, S3 uses the AWS managed key aws/s3. AES256 (SSE-S3, S3's own keys and its
 * default for every bucket since January 2023) asks for no KMS key at all.
 */
export const S3_KMS_ALGORITHM = /^aws:kms(?::dsse)?$/i;

/**
 * What EKS does for a cluster that names no KMS key for its Secrets, said by the Terraform and
 * CloudFormation rules alike: since 2025, clusters on Kubernetes 1.28 or later envelope-encrypt
 * all Kubernetes API data with an AWS owned key (KMS provider v2), so the gap is the control a
 * customer managed key gives, not encryption itself.
 */
export const EKS_DEFAULT_ENVELOPE_NOTE =
  "EKS envelope-encrypts them (on Kubernetes 1.28 and later) only with an AWS owned key, which the account cannot audit in CloudTrail, restrict by key policy, or disable to cut access";
