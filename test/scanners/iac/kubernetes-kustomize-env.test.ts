import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { fixturePath } from '../../helpers/paths.js';

const fixture = fixturePath('iac', 'k8s-kustomize-env');

describe('literal secrets that kustomize patches add to a container environment', () => {
  it('reports them in every YAML style, and by index in a JSON 6902 patch through the names of the base', async () => {
    const result = await runScan({ target: fixture, scannerSet: [iacScanner] });
    const secrets = result.findings.filter((f) => f.ruleId === 'iac/k8s-secret-in-env').map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`);
    assert.deepEqual(secrets.sort(), [
      // A flow entry and a folded value of a strategic-merge patch.
      'overlay/env-styles.yaml:11 Deployment/web container app sets API_TOKEN to a literal secret in the manifest.',
      'overlay/env-styles.yaml:13 Deployment/web container app sets SIGNING_SECRET to a literal secret in the manifest.',
      // `replace /spec/template/spec/containers/0/env/1/value`: env[1] of the base is DB_PASSWORD; env[0] (LOG_LEVEL) is no secret.
      'overlay/replace-value.yaml:3 Deployment/web container app sets DB_PASSWORD to a literal secret in the manifest.',
    ]);
    // The base's empty value is no secret, and nothing about the base's settings is charged to the patches.
    assert.deepEqual(result.findings.filter((f) => f.location.path.startsWith('overlay/')).map((f) => f.ruleId).filter((id) => id !== 'iac/k8s-secret-in-env'), []);
    assert.ok(!JSON.stringify(result.findings).includes('r3placedDbPassw0rd'));
  });
});
