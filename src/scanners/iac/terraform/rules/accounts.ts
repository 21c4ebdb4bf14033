import { attribute, isFalseValue, label, resourcesOf, valueOf } from '../model.js';
import { tfRule, type TfRule } from './common.js';

const MIN_LENGTH = 14;
const CHARACTER_CLASSES = ['require_lowercase_characters', 'require_uppercase_characters', 'require_numbers', 'require_symbols'];

const weakPasswordPolicy: TfRule = tfRule({
  id: 'iac/tf-aws-weak-password-policy',
  title: 'Weak IAM password policy',
  description: `The account password policy accepts short passwords (under ${MIN_LENGTH} characters; the AWS default is 6) or does not require lowercase, uppercase, numbers and symbols (AWS Foundational Security Best Practices IAM.7, CIS AWS 1.8). Console passwords of IAM users are then easy to guess or crack.`,
  remediation: `Set minimum_password_length = ${MIN_LENGTH} or more and the four require_* settings to true; better, move people to IAM Identity Center with MFA and keep no IAM user passwords.`,
  severity: 'medium',
  cwe: ['CWE-521'],
  examples: {
    positive: [
      'resource "aws_iam_account_password_policy" "strict" {\n  minimum_password_length      = 14\n  require_uppercase_characters = true\n  # expect\n  require_lowercase_characters = false\n  require_numbers              = true\n  require_symbols              = true\n}\n',
      '# expect\nresource "aws_iam_account_password_policy" "strict" {\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  require_numbers              = true\n  require_symbols              = true\n}\n',
      'resource "aws_iam_account_password_policy" "strict" {\n  # expect\n  minimum_password_length      = 8\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  require_numbers              = true\n  require_symbols              = true\n}\n',
    ],
    negative: ['resource "aws_iam_account_password_policy" "strict" {\n  minimum_password_length      = 16\n  require_uppercase_characters = true\n  require_lowercase_characters = true\n  require_numbers              = true\n  require_symbols              = true\n}\n'],
  },
  *check(input) {
    for (const policy of resourcesOf(input, 'aws_iam_account_password_policy')) {
      const missing: string[] = [];
      const length = attribute(policy.block, 'minimum_password_length');
      const value = valueOf(input, policy.block, 'minimum_password_length');
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
      if (!length) missing.push('minimum_password_length');
      else if (n !== undefined && n < MIN_LENGTH) yield { line: length.line, message: `${label(policy)} accepts passwords of ${n} characters (use ${MIN_LENGTH} or more).`, resource: label(policy) };
      for (const name of CHARACTER_CLASSES) {
        const a = attribute(policy.block, name);
        if (!a) missing.push(name);
        else if (isFalseValue(valueOf(input, policy.block, name))) yield { line: a.line, message: `${label(policy)} sets ${name} = false.`, resource: label(policy) };
      }
      if (missing.length > 0) yield { line: policy.block.line, message: `${label(policy)} leaves ${missing.join(', ')} unset (weak defaults).`, resource: label(policy) };
    }
  },
});

export const accountRules: readonly TfRule[] = [weakPasswordPolicy];
