import type { Detector, MatchInfo } from '../detector.js';
import { looksRandom } from '../checks/entropy.js';
import { namedValue, revoke } from './common.js';

const KEY_ID = '(?<![A-Z0-9])(?<secret>(?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])';
const KEY_ID_KEYWORDS = ['AKIA', 'ASIA'];
const SECRET_KEY = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
/**
 * The account an access key id names (AWS encodes it in the id's characters 5 to 12 since 2019), or undefined for an
 * id that is not base32 there.
 */
export function accessKeyAccount(keyId: string): string | undefined {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0n;
  for (const char of keyId.slice(4, 14)) {
    const value = alphabet.indexOf(char);
    if (value < 0) return undefined;
    bits = (bits << 5n) | BigInt(value);
  }
  // Ten characters are 50 bits; the account is bits 1 to 40 of the first 48 (the top bit and the low 7 are not).
  const first48 = bits >> 2n;
  return String((first48 & 0x7fffffffff80n) >> 7n).padStart(12, '0');
}

/**
 * The accounts AWS's documentation writes its examples with (123456789012, 111122223333, and runs of one digit): a key id
 * that names one was made for a page (a docstring's AKIA... => 123456789012), not issued to anyone.
 */
function namesExampleAccount(keyId: string): boolean {
  const account = accessKeyAccount(keyId);
  return account === '123456789012' || account === '111122223333' || (account !== undefined && /^(\d)\1{11}$/.test(account));
}

/**
 * A key id in a presigned URL's X-Amz-Credential (or a version 2 URL's AWSAccessKeyId): the URL carries the id of
 * the key that signed it to everyone it is handed to, by design. The id alone signs nothing; the URL expires.
 */
function inPresignedUrl(match: MatchInfo): boolean {
  const { lines, at, column } = match.around(0, 0);
  return /(?:X-Amz-Credential=|AWSAccessKeyId=)$/i.test(lines[at]!.slice(Math.max(0, column - 20), column));
}

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
    check: (secret) => !namesExampleAccount(secret),
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
        // A key id made for a page: it names the documentation's account, 123456789012.
        '| key id | secret key |\n| --- | --- |\n| AKIARZPUZDIKMWF7QCAJ | sDcHD6jDaC3nh7pIxv5kf7xvy5oKafWxvNphsovi |\n',
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
    check: (secret) => !namesExampleAccount(secret),
    context: (match) => !inPresignedUrl(match),
    priority: 11,
    examples: {
      positive: [
        'AWS_ACCESS_KEY_ID=AKIAD6RNENZHHJL6CPQX',
        '"aws_key": "ASIAMAKHP2NWVOHVD6TH",',
        // Another account than the documentation's, and a key id elsewhere in a URL than its credential parameter.
        'AWS_ACCESS_KEY_ID=AKIA6L5GI6PFMWF7QCAJ',
        'curl "https://ci.example.org/hook?key=AKIAD6RNENZHHJL6CPQX"',
      ],
      negative: [
        // Documentation's examples: key ids that name AWS's example accounts (123456789012, 111122223333).
        '    Example:\n        "AKIARZPUZDIKJ5WB5PDK" => "123456789012"\n',
        'AWS_ACCESS_KEY_ID=AKIARTX3GSDS4WF7QCAJ',
        // A presigned URL names the key that signed it, for whoever it is handed to.
        '"downloadUrl": "https://layers.s3.us-west-2.amazonaws.com/e501/04620aac?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20190814T220617Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Credential=AKIAD6RNENZHHJL6CPQX%2F20190814%2Fus-west-2%2Fs3%2Faws4_request&X-Amz-Signature=9bdc5c3e0f3e4f0c5b6d3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"',
        'https://bucket.s3.amazonaws.com/report.csv?AWSAccessKeyId=AKIAD6RNENZHHJL6CPQX&Expires=1565820377&Signature=c2lnbmF0dXJlLWhlcmU%3D',
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
