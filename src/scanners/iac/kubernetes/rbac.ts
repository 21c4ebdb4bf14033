/**
 * What the Roles and ClusterRoles of a manifest (and the permissions of an OLM
 * ClusterServiceVersion) grant, read rule by rule, and who the bindings of the same
 * manifest, or of the other manifests of its directory (rbac-bindings.ts), grant them to:
 * shared by the RBAC rules of rules.ts and rbac-escalation-rules.ts.
 */
import { get, isYMap, items, pair, text, type YMap, type YNode } from '../yaml/tree.js';
import { objectLabel, subjectAccount, type KubeInput, type KubeObject } from './model.js';

/** The scalar entries of a YAML list (`["get", "list"]`), skipping anything else. */
export function strings(node: YNode | null | undefined): string[] {
  return items(node).flatMap((item) => {
    const value = text(item);
    return value === undefined ? [] : [value];
  });
}

/** `a`, `a and b`, `a, b and c`. */
export function wordList(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** One entry of a Role's or ClusterRole's `rules:`. */
export interface RbacRule {
  object: KubeObject;
  node: YMap;
  verbs: string[];
  resources: string[];
  apiGroups: string[];
  line(key: string): number;
}

/**
 * The roles an OLM ClusterServiceVersion asks for (spec.install.spec.clusterPermissions and
 * permissions): OLM creates a ClusterRole (or a Role in the operator's namespace) of each
 * entry's rules and binds it to the entry's service account. Read as such roles, named by the
 * ClusterServiceVersion; the service account OLM binds each to, by role.
 */
const OLM_ACCOUNTS = new WeakMap<KubeObject, string>();

function olmRoles(csv: KubeObject): KubeObject[] {
  if (csv.kind !== 'ClusterServiceVersion' || !/^operators\.coreos\.com\//.test(csv.apiVersion)) return [];
  const install = get(csv.root, 'spec', 'install', 'spec');
  return (['clusterPermissions', 'permissions'] as const).flatMap((key) =>
    items(get(install, key)).flatMap((entry) => {
      if (!isYMap(entry)) return [];
      const account = text(get(entry, 'serviceAccountName')) ?? '(unnamed)';
      const role: KubeObject = {
        kind: key === 'clusterPermissions' ? 'ClusterRole' : 'Role',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        name: `${csv.name}:${key}:${account}`,
        ...(csv.namespace !== undefined ? { namespace: csv.namespace } : {}),
        root: entry,
        line: entry.line,
        label: `ClusterServiceVersion/${csv.name} ${key} of service account ${account}`,
      };
      OLM_ACCOUNTS.set(role, `${csv.namespace ?? '(namespace of the operator)'}/${account}`);
      return [role];
    }),
  );
}

export function* rbacRules(input: KubeInput): Generator<RbacRule> {
  for (const object of input.objects.flatMap((o) => [o, ...olmRoles(o)])) {
    if (object.kind !== 'Role' && object.kind !== 'ClusterRole') continue;
    // An aggregating ClusterRole's rules are the union of the ClusterRoles its selectors match, which the
    // controller writes over whatever the manifest says (`rules: []`): they are judged where those roles are written.
    if (isAggregating(object)) continue;
    for (const item of items(get(object.root, 'rules'))) {
      if (!isYMap(item)) continue;
      yield {
        object,
        node: item,
        verbs: strings(get(item, 'verbs')),
        resources: strings(get(item, 'resources')),
        apiGroups: strings(get(item, 'apiGroups')),
        line: (key) => pair(item, key)?.keyLine ?? item.line,
      };
    }
  }
}

/**
 * RoleBindings and ClusterRoleBindings of the input that refer to this Role or ClusterRole,
 * and those of the aggregating ClusterRoles of the input whose selectors pick it (whose
 * rules include its own: knative's controller is bound to an aggregating admin role that
 * gathers the rules of ClusterRoles labelled for it), and those of the aggregating ClusterRoles of
 * other manifests of its directory or of one above it (input.scanAggregators), bound in their own
 * directory. Such a binding is named with the role it binds.
 */
export function bindingsOf(input: KubeInput, role: KubeObject, depth = 0): KubeObject[] {
  const direct = directBindingsOf([...input.objects, ...(input.scanBindings ?? [])], role);
  if (role.kind !== 'ClusterRole' || depth > 3) return direct;
  const named = (aggregating: KubeObject) => (b: KubeObject): KubeObject => ({ ...b, label: `${objectLabel(b)} (through ${objectLabel(aggregating)}, which aggregates it)` });
  const through = input.objects.filter((other) => other !== role && isAggregating(other) && aggregates(other, role));
  // Another file's aggregating role is bound by the bindings of its own directory (not followed further: an aggregating role that picks it is its directory's).
  const across = depth === 0 ? (input.scanAggregators ?? []).filter((other) => aggregates(other.role, role)) : [];
  return [
    ...direct,
    ...through.flatMap((aggregating) => bindingsOf(input, aggregating, depth + 1).map(named(aggregating))),
    ...across.flatMap((other) => directBindingsOf(other.bindings, other.role).map(named(other.role))),
  ];
}

/** Whether one of an aggregating ClusterRole's `clusterRoleSelectors` picks this ClusterRole by its labels. */
function aggregates(aggregating: KubeObject, role: KubeObject): boolean {
  const labels = get(role.root, 'metadata', 'labels');
  const label = (key: string) => text(get(labels, key));
  const has = (key: string) => isYMap(labels) && labels.pairs.some((p) => p.key === key);
  return items(get(aggregating.root, 'aggregationRule', 'clusterRoleSelectors')).some((selector) => {
    if (!isYMap(selector)) return false;
    const matchLabels = get(selector, 'matchLabels');
    const expressions = items(get(selector, 'matchExpressions'));
    // An empty selector (every ClusterRole of the cluster) is not followed: it would tie every role of the file to these bindings.
    if (!(isYMap(matchLabels) && matchLabels.pairs.length > 0) && expressions.length === 0) return false;
    if (isYMap(matchLabels) && !matchLabels.pairs.every((p) => label(p.key) !== undefined && label(p.key) === text(p.value))) return false;
    return expressions.every((expression) => {
      const key = text(get(expression, 'key'));
      const values = strings(get(expression, 'values'));
      if (key === undefined) return false;
      switch (text(get(expression, 'operator'))) {
        case 'In':
          return values.includes(label(key) ?? '\0');
        case 'NotIn':
          return !has(key) || !values.includes(label(key) ?? '\0');
        case 'Exists':
          return has(key);
        case 'DoesNotExist':
          return !has(key);
        default:
          return false;
      }
    });
  });
}

function directBindingsOf(objects: readonly KubeObject[], role: KubeObject): KubeObject[] {
  return objects.filter((object) => {
    if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') return false;
    const ref = get(object.root, 'roleRef');
    if (text(get(ref, 'kind')) !== role.kind || text(get(ref, 'name')) !== role.name) return false;
    // A RoleBinding refers to a Role of its own namespace; a namespace left out is set at deploy time.
    return !(role.kind === 'Role' && object.namespace !== undefined && role.namespace !== undefined && object.namespace !== role.namespace);
  });
}

/** Service accounts (`namespace/name`, as subjectAccount says them) that the bindings of this file bind to a Role or ClusterRole of this file. */
export function boundServiceAccounts(input: KubeInput, role: KubeObject): string[] {
  const olm = OLM_ACCOUNTS.get(role);
  if (olm !== undefined) return [olm];
  const out = new Set<string>();
  for (const object of bindingsOf(input, role)) {
    for (const subject of items(get(object.root, 'subjects'))) {
      const account = subjectAccount(object, subject);
      if (account !== undefined) out.add(account);
    }
  }
  return [...out];
}

/**
 * Where a role's grants apply. A Role grants in its namespace; a ClusterRole that the
 * bindings of the input bind only with RoleBindings grants in their namespaces (and
 * nothing on cluster-scoped resources); a ClusterRole bound by a ClusterRoleBinding, or
 * bound by nothing in the input (a ClusterRole is made to be bound cluster-wide), in
 * every namespace and on cluster-scoped resources.
 */
export interface RoleScope {
  scope: 'cluster' | 'namespace';
  /** `, bound cluster-wide by ClusterRoleBinding/x to service account ns/sa`: what the bindings of the input say, for a message. */
  boundNote: string;
}

export function scopeOf(input: KubeInput, role: KubeObject): RoleScope {
  const olm = OLM_ACCOUNTS.get(role);
  if (olm !== undefined) return role.kind === 'Role' ? { scope: 'namespace', boundNote: `, bound in the operator's namespace by OLM to service account ${olm}` } : { scope: 'cluster', boundNote: `, bound cluster-wide by OLM to service account ${olm}` };
  const bindings = bindingsOf(input, role);
  const accounts = boundServiceAccounts(input, role);
  const clusterWide = bindings.filter((b) => b.kind === 'ClusterRoleBinding');
  const scope = role.kind === 'Role' || (bindings.length > 0 && clusterWide.length === 0) ? 'namespace' : 'cluster';
  const named = (clusterWide.length > 0 ? clusterWide : bindings).map(objectLabel);
  const how = bindings.length === 0 ? '' : `, bound ${scope === 'cluster' ? 'cluster-wide' : 'in a namespace'} by ${named.join(', ')}`;
  const to = accounts.length > 0 ? ` to service account ${accounts.join(', ')}` : '';
  return { scope, boundNote: `${how}${how ? to : ''}` };
}

/** A Role in namespace shop named reader with these `rules:` (an example builder). */
export function exampleRole(rules: string, kind = 'Role'): string {
  return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: reader\n  namespace: shop\nrules:\n${rules}`;
}

/** Kubernetes's own roles: system:* (its components and controllers) and the bootstrap user-facing ones (admin, edit, view). */
export function isBuiltIn(role: KubeObject): boolean {
  if (role.name.startsWith('system:')) return true;
  return text(get(role.root, 'metadata', 'labels', 'kubernetes.io/bootstrapping')) === 'rbac-defaults';
}

/**
 * A ClusterRole whose rules the controller adds to admin or edit: what those grant in the
 * namespaces they are bound in (workloads, tokens, exec, port-forward, reading Secrets,
 * impersonating service accounts) it grants nothing more by.
 */
export function aggregatedIntoAdminOrEdit(role: KubeObject): boolean {
  const labels = get(role.root, 'metadata', 'labels');
  return ['admin', 'edit'].some((to) => text(get(labels, `rbac.authorization.k8s.io/aggregate-to-${to}`)) === 'true');
}

/** A ClusterRole with an `aggregationRule`: the clusterrole-aggregation controller sets its rules. */
export function isAggregating(role: KubeObject): boolean {
  return role.kind === 'ClusterRole' && isYMap(get(role.root, 'aggregationRule'));
}

/**
 * The user-facing built-in roles a ClusterRole's rules are added to by its
 * `rbac.authorization.k8s.io/aggregate-to-*` labels: view is aggregated into edit, and edit into admin.
 */
export function aggregatedInto(role: KubeObject): Array<'view' | 'edit' | 'admin'> {
  if (role.kind !== 'ClusterRole') return [];
  const labels = get(role.root, 'metadata', 'labels');
  const to = (name: string) => text(get(labels, `rbac.authorization.k8s.io/aggregate-to-${name}`)) === 'true';
  return to('view') ? ['view', 'edit', 'admin'] : to('edit') ? ['edit', 'admin'] : to('admin') ? ['admin'] : [];
}

/**
 * What a finding on a ClusterRole aggregated into a built-in role adds: the grant is not the
 * role's alone but every subject's bound to view, edit or admin, in each namespace they are bound in.
 */
export function aggregationNote(role: KubeObject, secrets = false): string {
  const into = aggregatedInto(role);
  if (into.length === 0) return '';
  // view is the role handed to every reader of a namespace, and it keeps Secrets out on purpose.
  const view = into[0] === 'view' && secrets ? ', which excludes Secrets by design' : '';
  return ` (aggregated into the built-in ${into[0]} role${view}: every subject bound to ${into.length === 3 ? 'view, edit or admin' : into.join(' or ')} gets this, in each namespace it is bound in)`;
}

/** The example role under another name and labels (metadata lines indented by 2). */
export function renamed(manifest: string, name: string, labels = ''): string {
  return manifest.replace('  name: reader\n  namespace: shop\n', `  name: ${name}\n${labels ? `  labels:\n${labels}` : ''}`);
}
