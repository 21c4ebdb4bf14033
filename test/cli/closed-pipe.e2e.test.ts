import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath } from '../helpers/paths.js';
import { tempTree } from '../helpers/tmp.js';

const token = ['ghp', 'rMkxjAMu7S52GqR1fft30x0Cir7izs3fqGUf'].join('_');

// `secloop scan . --format json | head -1`: the reader closes the pipe after its first
// chunk, with far more than a pipe's buffer (64 KiB) still to come.
test('built CLI: a reader that closes standard output early ends the run quietly (status 141), with no stack trace', async () => {
  const t = tempTree();
  try {
    for (let i = 0; i < 400; i++) t.write(`src/f${i}.js`, `const auth = '${token}';\n`);
    const child = spawn(process.execPath, [cliPath, 'scan', t.dir, '--scanners', 'secrets', '--format', 'json', '--fail-on', 'none', '-q'], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(stderr, '');
    assert.equal(status, 141);
  } finally {
    t.cleanup();
  }
});
