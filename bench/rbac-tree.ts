// The generated RBAC that the who-can and audit benchmarks share: per namespace its
// ServiceAccounts, Roles and RoleBindings, and the cluster-scoped ClusterRoles (some aggregated)
// and ClusterRoleBindings. Sizes come from the bench; the shapes (wildcards, resourceNames,
// name-restricted reads, bindings to roles that are gone, whole-namespace ServiceAccount groups)
// are the same for both, so their figures describe the same kind of cluster.

export interface RbacShape {
  namespaces: number;
  rolesPerNs: number;
  bindingsPerNs: number;
  sasPerNs: number;
  clusterRoles: number;
  clusterRoleBindings: number;
  aggregated: number;
  /** Distinct user and group names bindings draw from. */
  users: number;
  teams: number;
  ns: (i: number) => string;
}

/** The RBAC of a shape in words, for a benchmark's heading. */
export function describeRbac(s: RbacShape): string {
  return `${s.namespaces * s.bindingsPerNs} RoleBindings, ${s.namespaces * s.rolesPerNs} Roles, ${s.clusterRoles} ClusterRoles (${s.aggregated} aggregated), ${s.clusterRoleBindings} ClusterRoleBindings, ${s.namespaces * s.sasPerNs} ServiceAccounts`;
}

export function roleRules(i: number): string {
  switch (i % 5) {
    case 0: return `- apiGroups: [""]\n  resources: [secrets]\n  verbs: [get, list, watch]\n`;
    case 1: return `- apiGroups: [""]\n  resources: [secrets]\n  resourceNames: [secret-${i % 7}]\n  verbs: [get]\n`;
    case 2: return `- apiGroups: [""]\n  resources: [pods, pods/exec, pods/log]\n  verbs: [get, create]\n- apiGroups: [apps]\n  resources: [deployments]\n  verbs: [get, list, update]\n`;
    case 3: return `- apiGroups: [""]\n  resources: [configmaps, services]\n  verbs: ["*"]\n`;
    default: return `- apiGroups: ["*"]\n  resources: ["*/status"]\n  verbs: [get, patch]\n`;
  }
}

function subject(s: RbacShape, n: number, b: number): string {
  switch (b % 5) {
    case 0: return `- kind: ServiceAccount\n  name: sa-${b % s.sasPerNs}\n`; // namespace defaulted
    case 1: return `- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: user-${(n * 7 + b) % s.users}\n`;
    case 2: return `- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: team-${(n + b) % s.teams}\n`;
    // One namespace in ten lets every one of its ServiceAccounts in: broad when the role reads Secrets.
    case 3: return n % 10 === 0 && b === 3 ? `- kind: Group\n  apiGroup: rbac.authorization.k8s.io\n  name: system:serviceaccounts:${s.ns(n)}\n` : `- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: dev-${b}\n`;
    default: return `- kind: ServiceAccount\n  name: sa-${b % s.sasPerNs}\n  namespace: ${s.ns((n + 1) % s.namespaces)}\n`;
  }
}

/** ServiceAccounts, Roles and RoleBindings of namespace `n`, one YAML document each. */
export function namespaceRbac(s: RbacShape, n: number): string[] {
  const name = s.ns(n);
  const docs: string[] = [];
  for (let a = 0; a < s.sasPerNs; a++) docs.push(`apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${a}\n  namespace: ${name}\n`);
  for (let r = 0; r < s.rolesPerNs; r++) docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${r}\n  namespace: ${name}\nrules:\n${roleRules(n + r)}`);
  for (let b = 0; b < s.bindingsPerNs; b++) {
    // Most bindings reference a namespace Role, some a ClusterRole, a few a role that is gone.
    const ref = b % 10 < 6 ? `kind: Role\n  name: role-${b % s.rolesPerNs}` : b % 10 < 9 ? `kind: ClusterRole\n  name: cr-${(n * 13 + b) % s.clusterRoles}` : `kind: Role\n  name: deleted-${b}`;
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb-${b}\n  namespace: ${name}\n  labels:\n    team: team-${b % 17}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  ${ref}\nsubjects:\n${subject(s, n, b)}${subject(s, n, b + 1)}`);
  }
  return docs;
}

/** The cluster-scoped file: ClusterRoles (the first `aggregated` ones aggregate the rest) and ClusterRoleBindings. */
export function clusterRbac(s: RbacShape): string {
  const docs: string[] = [];
  for (let c = 0; c < s.clusterRoles; c++) {
    if (c < s.aggregated) docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-${c}\naggregationRule:\n  clusterRoleSelectors:\n  - matchLabels:\n      aggregate-to: agg-${c}\nrules: null\n`);
    else docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-${c}\n  labels:\n    aggregate-to: agg-${c % s.aggregated}\nrules:\n${roleRules(c)}`);
  }
  for (let b = 0; b < s.clusterRoleBindings; b++) {
    const subj = b % 3 === 0 ? `- kind: ServiceAccount\n  name: sa-${b % s.sasPerNs}\n  namespace: ${s.ns(b % s.namespaces)}\n` : `- kind: User\n  apiGroup: rbac.authorization.k8s.io\n  name: admin-${b}\n`;
    docs.push(`apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb-${b}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cr-${(b * 7) % s.clusterRoles}\nsubjects:\n${subj}`);
  }
  return docs.join('---\n');
}
