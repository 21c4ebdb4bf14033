/**
 * Well-known registry modules, described as the resources they create from their
 * inputs, so that the same rules that read `resource "aws_s3_bucket"` also read
 * `module "logs" { source = "terraform-aws-modules/s3-bucket/aws" }`. Only what the
 * rules need is described; everything else a module does is left out.
 *
 * Every fact here was read from the module's own variables.tf and main.tf at the
 * versions given. Module defaults that differ from the provider's are listed with the
 * releases they hold for: a configuration that pins a version gets that default, one
 * that admits releases with different defaults gets "unknown" (no finding either way).
 */
import { UNKNOWN, type Value } from '../hcl/evaluate.js';

/** What the rds module's instance and its db_instance submodule read: the same aws_db_instance, the same defaults. */
const RDS_INSTANCE = {
  attributes: ['engine', 'storage_encrypted', 'publicly_accessible', 'kms_key_id', 'replicate_source_db', 'snapshot_identifier', 'enabled_cloudwatch_logs_exports', 'iam_database_authentication_enabled', 'backup_retention_period'],
  defaults: { storage_encrypted: [{ versions: '>=4.0.0', value: true }] },
};

/** When a resource is created, from module inputs (a missing input counts as its module default). */
export type Condition =
  /** The input is given and is not null, "", [] or {} (e.g. `logging = { ... }`). */
  | { input: string; is: 'set' }
  /** The input is true; `otherwise` is the module default when the input is missing. */
  | { input: string; is: 'true'; otherwise: boolean }
  /** The input is false; `otherwise` is the answer when the input is missing. */
  | { input: string; is: 'false'; otherwise: boolean }
  /** The input is missing, or null, "", [] or {}. */
  | { input: string; is: 'unset' }
  /**
   * The configuration pins a version inside this semver range. When the admitted releases
   * may fall on either side, the answer is `otherwise` if given (the resource exists in
   * another form in the other releases, or only these releases accept the inputs it
   * needs), else the module is left alone.
   */
  | { versions: string; otherwise?: boolean };

/** A nested block built from a module input holding an object or a list of objects. */
export interface BlockInput {
  block: string;
  /** The module input; the block's name when omitted. */
  input?: string;
  /** Releases that build the block from this input; left out when the admitted releases may fall outside them. */
  versions?: string;
  /**
   * An empty object makes no block (the module tests `length(var.<input>) > 0`): in every
   * release when true, in these releases when a semver range; otherwise it makes a block of
   * defaults. When the admitted releases may fall either side, the module defaults of the
   * block's attributes are unknown.
   */
  emptyMakesNone?: boolean | string;
  /**
   * In `each` resources: each block made goes inside a block of this type made for it, with
   * these attributes (a listener's `redirect` object makes `default_action { type = "redirect" redirect { ... } }`).
   */
  wrap?: { block: string; fixed: Record<string, string | number | boolean> };
  /**
   * The input is a map of objects (`for_each = var.<input>` of a dynamic block), one block per
   * value, whose key goes to attribute `keyAs` when the object does not set it (`origin_id`).
   */
  mapValues?: { keyAs?: string };
}

/**
 * A policy the module builds with a `data "aws_iam_policy_document"` from a map (or a
 * list) of statement objects: sid, effect, actions, not_actions, resources,
 * not_resources, principals and not_principals (lists of { type, identifiers }), and
 * condition or conditions (lists of { test, variable, values }).
 */
export interface PolicyStatementsInput {
  /** The resource attribute that receives the document's JSON. */
  attribute: string;
  input: string;
  /** Resource of the module whose ARN a statement without resources applies to. */
  resourceDefault: string;
}

export interface VersionedDefault {
  /** Module releases (semver range) for which the module passes `value`; `*` for all. */
  versions: string;
  value: Value;
  /** In these releases the module passes this input, whose default is `value`. */
  input?: string;
  /**
   * Only for a block the module input made without this attribute of it, or with it null
   * (the alb module's access_logs.enabled follows whether a bucket is named in 5.x-8.x).
   */
  without?: string;
}

export interface ResourceSpec {
  type: string;
  name: string;
  when?: Condition[];
  /**
   * Resource attribute <- module input of the same name, or `[attribute, input]`; an
   * attribute of a nested block is written `block.attribute`, and a field of an object
   * input `input.field` (read when the object is written in place). When several inputs feed
   * one attribute (an input renamed between releases), the first one given wins.
   */
  attributes?: Array<string | [string, string]>;
  /** Resource nested block <- module input holding an object or a list of objects. */
  blocks?: Array<string | [string, string] | BlockInput>;
  /** Attribute holding a policy document built from statement objects. */
  policy?: PolicyStatementsInput;
  /**
   * No rule reads this resource's absence (a CORS configuration, a queue policy): when
   * its conditions or inputs cannot be read, it alone is left out, not the whole module.
   */
  optional?: boolean;
  /** Attribute that refers to another resource of the module: `{ bucket: 'aws_s3_bucket.this' }`. */
  refs?: Record<string, string>;
  /** Module defaults that differ from the provider's, per attribute or `block.attribute`. */
  defaults?: Record<string, VersionedDefault[]>;
  /**
   * One resource per object of this list input (`count = length(var.<input>)`), named
   * `<name>[<index>]`, or per object value of this map input (`for_each = var.<input>`), named
   * `<name>["<key>"]`: `attributes` and `blocks` are then fields of the object (`[attribute, field]`
   * when they differ), read on the object's own lines, and `defaults` stand for missing fields.
   * A missing, null or empty list or map makes none.
   */
  each?: string;
  /** Attribute values the module writes itself, whatever the inputs (`egress = false`). */
  fixed?: Record<string, string | number | boolean>;
}

export interface ModuleSpec {
  /** Registry address `namespace/name/provider`; the git form github.com/<namespace>/terraform-<provider>-<name> is recognised too. */
  source: string;
  /** A submodule of it, `db_instance` for `//modules/db_instance`: other submodules are not this entry. */
  submodule?: string;
  resources: ResourceSpec[];
  /** Modules that need more than a mapping of inputs (security group rules by name). */
  expand?: 'security-group-rules';
  /**
   * Inputs that the module uses nowhere but in the attributes `resources` map them to, in every
   * release that has them: what such an input names reaches no other resource of the module.
   */
  confined?: readonly string[];
}

/** The s3-bucket module's bucket is not a directory bucket (an input of 4.6.0 on, false by default). */
const NOT_DIRECTORY_BUCKET: Condition = { input: 'is_directory_bucket', is: 'false', otherwise: true };

/** Subnet tiers of the vpc module that may have a network ACL of their own. */
const NACL_TIERS = ['public', 'private', 'database', 'redshift', 'elasticache', 'intra', 'outpost'] as const;

/**
 * terraform-google-modules/network: one google_compute_firewall per object of the list
 * input `rules` of its firewall-rules submodule (the root module's `firewall_rules`, passed
 * on as is), its source ranges from `ranges` when the direction (INGRESS when left out) is
 * INGRESS; otherwise one per object of `ingress_rules`, which the module ignores when the
 * first list is not empty. Each `allow` object is an allow block.
 */
const googleNetworkFirewalls = (rules: string, submodule?: string): ModuleSpec => ({
  source: 'terraform-google-modules/network/google',
  ...(submodule ? { submodule } : {}),
  resources: [
    { type: 'google_compute_firewall', name: 'rules', each: rules, attributes: ['direction', 'disabled', ['source_ranges', 'ranges']], blocks: ['allow'], optional: true },
    {
      type: 'google_compute_firewall',
      name: 'rules_ingress_egress',
      when: [{ input: rules, is: 'unset' }],
      each: 'ingress_rules',
      fixed: { direction: 'INGRESS' },
      attributes: ['disabled', 'source_ranges'],
      blocks: ['allow'],
      optional: true,
    },
  ],
});
const GOOGLE_NETWORK_FIREWALLS = [googleNetworkFirewalls('firewall_rules'), googleNetworkFirewalls('rules', 'firewall-rules')];

/**
 * terraform-aws-modules/alb's listeners, on its aws_lb.this.
 *
 * 9.0.0 on: one aws_lb_listener.this per value of the map `listeners` (an input of 9.x only),
 * its protocol from the object or default_protocol ("HTTP"), one default_action per action
 * object it holds (a redirect from `redirect`), ssl_policy as given (the module's default for
 * HTTPS and TLS is a TLS 1.2+ policy in every release).
 *
 * 5.0.0-8.x: one listener per object of the lists `http_tcp_listeners` (protocol as given) and
 * `https_listeners` (protocol "HTTPS" unless given, ssl_policy from the object, else
 * listener_ssl_policy_default, whose default is ELBSecurityPolicy-2016-08 in every release), each
 * with one default_action of type `action_type` ("forward" when not given) and a redirect block
 * from the object's `redirect` map. 5.0.0-5.2.x forward whatever action_type says: read as 5.3.0
 * does, a redirect they ignore is a missed finding, not a false one. 3.x-4.x counted the lists with
 * http_tcp_listeners_count and https_listeners_count (0 by default): not read, and a call that sets
 * them is left to those releases when its version is not known.
 */
const ALB_LISTENERS: ResourceSpec[] = [
  {
    type: 'aws_lb_listener',
    name: 'this',
    when: [{ input: 'create', is: 'true', otherwise: true }, { input: 'putin_khuylo', is: 'true', otherwise: true }, { versions: '>=9.0.0', otherwise: true }],
    each: 'listeners',
    attributes: ['port', 'protocol', 'ssl_policy', 'certificate_arn'],
    blocks: [{ block: 'redirect', wrap: { block: 'default_action', fixed: { type: 'redirect' } } }],
    defaults: { protocol: [{ versions: '*', value: 'HTTP', input: 'default_protocol' }] },
    refs: { load_balancer_arn: 'aws_lb.this' },
    optional: true,
  },
  ...(
    [
      ['frontend_http_tcp', 'http_tcp_listeners', {}],
      ['frontend_https', 'https_listeners', { protocol: [{ versions: '*', value: 'HTTPS' }], ssl_policy: [{ versions: '*', value: 'ELBSecurityPolicy-2016-08', input: 'listener_ssl_policy_default' }] }],
    ] satisfies Array<[string, string, Record<string, VersionedDefault[]>]>
  ).map(
    ([name, list, defaults]): ResourceSpec => ({
      type: 'aws_lb_listener',
      name,
      when: [
        { input: 'create_lb', is: 'true', otherwise: true },
        { input: 'putin_khuylo', is: 'true', otherwise: true },
        { versions: '>=5.0.0 <9.0.0', otherwise: true },
        { input: `${list}_count`, is: 'unset' },
      ],
      each: list,
      attributes: ['port', 'protocol', 'ssl_policy', 'certificate_arn', ['default_action.type', 'action_type']],
      blocks: [{ block: 'default_action.redirect', input: 'redirect' }],
      defaults: { ...defaults, 'default_action.type': [{ versions: '*', value: 'forward' }] },
      refs: { load_balancer_arn: 'aws_lb.this' },
      optional: true,
    }),
  ),
];

export const MODULES: readonly ModuleSpec[] = [
  {
    source: 'terraform-aws-modules/s3-bucket/aws',
    resources: [
      {
        type: 'aws_s3_bucket',
        name: 'this',
        // A directory bucket (is_directory_bucket, 4.6.0 on) is an aws_s3_directory_bucket, with no
        // versioning, ACL, public access block or server access logging of its own.
        when: [{ input: 'create_bucket', is: 'true', otherwise: true }, NOT_DIRECTORY_BUCKET],
        attributes: ['bucket', 'object_lock_enabled'],
        // CORS rules were blocks of the bucket before 3.0.0: from the list `cors_rule_inputs`
        // in 0.0.1, from `cors_rule` (one object until 1.11.0, then a list) after. So was
        // versioning, from the `versioning` map ({ enabled = true }, enabled left null otherwise;
        // the list `versioning_inputs` in 0.0.1).
        blocks: [
          { block: 'cors_rule', input: 'cors_rule_inputs', versions: '<0.1.0' },
          { block: 'cors_rule', input: 'cors_rule', versions: '>=0.1.0 <3.0.0' },
          { block: 'versioning', input: 'versioning_inputs', versions: '<0.1.0' },
          { block: 'versioning', input: 'versioning', versions: '>=0.1.0 <3.0.0' },
        ],
      },
      {
        // From 3.0.0 a resource of its own when `versioning` is not empty, its status from the map's
        // `enabled` (or `status`): read in this form when the version is not known, as CORS is.
        type: 'aws_s3_bucket_versioning',
        name: 'this',
        when: [
          { input: 'create_bucket', is: 'true', otherwise: true },
          NOT_DIRECTORY_BUCKET,
          { versions: '>=3.0.0', otherwise: true },
          { input: 'versioning', is: 'set' },
        ],
        blocks: [{ block: 'versioning_configuration', input: 'versioning' }],
        refs: { bucket: 'aws_s3_bucket.this' },
      },
      {
        // From 3.0.0 a resource of its own, one cors_rule block per entry of `cors_rule`
        // (not made for directory buckets, 4.6.0 on). Every release applies the same rules,
        // so when the version is not known they are read in this form.
        type: 'aws_s3_bucket_cors_configuration',
        name: 'this',
        when: [
          { input: 'create_bucket', is: 'true', otherwise: true },
          { versions: '>=3.0.0', otherwise: true },
          NOT_DIRECTORY_BUCKET,
          { input: 'cors_rule', is: 'set' },
        ],
        blocks: [{ block: 'cors_rule', input: 'cors_rule' }],
        refs: { bucket: 'aws_s3_bucket.this' },
        optional: true,
      },
      { type: 'aws_s3_bucket_acl', name: 'this', when: [{ input: 'create_bucket', is: 'true', otherwise: true }, NOT_DIRECTORY_BUCKET, { input: 'acl', is: 'set' }], attributes: ['acl'], refs: { bucket: 'aws_s3_bucket.this' } },
      {
        type: 'aws_s3_bucket_public_access_block',
        name: 'this',
        when: [{ input: 'create_bucket', is: 'true', otherwise: true }, NOT_DIRECTORY_BUCKET, { input: 'attach_public_policy', is: 'true', otherwise: true }],
        attributes: ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'],
        refs: { bucket: 'aws_s3_bucket.this' },
        // Before 3.9.0 the module passed false, which is also the provider's default.
        defaults: {
          block_public_acls: [{ versions: '>=3.9.0', value: true }],
          block_public_policy: [{ versions: '>=3.9.0', value: true }],
          ignore_public_acls: [{ versions: '>=3.9.0', value: true }],
          restrict_public_buckets: [{ versions: '>=3.9.0', value: true }],
        },
      },
      // The bucket it logs to, from `logging = { target_bucket = ... }`: that bucket is a log target.
      { type: 'aws_s3_bucket_logging', name: 'this', when: [{ input: 'create_bucket', is: 'true', otherwise: true }, NOT_DIRECTORY_BUCKET, { input: 'logging', is: 'set' }], attributes: [['target_bucket', 'logging.target_bucket']], refs: { bucket: 'aws_s3_bucket.this' } },
      {
        type: 'aws_s3_bucket_server_side_encryption_configuration',
        name: 'this',
        when: [{ input: 'create_bucket', is: 'true', otherwise: true }, { input: 'server_side_encryption_configuration', is: 'set' }],
        refs: { bucket: 'aws_s3_bucket.this' },
      },
      // The `policy` input is attached only with attach_policy = true (from 1.4.0; before, whenever
      // it was given, as the bucket's own policy attribute until 1.2.0: the same policy either way).
      ...[
        [{ input: 'attach_policy', is: 'true', otherwise: false }],
        [{ input: 'attach_policy', is: 'unset' }, { input: 'policy', is: 'set' }, { versions: '<1.4.0', otherwise: false }],
      ].map(
        (attached): ResourceSpec => ({
          type: 'aws_s3_bucket_policy',
          name: 'this',
          when: [{ input: 'create_bucket', is: 'true', otherwise: true }, ...(attached as Condition[])],
          attributes: ['policy'],
          refs: { bucket: 'aws_s3_bucket.this' },
        }),
      ),
    ],
  },
  {
    source: 'terraform-aws-modules/security-group/aws',
    resources: [],
    expand: 'security-group-rules',
  },
  {
    source: 'terraform-aws-modules/ec2-instance/aws',
    resources: [
      {
        type: 'aws_instance',
        name: 'this',
        when: [{ input: 'create', is: 'true', otherwise: true }],
        // subnet_id, network_interface and launch_template only matter by being there (the instance is then not in the default VPC).
        // The image (ami, else from 5.0.0 the public SSM parameter ami_ssm_parameter names) decides
        // IMDSv2 when no metadata_options block is made.
        attributes: ['associate_public_ip_address', 'user_data', 'user_data_base64', 'iam_instance_profile', 'subnet_id', 'network_interface', 'launch_template', 'ami', ['ami', 'ami_ssm_parameter']],
        // metadata_options (2.16.0 on): {} makes no block in 2.x and 5.x (`length(...) > 0`), a block
        // of the module's defaults in 3.x-4.x (`!= null`) and 6.x (an object of optional attributes).
        blocks: [{ block: 'metadata_options', emptyMakesNone: '>=2.16.0 <3.0.0 || >=5.0.0 <6.0.0' }, 'root_block_device', 'ebs_block_device'],
        defaults: {
          // A block the module makes says http_tokens = "optional" unless told otherwise before 5.8.0 (3.x-4.x
          // make one by default), "required" from 5.8.0; 2.x makes none by default and leaves a given map's out.
          'metadata_options.http_tokens': [
            { versions: '>=3.0.0 <5.8.0', value: 'optional' },
            { versions: '>=5.8.0', value: 'required' },
          ],
          // 6.0.0 made Amazon Linux 2023 (which requires IMDSv2) the default image, Amazon Linux 2 before.
          ami: [{ versions: '>=6.0.0', value: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', input: 'ami_ssm_parameter' }],
        },
      },
    ],
  },
  {
    source: 'terraform-aws-modules/vpc/aws',
    resources: [
      { type: 'aws_vpc', name: 'this', when: [{ input: 'create_vpc', is: 'true', otherwise: true }] },
      {
        type: 'aws_subnet',
        name: 'public',
        when: [{ input: 'create_vpc', is: 'true', otherwise: true }, { input: 'public_subnets', is: 'set' }],
        attributes: ['map_public_ip_on_launch'],
        defaults: { map_public_ip_on_launch: [{ versions: '<4.0.0', value: true }] },
        // Subnets are often a for expression over the availability zones, which cannot be read.
        optional: true,
      },
      { type: 'aws_flow_log', name: 'this', when: [{ input: 'create_vpc', is: 'true', otherwise: true }, { input: 'enable_flow_log', is: 'true', otherwise: false }], refs: { vpc_id: 'aws_vpc.this' } },
      // The VPC's default security group, adopted with manage_default_security_group (true by
      // default from 4.0.0) and given only the rules of default_security_group_ingress/egress
      // (none by default): left at its defaults, the module empties it.
      {
        type: 'aws_default_security_group',
        name: 'this',
        when: [{ input: 'create_vpc', is: 'true', otherwise: true }, { input: 'manage_default_security_group', is: 'true', otherwise: false }],
        blocks: [['ingress', 'default_security_group_ingress'], ['egress', 'default_security_group_egress']],
        refs: { vpc_id: 'aws_vpc.this' },
        optional: true,
      },
      {
        type: 'aws_default_security_group',
        name: 'this',
        when: [{ input: 'create_vpc', is: 'true', otherwise: true }, { input: 'manage_default_security_group', is: 'unset' }, { versions: '>=4.0.0', otherwise: false }],
        blocks: [['ingress', 'default_security_group_ingress'], ['egress', 'default_security_group_egress']],
        refs: { vpc_id: 'aws_vpc.this' },
        optional: true,
      },
      // Network ACLs (1.60.0 on): each subnet tier given subnets and <tier>_dedicated_network_acl = true
      // (false by default) gets an ACL of its own and one aws_network_acl_rule per object of
      // <tier>_inbound_acl_rules (by default one rule allowing everything, which no rule reports).
      ...NACL_TIERS.map(
        (tier): ResourceSpec => ({
          type: 'aws_network_acl_rule',
          name: `${tier}_inbound`,
          when: [
            { input: 'create_vpc', is: 'true', otherwise: true },
            { input: `${tier}_subnets`, is: 'set' },
            { input: `${tier}_dedicated_network_acl`, is: 'true', otherwise: false },
          ],
          each: `${tier}_inbound_acl_rules`,
          fixed: { egress: false },
          attributes: ['rule_number', 'rule_action', 'protocol', 'from_port', 'to_port', 'cidr_block', 'ipv6_cidr_block'],
          refs: { network_acl_id: `aws_network_acl.${tier}` },
          optional: true,
        }),
      ),
      // The VPC's default network ACL, adopted with manage_default_network_acl (false before 4.0.0,
      // true from it), its ingress blocks from default_network_acl_ingress (by default rules
      // allowing everything: the ACL is only read here when the input is given).
      ...[
        [{ input: 'manage_default_network_acl', is: 'true', otherwise: false }],
        [{ input: 'manage_default_network_acl', is: 'unset' }, { versions: '>=4.0.0', otherwise: false }],
      ].map(
        (adopted): ResourceSpec => ({
          type: 'aws_default_network_acl',
          name: 'this',
          when: [{ input: 'create_vpc', is: 'true', otherwise: true }, ...(adopted as Condition[]), { input: 'default_network_acl_ingress', is: 'set' }],
          blocks: [['ingress', 'default_network_acl_ingress']],
          optional: true,
        }),
      ),
    ],
  },
  {
    // The flow log submodule (6.3.0 on): a flow log of the VPC, subnet, interface or transit gateway it is given.
    source: 'terraform-aws-modules/vpc/aws',
    submodule: 'flow-log',
    resources: [{ type: 'aws_flow_log', name: 'this', when: [{ input: 'create', is: 'true', otherwise: true }], attributes: ['vpc_id', 'subnet_id', 'eni_id'] }],
  },
  {
    source: 'terraform-aws-modules/alb/aws',
    // security_groups goes to aws_lb.this alone (5.0.0 on; 9.0.0 on, after the module's own group).
    confined: ['security_groups'],
    resources: [
      {
        type: 'aws_lb',
        name: 'this',
        // create (9.0.0 on), create_lb (5.x-8.x), create_alb (3.6.0-4.x), all true by default.
        when: [{ input: 'create', is: 'true', otherwise: true }, { input: 'create_lb', is: 'true', otherwise: true }, { input: 'create_alb', is: 'true', otherwise: true }],
        attributes: ['load_balancer_type', 'drop_invalid_header_fields', 'internal', 'security_groups'],
        // From 5.0.0 access logs come from the `access_logs` object, enabled unless it says
        // otherwise (5.x-8.x: only when it names a bucket, else `enabled` defaults to false;
        // 9.x requires the bucket). Before, logging went by release: 1.x logged
        // when log_bucket was not empty; 2.x by enable_logging (false by default); 3.0-3.3 always;
        // 3.4-4.x unless logging_enabled = false (which makes the load balancer without access_logs).
        // {} makes no block (`length(...) > 0`, or of its keys, in every release that has the input).
        blocks: [{ block: 'access_logs', input: 'access_logs', emptyMakesNone: true }],
        // drop_invalid_header_fields: introduced in 5.2.0 with false (the provider's default); true from 9.0.0.
        defaults: {
          drop_invalid_header_fields: [{ versions: '>=9.0.0', value: true }],
          'access_logs.enabled': [
            { versions: '<2.0.0', value: UNKNOWN },
            { versions: '>=2.0.0 <3.0.0', value: false, input: 'enable_logging' },
            { versions: '>=3.0.0 <3.4.0', value: true },
            { versions: '>=3.4.0 <5.0.0', value: true, input: 'logging_enabled' },
            { versions: '>=5.0.0 <9.0.0', value: false, without: 'bucket' },
          ],
        },
      },
      ...ALB_LISTENERS,
    ],
  },
  {
    source: 'terraform-aws-modules/rds/aws',
    resources: [
      {
        type: 'aws_db_instance',
        name: 'this',
        when: [{ input: 'create_db_instance', is: 'true', otherwise: true }],
        ...RDS_INSTANCE,
      },
    ],
  },
  {
    // The instance alone, which the module above calls with create = create_db_instance (same
    // inputs and defaults; releases before 4.0.0 made MSSQL instances as aws_db_instance.this_mssql).
    source: 'terraform-aws-modules/rds/aws',
    submodule: 'db_instance',
    resources: [
      {
        type: 'aws_db_instance',
        name: 'this',
        when: [{ input: 'create', is: 'true', otherwise: true }],
        ...RDS_INSTANCE,
      },
    ],
  },
  {
    source: 'terraform-aws-modules/eks/aws',
    resources: [
      {
        type: 'aws_eks_cluster',
        name: 'this',
        // `create` from 18.0.0, `create_eks` (8.0.0-17.x) before it.
        when: [{ input: 'create', is: 'true', otherwise: true }, { input: 'create_eks', is: 'true', otherwise: true }],
        // 21.0.0 renamed the inputs (cluster_endpoint_* -> endpoint_*); public access is off by default from 19.0.0.
        attributes: [
          ['vpc_config.endpoint_public_access', 'cluster_endpoint_public_access'],
          ['vpc_config.endpoint_public_access', 'endpoint_public_access'],
          ['vpc_config.public_access_cidrs', 'cluster_endpoint_public_access_cidrs'],
          ['vpc_config.public_access_cidrs', 'endpoint_public_access_cidrs'],
          ['vpc_config.endpoint_private_access', 'cluster_endpoint_private_access'],
          ['vpc_config.endpoint_private_access', 'endpoint_private_access'],
          ['enabled_cluster_log_types', 'cluster_enabled_log_types'],
          ['enabled_cluster_log_types', 'enabled_log_types'],
        ],
        // Envelope encryption of Secrets: from the list cluster_encryption_config (empty by default)
        // before 19.0.0; from 19.0.0 an object that defaults to { resources = ["secrets"] }, with a
        // KMS key the module creates (create_kms_key, true by default), turned off with {} (19.x-20.x)
        // and, once renamed encryption_config in 21.0.0, with null ({} there takes the defaults).
        blocks: [
          { block: 'encryption_config', input: 'cluster_encryption_config', emptyMakesNone: true },
          { block: 'encryption_config', input: 'encryption_config' },
        ],
        defaults: {
          'vpc_config.endpoint_public_access': [{ versions: '>=19.0.0', value: false }],
          'encryption_config.resources': [{ versions: '>=19.0.0', value: ['secrets'] }],
          // No control plane logs before 18.0.0; audit, api and authenticator from it.
          enabled_cluster_log_types: [
            { versions: '<18.0.0', value: [] },
            { versions: '>=18.0.0', value: ['audit', 'api', 'authenticator'] },
          ],
        },
      },
    ],
  },
  {
    source: 'terraform-aws-modules/lambda/aws',
    resources: [
      {
        // The function (not made when the module makes a layer only); its runtime is passed for Zip packages only.
        type: 'aws_lambda_function',
        name: 'this',
        when: [
          { input: 'create', is: 'true', otherwise: true },
          { input: 'create_function', is: 'true', otherwise: true },
          { input: 'create_layer', is: 'false', otherwise: true },
        ],
        attributes: ['runtime', 'package_type'],
      },
    ],
  },
  {
    source: 'terraform-aws-modules/autoscaling/aws',
    resources: [
      // A launch configuration from these inputs: by default before 4.0.0 (create_lc, true from 2.0.0; 1.x
      // had no such input), and with create_lc = true in 4.0.0-5.0.x (the input's last releases).
      ...[
        [{ input: 'create_lc', is: 'true', otherwise: false }],
        [{ input: 'create_lc', is: 'unset' }, { versions: '<4.0.0' }],
      ].map(
        (when): ResourceSpec => ({
          type: 'aws_launch_configuration',
          name: 'this',
          when: when as Condition[],
          attributes: ['image_id', 'associate_public_ip_address', 'user_data', 'user_data_base64', 'root_block_device', 'ebs_block_device'],
          // An input of 4.0.0 on (null by default: no block).
          blocks: ['metadata_options'],
        }),
      ),
      // The module's own launch template (4.0.0 on): with create_lt = true in 4.0.0-5.0.x, by default
      // (create_launch_template) from 5.1.0. Its user data is user_data_base64 before 6.0.0, user_data
      // from it (base64 either way). metadata_options makes no block when null (the default before
      // 6.0.0) and none when {} in 6.x-8.x (the default there), a block with the provider's defaults
      // otherwise; 9.0.0 made it an object whose http_tokens defaults to "required", as does the input's default.
      // Public addresses come from network_interfaces, volumes from block_device_mappings (ebs objects).
      ...[
        { when: [{ input: 'create_lt', is: 'true', otherwise: false }, { versions: '>=4.0.0 <5.1.0' }], userData: 'user_data_base64' },
        { when: [{ input: 'create_launch_template', is: 'true', otherwise: true }, { versions: '>=5.1.0 <6.0.0' }], userData: 'user_data_base64' },
        { when: [{ input: 'create_launch_template', is: 'true', otherwise: true }, { versions: '>=6.0.0' }], userData: 'user_data' },
      ].map(
        ({ when, userData }): ResourceSpec => ({
          type: 'aws_launch_template',
          name: 'this',
          when: when as Condition[],
          attributes: ['image_id', ['user_data', userData]],
          blocks: ['metadata_options', 'network_interfaces', 'block_device_mappings'],
          defaults: { 'metadata_options.http_tokens': [{ versions: '>=9.0.0', value: 'required' }] },
          // Left out alone when the releases admitted may or may not make it.
          optional: true,
        }),
      ),
    ],
  },
  {
    source: 'terraform-aws-modules/sqs/aws',
    resources: [
      {
        type: 'aws_sqs_queue',
        name: 'this',
        when: [{ input: 'create', is: 'true', otherwise: true }],
        attributes: ['kms_master_key_id', 'sqs_managed_sse_enabled', 'policy'],
        // 3.4.0 added sqs_managed_sse_enabled with false, passed as is; 3.5.0 passes null for
        // false (the service default, SSE-SQS, applies); 4.0.0 turned it on.
        defaults: { sqs_managed_sse_enabled: [{ versions: '>=3.4.0 <3.5.0', value: false }, { versions: '>=4.0.0', value: true }] },
      },
      // From 4.0.0 (which dropped the `policy` input) the queue policy is built from
      // queue_policy_statements when create_queue_policy is true; documents given in
      // override_queue_policy_documents may replace those statements.
      {
        type: 'aws_sqs_queue_policy',
        name: 'this',
        when: [
          { input: 'create', is: 'true', otherwise: true },
          { versions: '>=4.0.0', otherwise: true },
          { input: 'create_queue_policy', is: 'true', otherwise: false },
          { input: 'override_queue_policy_documents', is: 'unset' },
        ],
        policy: { attribute: 'policy', input: 'queue_policy_statements', resourceDefault: 'aws_sqs_queue.this' },
        refs: { queue_url: 'aws_sqs_queue.this' },
        optional: true,
      },
      {
        type: 'aws_sqs_queue_policy',
        name: 'dlq',
        when: [
          { input: 'create', is: 'true', otherwise: true },
          { versions: '>=4.0.0', otherwise: true },
          { input: 'create_dlq', is: 'true', otherwise: false },
          { input: 'create_dlq_queue_policy', is: 'true', otherwise: false },
          { input: 'override_dlq_queue_policy_documents', is: 'unset' },
        ],
        policy: { attribute: 'policy', input: 'dlq_queue_policy_statements', resourceDefault: 'aws_sqs_queue.dlq' },
        refs: { queue_url: 'aws_sqs_queue.dlq' },
        optional: true,
      },
    ],
  },
  ...GOOGLE_NETWORK_FIREWALLS,
  {
    // Every release passes storage_encrypted (true by default since 1.0.0); IAM authentication is
    // off unless asked for (an input from 1.9.0), and no logs are exported by default.
    source: 'terraform-aws-modules/rds-aurora/aws',
    resources: [
      {
        type: 'aws_rds_cluster',
        name: 'this',
        // create_cluster (2.29.0-7.x), create (8.0.0 on), putin_khuylo (6.2.0 on): true by default.
        when: [{ input: 'create_cluster', is: 'true', otherwise: true }, { input: 'create', is: 'true', otherwise: true }, { input: 'putin_khuylo', is: 'true', otherwise: true }],
        attributes: ['engine', 'engine_mode', 'storage_encrypted', 'iam_database_authentication_enabled', 'enabled_cloudwatch_logs_exports', 'snapshot_identifier', 'replication_source_identifier'],
        defaults: { storage_encrypted: [{ versions: '*', value: true }] },
      },
      {
        // From 6.0.0 one instance per value of the map `instances` (none for Serverless v1), public when
        // the object says so or (6.x-9.x) when the module input publicly_accessible does (null by default).
        // Before 6.0.0 instances were counted (replica_count): not read.
        type: 'aws_rds_cluster_instance',
        name: 'this',
        when: [
          { input: 'create_cluster', is: 'true', otherwise: true },
          { input: 'create', is: 'true', otherwise: true },
          { input: 'putin_khuylo', is: 'true', otherwise: true },
          { versions: '>=6.0.0', otherwise: true },
        ],
        each: 'instances',
        attributes: ['publicly_accessible'],
        defaults: { publicly_accessible: [{ versions: '>=6.0.0 <10.0.0', value: null, input: 'publicly_accessible' }] },
        refs: { cluster_identifier: 'aws_rds_cluster.this' },
        optional: true,
      },
    ],
  },
  {
    // Point-in-time recovery from point_in_time_recovery_enabled (false by default in every release),
    // on the table the module makes: `this`, or with autoscaling_enabled (2.0.0 on) `autoscaled`, or
    // with ignore_changes_global_secondary_index too (4.0.0 on) `autoscaled_gsi_ignore`.
    source: 'terraform-aws-modules/dynamodb-table/aws',
    resources: (
      [
        ['this', [{ input: 'autoscaling_enabled', is: 'false', otherwise: true }]],
        ['autoscaled', [{ input: 'autoscaling_enabled', is: 'true', otherwise: false }, { input: 'ignore_changes_global_secondary_index', is: 'false', otherwise: true }]],
        ['autoscaled_gsi_ignore', [{ input: 'autoscaling_enabled', is: 'true', otherwise: false }, { input: 'ignore_changes_global_secondary_index', is: 'true', otherwise: false }]],
      ] satisfies Array<[string, Condition[]]>
    ).map(
      ([name, when]): ResourceSpec => ({
        type: 'aws_dynamodb_table',
        name,
        when: [{ input: 'create_table', is: 'true', otherwise: true }, ...when],
        attributes: [['point_in_time_recovery.enabled', 'point_in_time_recovery_enabled']],
      }),
    ),
  },
  {
    // The key (not made with create_external, create_replica or create_replica_external); rotation
    // is on by default in every release.
    source: 'terraform-aws-modules/kms/aws',
    resources: [
      {
        type: 'aws_kms_key',
        name: 'this',
        when: [
          { input: 'create', is: 'true', otherwise: true },
          { input: 'create_external', is: 'false', otherwise: true },
          { input: 'create_replica', is: 'false', otherwise: true },
          { input: 'create_replica_external', is: 'false', otherwise: true },
        ],
        attributes: ['enable_key_rotation', 'customer_master_key_spec'],
        defaults: { enable_key_rotation: [{ versions: '*', value: true }] },
      },
    ],
  },
  {
    // kms_master_key_id from 2.0.0 (null by default: not encrypted); 1.x passed none.
    source: 'terraform-aws-modules/sns/aws',
    resources: [
      {
        type: 'aws_sns_topic',
        name: 'this',
        // create_sns_topic before 5.0.0, create from it.
        when: [{ input: 'create_sns_topic', is: 'true', otherwise: true }, { input: 'create', is: 'true', otherwise: true }],
        attributes: ['kms_master_key_id'],
      },
    ],
  },
  {
    // The distribution's viewer certificate, cache behaviors and origins (a map of objects keyed
    // by origin_id), each written from its input object. minimum_protocol_version defaults to
    // "TLSv1" before 6.0.0, the provider's own default (left unset here, which the rules read
    // alike), and to "TLSv1.2_2025" from 6.0.0.
    source: 'terraform-aws-modules/cloudfront/aws',
    resources: [
      {
        type: 'aws_cloudfront_distribution',
        name: 'this',
        // create_distribution before 6.0.0, create from it.
        when: [{ input: 'create_distribution', is: 'true', otherwise: true }, { input: 'create', is: 'true', otherwise: true }],
        blocks: ['viewer_certificate', 'default_cache_behavior', 'ordered_cache_behavior', { block: 'origin', mapValues: { keyAs: 'origin_id' } }],
        defaults: { 'viewer_certificate.minimum_protocol_version': [{ versions: '>=6.0.0', value: 'TLSv1.2_2025' }] },
      },
    ],
  },
  {
    // Memorystore for Redis: auth_enabled from 3.0.0 (false by default; earlier releases passed none,
    // the provider's false); transit_encryption_mode from 4.0.0, "SERVER_AUTHENTICATION" by default
    // (earlier releases passed none, the provider's DISABLED).
    source: 'terraform-google-modules/memorystore/google',
    resources: [
      {
        type: 'google_redis_instance',
        name: 'default',
        attributes: ['auth_enabled', 'transit_encryption_mode'],
        defaults: { transit_encryption_mode: [{ versions: '>=4.0.0', value: 'SERVER_AUTHENTICATION' }] },
      },
    ],
  },
  {
    // Redis Cluster (8.0.0 on): both settings passed as given, off by default as in the provider.
    source: 'terraform-google-modules/memorystore/google',
    submodule: 'redis-cluster',
    resources: [{ type: 'google_redis_cluster', name: 'redis_cluster', attributes: ['authorization_mode', 'transit_encryption_mode'] }],
  },
  {
    // Memorystore for Valkey (11.1.0 on): both settings passed as given, off by default as in the provider.
    source: 'terraform-google-modules/memorystore/google',
    submodule: 'valkey',
    resources: [{ type: 'google_memorystore_instance', name: 'valkey_cluster', attributes: ['authorization_mode', 'transit_encryption_mode'] }],
  },
  {
    // Encrypted by default in every release, with the key of kms_key_arn.
    source: 'terraform-aws-modules/efs/aws',
    resources: [
      {
        type: 'aws_efs_file_system',
        name: 'this',
        when: [{ input: 'create', is: 'true', otherwise: true }],
        attributes: ['encrypted', ['kms_key_id', 'kms_key_arn']],
        defaults: { encrypted: [{ versions: '*', value: true }] },
      },
    ],
  },
];

/**
 * Security group rules the security-group module knows by name (`ingress_rules =
 * ["ssh-tcp"]`): from port, to port and protocol. Only rules whose ports matter to the
 * port catalogue are listed; names of the form `<service>-<port>-<tcp|udp>` are read
 * from the name itself, and an unknown name opens ports secloop cannot tell.
 */
export const NAMED_RULES: Readonly<Record<string, readonly [number, number, string]>> = {
  'all-all': [-1, -1, '-1'],
  'all-tcp': [0, 65535, 'tcp'],
  'all-udp': [0, 65535, 'udp'],
  'ssh-tcp': [22, 22, 'tcp'],
  'rdp-tcp': [3389, 3389, 'tcp'],
  'rdp-udp': [3389, 3389, 'udp'],
  'mysql-tcp': [3306, 3306, 'tcp'],
  'postgresql-tcp': [5432, 5432, 'tcp'],
  'mssql-tcp': [1433, 1433, 'tcp'],
  'mssql-udp': [1434, 1434, 'udp'],
  'mssql-analytics-tcp': [2383, 2383, 'tcp'],
  'mssql-broker-tcp': [4022, 4022, 'tcp'],
  'oracle-db-tcp': [1521, 1521, 'tcp'],
  'redis-tcp': [6379, 6379, 'tcp'],
  'memcached-tcp': [11211, 11211, 'tcp'],
  'elasticsearch-rest-tcp': [9200, 9200, 'tcp'],
  'elasticsearch-java-tcp': [9300, 9300, 'tcp'],
  'cassandra-clients-tcp': [9042, 9042, 'tcp'],
  'cassandra-thrift-clients-tcp': [9160, 9160, 'tcp'],
  'cassandra-jmx-tcp': [7199, 7199, 'tcp'],
  'etcd-client-tcp': [2379, 2379, 'tcp'],
  'etcd-peer-tcp': [2380, 2380, 'tcp'],
  'kubernetes-api-tcp': [6443, 6443, 'tcp'],
  'ldap-tcp': [389, 389, 'tcp'],
  'ldaps-tcp': [636, 636, 'tcp'],
  'nfs-tcp': [2049, 2049, 'tcp'],
  'kafka-broker-tcp': [9092, 9092, 'tcp'],
  'kafka-broker-tls-tcp': [9094, 9094, 'tcp'],
  'kafka-broker-tls-public-tcp': [9194, 9194, 'tcp'],
  'kafka-broker-sasl-scram-tcp': [9096, 9096, 'tcp'],
  'kafka-broker-sasl-scram-public-tcp': [9196, 9196, 'tcp'],
  'kafka-broker-sasl-iam-tcp': [9098, 9098, 'tcp'],
  'kafka-broker-sasl-iam-public-tcp': [9198, 9198, 'tcp'],
  'kafka-jmx-exporter-tcp': [11001, 11001, 'tcp'],
  'kafka-node-exporter-tcp': [11002, 11002, 'tcp'],
  'kibana-tcp': [5601, 5601, 'tcp'],
  'consul-webui-http-tcp': [8500, 8500, 'tcp'],
  'docker-swarm-mngmt-tcp': [2377, 2377, 'tcp'],
  'winrm-http-tcp': [5985, 5985, 'tcp'],
  'winrm-https-tcp': [5986, 5986, 'tcp'],
  'smtp-tcp': [25, 25, 'tcp'],
  // The module's name says 2456, its ports 2465.
  'smtps-2456-tcp': [2465, 2465, 'tcp'],
  'dns-tcp': [53, 53, 'tcp'],
  'dns-udp': [53, 53, 'udp'],
  'redshift-tcp': [5439, 5439, 'tcp'],
  'vault-tcp': [8200, 8200, 'tcp'],
};

/**
 * Submodules `//modules/<group>` of the security-group module and the rules each opens to
 * `ingress_cidr_blocks` (its auto_ingress_rules default), `[rule, releases]` for a rule the
 * preset gained in a later release: such a rule is opened only when every admitted release has it.
 */
export const SECURITY_GROUP_PRESETS: Readonly<Record<string, ReadonlyArray<string | readonly [string, string]>>> = {
  ssh: ['ssh-tcp'],
  rdp: ['rdp-tcp', ['rdp-udp', '>=1.15.0']],
  mysql: ['mysql-tcp'],
  postgresql: ['postgresql-tcp'],
  mssql: ['mssql-tcp', ['mssql-udp', '>=1.13.0'], ['mssql-analytics-tcp', '>=1.13.0'], ['mssql-broker-tcp', '>=1.13.0']],
  'oracle-db': ['oracle-db-tcp'],
  redis: ['redis-tcp'],
  memcached: ['memcached-tcp'],
  // 2.12.0-2.13.x opened 27017 alone (as mongodb-tcp).
  mongodb: ['mongodb-27017-tcp', ['mongodb-27018-tcp', '>=2.14.0'], ['mongodb-27019-tcp', '>=2.14.0']],
  elasticsearch: ['elasticsearch-rest-tcp', 'elasticsearch-java-tcp'],
  cassandra: ['cassandra-clients-tcp', 'cassandra-thrift-clients-tcp', 'cassandra-jmx-tcp'],
  etcd: ['etcd-client-tcp', 'etcd-peer-tcp'],
  'kubernetes-api': ['kubernetes-api-tcp'],
  ldap: ['ldap-tcp'],
  ldaps: ['ldaps-tcp'],
  nfs: ['nfs-tcp'],
  // 4.13.0 on lists kafka-broker-sasl-scram-tcp twice and not the public SASL/SCRAM rule (9196).
  kafka: [
    'kafka-broker-tcp',
    ['kafka-broker-tls-tcp', '>=3.5.0'],
    ['kafka-jmx-exporter-tcp', '>=3.15.0'],
    ['kafka-node-exporter-tcp', '>=3.15.0'],
    ['kafka-broker-tls-public-tcp', '>=4.13.0'],
    ['kafka-broker-sasl-scram-tcp', '>=4.13.0'],
    ['kafka-broker-sasl-iam-tcp', '>=4.13.0'],
    ['kafka-broker-sasl-iam-public-tcp', '>=4.13.0'],
  ],
  kibana: ['kibana-tcp'],
  winrm: ['winrm-http-tcp', 'winrm-https-tcp'],
  redshift: ['redshift-tcp'],
  smtp: ['smtp-tcp'],
  'http-80': ['http-80-tcp'],
  'https-443': ['https-443-tcp'],
  'http-8080': ['http-8080-tcp'],
  'https-8443': ['https-8443-tcp'],
};

/** Ports of a named rule, or undefined when the name does not say. */
export function namedRule(name: string): readonly [number, number, string] | undefined {
  const known = NAMED_RULES[name];
  if (known) return known;
  const match = /-(\d{1,5})-(tcp|udp)$/.exec(name);
  return match ? [Number(match[1]), Number(match[1]), match[2]!] : undefined;
}
