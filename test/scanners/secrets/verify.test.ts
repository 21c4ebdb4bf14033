import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { withCrc32Suffix } from '../../../src/scanners/secrets/checks/token-checksum.js';
import { secretsScanner } from '../../../src/scanners/secrets/index.js';
import { signRequest, signingKey } from '../../../src/scanners/secrets/verify/sigv4.js';
import { verifyCredential } from '../../../src/scanners/secrets/verify/providers.js';
import { tempTree } from '../../helpers/tmp.js';

const LIVE_GITHUB = withCrc32Suffix('ghp_', 'Lv7kQ2mX9pLkR4zW8nYqB3cD5fG6hJ');
const DEAD_GITHUB = withCrc32Suffix('ghp_', 'Dd7kQ2mX9pLkR4zW8nYqB3cD5fG6hJ');
const LIVE_SLACK = 'xoxb-254665562503-6843157203527-gLOacuRobb0LbplAiY2cMEFa';
const DEAD_SLACK = 'xoxb-692420242690-3026587597638-y9UMjQXCpm1DfDrOELpgN38C';
const LIVE_STRIPE = 'sk_live_7egzMcuAFwmWBzthQ4cfbFOgpEEU';
const LIVE_NPM = withCrc32Suffix('npm_', 'Np7kQ2mX9pLkR4zW8nYqB3cD5fG6hJ');
const AWS_ID = 'AKIAD6RNENZHHJL6CPQX';
const AWS_SECRET = 'DTjJgibDZJ3y6cTpSu+7DqGDaSBUciO14JBJXt2g';
const AWS_WRONG_SECRET = 'sDcHD6jDaC3nh7pIxv5kf7xvy5oKafWxvNphsovi';

/** One fake provider for all five APIs, on 127.0.0.1. */
let server: Server;
let base = '';
const seen: string[] = [];

async function body(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

before(async () => {
  server = createServer(async (request, response) => {
    const auth = request.headers.authorization ?? '';
    const url = request.url ?? '';
    seen.push(`${request.method} ${url}`);
    const text = await body(request);
    const send = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    if (url === '/hang') return; // never answers
    if (url === '/github/user') return send(auth === `token ${LIVE_GITHUB}` ? 200 : 401, {});
    if (url === '/slack/auth.test') return send(200, auth === `Bearer ${LIVE_SLACK}` ? { ok: true } : { ok: false, error: 'invalid_auth' });
    if (url === '/stripe/v1/balance') return send(auth === `Bearer ${LIVE_STRIPE}` ? 200 : 401, {});
    if (url === '/npm/-/whoami') return send(auth === `Bearer ${LIVE_NPM}` ? 200 : 401, {});
    if (url === '/aws/') {
      const date = String(request.headers['x-amz-date']);
      const now = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
      const expected = signRequest({
        method: 'POST',
        url: new URL(`http://${request.headers.host}/aws/`),
        headers: { 'content-type': String(request.headers['content-type']) },
        body: text,
        region: 'us-east-1',
        service: 'sts',
        accessKeyId: AWS_ID,
        secretAccessKey: AWS_SECRET,
        now,
      });
      if (text !== 'Action=GetCallerIdentity&Version=2011-06-15') return send(400, 'bad request');
      return auth === expected.authorization ? send(200, '<GetCallerIdentityResult/>') : send(403, '<Error><Code>SignatureDoesNotMatch</Code></Error>');
    }
    send(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

test('AWS SigV4 matches the signing key and signature of the AWS documentation examples', () => {
  const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  assert.equal(signingKey(secret, '20120215', 'us-east-1', 'iam').toString('hex'), 'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d');
  const headers = signRequest({
    method: 'GET',
    url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: '',
    region: 'us-east-1',
    service: 'iam',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: secret,
    now: new Date('2015-08-30T12:36:00Z'),
  });
  assert.match(headers['authorization']!, /Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7$/);
});

test('--verify asks each provider once and records verified true, false or unknown', async () => {
  const tree = tempTree({
    '.env': [
      `GITHUB_TOKEN=${LIVE_GITHUB}`,
      `OLD_GITHUB_TOKEN=${DEAD_GITHUB}`,
      `SLACK_BOT_TOKEN=${LIVE_SLACK}`,
      `SLACK_OLD=${DEAD_SLACK}`,
      `STRIPE_SECRET_KEY=${LIVE_STRIPE}`,
      `NPM_TOKEN=${LIVE_NPM}`,
      'DB_PASSWORD=Tr7vQ2mX9pLk',
      `AGAIN=${LIVE_GITHUB}`,
    ].join('\n'),
    'aws/live.ini': `aws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n`,
    'aws/rotated.ini': `aws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_WRONG_SECRET}\n`,
  });
  const saved = { ...process.env };
  for (const id of ['GITHUB', 'SLACK', 'STRIPE', 'NPM', 'AWS']) process.env[`SECLOOP_VERIFY_BASE_URL_${id}`] = `${base}/${id.toLowerCase()}`;
  try {
    seen.length = 0;
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { verify: true } });
    const verdicts = result.findings.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId} ${String(f.properties['verified'])}`).sort();
    assert.deepEqual(verdicts, [
      '.env:1 secrets/github-pat true',
      '.env:2 secrets/github-pat false',
      '.env:3 secrets/slack-bot-token true',
      '.env:4 secrets/slack-bot-token false',
      '.env:5 secrets/stripe-secret-key true',
      '.env:6 secrets/npm-access-token true',
      '.env:7 secrets/password-in-dotenv unknown',
      'aws/live.ini:1 secrets/aws-access-key true',
      'aws/rotated.ini:1 secrets/aws-access-key false',
    ]);
    assert.equal(seen.filter((request) => request === 'GET /github/user').length, 2, 'the repeated token is asked about once');
    // The token again on line 8 is a related location of the finding on line 1.
    assert.deepEqual(result.findings.find((f) => f.location.startLine === 1)?.related?.map((l) => l.startLine), [8]);

    const plain = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.ok(plain.findings.every((f) => !('verified' in f.properties)));
  } finally {
    process.env = saved;
    tree.cleanup();
  }
});

// A hang guard: the server never answers, so without the 200 ms timeout the request would wait until the test's timeout.
test('no answer within the timeout, or no endpoint, is unknown (and never retried)', { timeout: 30_000 }, async () => {
  seen.length = 0;
  const verdict = await verifyCredential('github', { secret: LIVE_GITHUB }, { baseUrls: { github: `${base}/hang#` }, timeoutMs: 200 });
  assert.equal(verdict, 'unknown');
  assert.equal(await verifyCredential('npm', { secret: LIVE_NPM }, { baseUrls: {}, timeoutMs: 200 }), 'unknown');
  assert.equal(await verifyCredential('github', { secret: LIVE_GITHUB }, { baseUrls: { github: 'http://127.0.0.1:1' }, timeoutMs: 200 }), 'unknown');
  assert.ok(seen.filter((request) => request.includes('hang')).length <= 1);
});
