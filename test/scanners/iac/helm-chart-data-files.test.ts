import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

const CONFIG_TEMPLATE = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Release.Name }}-conf', 'data:', '  level: {{ .Values.level | quote }}', ''].join('\n');

describe("YAML templates among a Helm chart's own files", () => {
  it('does not warn about template syntax in a file of the chart directory (the chart renders it with tpl), but does elsewhere', async () => {
    const result = await scanIacTree({
      'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
      'chart/values.yaml': 'level: info\n',
      'chart/templates/config.yaml': '{{ tpl (.Files.Get "conf/config.yaml") . }}\n',
      'chart/conf/config.yaml': CONFIG_TEMPLATE,
      'elsewhere/config.yaml': CONFIG_TEMPLATE,
    });
    const templated = result.warnings.filter((w) => /holds template syntax/.test(w.message)).map((w) => w.path);
    assert.deepEqual(templated, ['elsewhere/config.yaml']);
  });
});
