import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

const RULE = 'iac/k8s-secret-in-configmap';
/** A literal value, joined at run time so that secloop's own scan of this file sees no password. */
const VALUE = ['n0t', 'a', 'real', 'value', '7Qz'].join('-');

describe('iac/k8s-secret-in-configmap in a Helm chart', () => {
  const CHART = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
  const at = (findings: Array<{ ruleId: string; severity: string; location: { path: string; startLine: number } }>) =>
    findings.filter((f) => f.ruleId === RULE).map((f) => `${f.location.path}:${f.location.startLine} ${f.severity}`).sort();

  it('reports a credential a template writes into a ConfigMap and a configMapKeyRef it writes, not a value taken from values.yaml', async () => {
    const t = tempTree({
      'chart/Chart.yaml': CHART,
      'chart/values.yaml': `db:\n  password: ${VALUE}\n`,
      'chart/templates/configmap.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-settings\ndata:\n  DB_PASSWORD: {{ .Values.db.password | quote }}\n  API_TOKEN: ${VALUE}\n`,
      'chart/templates/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: registry.example.org/web:1.0.0\n        env:\n        - name: DB_PASSWORD\n          valueFrom:\n            configMapKeyRef:\n              name: {{ .Release.Name }}-settings\n              key: DB_PASSWORD\n',
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      assert.deepEqual(at(result.findings), ['chart/templates/configmap.yaml:7 high', 'chart/templates/deployment.yaml:20 medium']);
    } finally {
      t.cleanup();
    }
  });
});
