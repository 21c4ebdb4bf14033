import { tfRule, type TfRule } from './common.js';
import { writtenPasswords, type PasswordPlace } from './written-passwords.js';

/** Where AWS resources take a master or user password: the types, the nested blocks on the way, and the argument's names. */
const PASSWORDS: readonly PasswordPlace[] = [
  { types: ['aws_db_instance'], path: [], names: ['password'] },
  { types: ['aws_rds_cluster', 'aws_docdb_cluster', 'aws_redshift_cluster'], path: [], names: ['master_password'] },
  { types: ['aws_redshiftserverless_namespace'], path: [], names: ['admin_user_password'] },
  { types: ['aws_dms_endpoint'], path: [], names: ['password'] },
  { types: ['aws_directory_service_directory'], path: [], names: ['password'] },
  { types: ['aws_elasticache_replication_group', 'aws_elasticache_cluster'], path: [], names: ['auth_token'] },
  { types: ['aws_mq_broker'], path: ['user'], names: ['password'] },
  { types: ['aws_opensearch_domain', 'aws_elasticsearch_domain'], path: ['advanced_security_options', 'master_user_options'], names: ['master_user_password'] },
];

const hardcodedPassword: TfRule = tfRule({
  id: 'iac/tf-aws-hardcoded-password',
  title: 'Database or service password written in the configuration',
  description:
    'The master password of an RDS instance or cluster, a DocumentDB or Redshift cluster or a Redshift Serverless namespace, the password of a DMS endpoint, a Directory Service directory or an Amazon MQ user, the AUTH token of an ElastiCache replication group or cluster, or the master user password of an OpenSearch domain\'s fine-grained access control, is a literal written in the configuration (in the resource, a variable\'s default, a local or a .tfvars file). It is in version control, in every clone and in the Terraform state: whoever reads them can log in to the database or service.',
  remediation:
    'Let AWS manage the password (manage_master_user_password = true for RDS, Aurora and Redshift, with Secrets Manager), or generate it (random_password, or an ephemeral value) and keep it in Secrets Manager; pass it as a sensitive variable without a default otherwise. Change a password that was committed: it stays in the history.',
  severity: 'high',
  cwe: ['CWE-798'],
  examples: {
    positive: [
      // AWSGoat's and terragoat's databases: a master password written in the resource.
      'resource "aws_db_instance" "db" {\n  identifier     = "orders"\n  engine         = "mysql"\n  instance_class = "db.t3.micro"\n  username       = "admin"\n  # expect\n  password       = "abc123-Pass-1234"\n}\n',
      // cloudgoat's scenarios: the password in a variable's default (medium).
      'variable "rds_password" {\n  default = "abc123-Db-Pass-5678"\n}\nresource "aws_rds_cluster" "db" {\n  cluster_identifier = "orders"\n  engine             = "aurora-postgresql"\n  master_username    = "app"\n  # expect\n  master_password    = var.rds_password\n}\n',
      'resource "aws_opensearch_domain" "search" {\n  domain_name = "search"\n  advanced_security_options {\n    enabled                        = true\n    internal_user_database_enabled = true\n    master_user_options {\n      master_user_name     = "admin"\n      # expect\n      master_user_password = "abc123-Search-9012"\n    }\n  }\n}\n',
    ],
    negative: [
      'resource "random_password" "db" {\n  length = 32\n}\nresource "aws_db_instance" "db" {\n  identifier     = "orders"\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n  username       = "app"\n  password       = random_password.db.result\n}\nresource "aws_rds_cluster" "db" {\n  cluster_identifier          = "orders"\n  engine                      = "aurora-postgresql"\n  master_username             = "app"\n  manage_master_user_password = true\n}\n',
      'variable "master_password" {\n  type      = string\n  sensitive = true\n}\nresource "aws_redshift_cluster" "dw" {\n  cluster_identifier = "dw"\n  node_type          = "ra3.xlplus"\n  master_username    = "admin"\n  master_password    = var.master_password\n}\nresource "aws_db_instance" "db" {\n  identifier     = "orders"\n  engine         = "mysql"\n  instance_class = "db.t3.micro"\n  username       = "admin"\n  password       = "<your-password>"\n}\n',
    ],
  },
  check: (input) => writtenPasswords(input, PASSWORDS),
});

export const awsPasswordRules: readonly TfRule[] = [hardcodedPassword];
