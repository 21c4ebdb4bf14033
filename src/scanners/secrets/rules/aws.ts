import type { Detector } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { namedValue, revoke } from './common.js';

const KEY_ID = '(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])';
const KEY_ID_KEYWORDS = ['AKIA', 'ASIA'];
const SECRET_KEY = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const REVOKE = revoke('access key', 'IAM console > Users > Security credentials, or `aws iam delete-access-key`');

export const awsDetectors: Detector[] = [
  {
    id: 'aws-access-key',
    title: 'AWS access key with its secret key',
    secretType: 'AWS access key',
    description:
      'An AWS access key id (AKIA... long-term, ASIA... temporary) with its 40-character secret access key within a few lines. Together they sign ' +
      'API requests as the IAM user or role, with all of its permissions: a leaked pair is the most common way into AWS accounts.',
    remediation: REVOKE,
    severity: 'critical',
    confidence: 'high',
    keywords: KEY_ID_KEYWORDS,
    anchor: 'keyword',
    caseSensitive: true,
    pattern: new RegExp(KEY_ID, 'g'),
    pair: { pattern: SECRET_KEY, lines: 5, check: (value) => looksRandom(value, 3, 4.2) },
    priority: 12,
    verifier: 'aws',
    examples: {
      positive: [
        '[default]\naws_access_key_id = AKIAD6RNENZHHJL6CPQX\naws_secret_access_key = DTjJgibDZJ3y6cTpSu+7DqGDaSBUciO14JBJXt2g\n',
        "const s3 = new S3Client({ credentials: { accessKeyId: 'ASIAQTHH63W6PVB3MGZF', secretAccessKey: 'sDcHD6jDaC3nh7pIxv5kf7xvy5oKafWxvNphsovi' } });",
      ],
      negative: [
        '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
        {
          text: 'access_key = AKIATD2USXBFE5KSXCY2\ncommit = a4fad045f3be2398e94a0f87c61517d1e8f56b62\n',
          alsoFires: ['aws-access-key-id'],
        },
        'aws_access_key_id = ${AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}\n',
        // A saved web page on one line: an affiliate link's key id, and far along the line another site's public 40-character key.
        {
          text: `<a href="https://shop.example.org/dp/B0061?SubscriptionId=AKIAD6RNENZHHJL6CPQX&tag=x">knife</a>${'<p>recipe step</p>'.repeat(80)}{"recaptcha":{"siteKey":"DTjJgibDZJ3y6cTpSu+7DqGDaSBUciO14JBJXt2g"}}\n`,
          alsoFires: ['aws-access-key-id'],
        },
      ],
    },
  },
  {
    id: 'aws-access-key-id',
    title: 'AWS access key id',
    secretType: 'AWS access key id',
    description:
      'An AWS access key id without its secret key nearby. The id alone cannot sign requests, but it names the account and ' +
      'user, and the secret key usually travels with it (another file, a CI variable, the git history).',
    remediation: REVOKE,
    severity: 'medium',
    confidence: 'medium',
    keywords: KEY_ID_KEYWORDS,
    anchor: 'keyword',
    caseSensitive: true,
    pattern: new RegExp(KEY_ID, 'g'),
    priority: 11,
    examples: {
      positive: ['AWS_ACCESS_KEY_ID=AKIAD6RNENZHHJL6CPQX', '"aws_key": "ASIAMAKHP2NWVOHVD6TH",'],
      negative: [
        'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
        'id: AKIAD6RNENZHHJL6CPQ8',
        'AKIA is the prefix of long-term access key ids, ASIA of temporary ones.',
        'ref: XAKIAD6RNENZHHJL6CPQXY',
      ],
    },
  },
  {
    id: 'aws-secret-access-key',
    title: 'AWS secret access key',
    secretType: 'AWS secret access key',
    description:
      'A value assigned to a name like aws_secret_access_key. With the access key id (often elsewhere in the project or ' +
      'its history) it signs AWS API requests.',
    remediation: REVOKE,
    severity: 'critical',
    confidence: 'high',
    keywords: ['secret_access_key', 'secretaccesskey', 'secret-access-key', 'secret.access.key', 'aws_secret', 'aws-secret', 'aws.secret', 'awssecret'],
    pattern: namedValue('(?:aws)?[_.-]?secret[_.-]?(?:access)?[_.-]?key|aws[_.-]?secret', '[A-Za-z0-9/+]{40}'),
    check: (secret) => looksRandom(secret, 3, 4.2),
    examples: {
      positive: [
        'AWS_SECRET_ACCESS_KEY=sDcHD6jDaC3nh7pIxv5kf7xvy5oKafWxvNphsovi',
        '  secretAccessKey: "DTjJgibDZJ3y6cTpSu+7DqGDaSBUciO14JBJXt2g"',
      ],
      negative: [
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'aws_secret_access_key: a4fad045f3be2398e94a0f87c61517d1e8f56b62',
        'AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}',
      ],
    },
  },
  {
    id: 'aws-session-token',
    title: 'AWS session token',
    secretType: 'AWS session token',
    description:
      'A temporary AWS session token (with its key pair it acts as the assumed role until it expires, up to 36 hours). ' +
      'Tokens pasted into files are usually still valid when the file is shared.',
    remediation: revoke('session', 'revoke active sessions of the role in the IAM console'),
    severity: 'high',
    confidence: 'medium',
    keywords: ['session_token', 'sessiontoken', 'session-token', 'security-token', 'security_token'],
    pattern: namedValue('(?:aws)?[_.-]?(?:session|security)[_.-]?token', '(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9/+=]{100,2000}'),
    examples: {
      positive: [
        'aws_session_token = FwoGZXIvYXdzEu9+tgW/EiKUO7iY6JadXk1csLZ10juTO/0jpepBxc2XtOUldN5lURn4xO7VLJcuPOMsUgLyZJKEcGM2B5g8NKzWRA1Qtb4BZFz7GbhO7YdBcUat79kV9hNJbBIQlmfMEwBhBOUD6uBJ5nZG30XkFXgO0N7QR7eAZcQ56Cfxc7ZW1W8+WN4Edo9u9U+9AsFyBHbFDG+mC',
        'export AWS_SESSION_TOKEN="FwoGZXIvYXdzENky03fg/IVPymeYPl897ZcWYZ4f5WrXYVu9TKQiedu70IHMoeXaloqwIwOQaYOOvrZeuuYjTu60maOkqZR8hSrHVk8OrQaF2GFhSozYJGLsTx1v0Bs1t/oRgDi0iYrBkrzg6r/oCHpwdJ6umszbTa3uv+1nqo970a+kOCyyKxCvqgPb3/i8cPlg+fIGr5K6Oyr09Jhic"',
      ],
      negative: ['aws_session_token = $AWS_SESSION_TOKEN', 'AWS_SESSION_TOKEN=<your session token>', 'session_token: FwoGZXIvYXdz'],
    },
  },
  {
    id: 'aws-bedrock-api-key',
    title: 'Amazon Bedrock long-term API key',
    secretType: 'Amazon Bedrock API key',
    description:
      'An Amazon Bedrock long-term API key (ABSK, then base64 of "BedrockAPIKey-", the IAM service credential and its ' +
      'secret). It calls Bedrock models as the IAM user it belongs to, billed to the account, until it expires or is revoked.',
    remediation: revoke('API key', 'IAM > Users > the Bedrock API key user > Security credentials > API keys for Amazon Bedrock'),
    severity: 'high',
    confidence: 'high',
    keywords: ['ABSKQmVkcm9ja0FQSUtleS'],
    anchor: 'keyword',
    caseSensitive: true,
    pattern: /(?<![A-Za-z0-9+/])(?<secret>ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{87,300}={0,2})(?![A-Za-z0-9+/=])/g,
    check: (secret) => /^BedrockAPIKey-[\x21-\x7e]+:[\x21-\x7e]{16,}$/.test(Buffer.from(secret.slice(4), 'base64').toString('latin1')),
    examples: {
      positive: ['AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS04N2p2LWF0LTQ1MTYxMTQ0MTE5ODoxMmMwd0hhQjNYYUw2b2FVTVkwZ1diQkU3VUtpK1liWFZ6RW1kQVh2MWk1bTh4YmFlSXJiajNTSzZQakQ=', 'bedrock_api_key: "ABSKQmVkcm9ja0FQSUtleS01dm92LWF0LTI4Njk4OTMzODU5ODp4R0FWbENRNzQ1cFFmam9Cc1RENjNCZjVpc3BqSlN5U29Fc1I5ZkhqL3lrNE9NRWJPSWpjd01HRlg0MUc="'],
      negative: ['AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS...', 'AWS_BEARER_TOKEN_BEDROCK=${AWS_BEARER_TOKEN_BEDROCK}', 'Long-term keys start with ABSK.'],
    },
  },
];
