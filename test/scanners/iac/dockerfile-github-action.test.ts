import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

const lines = (...l: string[]) => l.join('\n') + '\n';

const RULES = new Set(['iac/dockerfile-no-user', 'iac/dockerfile-root-user', 'iac/dockerfile-missing-healthcheck']);

/** The root and healthcheck findings of a tree: path:line rule. */
async function found(files: Record<string, string>): Promise<string[]> {
  const result = await scanIacTree(files);
  return result.findings
    .filter((f) => RULES.has(f.ruleId))
    .map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId.replace('iac/dockerfile-', '')}`)
    .sort();
}

const action = (image: string) => lines('name: Lint', 'description: Lints the repository', 'runs:', '  using: docker', `  image: ${image}`, '  args:', '    - --strict');
const dockerfile = lines('FROM python:3.12-slim', 'COPY entrypoint.sh /entrypoint.sh', 'ENTRYPOINT ["/entrypoint.sh"]');

describe('Dockerfile of a GitHub Docker container action', () => {
  it('is not reported for running as root or lacking a HEALTHCHECK: GitHub runs it as root, one step at a time', async () => {
    assert.deepEqual(await found({ 'action.yml': action('Dockerfile'), Dockerfile: dockerfile }), []);
    assert.deepEqual(await found({ '.github/actions/lint/action.yaml': action('"docker/Dockerfile"'), '.github/actions/lint/docker/Dockerfile': lines('FROM alpine:3.20', 'USER root', 'ENTRYPOINT ["/lint"]') }), []);
  });

  it('is judged as any Dockerfile when no action runs it', async () => {
    // A composite action beside it, an action that pulls a registry image, and an action elsewhere.
    const composite = lines('name: Build', 'runs:', '  using: composite', '  steps:', '    - run: docker build .', '      shell: bash');
    assert.deepEqual(await found({ 'action.yml': composite, Dockerfile: dockerfile }), ['Dockerfile:1 missing-healthcheck', 'Dockerfile:1 no-user']);
    assert.deepEqual(await found({ 'action.yml': action('docker://example.org/lint:1.2'), Dockerfile: dockerfile }), ['Dockerfile:1 missing-healthcheck', 'Dockerfile:1 no-user']);
    assert.deepEqual(await found({ 'lint/action.yml': action('Dockerfile'), 'app/Dockerfile': dockerfile }), ['app/Dockerfile:1 missing-healthcheck', 'app/Dockerfile:1 no-user']);
  });
});
