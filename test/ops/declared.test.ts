import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectDeclarations, type Declarations } from '../../src/ops/declared.js';
import { git, initRepo, tempTree } from '../helpers/tmp.js';
import { fixturePath } from '../helpers/paths.js';

const fixture = (name: string) => fixturePath(name);

/** `port/transport path:line` of every declaration, in order. */
function places(declarations: Declarations): string[] {
  return declarations.ports.map((p) => `${p.port}${p.toPort !== undefined ? `-${p.toPort}` : ''}/${p.transport} ${p.path}:${p.line}`);
}

describe('declared ports of a Helm chart', () => {
  it('renders the chart and declares its container ports, host ports and Service ports at the line that wrote them', async () => {
    const declared = await collectDeclarations(fixture('ops-helm'));
    assert.deepEqual(places(declared), [
      '80/tcp deploy/web/templates/service.yaml:8',
      '8080/tcp deploy/web/templates/deployment.yaml:13',
      '8125/udp deploy/web/templates/deployment.yaml:28',
      '8125/udp deploy/web/templates/deployment.yaml:29',
      '9102/tcp deploy/web/templates/deployment.yaml:15',
      // toYaml of a values.yaml list: the values.yaml line.
      '9901/tcp deploy/web/values.yaml:17',
      '30080/tcp deploy/web/templates/service.yaml:11',
    ]);
    // The debug port is behind `if .Values.debug.enabled`, false by default.
    assert.ok(!declared.ports.some((p) => p.port === 5005));
    assert.match(declared.ports.find((p) => p.port === 9901)!.what, /Helm chart deploy\/web, templates\/deployment\.yaml/);
    // Templates are not read as (invalid) YAML of their own.
    assert.deepEqual(declared.problems, []);
  });
});

describe('declared ports of a Helm chart with the values of its deployments', () => {
  it('declares the ports the values of an Argo CD Application and a Terraform helm_release turn on, besides the default ones, once each', async () => {
    const declared = await collectDeclarations(fixture('ops-helm-deployments'));
    assert.deepEqual(places(declared), [
      // set { name = "debug.enabled" value = "true" } of helm_release.web: the template line that writes the port.
      '5005/tcp deploy/web/templates/deployment.yaml:14',
      // Every render writes 8080: declared once, as the chart's default values give it.
      '8080/tcp deploy/web/templates/deployment.yaml:12',
      // toYaml of the Application's valuesObject: its line.
      '9100/tcp deploy/apps/web.yaml:13',
    ]);
    assert.match(declared.ports[0]!.what, /with the values of helm_release\.web, infra\/main\.tf\)$/);
    assert.doesNotMatch(declared.ports[1]!.what, /with the values of/);
    assert.match(declared.ports[2]!.what, /with the values of Application argocd\/web, deploy\/apps\/web\.yaml\)$/);
    assert.deepEqual(declared.problems, []);
  });
});

describe('declared ports of kustomize overlays', () => {
  it('counts the ports patches add, not those they delete, and reports what it cannot read', async () => {
    const declared = await collectDeclarations(fixture('ops-kustomize'));
    assert.deepEqual(places(declared), [
      '6060/tcp base/deployment.yaml:13',
      // An inline strategic-merge patch, on the kustomization's line.
      '7070/tcp overlays/prod/kustomization.yaml:21',
      '8080/tcp base/deployment.yaml:12',
      // JSON 6902: a replaced containerPort (its protocol is the entry's), an added Service port and container port.
      '8081/any overlays/prod/tls-port.json.yaml:7',
      '8443/tcp overlays/odd/service-ops.yaml:4',
      '8443/tcp overlays/prod/tls-port.json.yaml:4',
      '9090/tcp overlays/prod/metrics-port.yaml:11',
      // A patch without kind, completed with its target's.
      '9443/tcp overlays/odd/kindless.yaml:15',
      // A container added by a JSON 6902 patch.
      '15090/udp overlays/odd/odd-ops.yaml:12',
    ]);
    // `$patch: delete` entries (6060 in drop-pprof.yaml, the debug container's 2345) declare nothing.
    assert.ok(!declared.ports.some((p) => p.path === 'overlays/prod/drop-pprof.yaml' || p.port === 2345));
    assert.deepEqual(
      declared.problems.map((p) => `${p.path}:${p.line ?? ''} ${p.message.replace(/ \(kustomize patch [^)]*\)/, '')}`),
      [
        'overlays/odd/kustomization.yaml: the patch overlays/odd/missing.yaml is not in the project (or is ignored): the ports it adds are not declared',
        'overlays/odd/broken.yaml:3 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
        'overlays/odd/kindless.yaml:13 Deployment/api containerPort "notanumber" is not a port number (1-65535): not declared',
        'overlays/odd/kindless.yaml:14 Deployment/api containerPort "70000" is not a port number (1-65535): not declared',
        'overlays/odd/odd-ops.yaml:3 Deployment/api containerPort "abc" is not a port number (1-65535): not declared',
      ],
    );
  });
});

describe('ops.allowedPorts', () => {
  it('declares each allowed port on its own line and says where unknown ports would be allowed', async () => {
    const tree = tempTree({ 'secloop.yaml': ['# ports', 'failOn: high', 'ops:', '  allowedPorts:', '    - 8080', '    - "53/udp"', '    - "8000-8010/tcp"', ''].join('\n') });
    try {
      const declared = await collectDeclarations(tree.dir);
      assert.deepEqual(places(declared).sort(), ['53/udp secloop.yaml:6', '8000-8010/tcp secloop.yaml:7', '8080/any secloop.yaml:5']);
      assert.deepEqual(declared.configPlace, { path: 'secloop.yaml', line: 4, exists: true });
      assert.deepEqual(declared.problems, []);
    } finally {
      tree.cleanup();
    }
  });

  it('without a config file, the place is secloop.yaml at the root, marked as not existing', async () => {
    const tree = tempTree({ 'Dockerfile': 'FROM scratch\nEXPOSE 8080/tcp\n' });
    try {
      const declared = await collectDeclarations(tree.dir);
      assert.deepEqual(declared.configPlace, { path: 'secloop.yaml', line: 1, exists: false });
      assert.deepEqual(places(declared), ['8080/tcp Dockerfile:2']);
    } finally {
      tree.cleanup();
    }
  });
});

describe('declared ports of files git tracks under a .gitignore pattern', () => {
  it('reads a committed compose file a .gitignore matches, not an untracked one', async () => {
    const tree = tempTree({
      '.gitignore': 'deploy/\n',
      'deploy/compose.yaml': 'services:\n  web:\n    image: example.org/web:1.0\n    ports:\n      - "127.0.0.1:8080:80"\n',
      'deploy/local/compose.yaml': 'services:\n  dev:\n    image: example.org/dev:1.0\n    ports:\n      - "127.0.0.1:9090:80"\n',
    });
    try {
      initRepo(tree.dir);
      git(tree.dir, 'add', '.gitignore');
      git(tree.dir, 'add', '-f', 'deploy/compose.yaml');
      git(tree.dir, 'commit', '-q', '-m', 'first');
      assert.deepEqual(places(await collectDeclarations(tree.dir)), ['8080/tcp deploy/compose.yaml:5']);
    } finally {
      tree.cleanup();
    }
  });
});
