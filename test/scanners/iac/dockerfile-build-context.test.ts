import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copiedFileContent } from '../../../src/scanners/iac/dockerfile/build-context.js';
import { isBuildConfigFile, wantsPath } from '../../../src/scanners/iac/detect.js';
import { scanIacTree } from '../../helpers/iac-scan.js';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { commitAll, git, initRepo, tempTree } from '../../helpers/tmp.js';

const DOCKERFILE = 'FROM node:20.11-alpine\nWORKDIR /app\nCOPY .npmrc package.json ./\nRUN npm ci\nUSER node\nHEALTHCHECK CMD true\nCMD ["node", "server.js"]\n';

describe('files a Dockerfile copies from its build context', () => {
  it('knows the configuration files that may hold a credential', () => {
    for (const p of ['.npmrc', 'app/.env', '.env.production', 'tools/.pypirc', '.yarnrc.yml']) assert.ok(isBuildConfigFile(p) && wantsPath(p), p);
    for (const p of ['npmrc.md', '.env.yaml', 'config/.environment']) assert.ok(!isBuildConfigFile(p), p);
  });

  it('tells a settings-only file from one with a written-out credential', () => {
    const files = new Map([
      ['web/.npmrc', 'registry=https://registry.example.org/\nsave-exact=true\n//registry.example.org/:_authToken=${NPM_TOKEN}\n'],
      ['api/.npmrc', '//registry.example.org/:_authToken=npm_0123456789abcdefghij\n'],
      ['.env', 'NODE_ENV=production\nDB_PASSWORD=\nAPI_TOKEN=""\n'],
    ]);
    assert.equal(copiedFileContent('web/Dockerfile', '.npmrc', files), 'no-credential');
    assert.equal(copiedFileContent('api/Dockerfile', '.npmrc', files), 'unknown');
    assert.equal(copiedFileContent('Dockerfile', '.env', files), 'no-credential');
    // Not in the repository (ignored by git): where a real token lives.
    assert.equal(copiedFileContent('worker/Dockerfile', '.pypirc', files), 'unknown');
  });

  it('reports a copied .npmrc at info when the repository holds it without a credential, high otherwise', async () => {
    const result = await scanIacTree({
      'web/Dockerfile': DOCKERFILE,
      'web/.npmrc': 'registry=https://registry.example.org/\n',
      'api/Dockerfile': DOCKERFILE,
      'api/.npmrc': '//registry.example.org/:_authToken=npm_0123456789abcdefghij\n',
      'worker/Dockerfile': DOCKERFILE,
    });
    const copied = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-secret-file-copied').map((f) => `${f.location.path} ${f.severity}`).sort();
    assert.deepEqual(copied, ['api/Dockerfile high', 'web/Dockerfile info', 'worker/Dockerfile high']);
  });

  it('in a scan of staged files, reads the copied .npmrc from the index when it is not staged', async () => {
    const t = tempTree({ 'web/Dockerfile': DOCKERFILE, 'web/.npmrc': 'registry=https://registry.example.org/\n' });
    try {
      initRepo(t.dir);
      commitAll(t.dir, 'init');
      // The staged change is the COPY line itself (a pre-commit scan reports what the commit changes).
      t.write('web/Dockerfile', DOCKERFILE.replace('COPY .npmrc package.json ./', 'COPY .npmrc package.json package-lock.json ./'));
      git(t.dir, 'add', 'web/Dockerfile');
      const result = await runScan({ target: t.dir, staged: true, scannerSet: [iacScanner] });
      const copied = result.findings.filter((f) => f.ruleId === 'iac/dockerfile-secret-file-copied').map((f) => `${f.location.path} ${f.severity}`);
      assert.deepEqual(copied, ['web/Dockerfile info']);
      assert.deepEqual(result.warnings, []);
    } finally {
      t.cleanup();
    }
  });
});
