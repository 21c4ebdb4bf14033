/** What the machine images of an AWS configuration say about their instances, whichever syntax names them (Terraform, CloudFormation). */

/**
 * The public SSM parameters of Amazon Linux 2023 AMIs, whose ImdsSupport is v2.0 (their
 * instances require IMDSv2 unless told otherwise): the plain images and the ECS- and
 * EKS-optimized ones.
 */
export const AL2023_AMI_PARAMETER = /^\/aws\/service\/(?:ami-amazon-linux-latest\/al2023-ami-|ecs\/optimized-ami\/amazon-linux-2023\/|eks\/optimized-ami\/[^/]+\/amazon-linux-2023\/)/;

/** The SSM parameter an image id reads at launch (`resolve:ssm:/aws/service/...`, `{{resolve:ssm:...}}`), or undefined. */
export function resolvedSsmParameter(imageId: string): string | undefined {
  return /^(?:\{\{)?resolve:ssm:([^:}]+)(?::\d+)?(?:\}\})?$/.exec(imageId.trim())?.[1];
}

/** The owners that publish Amazon Linux images: the alias and Amazon's account. */
export const AMAZON_IMAGE_OWNERS: ReadonlySet<string> = new Set(['amazon', '137112412989']);

/** Names of Amazon Linux 2023 images (`al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64`, `al2023-ami-minimal-*`, `al2023-ami-ecs-*`). */
export const AL2023_IMAGE_NAME = /^al2023-ami-/;

/** The AMI types of EKS managed node groups that EKS launches from its Amazon Linux 2023 AMIs (`AL2023_x86_64_STANDARD`, `AL2023_ARM_64_NVIDIA`...). */
export const AL2023_NODE_AMI_TYPE = /^AL2023_/i;
