/** Whose KMS key encrypts AWS data, whichever syntax writes it (Terraform, CloudFormation). */

/** An AWS managed key named by its alias (`alias/aws/s3`, `arn:aws:kms:...:alias/aws/secretsmanager`): its key policy cannot be changed. */
export const AWS_MANAGED_ALIAS = /(?:^|:)alias\/aws\//;

/**
 * The S3 default-encryption algorithms that use a KMS key (SSE-KMS, DSSE-KMS): without a
 * key named, S3 uses the AWS managed key aws/s3. AES256 (SSE-S3, S3's own keys and its
 * default for every bucket since January 2023) asks for no KMS key at all.
 */
export const S3_KMS_ALGORITHM = /^aws:kms(?::dsse)?$/i;
