/**
 * Checks of other Terraform scanners whose inline suppressions secloop honours
 * (checkov `#checkov:skip=<id>`, tfsec `#tfsec:ignore:<id>`, Trivy `#trivy:ignore:<id>`),
 * and the secloop rules whose findings they cover. As for CloudFormation
 * (../cloudformation/suppression-map.ts), a foreign id is mapped only when its check reports
 * (at least) what the secloop rule reports in that case, so that a suppression never
 * hides a problem its author did not accept: `only` narrows a wider secloop rule to the
 * hits whose message is about the foreign check's case, `types` to the resource types the
 * foreign check looks at. Ids not listed here suppress nothing.
 */
import { coveredBy as cfnCoveredBy } from '../cloudformation/suppression-map.js';

export interface TfCovered {
  rule: string;
  /** Only hits whose message matches: the part of a wider secloop rule the foreign check is about. */
  only?: RegExp;
  /** Only hits inside resources (or data sources) of these types: the ones the foreign check looks at. */
  types?: readonly string[];
}

export type TfTool = 'checkov' | 'trivy';

const SG = 'iac/tf-aws-sg-open-to-internet';
const NACL = 'iac/tf-aws-nacl-admin-port-open';
const SG_TYPES = ['aws_security_group', 'aws_security_group_rule', 'aws_vpc_security_group_ingress_rule'];
const PUBLIC = 'iac/tf-aws-publicly-accessible';
const DATABASE = 'iac/tf-aws-database-not-encrypted';
const TRANSIT = 'iac/tf-aws-transit-not-encrypted';
const MESSAGING = 'iac/tf-aws-messaging-not-encrypted';
const EBS = 'iac/tf-aws-ebs-not-encrypted';
const IMDS = 'iac/tf-aws-imdsv1';
const TLS = 'iac/tf-aws-tls-outdated';
const HTTP_LISTENER = 'iac/tf-aws-lb-http-listener';
const ADMIN = 'iac/tf-aws-iam-full-admin';
const ACL = 'iac/tf-aws-s3-public-acl';
const BLOCK = 'iac/tf-aws-s3-public-access-block';
const BACKUPS = 'iac/tf-aws-backups-disabled';
const LISTENERS = ['aws_lb_listener', 'aws_alb_listener'];
/** The part of the customer managed key rule about an EKS cluster's Secrets. */
const EKS_SECRETS = /its Kubernetes Secrets are not encrypted with a KMS key of the account/;
const GCP_FIREWALL = 'iac/tf-gcp-firewall-open-to-internet';
const GCP_INSTANCES = ['google_compute_instance', 'google_compute_instance_template', 'google_compute_instance_from_template'];
const GCP_PROJECT_IAM = ['google_project_iam_member', 'google_project_iam_binding'];
const NSG = 'iac/tf-azure-nsg-open-to-internet';
const NSG_TYPES = ['azurerm_network_security_rule', 'azurerm_network_security_group'];
const STORAGE_ACCOUNT = ['azurerm_storage_account'];
const APP_SERVICES = ['azurerm_app_service', 'azurerm_linux_web_app', 'azurerm_windows_web_app', 'azurerm_function_app', 'azurerm_linux_function_app', 'azurerm_windows_function_app'];

/**
 * The hit of a firewall or security group rule that opens exactly this one port and
 * nothing else (`opens 22/tcp (SSH) to 0.0.0.0/0`; the service name may hold one level of
 * parentheses, `(Remote Desktop (RDP))`). A hit listing several ports is not matched.
 */
const onePort = (port: number): RegExp => new RegExp(` opens ${port}/[a-z+]+ \\((?:[^()]|\\([^()]*\\))*\\) to `);
const EVERY_ACTION = /allows every action on every resource/;
const MANAGED_ADMIN = /attaches the AWS managed AdministratorAccess policy/;
/** A service wildcard in Action (`s3:*`), which Trivy's wildcard check sees; not Allow with NotAction. */
const SERVICE_WILDCARD = / allows [\w-]+:\*/;
/**
 * checkov's cloudsplaining checks (CKV_AWS_286, 290, 355 on the policies of these resources;
 * CKV_AWS_110, 111, 356 on aws_iam_policy_document data sources): a secloop hit in the policy's
 * own block (one no identity holds, for the escalation rule; the statement's policy, for the
 * wildcard rules). A role's or user's escalation finding, which may pool several policies, is
 * not in the policy's block and stays. cloudsplaining passes any statement with a Condition,
 * where the secloop rules keep one whose condition is on the caller (MFA, a source address): a
 * skip its author wrote for such a policy still covers it, as the secloop message cannot tell.
 */
const CLOUDSPLAINING_TYPES = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_ssoadmin_permission_set_inline_policy'];
const POLICY_DOCUMENT = ['aws_iam_policy_document'];
/**
 * An escalation hit that names a path of cloudsplaining's catalogue: not one whose shown paths are
 * only iam:AttachRolePolicy or iam:PutRolePolicy, which cloudsplaining counts only with sts:AssumeRole.
 */
const CLOUDSPLAINING_ESCALATION = /allows privilege escalation through (?!(?:iam:(?:Attach|Put)RolePolicy(?:; |\.$))+$)/;
/** A service wildcard on Resource "*" (cloudsplaining does not read NotResource). */
const ON_EVERY_RESOURCE = / on every resource(?: \(line \d+\))?\.$/;
const NODE_TO_NODE = /nodes of the domain exchange data unencrypted/;
const PLAIN_HTTP_ENDPOINT = /accepts plain HTTP requests \(enforce_https/;
const CACHE_TRANSIT = /transit_encryption_enabled/;
const VIEWER_TLS = /accepts \S+ from viewers\.$/;
const USER_DATA_KEY = /user_data contains an AWS/;
/** A public access block hit about this one setting alone. */
const blockSetting = (name: string): RegExp => new RegExp(` (?:sets ${name} = false|leaves ${name} unset \\(false\\))\\.$`);

/**
 * The resource types of the kubernetes provider that checkov's CKV_K8S_* checks for Terraform
 * read (checkov/terraform/checks/resource/kubernetes): most read pods and deployments alone.
 */
const K8S_PODS = ['kubernetes_pod', 'kubernetes_pod_v1', 'kubernetes_deployment', 'kubernetes_deployment_v1'];
/**
 * A Kubernetes rule's hit about one of the pod's `container` blocks (not an init or ephemeral
 * container, which those checks do not read) and what it says of it.
 */
const k8sContainer = (says: string): RegExp => new RegExp(`(?<! init)(?<! ephemeral) container \\S+ ${says}`);

const one = (rule: string, only?: RegExp, types?: readonly string[]): TfCovered[] => [{ rule, ...(only ? { only } : {}), ...(types ? { types } : {}) }];
const typed = (rule: string, ...types: string[]): TfCovered[] => [{ rule, types }];

/**
 * checkov ids whose CloudFormation mapping (cfn-X, without a narrowing) holds for
 * Terraform as the secloop rule tf-aws-X: the same check on the same kind of resource.
 */
const SAME_AS_CLOUDFORMATION = ['CKV_AWS_5', 'CKV_AWS_7', 'CKV_AWS_34', 'CKV_AWS_35', 'CKV_AWS_36', 'CKV_AWS_51', 'CKV_AWS_67', 'CKV_AWS_122', 'CKV_AWS_163', 'CKV_AWS_258'];

function fromCloudFormation(id: string): TfCovered[] {
  return cfnCoveredBy('checkov', id).map((c) => {
    if (c.only || c.types) throw new Error(`checkov ${id} is narrowed for CloudFormation; map it for Terraform explicitly`);
    return { rule: c.rule.replace(/^iac\/cfn-/, 'iac/tf-aws-') };
  });
}

/** checkov check ids for Terraform (checkov/terraform/checks: resource, graph_checks, provider). */
const CHECKOV: Record<string, TfCovered[]> = {
  ...Object.fromEntries(SAME_AS_CLOUDFORMATION.map((id) => [id, fromCloudFormation(id)])),
  // AWS
  CKV_AWS_24: one(SG, onePort(22), SG_TYPES),
  CKV_AWS_25: one(SG, onePort(3389), SG_TYPES),
  CKV_AWS_100: typed(SG, 'aws_eks_node_group'),
  CKV_AWS_20: one(ACL, /uses the (?:public-read|public-read-write|authenticated-read) ACL\.$/),
  CKV_AWS_57: one(ACL, /uses the public-read-write ACL\.$/),
  CKV_AWS_53: one(BLOCK, blockSetting('block_public_acls')),
  CKV_AWS_54: one(BLOCK, blockSetting('block_public_policy')),
  CKV_AWS_55: one(BLOCK, blockSetting('ignore_public_acls')),
  CKV_AWS_56: one(BLOCK, blockSetting('restrict_public_buckets')),
  CKV_AWS_18: typed('iac/tf-aws-s3-no-access-logging', 'aws_s3_bucket'),
  CKV_AWS_21: typed('iac/tf-aws-s3-no-versioning', 'aws_s3_bucket'),
  CKV_AWS_91: typed('iac/tf-aws-lb-no-access-logs', 'aws_lb', 'aws_alb'),
  CKV_AWS_92: typed('iac/tf-aws-lb-no-access-logs', 'aws_elb'),
  CKV_AWS_58: one('iac/tf-aws-no-customer-managed-key', EKS_SECRETS, ['aws_eks_cluster']),
  CKV_AWS_363: one('iac/tf-aws-lambda-deprecated-runtime'),
  CKV_AWS_3: typed(EBS, 'aws_ebs_volume'),
  CKV_AWS_8: typed(EBS, 'aws_instance', 'aws_launch_configuration'),
  CKV_AWS_16: typed(DATABASE, 'aws_db_instance'),
  CKV_AWS_96: typed(DATABASE, 'aws_rds_cluster'),
  CKV_AWS_44: typed(DATABASE, 'aws_neptune_cluster'),
  CKV_AWS_64: typed(DATABASE, 'aws_redshift_cluster'),
  CKV_AWS_74: typed(DATABASE, 'aws_docdb_cluster'),
  CKV_AWS_17: typed(PUBLIC, 'aws_db_instance', 'aws_rds_cluster_instance'),
  CKV_AWS_87: typed(PUBLIC, 'aws_redshift_cluster'),
  CKV_AWS_89: typed(PUBLIC, 'aws_dms_replication_instance'),
  CKV_AWS_69: typed(PUBLIC, 'aws_mq_broker'),
  CKV_AWS_291: typed(PUBLIC, 'aws_msk_cluster'),
  CKV_AWS_6: one(TRANSIT, NODE_TO_NODE),
  CKV_AWS_83: one(TRANSIT, PLAIN_HTTP_ENDPOINT),
  CKV_AWS_30: one(TRANSIT, CACHE_TRANSIT, ['aws_elasticache_replication_group']),
  // Fails a replication group without auth_token (or without transit_encryption_enabled): every group without AUTH the secloop rule reports, not its serverless caches.
  CKV_AWS_31: typed('iac/tf-aws-elasticache-no-auth', 'aws_elasticache_replication_group'),
  CKV_AWS_97: one(TRANSIT, /from EFS without TLS/),
  CKV_AWS_26: typed(MESSAGING, 'aws_sns_topic'),
  CKV_AWS_27: typed(MESSAGING, 'aws_sqs_queue'),
  CKV_AWS_43: typed(MESSAGING, 'aws_kinesis_stream'),
  CKV_AWS_42: one('iac/tf-aws-efs-not-encrypted'),
  CKV_AWS_79: typed(IMDS, 'aws_instance', 'aws_launch_template', 'aws_launch_configuration'),
  CKV_AWS_62: one(ADMIN, EVERY_ACTION),
  CKV_AWS_63: one(ADMIN, EVERY_ACTION),
  CKV_AWS_274: one(ADMIN, MANAGED_ADMIN),
  // cloudsplaining's checks (see CLOUDSPLAINING_TYPES): privilege escalation; "*" as the resource
  // of restrictable actions, which a service wildcard and iam:PassRole on every role are; write access
  // on every resource, which a service wildcard grants. Not CKV_AWS_288 (reads of data) or 289
  // (permissions management), which judge a part of what the secloop rules report, nor full
  // administrators, which CKV_AWS_62/63 judge.
  CKV_AWS_286: one('iac/tf-aws-iam-privilege-escalation', CLOUDSPLAINING_ESCALATION, CLOUDSPLAINING_TYPES),
  CKV_AWS_110: one('iac/tf-aws-iam-privilege-escalation', CLOUDSPLAINING_ESCALATION, POLICY_DOCUMENT),
  CKV_AWS_355: [
    { rule: 'iac/tf-aws-iam-service-wildcard', only: ON_EVERY_RESOURCE, types: CLOUDSPLAINING_TYPES },
    { rule: 'iac/tf-aws-iam-passrole-wildcard', types: CLOUDSPLAINING_TYPES },
  ],
  CKV_AWS_356: [
    { rule: 'iac/tf-aws-iam-service-wildcard', only: ON_EVERY_RESOURCE, types: POLICY_DOCUMENT },
    { rule: 'iac/tf-aws-iam-passrole-wildcard', types: POLICY_DOCUMENT },
  ],
  CKV_AWS_290: one('iac/tf-aws-iam-service-wildcard', ON_EVERY_RESOURCE, CLOUDSPLAINING_TYPES),
  CKV_AWS_111: one('iac/tf-aws-iam-service-wildcard', ON_EVERY_RESOURCE, POLICY_DOCUMENT),
  // A hit about this one port alone (a rule opening both names both).
  CKV_AWS_231: one(NACL, /allows 3389 \(RDP\) in from/),
  CKV_AWS_232: one(NACL, /allows 22 \(SSH\) in from/),
  CKV_AWS_40: typed('iac/tf-aws-iam-user-policy', 'aws_iam_user_policy', 'aws_iam_user_policy_attachment', 'aws_iam_policy_attachment'),
  CKV_AWS_41: one('iac/tf-aws-hardcoded-credentials', /^The aws provider has a literal /),
  CKV_AWS_46: [
    { rule: 'iac/tf-aws-ec2-static-credentials', types: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'] },
    { rule: 'iac/tf-aws-hardcoded-credentials', only: USER_DATA_KEY, types: ['aws_instance', 'aws_launch_template', 'aws_launch_configuration'] },
  ],
  CKV_AWS_2: typed(HTTP_LISTENER, ...LISTENERS),
  CKV_AWS_103: typed(TLS, ...LISTENERS),
  CKV_AWS_174: one(TLS, VIEWER_TLS, ['aws_cloudfront_distribution']),
  CKV_AWS_131: one('iac/tf-aws-alb-keeps-invalid-headers'),
  CKV_AWS_38: one('iac/tf-aws-eks-public-endpoint'),
  CKV_AWS_39: one('iac/tf-aws-eks-public-endpoint'),
  CKV_AWS_130: one('iac/tf-aws-subnet-public-ip'),
  CKV_AWS_88: one('iac/tf-aws-ec2-public-ip', /(?:gets a public IP address|gives instances a public IP address)\.$/, ['aws_instance', 'aws_launch_template']),
  CKV_AWS_59: typed('iac/tf-aws-apigw-method-no-auth', 'aws_api_gateway_method'),
  CKV_AWS_133: typed(BACKUPS, 'aws_db_instance', 'aws_rds_cluster'),
  CKV_AWS_28: typed(BACKUPS, 'aws_dynamodb_table'),
  CKV_AWS_161: typed('iac/tf-aws-db-no-iam-auth', 'aws_db_instance'),
  CKV_AWS_162: typed('iac/tf-aws-db-no-iam-auth', 'aws_rds_cluster'),
  // Google Cloud
  CKV_GCP_2: one(GCP_FIREWALL, onePort(22), ['google_compute_firewall']),
  CKV_GCP_3: one(GCP_FIREWALL, onePort(3389), ['google_compute_firewall']),
  CKV_GCP_88: one(GCP_FIREWALL, onePort(3306), ['google_compute_firewall']),
  CKV_GCP_6: one('iac/tf-gcp-sql-ssl-not-enforced'),
  CKV_GCP_11: one('iac/tf-gcp-sql-open-to-internet'),
  CKV_GCP_60: one('iac/tf-gcp-sql-public-ip'),
  CKV_GCP_14: one('iac/tf-gcp-sql-no-backup'),
  // auth_enabled not true, transit_encryption_mode not SERVER_AUTHENTICATION (unset included): what the two rules report of a google_redis_instance.
  CKV_GCP_95: typed('iac/tf-gcp-redis-no-auth', 'google_redis_instance'),
  CKV_GCP_97: typed('iac/tf-gcp-redis-transit-not-encrypted', 'google_redis_instance'),
  CKV_GCP_7: one('iac/tf-gcp-gke-legacy-abac'),
  CKV_GCP_13: one('iac/tf-gcp-gke-legacy-auth', /client certificate/),
  CKV_GCP_12: one('iac/tf-gcp-gke-network-policy-off'),
  CKV_GCP_20: one('iac/tf-gcp-gke-public-control-plane', /without master_authorized_networks_config/),
  CKV_GCP_64: one('iac/tf-gcp-gke-public-nodes'),
  CKV_GCP_10: one('iac/tf-gcp-gke-auto-upgrade-off'),
  CKV_GCP_28: typed('iac/tf-gcp-public-access', 'google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding'),
  CKV_GCP_15: typed('iac/tf-gcp-public-access', 'google_bigquery_dataset'),
  CKV_GCP_29: one('iac/tf-gcp-storage-uniform-access-off'),
  CKV_GCP_62: one('iac/tf-gcp-storage-no-access-logging'),
  CKV_GCP_43: one('iac/tf-gcp-kms-rotation'),
  CKV_GCP_16: one('iac/tf-gcp-dns-dnssec-off'),
  CKV_GCP_17: one('iac/tf-gcp-dns-dnssec-rsasha1'),
  CKV_GCP_26: one('iac/tf-gcp-subnet-no-flow-logs'),
  CKV_GCP_27: one('iac/tf-gcp-project-default-network'),
  CKV_GCP_32: typed('iac/tf-gcp-instance-project-ssh-keys', ...GCP_INSTANCES),
  CKV_GCP_34: typed('iac/tf-gcp-oslogin-disabled', ...GCP_INSTANCES),
  CKV_GCP_33: typed('iac/tf-gcp-oslogin-disabled', 'google_compute_project_metadata'),
  CKV_GCP_35: typed('iac/tf-gcp-instance-serial-port', ...GCP_INSTANCES),
  CKV_GCP_36: typed('iac/tf-gcp-instance-ip-forwarding', ...GCP_INSTANCES),
  CKV_GCP_40: typed('iac/tf-gcp-instance-public-ip', ...GCP_INSTANCES),
  CKV_GCP_31: typed('iac/tf-gcp-default-sa-full-access', ...GCP_INSTANCES),
  CKV_GCP_41: typed('iac/tf-gcp-iam-impersonation-project-wide', ...GCP_PROJECT_IAM),
  CKV_GCP_49: typed('iac/tf-gcp-iam-impersonation-project-wide', ...GCP_PROJECT_IAM),
  CKV_GCP_117: typed('iac/tf-gcp-iam-basic-role', ...GCP_PROJECT_IAM),
  CKV_GCP_102: typed('iac/tf-gcp-serverless-public-invoker', 'google_cloud_run_service_iam_member', 'google_cloud_run_service_iam_binding'),
  // Azure
  CKV_AZURE_9: one(NSG, onePort(3389), NSG_TYPES),
  CKV_AZURE_10: one(NSG, onePort(22), NSG_TYPES),
  CKV_AZURE_3: typed('iac/tf-azure-cleartext-allowed', ...STORAGE_ACCOUNT),
  CKV_AZURE_44: typed('iac/tf-azure-tls-below-1-2', ...STORAGE_ACCOUNT),
  CKV_AZURE_34: one('iac/tf-azure-storage-container-public'),
  CKV_AZURE_190: one('iac/tf-azure-storage-public-access-allowed'),
  CKV_AZURE_35: typed('iac/tf-azure-network-default-allow', 'azurerm_storage_account', 'azurerm_storage_account_network_rules'),
  CKV_AZURE_110: one('iac/tf-azure-key-vault-no-purge-protection'),
  CKV_AZURE_42: one('iac/tf-azure-key-vault-no-purge-protection'),
  CKV_AZURE_109: typed('iac/tf-azure-network-default-allow', 'azurerm_key_vault'),
  CKV_AZURE_5: one('iac/tf-azure-aks-rbac-disabled'),
  CKV_AZURE_6: one('iac/tf-azure-aks-api-public'),
  CKV_AZURE_7: one('iac/tf-azure-aks-no-network-policy'),
  CKV_AZURE_141: one('iac/tf-azure-aks-local-accounts'),
  CKV_AZURE_14: typed('iac/tf-azure-app-service-http-allowed', ...APP_SERVICES),
  CKV_AZURE_78: typed('iac/tf-azure-app-service-ftp-allowed', ...APP_SERVICES),
  CKV_AZURE_72: typed('iac/tf-azure-app-service-remote-debugging', ...APP_SERVICES),
  CKV_AZURE_137: one('iac/tf-azure-acr-shared-access', /shared admin account/),
  CKV_AZURE_1: typed('iac/tf-azure-vm-password-auth', 'azurerm_virtual_machine', 'azurerm_linux_virtual_machine'),
  CKV_AZURE_149: typed('iac/tf-azure-vm-password-auth', 'azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set'),
  CKV_AZURE_13: typed('iac/tf-azure-app-service-auth-disabled', 'azurerm_app_service', 'azurerm_linux_web_app', 'azurerm_windows_web_app'),
  CKV_AZURE_56: typed('iac/tf-azure-app-service-auth-disabled', 'azurerm_function_app'),
  CKV_AZURE_40: typed('iac/tf-azure-key-vault-no-expiration', 'azurerm_key_vault_key'),
  CKV_AZURE_41: typed('iac/tf-azure-key-vault-no-expiration', 'azurerm_key_vault_secret'),
  // Whether the gateway's WAF is on, not its mode: a Detection-mode finding stays.
  CKV_AZURE_120: one('iac/tf-azure-waf-disabled', /has no web application firewall|turns its web application firewall off/, ['azurerm_application_gateway']),
  CKV_AZURE_121: typed('iac/tf-azure-waf-disabled', 'azurerm_frontdoor'),
  CKV_AZURE_8: one('iac/tf-azure-aks-dashboard-enabled'),
  CKV_AZURE_4: one('iac/tf-azure-aks-no-container-insights'),
  // Kubernetes (kubernetes_* resources, judged by the Kubernetes rules). Only checks whose case the
  // secloop hit is: not CKV_K8S_26 (hostPort: it reads the first container alone), CKV_K8S_15
  // (pull policy: it stops at the first container that passes), CKV_K8S_35 (secrets in env: it reads
  // the first env entry alone), CKV_K8S_22 (read-only root: it passes containers without a
  // securityContext) or CKV_K8S_28 (NET_RAW not dropped: secloop asks for ALL).
  CKV_K8S_16: one('iac/k8s-privileged-container', k8sContainer('runs privileged:'), K8S_PODS),
  CKV_K8S_17: typed('iac/k8s-host-pid', ...K8S_PODS),
  CKV_K8S_18: typed('iac/k8s-host-ipc', ...K8S_PODS),
  CKV_K8S_19: typed('iac/k8s-host-network', ...K8S_PODS),
  // An explicit allow_privilege_escalation = true: checkov passes a container that leaves it unset.
  CKV_K8S_20: one('iac/k8s-privilege-escalation', k8sContainer('sets allowPrivilegeEscalation: true\\.$'), K8S_PODS),
  // SYS_ADMIN added alone (a hit listing other capabilities too is not matched).
  CKV_K8S_39: one('iac/k8s-dangerous-capabilities', k8sContainer('adds SYS_ADMIN\\.$'), K8S_PODS),
  // The latest tag, or no tag, of an image named without a registry port (checkov reads the text after the first colon as the tag).
  CKV_K8S_14: one('iac/k8s-image-latest', k8sContainer("runs [^\\s:@]+(?::latest on the floating 'latest' tag| with no tag \\(latest\\));"), K8S_PODS),
  CKV_K8S_43: one('iac/k8s-image-without-digest', k8sContainer('runs \\S+ by tag only;'), K8S_PODS),
  // The Docker socket's own path, which checkov compares (not containerd's or CRI-O's, nor a directory).
  CKV_K8S_27: one('iac/k8s-docker-socket', / mounts the container runtime socket \/var\/run\/docker\.sock:/, [...K8S_PODS, 'kubernetes_daemonset', 'kubernetes_daemon_set_v1']),
  CKV_K8S_21: typed(
    'iac/k8s-default-namespace',
    ...K8S_PODS,
    ...['daemonset', 'daemon_set_v1', 'stateful_set', 'stateful_set_v1', 'replication_controller', 'replication_controller_v1', 'job', 'job_v1', 'cron_job', 'cron_job_v1'].map((t) => `kubernetes_${t}`),
    ...['service', 'service_v1', 'secret', 'secret_v1', 'service_account', 'service_account_v1', 'role_binding', 'role_binding_v1', 'config_map', 'config_map_v1', 'ingress', 'ingress_v1'].map((t) => `kubernetes_${t}`),
  ),
  CKV_K8S_42: typed('iac/k8s-default-service-account-binding', 'kubernetes_role_binding', 'kubernetes_role_binding_v1', 'kubernetes_cluster_role_binding', 'kubernetes_cluster_role_binding_v1'),
  CKV_K8S_49: typed('iac/k8s-rbac-wildcard', 'kubernetes_role', 'kubernetes_role_v1', 'kubernetes_cluster_role', 'kubernetes_cluster_role_v1'),
};

/**
 * Trivy checks (and tfsec's before them), by AVD id, with the long ids Trivy also matches
 * (trivy-checks, checks/cloud: `long_id` and `aliases`; tfsec's older long ids where the
 * check moved, aws-vpc-* to aws-ec2-*).
 */
const TRIVY_CHECKS: Array<{ avd: string; long: string[]; covers: TfCovered[] }> = [
  // AWS
  { avd: 'AVD-AWS-0107', long: ['aws-ec2-no-public-ingress-sgr', 'aws-vpc-no-public-ingress-sgr'], covers: typed(SG, ...SG_TYPES) },
  { avd: 'AVD-AWS-0105', long: ['aws-ec2-no-public-ingress-acl', 'aws-vpc-no-public-ingress-acl'], covers: one(NACL) },
  { avd: 'AVD-AWS-0173', long: ['aws-ec2-restrict-all-in-default-sg'], covers: one('iac/tf-aws-default-sg-allows-traffic') },
  { avd: 'AVD-AWS-0086', long: ['aws-s3-block-public-acls'], covers: one(BLOCK, blockSetting('block_public_acls')) },
  { avd: 'AVD-AWS-0087', long: ['aws-s3-block-public-policy'], covers: one(BLOCK, blockSetting('block_public_policy')) },
  { avd: 'AVD-AWS-0091', long: ['aws-s3-ignore-public-acls'], covers: one(BLOCK, blockSetting('ignore_public_acls')) },
  { avd: 'AVD-AWS-0093', long: ['aws-s3-no-public-buckets'], covers: one(BLOCK, blockSetting('restrict_public_buckets')) },
  { avd: 'AVD-AWS-0094', long: ['aws-s3-specify-public-access-block'], covers: one(BLOCK, /has no public access block\.$/) },
  { avd: 'AVD-AWS-0092', long: ['aws-s3-no-public-access-with-acl'], covers: one(ACL, /uses the \S+ ACL\.$/) },
  { avd: 'AVD-AWS-0089', long: ['aws-s3-enable-logging', 'aws-s3-enable-bucket-logging'], covers: typed('iac/tf-aws-s3-no-access-logging', 'aws_s3_bucket') },
  { avd: 'AVD-AWS-0090', long: ['aws-s3-enable-versioning'], covers: typed('iac/tf-aws-s3-no-versioning', 'aws_s3_bucket') },
  { avd: 'AVD-AWS-0039', long: ['aws-eks-encrypt-secrets'], covers: one('iac/tf-aws-no-customer-managed-key', EKS_SECRETS, ['aws_eks_cluster']) },
  { avd: 'AVD-AWS-0026', long: ['aws-ec2-enable-volume-encryption', 'aws-ebs-enable-volume-encryption'], covers: typed(EBS, 'aws_ebs_volume') },
  { avd: 'AVD-AWS-0131', long: ['aws-ec2-enable-at-rest-encryption'], covers: typed(EBS, 'aws_instance') },
  { avd: 'AVD-AWS-0008', long: ['aws-ec2-enable-launch-config-at-rest-encryption', 'aws-autoscaling-enable-at-rest-encryption'], covers: typed(EBS, 'aws_launch_configuration') },
  { avd: 'AVD-AWS-0028', long: ['aws-ec2-enforce-http-token-imds'], covers: typed(IMDS, 'aws_instance', 'aws_launch_template') },
  { avd: 'AVD-AWS-0130', long: ['aws-ec2-enforce-launch-config-http-token-imds'], covers: typed(IMDS, 'aws_launch_configuration', 'aws_launch_template') },
  { avd: 'AVD-AWS-0164', long: ['aws-ec2-no-public-ip-subnet', 'aws-vpc-no-public-ip-subnet'], covers: one('iac/tf-aws-subnet-public-ip') },
  { avd: 'AVD-AWS-0178', long: ['aws-ec2-require-vpc-flow-logs-for-all-vpcs'], covers: one('iac/tf-aws-vpc-no-flow-logs') },
  {
    avd: 'AVD-AWS-0029',
    long: ['aws-ec2-no-secrets-in-user-data'],
    covers: [{ rule: 'iac/tf-aws-ec2-static-credentials', types: ['aws_instance'] }, { rule: 'iac/tf-aws-hardcoded-credentials', only: USER_DATA_KEY, types: ['aws_instance'] }],
  },
  { avd: 'AVD-AWS-0057', long: ['aws-iam-no-policy-wildcards'], covers: [{ rule: ADMIN, only: EVERY_ACTION }, { rule: 'iac/tf-aws-iam-passrole-wildcard' }, { rule: 'iac/tf-aws-iam-service-wildcard', only: SERVICE_WILDCARD }] },
  { avd: 'AVD-AWS-0065', long: ['aws-kms-auto-rotate-keys'], covers: one('iac/tf-aws-kms-no-rotation') },
  { avd: 'AVD-AWS-0014', long: ['aws-cloudtrail-enable-all-regions'], covers: one('iac/tf-aws-cloudtrail-single-region') },
  { avd: 'AVD-AWS-0016', long: ['aws-cloudtrail-enable-log-validation'], covers: one('iac/tf-aws-cloudtrail-no-log-validation') },
  { avd: 'AVD-AWS-0015', long: ['aws-cloudtrail-encryption-customer-managed-key'], covers: one('iac/tf-aws-cloudtrail-not-encrypted') },
  { avd: 'AVD-AWS-0030', long: ['aws-ecr-enable-image-scans'], covers: one('iac/tf-aws-ecr-no-scan-on-push') },
  { avd: 'AVD-AWS-0031', long: ['aws-ecr-enforce-immutable-repository'], covers: one('iac/tf-aws-ecr-mutable-tags') },
  { avd: 'AVD-AWS-0054', long: ['aws-elb-http-not-used'], covers: typed(HTTP_LISTENER, ...LISTENERS) },
  { avd: 'AVD-AWS-0047', long: ['aws-elb-use-secure-tls-policy'], covers: typed(TLS, ...LISTENERS) },
  { avd: 'AVD-AWS-0052', long: ['aws-elb-drop-invalid-headers'], covers: one('iac/tf-aws-alb-keeps-invalid-headers') },
  { avd: 'AVD-AWS-0012', long: ['aws-cloudfront-enforce-https'], covers: one('iac/tf-aws-cloudfront-allows-http') },
  { avd: 'AVD-AWS-0013', long: ['aws-cloudfront-use-secure-tls-policy'], covers: one(TLS, VIEWER_TLS, ['aws_cloudfront_distribution']) },
  { avd: 'AVD-AWS-0180', long: ['aws-rds-enable-public-access'], covers: typed(PUBLIC, 'aws_db_instance', 'aws_rds_cluster_instance') },
  { avd: 'AVD-AWS-0082', long: ['aws-rds-no-public-db-access'], covers: typed(PUBLIC, 'aws_db_instance', 'aws_rds_cluster_instance') },
  { avd: 'AVD-AWS-0080', long: ['aws-rds-encrypt-instance-storage-data'], covers: typed(DATABASE, 'aws_db_instance') },
  { avd: 'AVD-AWS-0079', long: ['aws-rds-encrypt-cluster-storage-data'], covers: typed(DATABASE, 'aws_rds_cluster') },
  { avd: 'AVD-AWS-0076', long: ['aws-neptune-enable-storage-encryption'], covers: typed(DATABASE, 'aws_neptune_cluster') },
  { avd: 'AVD-AWS-0021', long: ['aws-documentdb-enable-storage-encryption'], covers: typed(DATABASE, 'aws_docdb_cluster') },
  { avd: 'AVD-AWS-0077', long: ['aws-rds-specify-backup-retention'], covers: typed(BACKUPS, 'aws_db_instance', 'aws_rds_cluster') },
  { avd: 'AVD-AWS-0024', long: ['aws-dynamodb-enable-recovery'], covers: typed(BACKUPS, 'aws_dynamodb_table') },
  { avd: 'AVD-AWS-0176', long: ['aws-rds-enable-iam-auth'], covers: typed('iac/tf-aws-db-no-iam-auth', 'aws_db_instance') },
  { avd: 'AVD-AWS-0048', long: ['aws-elasticsearch-enable-domain-encryption'], covers: one('iac/tf-aws-search-not-encrypted') },
  { avd: 'AVD-AWS-0043', long: ['aws-elasticsearch-enable-in-transit-encryption'], covers: one(TRANSIT, NODE_TO_NODE) },
  { avd: 'AVD-AWS-0046', long: ['aws-elasticsearch-enforce-https'], covers: one(TRANSIT, PLAIN_HTTP_ENDPOINT) },
  { avd: 'AVD-AWS-0051', long: ['aws-elasticache-enable-in-transit-encryption'], covers: one(TRANSIT, CACHE_TRANSIT, ['aws_elasticache_replication_group']) },
  { avd: 'AVD-AWS-0037', long: ['aws-efs-enable-at-rest-encryption'], covers: one('iac/tf-aws-efs-not-encrypted') },
  { avd: 'AVD-AWS-0095', long: ['aws-sns-enable-topic-encryption'], covers: typed(MESSAGING, 'aws_sns_topic') },
  { avd: 'AVD-AWS-0096', long: ['aws-sqs-enable-queue-encryption'], covers: typed(MESSAGING, 'aws_sqs_queue') },
  { avd: 'AVD-AWS-0073', long: ['aws-msk-enable-in-transit-encryption'], covers: one('iac/tf-aws-msk-plaintext') },
  { avd: 'AVD-AWS-0040', long: ['aws-eks-no-public-cluster-access'], covers: one('iac/tf-aws-eks-public-endpoint') },
  { avd: 'AVD-AWS-0041', long: ['aws-eks-no-public-cluster-access-to-cidr'], covers: one('iac/tf-aws-eks-public-endpoint') },
  // Google Cloud
  { avd: 'AVD-GCP-0071', long: ['google-compute-restrict-ssh-access'], covers: one(GCP_FIREWALL, onePort(22), ['google_compute_firewall']) },
  { avd: 'AVD-GCP-0070', long: ['google-compute-no-open-rdp-access'], covers: one(GCP_FIREWALL, onePort(3389), ['google_compute_firewall']) },
  { avd: 'AVD-GCP-0027', long: ['google-compute-no-public-ingress'], covers: typed(GCP_FIREWALL, 'google_compute_firewall') },
  { avd: 'AVD-GCP-0031', long: ['google-compute-no-public-ip'], covers: typed('iac/tf-gcp-instance-public-ip', ...GCP_INSTANCES) },
  { avd: 'AVD-GCP-0032', long: ['google-compute-no-serial-port'], covers: typed('iac/tf-gcp-instance-serial-port', ...GCP_INSTANCES) },
  { avd: 'AVD-GCP-0043', long: ['google-compute-no-ip-forwarding'], covers: typed('iac/tf-gcp-instance-ip-forwarding', ...GCP_INSTANCES) },
  { avd: 'AVD-GCP-0030', long: ['google-compute-no-project-wide-ssh-keys'], covers: typed('iac/tf-gcp-instance-project-ssh-keys', ...GCP_INSTANCES) },
  { avd: 'AVD-GCP-0036', long: ['google-compute-no-oslogin-override'], covers: typed('iac/tf-gcp-oslogin-disabled', ...GCP_INSTANCES) },
  { avd: 'AVD-GCP-0029', long: ['google-compute-enable-vpc-flow-logs'], covers: one('iac/tf-gcp-subnet-no-flow-logs') },
  { avd: 'AVD-GCP-0010', long: ['google-iam-no-default-network'], covers: one('iac/tf-gcp-project-default-network') },
  { avd: 'AVD-GCP-0011', long: ['google-iam-no-project-level-service-account-impersonation'], covers: typed('iac/tf-gcp-iam-impersonation-project-wide', ...GCP_PROJECT_IAM) },
  { avd: 'AVD-GCP-0069', long: ['google-iam-no-personal-emails'], covers: one('iac/tf-gcp-iam-personal-account') },
  { avd: 'AVD-GCP-0065', long: ['google-kms-rotate-kms-keys'], covers: one('iac/tf-gcp-kms-rotation') },
  { avd: 'AVD-GCP-0013', long: ['google-dns-enable-dnssec'], covers: one('iac/tf-gcp-dns-dnssec-off') },
  { avd: 'AVD-GCP-0012', long: ['google-dns-no-rsa-sha1'], covers: one('iac/tf-gcp-dns-dnssec-rsasha1') },
  { avd: 'AVD-GCP-0024', long: ['google-sql-enable-backup'], covers: one('iac/tf-gcp-sql-no-backup') },
  { avd: 'AVD-GCP-0015', long: ['google-sql-encrypt-in-transit-data'], covers: one('iac/tf-gcp-sql-ssl-not-enforced') },
  { avd: 'AVD-GCP-0017', long: ['google-sql-no-public-access'], covers: one('iac/tf-gcp-sql-open-to-internet') },
  { avd: 'AVD-GCP-0002', long: ['google-storage-enable-ubla'], covers: one('iac/tf-gcp-storage-uniform-access-off') },
  { avd: 'AVD-GCP-0001', long: ['google-storage-no-public-access'], covers: typed('iac/tf-gcp-public-access', 'google_storage_bucket_iam_member', 'google_storage_bucket_iam_binding', 'google_storage_bucket_iam_policy') },
  { avd: 'AVD-GCP-0077', long: ['google-storage-enable-bucket-logging'], covers: one('iac/tf-gcp-storage-no-access-logging') },
  { avd: 'AVD-GCP-0062', long: ['google-gke-use-rbac-permissions'], covers: one('iac/tf-gcp-gke-legacy-abac') },
  { avd: 'AVD-GCP-0064', long: ['google-gke-no-legacy-authentication'], covers: one('iac/tf-gcp-gke-legacy-auth') },
  { avd: 'AVD-GCP-0056', long: ['google-gke-enable-network-policy'], covers: one('iac/tf-gcp-gke-network-policy-off') },
  { avd: 'AVD-GCP-0061', long: ['google-gke-enable-master-networks'], covers: one('iac/tf-gcp-gke-public-control-plane', /without master_authorized_networks_config/) },
  { avd: 'AVD-GCP-0058', long: ['google-gke-enable-auto-upgrade'], covers: one('iac/tf-gcp-gke-auto-upgrade-off') },
  // Azure
  { avd: 'AVD-AZU-0047', long: ['azure-network-no-public-ingress'], covers: typed(NSG, ...NSG_TYPES) },
  { avd: 'AVD-AZU-0048', long: ['azure-network-disable-rdp-from-internet'], covers: one(NSG, onePort(3389), NSG_TYPES) },
  { avd: 'AVD-AZU-0050', long: ['azure-network-ssh-blocked-from-internet'], covers: one(NSG, onePort(22), NSG_TYPES) },
  { avd: 'AVD-AZU-0008', long: ['azure-storage-enforce-https'], covers: typed('iac/tf-azure-cleartext-allowed', ...STORAGE_ACCOUNT) },
  { avd: 'AVD-AZU-0011', long: ['azure-storage-use-secure-tls-policy'], covers: typed('iac/tf-azure-tls-below-1-2', ...STORAGE_ACCOUNT) },
  { avd: 'AVD-AZU-0007', long: ['azure-storage-no-public-access'], covers: one('iac/tf-azure-storage-container-public') },
  { avd: 'AVD-AZU-0012', long: ['azure-storage-default-action-deny'], covers: typed('iac/tf-azure-network-default-allow', 'azurerm_storage_account', 'azurerm_storage_account_network_rules') },
  { avd: 'AVD-AZU-0016', long: ['azure-keyvault-no-purge'], covers: one('iac/tf-azure-key-vault-no-purge-protection') },
  { avd: 'AVD-AZU-0013', long: ['azure-keyvault-specify-network-acl'], covers: typed('iac/tf-azure-network-default-allow', 'azurerm_key_vault') },
  { avd: 'AVD-AZU-0042', long: ['azure-container-use-rbac-permissions'], covers: one('iac/tf-azure-aks-rbac-disabled') },
  { avd: 'AVD-AZU-0041', long: ['azure-container-limit-authorized-ips'], covers: one('iac/tf-azure-aks-api-public') },
  { avd: 'AVD-AZU-0043', long: ['azure-container-configured-network-policy'], covers: one('iac/tf-azure-aks-no-network-policy') },
  { avd: 'AVD-AZU-0039', long: ['azure-compute-disable-password-authentication'], covers: one('iac/tf-azure-vm-password-auth') },
];

const TRIVY: Record<string, TfCovered[]> = Object.fromEntries(TRIVY_CHECKS.flatMap(({ avd, long, covers }) => [avd, ...long].map((id) => [id, covers] as const)));

export const TF_FOREIGN_CHECKS: Record<TfTool, Record<string, TfCovered[]>> = { checkov: CHECKOV, trivy: TRIVY };

/** How many checks of each tool are mapped (Trivy: by AVD id). */
export const TF_MAPPED_COUNTS = { checkov: Object.keys(CHECKOV).length, trivy: TRIVY_CHECKS.length };

/**
 * Bridgecrew ids that checkov takes in a skip comment for its own (`#bridgecrew:skip=BC_AWS_KUBERNETES_2`
 * skips CKV_AWS_39), as its guides name them; only those of checks mapped here.
 */
const BRIDGECREW_IDS: Record<string, string> = {
  BC_AWS_KUBERNETES_1: 'CKV_AWS_38',
  BC_AWS_KUBERNETES_2: 'CKV_AWS_39',
};

/**
 * The secloop rules (and cases of them) a foreign check covers; none for an id secloop has
 * no counterpart of. Trivy matches an AVD id in any case (`avd-aws-0088` as `AVD-AWS-0088`),
 * checkov a Bridgecrew id as the check it stands for.
 */
export function tfCoveredBy(tool: TfTool, id: string): TfCovered[] {
  const bridgecrew = tool === 'checkov' && Object.hasOwn(BRIDGECREW_IDS, id.toUpperCase()) ? BRIDGECREW_IDS[id.toUpperCase()]! : undefined;
  const key = tool === 'trivy' && /^avd-/i.test(id) ? id.toUpperCase() : (bridgecrew ?? id);
  return Object.hasOwn(TF_FOREIGN_CHECKS[tool], key) ? TF_FOREIGN_CHECKS[tool][key]! : [];
}
