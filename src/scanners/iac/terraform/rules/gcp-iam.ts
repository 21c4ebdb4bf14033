import type { Block } from '../hcl/ast.js';
import { UNKNOWN, type Value } from '../hcl/evaluate.js';
import { attribute, instancesOfResource, label, referencesBy, resourcesOf, moduleResourcesOf, valueOf, type TfInput, type TfResource } from '../model.js';
import { known, tfRule, type TfRule } from './common.js';
import { entriesOf, entryText, type Entry } from './gcp-shared.js';
import { fieldsOf, fileInstance, sectionsIn, type Instance } from './instances.js';

/** Where a role is granted: the organisation, a folder or a project (every resource in it), one resource, or not known (a policy document not applied in this file). */
type GrantScope = 'organization' | 'folder' | 'project' | 'resource' | 'unknown';

interface Grant {
  /** The IAM resource, or the data google_iam_policy whose binding grants the role. */
  resource: TfResource;
  scopes: ReadonlySet<GrantScope>;
  role: Value | undefined;
  roleLine: number;
  members: Entry[];
}

const IAM_TYPE = /^google_(.+)_iam_(member|binding|policy)$/;

function scopeOfType(type: string): GrantScope {
  const target = IAM_TYPE.exec(type)?.[1];
  return target === 'project' || target === 'folder' || target === 'organization' ? target : 'resource';
}

const WIDE_SCOPES: readonly GrantScope[] = ['organization', 'folder', 'project'];
const isWide = (grant: Grant) => WIDE_SCOPES.some((s) => grant.scopes.has(s));
const scopeName = (grant: Grant) => WIDE_SCOPES.find((s) => grant.scopes.has(s)) ?? 'resource';

const grantsCache = new WeakMap<TfInput, Grant[]>();

/**
 * Every role granted in the file: google_*_iam_member and google_*_iam_binding resources
 * (each instance of a for_each or count on its own), and the bindings of data
 * google_iam_policy documents, whose scope is that of the google_*_iam_policy resources
 * applying them (unknown when none in the file does).
 */
function grants(input: TfInput): Grant[] {
  const cached = grantsCache.get(input);
  if (cached) return cached;
  const out: Grant[] = [];
  const file = fileInstance(input);
  const read = (resource: TfResource, block: Block, instance: Instance, scopes: ReadonlySet<GrantScope>) => {
    const fields = fieldsOf(block, instance);
    const members: Entry[] = [];
    for (const name of ['member', 'members']) {
      const entries = entriesOf(input, attribute(block, name), instance);
      if (entries && entries !== UNKNOWN) members.push(...entries);
    }
    out.push({ resource, scopes, role: fields.get('role'), roleLine: fields.lineOf('role'), members });
  };
  for (const written of input.resources) {
    const kind = IAM_TYPE.exec(written.type)?.[2];
    if (kind !== 'member' && kind !== 'binding') continue;
    const scopes = new Set([scopeOfType(written.type)]);
    // One instance at a time, as resourcesOf gives them.
    for (const resource of instancesOfResource(input, written)) read(resource, resource.block, file, scopes);
  }
  const appliedBy = referencesBy(input, [...new Set(moduleResourcesOf(input).filter((r) => IAM_TYPE.exec(r.type)?.[2] === 'policy').map((r) => r.type))], 'policy_data');
  // A policy document with for_each or count, once per instance (its users: the policies naming that instance).
  for (const policy of input.data.flatMap((d) => (d.type === 'google_iam_policy' ? instancesOfResource(input, d) : []))) {
    const users = appliedBy.get(policy) ?? [];
    const scopes = new Set<GrantScope>(users.length > 0 ? users.map((u) => scopeOfType(u.type)) : ['unknown']);
    for (const binding of sectionsIn(policy.block, 'binding', file)) if (binding.block) read(policy, binding.block, binding.instance, scopes);
  }
  grantsCache.set(input, out);
  return out;
}

const PUBLIC_MEMBERS = new Set(['allusers', 'allauthenticatedusers']);
const isPublicMember = (member: Value | undefined) => typeof member === 'string' && PUBLIC_MEMBERS.has(member.trim().toLowerCase());
const INVOKER_ROLES = new Set(['roles/run.invoker', 'roles/cloudfunctions.invoker', 'roles/run.servicesinvoker']);
const isInvoker = (role: Value | undefined) => typeof role === 'string' && INVOKER_ROLES.has(role.toLowerCase());

/** Other values one finding names, past which it says how many more. */
const OTHERS_NAMED = 3;

/**
 * What one finding adds about the other values its line takes (the instances of a
 * for_each or count share their lines): ` ${lead} a, b, c and 2 more such roles too.`,
 * or nothing when there are none.
 */
function alsoNamed(lead: string, others: readonly string[], noun: string): string {
  if (others.length === 0) return '';
  const more = others.length - OTHERS_NAMED;
  return ` ${lead} ${others.slice(0, OTHERS_NAMED).join(', ')}${more > 0 ? ` and ${more} more such ${noun}${more === 1 ? '' : 's'}` : ''} too.`;
}

const roleText = (role: Value | undefined) => (typeof role === 'string' ? role : 'a role');

/**
 * Reports the member entries `pick` selects once per line: the first one's message, and
 * the other members the line names that `pick` selects too (the instances of a for_each
 * or count over a list of members, or a list read from a variable), which it would
 * otherwise hide (`[0]` allUsers hiding `[1]` allAuthenticatedUsers), with their roles
 * when these differ from the first's.
 */
function* memberHits(input: TfInput, pick: (grant: Grant, member: Entry) => string | undefined) {
  interface Picked { grant: Grant; role: string; member: string }
  const byLine = new Map<number, { first: Picked; message: string; others: Picked[] }>();
  for (const grant of grants(input)) {
    for (const member of grant.members) {
      const picked = { grant, role: roleText(grant.role), member: shown(member) };
      const line = byLine.get(member.line);
      const same = (p: Picked) => p.role === picked.role && p.member === picked.member;
      if (line && (same(line.first) || line.others.some(same))) continue;
      const message = pick(grant, member);
      if (!message) continue;
      if (line) line.others.push(picked);
      else byLine.set(member.line, { first: picked, message, others: [] });
    }
  }
  for (const [line, { first, message, others }] of byLine) {
    const oneRole = others.every((o) => o.role === first.role);
    const own = others.every((o) => o.grant.resource === first.grant.resource);
    const lead = `${own ? 'It grants' : others.some((o) => o.grant.resource === first.grant.resource) ? 'It and its other instances grant' : 'Its other instances grant'}${oneRole ? ' it to' : ''}`;
    const named = others.map((o) => (oneRole ? o.member : `${o.role} to ${o.member}`));
    yield { line, message: `${message}${alsoNamed(lead, named, oneRole ? 'member' : 'grant')}`, resource: label(first.grant.resource) };
  }
}

/** BigQuery access entries and Cloud Storage ACL entries that name everyone. */
function* publicEntries(input: TfInput) {
  const file = fileInstance(input);
  for (const dataset of resourcesOf(input, 'google_bigquery_dataset')) {
    for (const access of sectionsIn(dataset.block, 'access', file)) {
      for (const key of ['special_group', 'iam_member']) {
        const value = access.get(key);
        if (isPublicMember(value)) yield { line: access.lineOf(key), message: `${label(dataset)} gives ${String(value)} ${String(access.get('role') ?? 'access')} on the dataset.`, resource: label(dataset) };
      }
    }
  }
  for (const entry of resourcesOf(input, 'google_bigquery_dataset_access')) {
    for (const key of ['special_group', 'iam_member']) {
      const value = valueOf(input, entry.block, key);
      if (isPublicMember(value)) yield { line: attribute(entry.block, key)!.line, message: `${label(entry)} gives ${String(value)} access to the dataset.`, resource: label(entry) };
    }
  }
  for (const acl of resourcesOf(input, 'google_storage_bucket_acl', 'google_storage_object_acl', 'google_storage_default_object_acl')) {
    const predefined = valueOf(input, acl.block, 'predefined_acl');
    if (typeof predefined === 'string' && /^(?:publicRead|publicReadWrite|authenticatedRead)$/i.test(predefined))
      yield { line: attribute(acl.block, 'predefined_acl')!.line, message: `${label(acl)} applies the ${predefined} ACL.`, resource: label(acl) };
    const entries = entriesOf(input, attribute(acl.block, 'role_entity'), file);
    for (const entry of entries && entries !== UNKNOWN ? entries : []) {
      if (typeof entry.value === 'string' && /:(?:allUsers|allAuthenticatedUsers)$/i.test(entry.value.trim())) yield { line: entry.line, message: `${label(acl)} grants ${entry.value}.`, resource: label(acl) };
    }
  }
  for (const control of resourcesOf(input, 'google_storage_bucket_access_control', 'google_storage_object_access_control', 'google_storage_default_object_access_control')) {
    const entity = valueOf(input, control.block, 'entity');
    if (isPublicMember(entity)) yield { line: attribute(control.block, 'entity')!.line, message: `${label(control)} grants ${String(valueOf(input, control.block, 'role') ?? 'access')} to ${String(entity)}.`, resource: label(control) };
  }
}

const publicAccess: TfRule = tfRule({
  id: 'iac/tf-gcp-public-access',
  title: 'Resource shared with everyone (allUsers or allAuthenticatedUsers)',
  description:
    'An IAM grant (a google_*_iam_member or _binding, or a binding of a google_iam_policy document), a BigQuery dataset access entry or a Cloud Storage ACL gives a role to allUsers (anyone on the internet, without signing in) or allAuthenticatedUsers (anyone with any Google account, which is no restriction at all). Buckets, datasets, KMS keys, secrets, topics and images shared that way are read, and with a write role altered, by strangers. Invoker roles on Cloud Run and Cloud Functions are left to iac/tf-gcp-serverless-public-invoker.',
  remediation: 'Grant the role to the groups, service accounts or domain that need it. For public website content, serve a dedicated bucket through a load balancer or CDN and keep everything else private; enforce public access prevention and the iam.allowedPolicyMemberDomains organisation policy.',
  severity: 'high',
  cwe: ['CWE-732'],
  examples: {
    positive: [
      'resource "google_storage_bucket_iam_member" "public" {\n  bucket = google_storage_bucket.reports.name\n  role   = "roles/storage.objectViewer"\n  # expect\n  member = "allUsers"\n}\n',
      'resource "google_bigquery_dataset" "sales" {\n  dataset_id = "sales"\n  access {\n    role          = "READER"\n    # expect\n    special_group = "allAuthenticatedUsers"\n  }\n}\n',
      'data "google_iam_policy" "key" {\n  binding {\n    role = "roles/cloudkms.cryptoKeyDecrypter"\n    members = [\n      "group:ops@example.org",\n      # expect\n      "allAuthenticatedUsers",\n    ]\n  }\n}\n\nresource "google_kms_crypto_key_iam_policy" "key" {\n  crypto_key_id = google_kms_crypto_key.key.id\n  policy_data   = data.google_iam_policy.key.policy_data\n}\n',
      'resource "google_storage_bucket_acl" "site" {\n  bucket = google_storage_bucket.site.name\n  # expect\n  predefined_acl = "publicRead"\n}\n',
    ],
    negative: [
      'resource "google_storage_bucket_iam_member" "ci" {\n  bucket = google_storage_bucket.reports.name\n  role   = "roles/storage.objectViewer"\n  member = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"\n}\n',
      'resource "google_cloud_run_v2_service_iam_member" "web" {\n  name   = google_cloud_run_v2_service.web.name\n  role   = "roles/run.invoker"\n  member = "allUsers"\n}\n',
    ],
  },
  *check(input) {
    yield* memberHits(input, (grant, member) => (isPublicMember(member.value) && !isInvoker(grant.role) ? `${label(grant.resource)} grants ${roleText(grant.role)} to ${String(member.value)}${grant.scopes.has('resource') || grant.scopes.has('unknown') ? '' : ` on the whole ${scopeName(grant)}`}.` : undefined));
    // The elements of a dynamic access block share its lines.
    const seen = new Set<number>();
    for (const hit of publicEntries(input)) {
      if (seen.has(hit.line)) continue;
      seen.add(hit.line);
      yield hit;
    }
  },
});

const publicInvoker: TfRule = tfRule({
  id: 'iac/tf-gcp-serverless-public-invoker',
  title: 'Cloud Run service or Cloud Function callable by anyone',
  description: 'roles/run.invoker or roles/cloudfunctions.invoker is granted to allUsers or allAuthenticatedUsers, so Google does not authenticate callers: anyone on the internet can call the service, run up its bill and reach every code path it exposes. This is right for a public website or a webhook that checks its own signatures, and wrong for an internal API or a function meant to be called by other services.',
  remediation: 'Grant the invoker role to the service accounts that call the service; for browser traffic put it behind a load balancer with Identity-Aware Proxy. If the service is meant to be public, authenticate requests in the code and mark the grant with a secloop-ignore comment.',
  severity: 'low',
  confidence: 'low',
  cwe: ['CWE-306'],
  examples: {
    positive: ['resource "google_cloudfunctions2_function_iam_member" "invoker" {\n  cloud_function = google_cloudfunctions2_function.sync.name\n  role           = "roles/cloudfunctions.invoker"\n  # expect\n  member         = "allUsers"\n}\n'],
    negative: ['resource "google_cloud_run_v2_service_iam_member" "invoker" {\n  name   = google_cloud_run_v2_service.api.name\n  role   = "roles/run.invoker"\n  member = "serviceAccount:${google_service_account.scheduler.email}"\n}\n'],
  },
  *check(input) {
    yield* memberHits(input, (grant, member) => (isPublicMember(member.value) && isInvoker(grant.role) ? `${label(grant.resource)} lets ${String(member.value)} call the service (${String(grant.role)}).` : undefined));
  },
});

const IMPERSONATION_ROLES = new Set(['roles/iam.serviceaccountuser', 'roles/iam.serviceaccounttokencreator']);

/**
 * Grants of a role `accept` picks, where `scopeOk` says (a project, folder or organisation,
 * or a policy document applied to one), once per role line: the first grant's message,
 * and the other roles that the line grants (the instances of a for_each or count over a
 * list of roles), which it would otherwise hide (`[0]` cloudkms.admin hiding `[5]`
 * resourcemanager.projectIamAdmin).
 */
function* roleHits(input: TfInput, accept: (grant: Grant, role: string) => string | undefined, scopeOk: (grant: Grant) => boolean = isWide) {
  const byLine = new Map<number, { grant: Grant; message: string; roles: string[] }>();
  for (const grant of grants(input)) {
    if (typeof grant.role !== 'string' || !scopeOk(grant)) continue;
    const first = byLine.get(grant.roleLine);
    if (first && first.roles.includes(grant.role)) continue;
    const message = accept(grant, grant.role);
    if (!message) continue;
    if (first) first.roles.push(grant.role);
    else byLine.set(grant.roleLine, { grant, message, roles: [grant.role] });
  }
  for (const [line, { grant, message, roles }] of byLine) {
    yield { line, message: `${message}${alsoNamed('Its other instances grant', roles.slice(1), 'role')}`, resource: label(grant.resource) };
  }
}

const impersonationAtProject: TfRule = tfRule({
  id: 'iac/tf-gcp-iam-impersonation-project-wide',
  title: 'Service Account User or Token Creator granted on a whole project',
  description:
    'roles/iam.serviceAccountUser or roles/iam.serviceAccountTokenCreator is granted at project, folder or organisation level, so its members can act as, or mint tokens for, every service account in it, present and future, including the most privileged ones (the Compute Engine default account has Editor). That is a privilege escalation path to the highest role any service account holds (CIS GCP 1.6). A grant whose members are all Google-managed service agents (service-...@gcp-sa-..., or the address a google_project_service_identity gives) is not reported: Pub/Sub needs Token Creator on the project for authenticated push, and no one can act as an agent.',
  remediation: 'Grant these roles on the individual service accounts that a member needs to use (google_service_account_iam_member), not on the project.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "google_project_iam_member" "deployer" {\n  project = "app-123456"\n  # expect\n  role    = "roles/iam.serviceAccountUser"\n  member  = "group:deployers@example.org"\n}\n',
      'resource "google_folder_iam_binding" "tokens" {\n  folder  = "folders/123456789012"\n  # expect\n  role    = "roles/iam.serviceAccountTokenCreator"\n  members = ["serviceAccount:ci@app-123456.iam.gserviceaccount.com"]\n}\n',
    ],
    negative: [
      'resource "google_service_account_iam_member" "deployer" {\n  service_account_id = google_service_account.runtime.name\n  role               = "roles/iam.serviceAccountUser"\n  member             = "group:deployers@example.org"\n}\n',
      // The Pub/Sub service agent, which authenticated push subscriptions need to hold Token Creator on the project.
      'resource "google_project_service_identity" "pubsub" {\n  provider = google-beta\n  project  = "app-123456"\n  service  = "pubsub.googleapis.com"\n}\n\nresource "google_project_iam_binding" "pubsub_tokens" {\n  project = "app-123456"\n  role    = "roles/iam.serviceAccountTokenCreator"\n  members = ["serviceAccount:${google_project_service_identity.pubsub.email}"]\n}\n',
      'resource "google_project_iam_member" "pubsub_tokens" {\n  project = "app-123456"\n  role    = "roles/iam.serviceAccountTokenCreator"\n  member  = "serviceAccount:service-${data.google_project.app.number}@gcp-sa-pubsub.iam.gserviceaccount.com"\n}\n',
    ],
  },
  *check(input) {
    yield* roleHits(input, (grant, role) => {
      if (!IMPERSONATION_ROLES.has(role.toLowerCase())) return undefined;
      // Google-managed service agents need these roles for features such as authenticated Pub/Sub push; no one acts as them.
      if (grant.members.length > 0 && grant.members.every(isServiceAgent)) return undefined;
      return `${label(grant.resource)} grants ${role} on the whole ${scopeName(grant)}: its members can act as every service account in it.`;
    });
  },
});

const BASIC_ROLES = new Set(['roles/owner', 'roles/editor']);
const isBasic = (role: string) => BASIC_ROLES.has(role.toLowerCase());
/** A member as the message shows it: its value, or the start of a template followed by an ellipsis. */
const shown = (member: Entry) => (typeof member.value === 'string' ? member.value : (member.source ?? `${member.prefix ?? ''}…`));
/** Service account members: the basic-role rule leaves them to the service account rule. */
const isServiceAccount = (member: Entry) => /^serviceAccount:/i.test(entryText(member)?.trim() ?? '');
/**
 * Google-managed service agents (service-PROJECT_NUMBER@gcp-sa-....iam.gserviceaccount.com,
 * the Google APIs agent ...@cloudservices.gserviceaccount.com): no one holds their keys or
 * can impersonate them, and some features need them to hold administrator roles. The
 * project number is often computed (`service-${...project_number}@gcp-sa-...`): the
 * member's shape is enough.
 */
const isServiceAgent = (member: Entry) =>
  /^serviceAccount:(?:service-[^@]*@|[^@]*@cloudservices\.gserviceaccount\.com$)/i.test((typeof member.value === 'string' ? member.value : member.shape)?.trim() ?? '') || SERVICE_AGENT_REFERENCE.test(member.source?.trim() ?? '');
/**
 * A member written as the address of a service agent that a resource or data source gives:
 * google_project_service_identity (its email, or its member), the Cloud Storage agent
 * (data.google_storage_project_service_account) or the BigQuery one (data.google_bigquery_default_service_account).
 */
const SERVICE_AGENT_REFERENCE =
  /^(?:"serviceAccount:\$\{\s*(?:google_project_service_identity\.[\w-]+(?:\[[^\]]*\])?\.email|data\.google_storage_project_service_account\.[\w-]+(?:\[[^\]]*\])?\.email_address|data\.google_bigquery_default_service_account\.[\w-]+(?:\[[^\]]*\])?\.email)\s*\}"|(?:google_project_service_identity|data\.google_storage_project_service_account|data\.google_bigquery_default_service_account)\.[\w-]+(?:\[[^\]]*\])?\.member)$/;
/** roles/owner, roles/editor, and predefined or custom roles named as administrator roles (roles/container.admin, roles/iam.securityAdmin). */
const isAdminRole = (role: string) => isBasic(role) || /(?:\.|\/)[a-z]*admin(?:\.v\d+)?$/i.test(role);

/**
 * Grants on a project, folder or organisation, and grants of a basic role in a policy
 * document that this file does not apply: basic roles are granted on projects, folders
 * and organisations, so that is where such a document goes.
 */
const atProjectLevel = (grant: Grant) => isWide(grant) || (grant.scopes.has('unknown') && typeof grant.role === 'string' && isBasic(grant.role));
const whereGranted = (grant: Grant) => (isWide(grant) ? `the whole ${scopeName(grant)}` : 'a project-level policy');

const basicRole: TfRule = tfRule({
  id: 'iac/tf-gcp-iam-basic-role',
  title: 'Owner or Editor role granted to people on a whole project',
  description:
    'roles/owner or roles/editor (basic roles) is granted to a user, a group or a whole domain at project, folder or organisation level (or in a google_iam_policy document that this file does not apply: basic roles are granted on projects, folders and organisations). Editor can read and change almost every resource of every service in the project, Owner can also change IAM: one phished account or one careless script then affects everything. Google recommends predefined roles that fit the job instead of basic roles.',
  remediation: 'Grant predefined roles for the services each group works with (roles/compute.instanceAdmin.v1, roles/cloudsql.editor...), keep Owner to a break-glass group, and use privileged access manager for temporary elevation.',
  severity: 'medium',
  confidence: 'medium',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "google_project_iam_member" "dev" {\n  project = "app-123456"\n  # expect\n  role    = "roles/editor"\n  member  = "user:dev@example.org"\n}\n',
      'data "google_iam_policy" "project" {\n  binding {\n    # expect\n    role    = "roles/owner"\n    members = ["group:platform@example.org"]\n  }\n}\n\nresource "google_project_iam_policy" "project" {\n  project     = "app-123456"\n  policy_data = data.google_iam_policy.project.policy_data\n}\n',
    ],
    negative: [
      'resource "google_project_iam_member" "dev" {\n  project = "app-123456"\n  role    = "roles/viewer"\n  member  = "user:dev@example.org"\n}\n',
      'resource "google_project_iam_member" "ci" {\n  project = "app-123456"\n  role    = "roles/editor"\n  member  = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"\n}\n',
    ],
  },
  *check(input) {
    yield* roleHits(input, (grant, role) => {
      const people = grant.members.filter((m) => /^(?:user|group|domain):/i.test(entryText(m)?.trim() ?? ''));
      return isBasic(role) && people.length > 0 ? `${label(grant.resource)} grants ${role} on ${whereGranted(grant)} to ${people.map(shown).join(', ')}.` : undefined;
    }, atProjectLevel);
  },
});

const serviceAccountAdmin: TfRule = tfRule({
  id: 'iac/tf-gcp-iam-service-account-admin',
  title: 'Service account granted an administrator role on a whole project',
  description:
    'A service account is granted roles/owner, roles/editor or an administrator role (roles/*.admin, roles/*Admin) at project, folder or organisation level. Service accounts run code, and their keys and tokens leak through CI logs, metadata servers and compromised workloads; whoever obtains them controls the project or the service the role administers (CIS GCP 1.5). Basic roles in a google_iam_policy document that this file does not apply are reported too: they are granted on projects, folders and organisations. Google-managed service agents (service-...@gcp-sa-...) are not reported.',
  remediation: 'Give the service account predefined roles that cover only what its workload does, on the resources it works on; for Terraform deployers, split the permissions per project and prefer short-lived impersonation to keys.',
  severity: 'high',
  cwe: ['CWE-269'],
  examples: {
    positive: [
      'resource "google_project_iam_member" "ci" {\n  project = "app-123456"\n  # expect\n  role    = "roles/editor"\n  member  = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"\n}\n',
      'resource "google_project_iam_binding" "gke" {\n  project = "app-123456"\n  # expect\n  role    = "roles/container.admin"\n  members = ["serviceAccount:${google_service_account.deploy.email}"]\n}\n',
      'data "google_iam_policy" "admin" {\n  binding {\n    # expect\n    role    = "roles/owner"\n    members = ["serviceAccount:ops@app-123456.iam.gserviceaccount.com"]\n  }\n}\n',
    ],
    negative: [
      'resource "google_project_iam_member" "ci" {\n  project = "app-123456"\n  role    = "roles/storage.objectViewer"\n  member  = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"\n}\n',
      'resource "google_storage_bucket_iam_member" "ci" {\n  bucket = google_storage_bucket.artifacts.name\n  role   = "roles/storage.admin"\n  member = "serviceAccount:ci@app-123456.iam.gserviceaccount.com"\n}\n',
      'resource "google_project_iam_member" "kms_agent" {\n  project = google_project.app.project_id\n  role    = "roles/cloudkms.admin"\n  member  = "serviceAccount:service-${google_project.app.number}@gcp-sa-cloudkms.iam.gserviceaccount.com"\n}\n',
    ],
  },
  *check(input) {
    yield* roleHits(
      input,
      (grant, role) => {
        const accounts = grant.members.filter((m) => isServiceAccount(m) && !isServiceAgent(m));
        return isAdminRole(role) && accounts.length > 0 ? `${label(grant.resource)} grants ${role} on ${whereGranted(grant)} to ${accounts.map(shown).join(', ')}.` : undefined;
      },
      atProjectLevel,
    );
  },
});

const personalAccount: TfRule = tfRule({
  id: 'iac/tf-gcp-iam-personal-account',
  title: 'Personal Gmail account granted access',
  description: 'An IAM grant names a consumer Google account (user:...@gmail.com or @googlemail.com). The organisation does not manage such accounts: it cannot enforce two-step verification or password rules on them, see their sign-ins, or disable them when their owner leaves, so the access outlives the job (CIS GCP 1.1).',
  remediation: 'Grant access to corporate identities managed in Cloud Identity or Google Workspace (preferably groups), and restrict members with the iam.allowedPolicyMemberDomains organisation policy.',
  severity: 'medium',
  cwe: ['CWE-284'],
  examples: {
    positive: ['resource "google_project_iam_binding" "viewers" {\n  project = "app-123456"\n  role    = "roles/viewer"\n  members = [\n    "group:viewers@example.org",\n    # expect\n    "user:someone@gmail.com",\n  ]\n}\n'],
    negative: ['resource "google_project_iam_binding" "viewers" {\n  project = "app-123456"\n  role    = "roles/viewer"\n  members = ["user:someone@example.org"]\n}\n'],
  },
  *check(input) {
    yield* memberHits(input, (grant, member) => (typeof member.value === 'string' && /^user:[^@\s]+@(?:gmail|googlemail)\.com$/i.test(member.value.trim()) ? `${label(grant.resource)} grants ${roleText(grant.role)} to the personal account ${member.value.trim().slice(5)}.` : undefined));
  },
});

const serviceAccountKey: TfRule = tfRule({
  id: 'iac/tf-gcp-service-account-key',
  title: 'User-managed service account key',
  description: 'google_service_account_key creates a long-lived key for a service account. Unless a public key is uploaded, Google generates the private key and Terraform writes it to the state, where everyone who can read the state can use it; keys do not expire by default and are the most common way service accounts are taken over (CIS GCP 1.4).',
  remediation: 'Use keyless authentication: attached service accounts on Google Cloud, Workload Identity for GKE, Workload Identity Federation for CI and other clouds, and impersonation for people. Enforce iam.disableServiceAccountKeyCreation.',
  severity: 'medium',
  cwe: ['CWE-522'],
  examples: {
    positive: ['# expect\nresource "google_service_account_key" "ci" {\n  service_account_id = google_service_account.ci.name\n}\n'],
    negative: ['resource "google_service_account" "ci" {\n  account_id = "ci"\n}\n'],
  },
  *check(input) {
    for (const key of resourcesOf(input, 'google_service_account_key')) {
      const uploaded = attribute(key.block, 'public_key_data') !== undefined;
      yield { line: key.block.line, message: `${label(key)} creates a user-managed service account key${uploaded ? ' from an uploaded public key' : ', whose private key is written to the Terraform state'}.`, resource: label(key) };
    }
  },
});

const auditExemptions: TfRule = tfRule({
  id: 'iac/tf-gcp-audit-log-exemptions',
  title: 'Members exempted from audit logging',
  description: 'An audit configuration lists exempted_members: their data reads and writes (or admin reads) are not recorded in Cloud Audit Logs. If one of these identities is compromised or misused, nothing shows what it read or changed (CIS GCP 2.1).',
  remediation: 'Remove exempted_members; reduce log volume with exclusion filters on the log sink or bucket instead, which keep the choice visible and reversible.',
  severity: 'low',
  cwe: ['CWE-778'],
  examples: {
    positive: ['resource "google_project_iam_audit_config" "all" {\n  project = "app-123456"\n  service = "allServices"\n  audit_log_config {\n    log_type = "DATA_READ"\n    exempted_members = [\n      # expect\n      "user:batch@example.org",\n    ]\n  }\n}\n'],
    negative: ['resource "google_project_iam_audit_config" "all" {\n  project = "app-123456"\n  service = "allServices"\n  audit_log_config {\n    log_type = "DATA_READ"\n  }\n  audit_log_config {\n    log_type = "DATA_WRITE"\n  }\n}\n'],
  },
  *check(input) {
    const file = fileInstance(input);
    const seen = new Set<number>();
    const report = function* (owner: TfResource, config: Block, instance: Instance) {
      const entries = entriesOf(input, attribute(config, 'exempted_members'), instance);
      for (const entry of entries && entries !== UNKNOWN ? entries : []) {
        if (!known(entry.value) || seen.has(entry.line)) continue;
        seen.add(entry.line);
        yield { line: entry.line, message: `${label(owner)} exempts ${String(entry.value)} from ${String(fieldsOf(config, instance).get('log_type') ?? 'audit')} logging.`, resource: label(owner) };
      }
    };
    for (const resource of resourcesOf(input, 'google_project_iam_audit_config', 'google_folder_iam_audit_config', 'google_organization_iam_audit_config')) {
      for (const config of sectionsIn(resource.block, 'audit_log_config', file)) if (config.block) yield* report(resource, config.block, config.instance);
    }
    for (const policy of input.data.flatMap((d) => (d.type === 'google_iam_policy' ? instancesOfResource(input, d) : []))) {
      for (const audit of sectionsIn(policy.block, 'audit_config', file)) {
        if (!audit.block) continue;
        for (const config of sectionsIn(audit.block, 'audit_log_configs', audit.instance)) if (config.block) yield* report(policy, config.block, config.instance);
      }
    }
  },
});

export const gcpIamRules: readonly TfRule[] = [publicAccess, publicInvoker, impersonationAtProject, basicRole, serviceAccountAdmin, personalAccount, serviceAccountKey, auditExemptions];
