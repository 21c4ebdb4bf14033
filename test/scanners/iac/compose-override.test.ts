import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { tempTree } from '../../helpers/tmp.js';

describe('compose overrides', () => {
  it('judge a service without image or build (completed by another file) only on the values it writes', async () => {
    const t = tempTree({
      'docker-compose.yml': 'services:\n  web:\n    image: registry.example.org/web:1.2\n    read_only: true\n',
      'docker-compose.override.yml': [
        'services:',
        '  web:',
        '    privileged: true',
        '    ports:',
        '      - "22:22"',
        '    environment:',
        '      DB_PASSWORD: hunter2-but-longer-value',
        '  worker:',
        '    image: registry.example.org/worker:latest',
        '',
      ].join('\n'),
    });
    try {
      const result = await runScan({ target: t.dir, scannerSet: [iacScanner] });
      const at = (file: string, line: number) => result.findings.filter((f) => f.location.path === file && f.location.startLine === line).map((f) => f.ruleId).sort();
      const override = result.findings.filter((f) => f.location.path === 'docker-compose.override.yml');
      // The partial service: only what it writes.
      assert.deepEqual(at('docker-compose.override.yml', 2), []);
      assert.ok(at('docker-compose.override.yml', 3).includes('iac/compose-privileged'));
      assert.ok(override.some((f) => f.ruleId === 'iac/compose-sensitive-port'), override.map((f) => `${f.location.startLine} ${f.ruleId}`).join('\n'));
      assert.ok(override.some((f) => f.ruleId === 'iac/compose-secret-in-environment'), override.map((f) => f.ruleId).join('\n'));
      // A complete service in the same file is judged as a whole.
      assert.ok(at('docker-compose.override.yml', 8).includes('iac/compose-no-memory-limit'), at('docker-compose.override.yml', 8).join('\n'));
      // The base file is judged as a whole.
      assert.ok(at('docker-compose.yml', 2).includes('iac/compose-no-memory-limit'));
    } finally {
      t.cleanup();
    }
  });
});
