import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runScan } from '../../../src/engine/scan.js';
import { secretsScanner } from '../../../src/scanners/secrets/index.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const STRIPE_KEY = 'sk_live_BkNnR9M4qZBhtWDLgO1LIVG81BbEjxV1de7NKh82';
const GITHUB_TOKEN = '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';
const SLACK_TOKEN = 'xoxb-254665562503-6843157203527-gLOacuRobb0LbplAiY2cMEFa';

/** A repository where a Stripe key is added and removed again, and a GitHub token is added and kept. */
function repositoryWithHistory() {
  const tree = tempTree({ 'config/app.env': 'NAME=billing\n', 'README.md': '# billing\n' });
  initRepo(tree.dir);
  const first = commitAll(tree.dir, 'initial');
  tree.write('config/app.env', `NAME=billing\nPORT=8080\nSTRIPE_SECRET_KEY=${STRIPE_KEY}\n`);
  tree.write('deploy/ci.env', `GITHUB_TOKEN=${GITHUB_TOKEN}\n`);
  const introduced = commitAll(tree.dir, 'add billing keys');
  tree.write('config/app.env', 'NAME=billing\nPORT=8080\nSTRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}\n');
  const removed = commitAll(tree.dir, 'read the key from the environment');
  return { tree, first, introduced, removed };
}

test('a secret deleted in a later commit is reported by --history with the commit that introduced it; a plain scan does not see it', async () => {
  const { tree, introduced } = repositoryWithHistory();
  try {
    const plain = await runScan({ target: tree.dir, scannerSet: [secretsScanner] });
    assert.deepEqual(plain.findings.map((f) => f.ruleId), ['secrets/github-pat']);

    const history = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { history: true } });
    const stripe = history.findings.filter((f) => f.ruleId === 'secrets/stripe-secret-key');
    assert.equal(stripe.length, 1);
    const finding = stripe[0]!;
    assert.equal(finding.location.path, 'config/app.env');
    assert.equal(finding.location.startLine, 3);
    assert.equal(finding.properties['commit'], introduced);
    assert.match(String(finding.properties['commitDate']), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    assert.equal(finding.properties['inHead'], false);
    assert.match(finding.message, /rotate it: it is in history/);
    assert.ok(!JSON.stringify(history.findings).includes(STRIPE_KEY));
  } finally {
    tree.cleanup();
  }
});

test('a secret still in the working tree is reported once, by the working-tree scan, with its introducing commit', async () => {
  const { tree, introduced } = repositoryWithHistory();
  try {
    const history = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { history: true } });
    const github = history.findings.filter((f) => f.ruleId === 'secrets/github-pat');
    assert.equal(github.length, 1);
    assert.equal(github[0]!.location.path, 'deploy/ci.env');
    assert.equal(github[0]!.properties['commit'], introduced);
    assert.equal(github[0]!.properties['inHead'], true);
    assert.match(github[0]!.message, /is hard-coded here/);
  } finally {
    tree.cleanup();
  }
});

test('history covers every ref, reports a secret once however many blobs carry it, and says when it is still in HEAD', async () => {
  const { tree } = repositoryWithHistory();
  try {
    git(tree.dir, 'checkout', '-q', '-b', 'feature');
    tree.write('notify.env', `SLACK_BOT_TOKEN=${SLACK_TOKEN}\n`);
    const onBranch = commitAll(tree.dir, 'slack on a branch');
    tree.write('notify.env', `SLACK_BOT_TOKEN=${SLACK_TOKEN}\nCHANNEL=#ops\n`);
    commitAll(tree.dir, 'same token, new blob');
    git(tree.dir, 'checkout', '-q', 'main');
    writeFileSync(path.join(tree.dir, 'image.dat'), Buffer.from([0, 1, 2, 3, 0]));
    commitAll(tree.dir, 'binary');

    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { history: true } });
    const slack = result.findings.filter((f) => f.ruleId === 'secrets/slack-bot-token');
    assert.equal(slack.length, 1);
    assert.equal(slack[0]!.properties['commit'], onBranch);
    assert.equal(slack[0]!.properties['inHead'], false);
    assert.ok(result.warnings.some((w) => /history: 1 binary blobs in history were not scanned \(e\.g\. image\.dat\)/.test(w.message)));
  } finally {
    tree.cleanup();
  }
});

test('a scan root below the repository top level sees only its own history, with paths relative to it', async () => {
  const { tree, introduced } = repositoryWithHistory();
  try {
    const result = await runScan({ target: path.join(tree.dir, 'config'), scannerSet: [secretsScanner], options: { history: true } });
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.location.path, f.properties['commit']]), [['secrets/stripe-secret-key', 'app.env', introduced]]);
  } finally {
    tree.cleanup();
  }
});

test('--history outside a repository is a warning, and the working tree is still scanned', async () => {
  const tree = tempTree({ '.env': `GITHUB_TOKEN=${GITHUB_TOKEN}\n` });
  try {
    const result = await runScan({ target: tree.dir, scannerSet: [secretsScanner], options: { history: true } });
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['secrets/github-pat']);
    assert.ok(result.warnings.some((w) => /--history needs a git repository/.test(w.message)));
  } finally {
    tree.cleanup();
  }
});
