import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsOf, lines } from '../../helpers/iac-lines.js';

const MASTERS = 'iac/k8s-eks-aws-auth-system-masters';

const said = (source: string, file: string) => findingsOf(MASTERS, source, file).map((f) => `${f.location.startLine} ${f.severity} ${f.message}`);

describe('EKS aws-auth: IAM identities mapped to system:masters', () => {
  const manifest = (namespace: string | undefined, ...mapRoles: string[]) =>
    lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: aws-auth', ...(namespace === undefined ? [] : [`  namespace: ${namespace}`]), 'data:', '  mapRoles: |', ...mapRoles.map((l) => `    ${l}`));

  it('reports each entry on its system:masters line, the node role critical', () => {
    const source = manifest('kube-system', '- rolearn: arn:aws:iam::123456789012:role/eks-nodes', '  username: system:node:{{EC2PrivateDNSName}}', '  groups:', '    - system:bootstrappers', '    - system:nodes', '    - system:masters', '- rolearn: arn:aws:iam::123456789012:role/admin', '  username: admin', '  groups: [system:masters]');
    assert.deepEqual(said(source, 'aws-auth.yaml'), [
      "13 critical ConfigMap/aws-auth maps the node role arn:aws:iam::123456789012:role/eks-nodes to system:masters: every node, and every pod that reaches the instance's credentials, is cluster administrator.",
      '16 high ConfigMap/aws-auth maps IAM role arn:aws:iam::123456789012:role/admin to system:masters: cluster administrator, beyond the reach of RBAC.',
    ]);
  });

  it('reads a manifest without a namespace (applied with -n), and no ConfigMap of another name or namespace, or text that is no YAML list', () => {
    const entry = ['- rolearn: arn:aws:iam::123456789012:role/admin', '  groups: [system:masters]'];
    assert.equal(said(manifest(undefined, ...entry), 'aws-auth.yaml').length, 1);
    assert.deepEqual(said(manifest('default', ...entry), 'aws-auth.yaml'), []);
    assert.deepEqual(said(manifest('kube-system', ...entry).replace('name: aws-auth', 'name: aws-auth-backup'), 'aws-auth.yaml'), []);
    assert.deepEqual(said(manifest('kube-system', '{{ .Values.mapRoles }}'), 'aws-auth.yaml'), []);
  });
});

describe('eksctl ClusterConfig: iamIdentityMappings', () => {
  it('reports a role or a user mapped to system:masters, and no account mapping', () => {
    const source = lines(
      'apiVersion: eksctl.io/v1alpha5',
      'kind: ClusterConfig',
      'metadata:',
      '  name: prod',
      'iamIdentityMappings:',
      '  - arn: arn:aws:iam::123456789012:user/ops',
      '    groups: [system:masters]',
      '  - account: "210987654321"',
      '  - arn: arn:aws:iam::123456789012:role/view',
      '    groups: [viewers]',
    );
    assert.deepEqual(said(source, 'cluster.yaml'), ['7 high ClusterConfig/prod maps IAM user arn:aws:iam::123456789012:user/ops to system:masters: cluster administrator, beyond the reach of RBAC.']);
  });
});

describe('EKS aws-auth written with the Terraform kubernetes provider', () => {
  const configMap = (type: string, namespace: string, ...data: string[]) =>
    lines(`resource "${type}" "aws_auth" {`, '  metadata {', '    name      = "aws-auth"', `    namespace = "${namespace}"`, '  }', '  force = true', '  data = {', ...data.map((l) => `    ${l}`), '  }', '}');

  it('reads yamlencode() and heredocs of kubernetes_config_map_v1_data and kubernetes_config_map, on the key of the list', () => {
    const data = [
      'mapRoles = yamlencode([',
      '  { rolearn = "arn:aws:iam::123456789012:role/deployer", username = "deployer", groups = ["system:masters"] },',
      '  { rolearn = "arn:aws:iam::123456789012:role/viewer", username = "viewer", groups = ["viewers"] },',
      '])',
      'mapUsers = <<-EOT',
      '  - userarn: arn:aws:iam::123456789012:user/ci',
      '    username: ci',
      '    groups:',
      '      - system:masters',
      'EOT',
    ];
    const expected = [
      '8 high kubernetes_config_map_v1_data.aws_auth maps IAM role arn:aws:iam::123456789012:role/deployer to system:masters: cluster administrator, beyond the reach of RBAC.',
      '12 high kubernetes_config_map_v1_data.aws_auth maps IAM user arn:aws:iam::123456789012:user/ci to system:masters: cluster administrator, beyond the reach of RBAC.',
    ];
    assert.deepEqual(said(configMap('kubernetes_config_map_v1_data', 'kube-system', ...data), 'main.tf'), expected);
    assert.equal(said(configMap('kubernetes_config_map_v1', 'kube-system', ...data), 'main.tf').length, 2);
    assert.deepEqual(said(configMap('kubernetes_config_map_v1_data', 'default', ...data), 'main.tf'), []);
  });

  it('judges no entries that cannot be read before apply', () => {
    assert.deepEqual(said(configMap('kubernetes_config_map_v1_data', 'kube-system', 'mapRoles = yamlencode(var.aws_auth_roles)', 'mapUsers = yamlencode(concat(local.users, [{ userarn = var.admin, groups = ["system:masters"] }]))'), 'main.tf'), []);
  });
});
