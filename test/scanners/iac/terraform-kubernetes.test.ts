import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runScan } from '../../../src/engine/scan.js';
import { iacScanner } from '../../../src/scanners/iac/index.js';
import { analyseFile } from '../../../src/scanners/iac/analyse.js';
import { readTerraform } from '../../../src/scanners/iac/terraform/model.js';
import { kubernetesFromTerraform } from '../../../src/scanners/iac/terraform/kubernetes/convert.js';
import { camelCase, fieldOf, kindOf } from '../../../src/scanners/iac/terraform/kubernetes/schema.js';
import { get, items, plain, text } from '../../../src/scanners/iac/yaml/tree.js';
import { fixturePath } from '../../helpers/paths.js';

const fixtures = fixturePath('iac', 'tf-kubernetes');
const read = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

/** `line ruleId` of the Kubernetes rules' findings on a Terraform fixture, sorted. */
function findings(name: string, ...ruleIds: string[]): string[] {
  return analyseFile(name, read(name), () => {}, 'terraform')
    .findings.filter((f) => f.ruleId.startsWith('iac/k8s-') && (ruleIds.length === 0 || ruleIds.includes(f.ruleId)))
    .map((f) => `${f.location.startLine} ${f.ruleId}`)
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || a.localeCompare(b));
}

function messages(name: string, ruleId: string): string[] {
  return analyseFile(name, read(name), () => {}, 'terraform').findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

function converted(source: string) {
  const tf = readTerraform(source, () => {});
  assert.ok(tf);
  return kubernetesFromTerraform(tf);
}

describe('the provider schema table', () => {
  it('maps resource types, with and without _v1, to the kinds they make', () => {
    assert.deepEqual(kindOf('kubernetes_deployment_v1'), { kind: 'Deployment', apiVersion: 'apps/v1' });
    assert.deepEqual(kindOf('kubernetes_deployment'), { kind: 'Deployment', apiVersion: 'apps/v1' });
    assert.deepEqual(kindOf('kubernetes_cluster_role_binding_v1'), { kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1' });
    assert.deepEqual(kindOf('kubernetes_ingress_v1'), { kind: 'Ingress', apiVersion: 'networking.k8s.io/v1' });
    // The data of a ConfigMap made elsewhere is read as the ConfigMap, for the rules that judge that data only (PARTIAL_OBJECTS).
    assert.deepEqual(kindOf('kubernetes_config_map_v1_data'), { kind: 'ConfigMap', apiVersion: 'v1' });
    assert.equal(kindOf('aws_instance'), undefined);
  });

  it('renames fields, turns repeated blocks into lists and keeps maps of data as written', () => {
    assert.equal(camelCase('read_only_root_filesystem'), 'readOnlyRootFilesystem');
    assert.deepEqual(fieldOf('security_context', 'container'), { key: 'securityContext', list: false, data: false, flatten: false });
    assert.deepEqual(fieldOf('container', 'spec'), { key: 'containers', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('volume_mount', 'container'), { key: 'volumeMounts', list: true, data: false, flatten: false });
    assert.equal(fieldOf('host_pid', 'spec').key, 'hostPID');
    assert.equal(fieldOf('non_resource_urls', 'rule').key, 'nonResourceURLs');
    assert.deepEqual(fieldOf('rule', ''), { key: 'rules', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('subject', ''), { key: 'subjects', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('role_ref', ''), { key: 'roleRef', list: false, data: false, flatten: false });
    // A container's and a Service's ports are lists; the port of an Ingress backend's service is one object.
    assert.deepEqual(fieldOf('port', 'container'), { key: 'ports', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('port', 'service'), { key: 'port', list: false, data: false, flatten: false });
    // A field holding a plain value is only renamed: `port = 80` in a port block, a PodSecurityPolicy's `rule = "MustRunAsNonRoot"`.
    assert.deepEqual(fieldOf('port', 'port', true), { key: 'port', list: false, data: false, flatten: false });
    assert.deepEqual(fieldOf('rule', 'run_as_user', true), { key: 'rule', list: false, data: false, flatten: false });
    // Ingress paths are blocks under http; a path elsewhere (host_path.path) is a plain field.
    assert.deepEqual(fieldOf('path', 'http'), { key: 'paths', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('path', 'host_path'), { key: 'path', list: false, data: false, flatten: false });
    assert.equal(fieldOf('labels', 'metadata').data, true);
    assert.equal(fieldOf('limits', 'resources').data, true);
    assert.equal(fieldOf('persistent_volume_source', 'spec').flatten, true);
    // A ServiceAccount's secrets are a list at the top of the resource; a volume's secret is one object.
    assert.deepEqual(fieldOf('secret', ''), { key: 'secrets', list: true, data: false, flatten: false });
    assert.deepEqual(fieldOf('secret', 'volume'), { key: 'secret', list: false, data: false, flatten: false });
  });
});

describe('Kubernetes objects of Terraform files', () => {
  it('builds the API object of a deployment, every node on the line it comes from', () => {
    const k8s = converted(read('deployment.tf'));
    assert.ok(k8s);
    const [web] = k8s.input.objects;
    assert.ok(web);
    assert.equal(web.kind, 'Deployment');
    assert.equal(web.label, 'kubernetes_deployment_v1.web');
    assert.equal(web.name, 'web');
    // The name of the kubernetes_namespace_v1 it refers to is known.
    assert.equal(web.namespace, 'shop');
    const spec = get(web.root, 'spec', 'template', 'spec');
    assert.deepEqual(
      items(get(spec, 'containers')).map((c) => text(get(c, 'name'))),
      ['app', 'sidecar'],
    );
    const app = items(get(spec, 'containers'))[0];
    assert.equal(app?.line, 39);
    assert.deepEqual(plain(get(app, 'securityContext', 'capabilities')), { add: ['NET_ADMIN', 'SYS_ADMIN'] });
    assert.equal(get(app, 'securityContext', 'capabilities', 'add')?.line, 46);
    assert.deepEqual(plain(get(items(get(spec, 'containers'))[1], 'resources', 'limits')), { cpu: '250m', memory: '128Mi' });
    assert.equal(text(get(items(get(spec, 'volumes'))[0], 'hostPath', 'path')), '/var/run/docker.sock');
    // var.escalate and the sidecar's image cannot be told: their lines keep no finding.
    assert.deepEqual([...k8s.unknownLines].sort((a, b) => a - b), [44, 56]);
  });

  it('reports a deployment on the lines of its HCL attributes and blocks, naming the resource', () => {
    assert.deepEqual(
      findings('deployment.tf', 'iac/k8s-privileged-container', 'iac/k8s-privilege-escalation', 'iac/k8s-host-pid', 'iac/k8s-docker-socket', 'iac/k8s-dangerous-capabilities', 'iac/k8s-image-latest', 'iac/k8s-no-memory-limit', 'iac/k8s-default-namespace'),
      [
        // hostPID = true, the first container's header (no memory limit), privileged = true, add = [...].
        '38 iac/k8s-host-pid',
        '39 iac/k8s-no-memory-limit',
        '41 iac/k8s-image-latest',
        '43 iac/k8s-privileged-container',
        '46 iac/k8s-dangerous-capabilities',
        // The sidecar does not set allow_privilege_escalation; the app sets it to a variable without value: nothing said.
        '54 iac/k8s-privilege-escalation',
        '67 iac/k8s-docker-socket',
      ],
    );
    assert.deepEqual(messages('deployment.tf', 'iac/k8s-privileged-container'), ['kubernetes_deployment_v1.web container app runs privileged: it has full access to the node.']);
    // The app's latest image is iac/k8s-image-latest's alone (its one finding asks for a version and a digest); the sidecar's
    // image has an interpolation of a variable without value: neither latest nor untagged can be told, nor whether a digest follows.
    assert.deepEqual(messages('deployment.tf', 'iac/k8s-image-without-digest'), []);
  });

  it('reports a pod and a Service, with dynamic blocks read per element', () => {
    assert.deepEqual(findings('pod.tf', 'iac/k8s-host-network', 'iac/k8s-hostpath-sensitive', 'iac/k8s-secret-as-env-var', 'iac/k8s-service-loadbalancer', 'iac/k8s-run-as-root', 'iac/k8s-privilege-escalation', 'iac/k8s-writable-root-filesystem', 'iac/k8s-capabilities-not-dropped', 'iac/k8s-service-account-token-automount', 'iac/k8s-seccomp-missing'), [
      '15 iac/k8s-host-network',
      '50 iac/k8s-secret-as-env-var',
      '74 iac/k8s-hostpath-sensitive',
      '90 iac/k8s-service-loadbalancer',
    ]);
    const k8s = converted(read('pod.tf'));
    const env = get(k8s?.input.containers[0]?.node, 'env');
    assert.deepEqual(
      items(env).map((e) => plain(e)),
      [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'MODE', value: 'batch' },
        { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'agent', key: 'token' } } },
      ],
    );
    // A Service's port blocks are its ports; the port number in each stays `port`.
    assert.deepEqual(plain(get(k8s?.input.objects[1]?.root, 'spec', 'ports')), [{ port: 443, targetPort: 8443 }]);
    // HTTPS only: a web entry point (reported at info).
    assert.deepEqual(messages('pod.tf', 'iac/k8s-service-loadbalancer'), [
      'kubernetes_service_v1.agent gets a public load balancer for HTTPS (443): a web entry point, public on purpose; check that it is the ingress controller or reverse proxy terminating TLS, or restrict its source ranges.',
    ]);
  });

  it('judges RBAC roles and bindings together, a role_ref to a role of the file by its name', () => {
    assert.deepEqual(findings('rbac.tf'), [
      '15 iac/k8s-rbac-secrets-access',
      '46 iac/k8s-cluster-admin-binding',
      '57 iac/k8s-default-service-account-binding',
      '71 iac/k8s-rbac-wildcard',
    ]);
    assert.deepEqual(messages('rbac.tf', 'iac/k8s-rbac-secrets-access'), ['kubernetes_cluster_role_v1.reader can read Secrets (get, list, watch) of every namespace, and service account tools/reporter is bound to it.']);
  });

  it('reads a kubernetes_manifest written as an HCL object or as a YAML heredoc, and leaves one read from a file to that file', () => {
    assert.deepEqual(findings('manifest.tf', 'iac/k8s-privileged-container', 'iac/k8s-host-ipc', 'iac/k8s-image-without-digest', 'iac/k8s-rbac-secrets-access', 'iac/k8s-rbac-exec-attach'), [
      '31 iac/k8s-host-ipc',
      '35 iac/k8s-image-without-digest',
      '37 iac/k8s-privileged-container',
      '65 iac/k8s-rbac-secrets-access',
      '67 iac/k8s-rbac-exec-attach',
    ]);
    const k8s = converted(read('manifest.tf'));
    assert.deepEqual(
      k8s?.input.objects.map((o) => o.label),
      ['kubernetes_manifest.worker', 'kubernetes_manifest.reader'],
    );
  });

  it('reads a cron job through job_template, and containers of a dynamic block whose for_each cannot be read once', () => {
    assert.deepEqual(findings('dynamic.tf', 'iac/k8s-privileged-container', 'iac/k8s-image-latest', 'iac/k8s-host-network'), [
      '37 iac/k8s-image-latest',
      '48 iac/k8s-privileged-container',
      '71 iac/k8s-host-network',
    ]);
  });

  it('reads blocks written as attributes holding objects', () => {
    const source = [
      'resource "kubernetes_pod" "legacy" {', // 1
      '  metadata {',
      '    name = "legacy"',
      '  }',
      '  spec {', // 5
      '    container = [',
      '      {',
      '        name  = "app"',
      '        image = "registry.example.org/app:1.0.0"',
      '        security_context = {', // 10
      '          privileged = true',
      '        }',
      '        env = {',
      '          name = "TOKEN"',
      '          value_from = {', // 15
      '            secret_key_ref = { name = "app", key = "token" }',
      '          }',
      '        }',
      '      },',
      '    ]', // 20
      '  }',
      '}',
      '',
    ].join('\n');
    const lines = analyseFile('legacy.tf', source, () => {}, 'terraform')
      .findings.filter((f) => f.ruleId === 'iac/k8s-privileged-container' || f.ruleId === 'iac/k8s-secret-as-env-var')
      .map((f) => `${f.location.startLine} ${f.ruleId}`);
    assert.deepEqual(lines, ['11 iac/k8s-privileged-container', '16 iac/k8s-secret-as-env-var']);
  });

  it("reads the pod spec the provider's first ReplicationController wrote right in template", () => {
    const source = [
      'resource "kubernetes_replication_controller" "db" {', // 1
      '  metadata {',
      '    name = "db"',
      '  }',
      '  spec {', // 5
      '    selector = { app = "db" }',
      '    template {',
      '      host_ipc = true',
      '      container {',
      '        name  = "db"', // 10
      '        image = "registry.example.org/db:5.6"',
      '      }',
      '    }',
      '  }',
      '}', // 15
      '',
    ].join('\n');
    const k8s = converted(source);
    assert.equal(k8s?.input.containers[0]?.name, 'db');
    assert.deepEqual(plain(get(k8s?.input.objects[0]?.root, 'spec', 'selector')), { app: 'db' });
    const lines = analyseFile('rc.tf', source, () => {}, 'terraform')
      .findings.filter((f) => f.ruleId === 'iac/k8s-host-ipc')
      .map((f) => f.location.startLine);
    assert.deepEqual(lines, [8]);
  });

  it('keeps no finding that rests on a map of data known only at apply', () => {
    const service = (annotations: string) =>
      ['resource "kubernetes_service_v1" "api" {', '  metadata {', '    name = "api"', `    annotations = ${annotations}`, '  }', '  spec {', '    type = "LoadBalancer"', '  }', '}', ''].join('\n');
    const lines = (source: string) =>
      analyseFile('service.tf', source, () => {}, 'terraform')
        .findings.filter((f) => f.ruleId === 'iac/k8s-service-loadbalancer')
        .map((f) => f.location.startLine);
    // The annotations may make the load balancer internal.
    assert.deepEqual(lines(service('var.service_annotations')), []);
    assert.deepEqual(lines(service('{ team = "api" }')), [7]);
    // In a kubernetes_manifest too.
    const manifest = (annotations: string) =>
      ['resource "kubernetes_manifest" "api" {', '  manifest = {', '    apiVersion = "v1"', '    kind = "Service"', `    metadata = { name = "api", annotations = ${annotations} }`, '    spec = { type = "LoadBalancer" }', '  }', '}', ''].join('\n');
    assert.deepEqual(lines(manifest('var.service_annotations')), []);
    assert.deepEqual(lines(manifest('{}')), [6]);
  });

  it('judges a ConfigMap of the provider as one written in YAML: literal credentials in its data, not values known only at apply', () => {
    assert.deepEqual(kindOf('kubernetes_config_map_v1'), { kind: 'ConfigMap', apiVersion: 'v1' });
    // A local's value is as literal as one written in the map; a variable without a value, an empty value and a placeholder are not reported.
    assert.deepEqual(findings('configmap.tf'), ['9 iac/k8s-secret-in-configmap', '13 iac/k8s-secret-in-configmap', '24 iac/k8s-secret-in-configmap']);
    assert.deepEqual(messages('configmap.tf', 'iac/k8s-secret-in-configmap')[0], 'kubernetes_config_map_v1.settings keeps DB_PASSWORD in its data with a literal value: a credential in a ConfigMap, committed and readable by anyone who may read ConfigMaps.');
  });

  it('judges each instance of a resource with for_each or count, naming it as the Terraform rules do', () => {
    assert.deepEqual(findings('instances.tf', 'iac/k8s-privileged-container', 'iac/k8s-host-pid', 'iac/k8s-host-network', 'iac/k8s-host-ipc'), [
      '27 iac/k8s-host-pid',
      '32 iac/k8s-privileged-container',
      '48 iac/k8s-host-network',
    ]);
    // A finding of one instance names it; one every instance has, the resource as written.
    assert.deepEqual(messages('instances.tf', 'iac/k8s-privileged-container'), ['kubernetes_deployment_v1.app["api"] container main runs privileged: it has full access to the node.']);
    assert.deepEqual(messages('instances.tf', 'iac/k8s-host-pid'), ["kubernetes_deployment_v1.app shares the node's process namespace (hostPID: true)."]);
    assert.deepEqual(messages('instances.tf', 'iac/k8s-host-network'), ["kubernetes_pod_v1.probe[1] shares the node's network namespace (hostNetwork: true)."]);
    // each.key and count.index in place; a namespace of the file named by instance; nothing of count = 0.
    const k8s = converted(read('instances.tf'));
    assert.deepEqual(
      k8s?.input.objects.map((o) => [o.label, o.name, o.namespace]),
      [
        ['kubernetes_deployment_v1.app["api"]', 'api', 'team-api'],
        ['kubernetes_deployment_v1.app["worker"]', 'worker', 'team-worker'],
        ['kubernetes_pod_v1.probe[0]', 'probe-0', 'ops'],
        ['kubernetes_pod_v1.probe[1]', 'probe-1', 'ops'],
      ],
    );
  });

  it("judges kubectl_manifest's yaml_body: a heredoc on its lines, a template of another name on yaml_body's line, a YAML file in its own scan", async () => {
    const result = await runScan({ target: fixturePath('iac', 'tf-kubectl'), scannerSet: [iacScanner] });
    const picked = ['iac/k8s-privileged-container', 'iac/k8s-host-pid', 'iac/k8s-host-network', 'iac/k8s-host-ipc', 'iac/k8s-rbac-secrets-access', 'iac/k8s-default-namespace'];
    assert.deepEqual(
      result.findings
        .filter((f) => picked.includes(f.ruleId))
        .map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`)
        .sort(),
      [
        "app.yaml:7 Pod/app shares the node's network namespace (hostNetwork: true).",
        "main.tf:26 kubectl_manifest.agent shares the node's process namespace (hostPID: true).",
        'main.tf:31 kubectl_manifest.agent container agent runs privileged: it has full access to the node.',
        'main.tf:47 kubectl_manifest.reader["blue"] can read Secrets (get).',
        'main.tf:47 kubectl_manifest.reader["green"] can read Secrets (list).',
        "main.tf:58 kubectl_manifest.job shares the node's IPC namespace (hostIPC: true).",
      ],
    );
    // override_namespace is the object's namespace; one instance per key of for_each.
    const k8s = converted(readFileSync(fixturePath('iac', 'tf-kubectl', 'main.tf'), 'utf8'));
    assert.deepEqual(
      k8s?.input.objects.map((o) => [o.label, o.kind, o.namespace]),
      [
        ['kubectl_manifest.agent', 'DaemonSet', 'monitoring'],
        ['kubectl_manifest.reader["blue"]', 'Role', 'team-blue'],
        ['kubectl_manifest.reader["green"]', 'Role', 'team-green'],
      ],
    );
  });

  it('names a container whose name, and a subject whose namespace, are known only at apply by what is known (a manifest keeps its words)', () => {
    // container { name = var.name }: its place in the list and what names it, never "(unnamed)".
    assert.deepEqual(messages('unknown-names.tf', 'iac/k8s-privileged-container'), ['kubernetes_deployment.web container #1 (named by var.name) runs privileged: it has full access to the node.']);
    assert.deepEqual(messages('unknown-names.tf', 'iac/k8s-no-memory-limit'), ['kubernetes_deployment.web container #1 (named by var.name) has no memory limit.', 'kubernetes_deployment.web container #2 (named by var.sidecar) has no memory limit.']);
    // #1 is privileged, which runs without seccomp whatever it names: only #2 is counted.
    assert.deepEqual(messages('unknown-names.tf', 'iac/k8s-seccomp-missing'), ['kubernetes_deployment.web sets no seccomp profile for #2 (named by var.sidecar).']);
    // A subject without namespace in a binding whose namespace is var.namespace, and one whose own namespace is var.namespace.
    assert.deepEqual(messages('unknown-names.tf', 'iac/k8s-rbac-secrets-access'), ['kubernetes_role.reader can read Secrets (get) of its namespace only, and service account app (namespace known at apply), batch (namespace known at apply) is bound to it.']);
    // The same objects as a manifest, a container without name and a binding without namespace: as before.
    const manifest = [
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules:\n- apiGroups: [""]\n  resources: ["secrets"]\n  verbs: ["get"]\n',
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: reader\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: app\n',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - image: example.org/web:1.0\n',
    ].join('---\n');
    const yaml = analyseFile('k8s.yaml', manifest, () => {}, 'kubernetes').findings;
    assert.deepEqual(yaml.filter((f) => f.ruleId === 'iac/k8s-rbac-secrets-access').map((f) => f.message), ['Role/reader can read Secrets (get) of its namespace only, and service account (namespace of the binding)/app is bound to it.']);
    assert.deepEqual(yaml.filter((f) => f.ruleId === 'iac/k8s-no-memory-limit').map((f) => f.message), ['Pod/web container (unnamed) has no memory limit.']);
  });

  it('leaves a file without kubernetes provider resources alone', () => {
    assert.equal(converted('resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n'), undefined);
  });

  it('judges the data a kubernetes_config_map_v1_data sets in a ConfigMap made elsewhere with the aws-auth rule only', () => {
    // A password-like value, built from pieces so that secloop's own scan does not report this file.
    const value = ['Vq7r', 'T2mX', 'k9Lp'].join('');
    const source = `resource "kubernetes_config_map_v1_data" "settings" {\n  metadata {\n    name = "settings"\n  }\n  data = {\n    DB_PASSWORD = "${value}"\n  }\n}\n`;
    assert.deepEqual(analyseFile('main.tf', source, () => {}).findings.map((f) => f.ruleId), []);
  });
});
