import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scanIacTree } from '../../helpers/iac-scan.js';

/** A Deployment with one container of `image` and the container lines `extra` (indented by 8). */
function deployment(image: string, extra = ''): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: app',
    `        image: ${image}`,
    extra,
  ].join('\n');
}

async function runAsRoot(image: string, extra = ''): Promise<string[]> {
  const result = await scanIacTree({ 'deploy/app.yaml': deployment(image, extra) });
  return result.findings.filter((f) => f.ruleId === 'iac/k8s-run-as-root').map((f) => `${f.severity} ${f.message}`);
}

describe('iac/k8s-run-as-root and the user an image runs as', () => {
  it('is low for an image built to run without root, naming the image', async () => {
    const [found] = await runAsRoot('docker.io/grafana/grafana:11.3.0');
    assert.match(found!, /^low .*its image docker\.io\/grafana\/grafana:11\.3\.0 runs as a user other than root by default/);
    assert.match((await runAsRoot('gcr.io/distroless/static:nonroot'))[0]!, /^low /);
  });

  it("is low for a Docker Official Image whose entrypoint drops root for the service it is given", async () => {
    assert.match((await runAsRoot('postgres:16.4'))[0]!, /^low .*drops to postgres for its service/);
    assert.match((await runAsRoot('redis:7.4', '        args: ["redis-server", "--appendonly", "yes"]'))[0]!, /^low /);
  });

  it('stays medium when the container replaces the entrypoint, runs another program, or names an image the scan cannot know', async () => {
    assert.match((await runAsRoot('postgres:16.4', '        command: ["/bin/backup.sh"]'))[0]!, /^medium /);
    assert.match((await runAsRoot('redis:7.4', '        args: ["/bin/sh", "-c", "sleep infinity"]'))[0]!, /^medium /);
    assert.match((await runAsRoot('registry.example.org/app:1.4.2'))[0]!, /^medium .*runs as root if the image does/);
    // A name that only begins like a known image's is another image.
    assert.match((await runAsRoot('grafana/grafana-enterprise-dev:11.3.0'))[0]!, /^medium /);
  });
});
