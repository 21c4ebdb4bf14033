/**
 * Amazon EKS's aws-auth ConfigMap (kube-system/aws-auth), which maps IAM roles and users
 * to Kubernetes users and groups: written as a manifest, or by Terraform's kubernetes
 * provider (kubernetes_config_map, kubernetes_config_map_v1_data), whose resources
 * terraform/kubernetes/convert.ts reads into the same tree.
 */
import { rule, type Hit, type IacRule } from '../rule.js';
import { get, isYMap, isYScalar, items, loadYaml, pair, text } from '../yaml/tree.js';
import { objectLabel, type KubeInput, type KubeObject } from './model.js';

type KubeRule = IacRule<KubeInput>;

const kubeRule = (definition: Omit<KubeRule, 'platform' | 'tags'>): KubeRule => rule({ ...definition, platform: 'kubernetes' });

/** The aws-auth ConfigMap: named aws-auth in kube-system (a manifest may leave the namespace to kubectl -n or kustomize). */
function isAwsAuth(object: KubeObject): boolean {
  if (object.kind !== 'ConfigMap' || object.name !== 'aws-auth') return false;
  return object.namespace === 'kube-system' || (object.namespace === undefined && object.label === undefined);
}

interface Mapping {
  /** mapRoles or mapUsers of aws-auth, or the iamIdentityMappings of an eksctl ClusterConfig (a role or a user). */
  list: 'mapRoles' | 'mapUsers' | 'iamIdentityMappings';
  arn: string;
  username: string | undefined;
  groups: string[];
  /** Line of the entry's system:masters (of the list's key when the text has no lines of its own). */
  line: number;
}

/**
 * The entries of aws-auth's mapRoles and mapUsers (YAML text in the ConfigMap's data) that
 * can be read. In a manifest the text is a block scalar whose lines follow its key: an
 * entry's line is found there; a Terraform value (a heredoc, yamlencode) is placed on its key.
 */
function mappings(object: KubeObject): Mapping[] {
  const out: Mapping[] = [];
  for (const list of ['mapRoles', 'mapUsers'] as const) {
    const p = pair(get(object.root, 'data'), list);
    const value = p?.value;
    if (!p || !isYScalar(value) || typeof value.value !== 'string' || value.atApply !== undefined) continue;
    const block = object.label === undefined && value.value.includes('\n') && value.line === p.keyLine;
    const parsed = loadYaml(value.value);
    if (parsed.problems.length > 0) continue;
    for (const entry of items(parsed.documents[0]?.root ?? null)) {
      if (!isYMap(entry)) continue;
      const arn = text(get(entry, list === 'mapRoles' ? 'rolearn' : 'userarn'));
      if (arn === undefined) continue;
      const groups = items(get(entry, 'groups'))
        .map((g) => text(g))
        .filter((g): g is string => g !== undefined);
      const masters = items(get(entry, 'groups')).find((g) => text(g) === 'system:masters');
      out.push({ list, arn, username: text(get(entry, 'username')), groups, line: block && masters ? p.keyLine + masters.line : p.keyLine });
    }
  }
  return out;
}

/** An eksctl ClusterConfig, whose iamIdentityMappings eksctl writes into aws-auth. */
const isEksctlCluster = (object: KubeObject) => object.kind === 'ClusterConfig' && /^eksctl\.io\//.test(object.apiVersion);

/** The iamIdentityMappings of an eksctl ClusterConfig that name an ARN (not an account or a service's). */
function eksctlMappings(object: KubeObject): Mapping[] {
  return items(get(object.root, 'iamIdentityMappings')).flatMap((entry) => {
    const arn = text(get(entry, 'arn'));
    if (!isYMap(entry) || arn === undefined) return [];
    const groups = items(get(entry, 'groups'));
    const masters = groups.find((g) => text(g) === 'system:masters');
    return [{ list: 'iamIdentityMappings' as const, arn, username: text(get(entry, 'username')), groups: groups.map((g) => text(g)).filter((g): g is string => g !== undefined), line: masters?.line ?? entry.line }];
  });
}

/** The node role's entry, as EKS writes it: the system:nodes group, or a user name system:node:{{EC2PrivateDNSName}}. */
const isNodeEntry = (m: Mapping) => m.groups.includes('system:nodes') || /^system:node:/.test(m.username ?? '');

const awsAuthSystemMasters = kubeRule({
  id: 'iac/k8s-eks-aws-auth-system-masters',
  title: 'EKS aws-auth maps an IAM identity to system:masters',
  description:
    "The aws-auth ConfigMap of an EKS cluster (kube-system/aws-auth, as a manifest or a Terraform kubernetes_config_map or kubernetes_config_map_v1_data), or the iamIdentityMappings of an eksctl ClusterConfig that eksctl writes there, maps an IAM role (mapRoles) or user (mapUsers) to the system:masters group. Whoever can assume the role or holds the user's keys is cluster administrator, and system:masters bypasses RBAC and authorization webhooks: no binding can take the access away, only an edit of aws-auth, and it does not show in any RoleBinding an audit reads. When the entry is the node role's (the system:nodes group, or the user name system:node:{{EC2PrivateDNSName}}), every node, and every pod that reaches the instance's credentials through the metadata service, is cluster administrator: critical. Entries whose text cannot be read (a variable, a module's input) are not judged.",
  remediation:
    'Map the identity to a group of your own (eks-admins) bound to the cluster-admin ClusterRole, or to a narrower role, so that RBAC governs it; better, replace aws-auth with EKS access entries and access policies. Never give the node role more than system:bootstrappers and system:nodes.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::123456789012:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n    - rolearn: arn:aws:iam::123456789012:role/platform-admin\n      username: platform-admin\n      groups:\n        # expect\n        - system:masters\n  mapUsers: |\n    - userarn: arn:aws:iam::123456789012:user/ci\n      username: ci\n      # expect\n      groups: [system:masters]\n',
      'apiVersion: eksctl.io/v1alpha5\nkind: ClusterConfig\nmetadata:\n  name: prod\n  region: eu-west-1\niamIdentityMappings:\n  - arn: arn:aws:iam::123456789012:role/admin\n    username: admin\n    groups:\n      # expect\n      - system:masters\n  - arn: arn:aws:iam::123456789012:user/viewer\n    username: viewer\n    groups: [viewers]\n',
    ],
    negative: [
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::123456789012:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n    - rolearn: arn:aws:iam::123456789012:role/platform-admin\n      username: platform-admin\n      groups:\n        - eks-admins\n',
      // A ConfigMap of the same name elsewhere configures nothing.
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: shop\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::123456789012:role/admin\n      groups: [system:masters]\n',
    ],
  },
  *check(input) {
    for (const object of input.objects) {
      const entries = isAwsAuth(object) ? mappings(object) : isEksctlCluster(object) ? eksctlMappings(object) : [];
      for (const m of entries) {
        if (!m.groups.includes('system:masters')) continue;
        const who = `${m.list === 'mapRoles' ? 'IAM role' : m.list === 'mapUsers' ? 'IAM user' : /:user\//.test(m.arn) ? 'IAM user' : 'IAM role'} ${m.arn}`;
        const hit: Hit = isNodeEntry(m)
          ? { line: m.line, message: `${objectLabel(object)} maps the node role ${m.arn} to system:masters: every node, and every pod that reaches the instance's credentials, is cluster administrator.`, resource: objectLabel(object), severity: 'critical' }
          : { line: m.line, message: `${objectLabel(object)} maps ${who} to system:masters: cluster administrator, beyond the reach of RBAC.`, resource: objectLabel(object) };
        yield hit;
      }
    }
  },
});

export const eksAuthRules: readonly KubeRule[] = [awsAuthSystemMasters];

