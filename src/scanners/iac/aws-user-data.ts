/** What an instance's user data script gives away, whichever syntax carries it (Terraform, CloudFormation). */

/**
 * A script or file that puts static AWS keys on a machine: the key variables set or
 * written, ~/.aws/credentials, or `aws configure set aws_access_key_id`.
 */
export const STATIC_AWS_KEY_USE = /\b(?:AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws_access_key_id|aws_secret_access_key)\s*[=:]|\.aws\/credentials\b|\baws\s+configure\s+set\s+aws_(?:access_key_id|secret_access_key)\b/;

/** The text of a value written already base64-encoded (user data), or undefined when it is not base64. */
export function base64Text(value: string): string | undefined {
  const compact = value.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length > 1_000_000 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64').toString('utf8');
}
